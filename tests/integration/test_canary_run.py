"""A whole notification run with marker values, searched for on disk.

Customers whose names, emails, addresses, cities, phones and customer ids
hold unique markers go through the background jobs of a real worker:
import, match, assess, notify and send to a local SMTP server. Then every
place the run writes to (database, broker, logs, reports, the evidence
bundle) is searched for every marker in every encoding that
``tocsin.testing.canary.find_markers`` searches for.
"""

import json
import logging
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from click.testing import CliRunner
from django.db import connection
from pytest_django.fixtures import Settings

from tests.conftest import complete_handoff, confirm_company, write_csv
from tests.integration.conftest import captured_logs, database_rows
from tocsin.assessment.tasks import assess_incident_job
from tocsin.audit.signing import ensure_signing_key
from tocsin.cli import main
from tocsin.delivery.progress import wait_for_delivery
from tocsin.delivery.tasks import start_notification_job
from tocsin.incidents.jobs import create_job, wait_for_job
from tocsin.incidents.models import BackgroundJob, Incident
from tocsin.notices.templates import ensure_default_templates
from tocsin.reconciliation.tasks import import_findings_job
from tocsin.reports.summary import (
    build_summary,
    render_summary_html,
    render_summary_text,
)
from tocsin.sources.tasks import import_customers_job
from tocsin.testing.canary import find_markers, sqlite_files
from tocsin.testing.smtp_sink import RecordingHandler, SmtpSink

CUSTOMERS = 8
# Finding ids are stored in plaintext by design, so finding this one shows
# that a search reads the place where the run's rows landed.
CONTROL = "cnrycontrol"
CUSTOMER_HEADER = (
    "Customer ID,First Name,Last Name,Email,Default Address Address1,"
    "Default Address City,Default Address Province Code,"
    "Default Address Country Code,Default Address Zip,Phone\n"
)
# A row whose email is malformed and that has no postal address is
# rejected: its values must not reach the stored rejection reason.
REJECTED_CUSTOMER = {
    "customer_id": "zqxcanary90cid",
    "first_name": "Zqxcanary90Grace",
    "last_name": "Zqxcanary90Hopper",
    "email": "zqxcanary90mail@@example..com",
}
# A row with a malformed email and phone but a postal address is kept
# with warnings, and its person is owed a notice that email cannot carry.
POSTAL_ONLY_CUSTOMER = {
    "customer_id": "zqxcanary93cid",
    "first_name": "Zqxcanary93Alan",
    "last_name": "Zqxcanary93Turing",
    "email": "zqxcanary93mail@@example..com",
    "address1": "93 Zqxcanary93 Road",
    "city": "Zqxcanary93burg",
    "phone": "zqxcanary93phone",
}
# A row with one cell too many, as when a name contains an unquoted comma.
MISALIGNED_CUSTOMER = "zqxcanary95cid,Zqxcanary95Edsger,Zqxcanary95Dijkstra"
# A finding with a malformed email is rejected, one with an unknown email
# is stored but matches no one, and one whose elements column contains a name
# (a shifted column) is rejected.
REJECTED_FINDING_EMAIL = "zqxcanary91mail@@example..com"
UNMATCHED_FINDING_EMAIL = "zqxcanary92mail@example.com"
SHIFTED_FINDING_NAME = "Zqxcanary94Lovelace"


def customer_values(number: int) -> dict[str, str]:
    """Return one customer's marker values, valid for the importer."""
    return {
        "customer_id": f"zqxcanary{number:02d}cid",
        "first_name": f"Zqxcanary{number:02d}Ada",
        "last_name": f"Zqxcanary{number:02d}Lovelace",
        "email": f"zqxcanary{number:02d}mail@example.com",
        "address1": f"{number + 40} Zqxcanary{number:02d} Street",
        "city": f"Zqxcanary{number:02d}ville",
        # Fictional 555-01xx numbers, stored in E.164 as +1318555014n.
        "phone": f"(318) 555-01{40 + number}",
    }


def phone_markers(phone: str) -> list[str]:
    digits = "".join(c for c in phone if c.isdigit())
    return [phone, f"+1{digits}", digits]


# The SMTP server refuses one customer's address and defers another's once.
REFUSED_EMAIL = customer_values(CUSTOMERS - 2)["email"]
DEFERRED_EMAIL = customer_values(CUSTOMERS - 1)["email"]


def all_markers() -> list[str]:
    markers = [*REJECTED_CUSTOMER.values(), *POSTAL_ONLY_CUSTOMER.values()]
    markers += MISALIGNED_CUSTOMER.split(",")
    markers += [REJECTED_FINDING_EMAIL, UNMATCHED_FINDING_EMAIL, SHIFTED_FINDING_NAME]
    for number in range(CUSTOMERS):
        values = customer_values(number)
        markers += [v for k, v in values.items() if k != "phone"]
        markers += phone_markers(values["phone"])
    return markers


def customers_csv() -> str:
    rows = [CUSTOMER_HEADER]
    for number in range(CUSTOMERS):
        values = customer_values(number)
        rows.append(
            f"{values['customer_id']},{values['first_name']},{values['last_name']},"
            f"{values['email']},{values['address1']},{values['city']},TX,US,78701,"
            f"{values['phone']}\n"
        )
    rejected = REJECTED_CUSTOMER
    rows.append(
        f"{rejected['customer_id']},{rejected['first_name']},"
        f"{rejected['last_name']},{rejected['email']},,,,,,\n"
    )
    postal = POSTAL_ONLY_CUSTOMER
    rows.append(
        f"{postal['customer_id']},{postal['first_name']},{postal['last_name']},"
        f"{postal['email']},{postal['address1']},{postal['city']},TX,US,78701,"
        f"{postal['phone']}\n"
    )
    rows.append(f"{MISALIGNED_CUSTOMER},x@example.com,1 A St,Austin,TX,US,78701,,,\n")
    return "".join(rows)


def findings_csv() -> str:
    rows = ["finding_id,customer_id,email,exposed_elements\n"]
    for number in range(CUSTOMERS):
        values = customer_values(number)
        # Half match by customer id, half by email, so both keys are used.
        key_id = values["customer_id"] if number % 2 else ""
        key_email = "" if number % 2 else values["email"]
        rows.append(f"{CONTROL}-{number},{key_id},{key_email},name;ssn\n")
    rows.append(f"{CONTROL}-91,,{REJECTED_FINDING_EMAIL},name;ssn\n")
    rows.append(f"{CONTROL}-92,,{UNMATCHED_FINDING_EMAIL},name;ssn\n")
    rows.append(f"{CONTROL}-93,{POSTAL_ONLY_CUSTOMER['customer_id']},,name;ssn\n")
    rows.append(f"{CONTROL}-94,{customer_values(0)['customer_id']},,")
    rows.append(f"name;{SHIFTED_FINDING_NAME}\n")
    return "".join(rows)


class RefusingHandler(RecordingHandler):
    """Refuse one recipient for good and defer another once.

    The replies quote the address, as Postfix's do, so the refusal and the
    retry that follows carry the address into the sending code.
    """

    def __init__(self, refused: str, deferred: str) -> None:
        super().__init__()
        self.refused = refused
        self.deferred = deferred
        self.deferrals = 0

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address == self.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address == self.deferred and self.deferrals == 0:
            self.deferrals += 1
            return f"451 4.7.1 <{address}>: Recipient address rejected: Try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[SmtpSink]:
    handler = RefusingHandler(REFUSED_EMAIL, DEFERRED_EMAIL)
    with SmtpSink(handler=handler) as sink:
        monkeypatch.setenv("TOCSIN_SMTP_PORT", str(sink.port))
        settings.EMAIL_PORT = sink.port
        yield sink


@pytest.fixture
def evidence_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = tmp_path / "audit-keys"
    monkeypatch.setenv("TOCSIN_AUDIT_SIGNING_KEY_FILE", str(keys / "key.pem"))
    monkeypatch.setenv("TOCSIN_AUDIT_CHECKPOINT_FILE", str(keys / "checkpoints.jsonl"))
    ensure_signing_key()


def run_job(incident: Incident, kind: str, params: dict, task: Callable) -> dict:
    job = wait_for_job(create_job(incident, kind, params, task), timeout_s=120)
    return job.result


def run_notification(incident: Incident, folder: Path) -> dict[str, int]:
    """Import, assess and notify through background jobs; wait for sending."""
    customers = write_csv(folder / "customers.csv", customers_csv())
    findings = write_csv(folder / "findings.csv", findings_csv())
    run_job(incident, "import", {"path": str(customers)}, import_customers_job)
    run_job(incident, "import", {"path": str(findings)}, import_findings_job)
    run_job(incident, "assess", {}, assess_incident_job)
    run_job(incident, "notify", {}, start_notification_job)
    return wait_for_delivery(incident, timeout_s=120)


def evidence_files(incident: Incident, folder: Path) -> list:
    """Export the evidence bundle; return its files and unzipped members."""
    out = folder / "evidence"
    result = CliRunner().invoke(
        main, ["audit", "export", "--incident", str(incident.pk), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    zip_path = folder / "evidence.zip"
    with zipfile.ZipFile(zip_path) as archive:
        members = [archive.read(name) for name in archive.namelist()]
    files = [path for path in out.rglob("*") if path.is_file()]
    return [result.output.encode(), zip_path, *files, *members]


def report_files(incident: Incident, folder: Path) -> list[Path]:
    summary = build_summary(incident)
    html = folder / "report.html"
    html.write_text(render_summary_html(summary))
    summary_json = folder / "summary.json"
    summary_json.write_text(json.dumps(summary, default=str))
    text = folder / "summary.txt"
    text.write_text(render_summary_text(summary))
    return [html, summary_json, text]


@pytest.mark.django_db(transaction=True)
def test_canary_run_leaves_no_marker_on_disk(
    incident: Incident,
    smtp: SmtpSink,
    start_worker: Callable,
    evidence_keys: None,
    broker_traffic: Callable[[], dict[str, list]],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG, logger="tocsin")
    monkeypatch.setenv("TOCSIN_WORKER_LOG_LEVEL", "DEBUG")
    markers = all_markers()
    ensure_default_templates()
    complete_handoff(incident)
    confirm_company()
    worker = start_worker()

    delivery = run_notification(incident, tmp_path)
    locations = {
        "database rows": [database_rows()],
        "reports": report_files(incident, tmp_path),
        "evidence bundle": evidence_files(incident, tmp_path),
    }
    if connection.vendor == "sqlite":
        locations["database file"] = sqlite_files(connection.settings_dict["NAME"])
    worker.stop()
    locations |= broker_traffic()
    locations["worker log"] = [worker.log_path]
    locations["test log"] = [captured_logs(caplog)]
    job_id = str(BackgroundJob.objects.filter(incident=incident).first().pk)

    assert delivery == {"sent": CUSTOMERS - 1, "failed": 1}
    assert smtp.handler.deferrals == 1, "the retry path was not taken"
    imports = build_summary(incident)["imports"]
    assert imports["customers"][0]["rejected"] == 2, "rejection path not taken"
    assert imports["findings"][0]["rejected"] == 2, "rejection path not taken"
    received = [message.as_bytes() for message in smtp.handler.messages]
    assert len(find_markers(received, markers)) >= 2 * CUSTOMERS, (
        "the SMTP server did not receive the names and emails, so the markers "
        "never went through the run"
    )
    assert find_markers(locations["database rows"], [f"{CONTROL}-0"]) != []
    assert find_markers(locations["reports"], [f"{CONTROL}-92"]) != []
    assert b"task succeeded" in worker.log_path.read_bytes()
    broker = [
        source
        for name in locations
        if name.startswith("broker")
        for source in locations[name]
    ]
    assert find_markers(broker, [job_id]) != [], "no task message found in the broker"
    leaks = [
        f"{location}: {found}"
        for location, sources in locations.items()
        for found in find_markers(sources, markers)
    ]
    assert leaks == [], "markers found:\n" + "\n".join(leaks)
