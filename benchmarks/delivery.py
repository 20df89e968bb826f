"""Delivery benchmarks: email sending against raw smtplib, and letters.

Run from the repository root:

    PYTHONPATH=src python benchmarks/delivery.py email --count 100000
    PYTHONPATH=src python benchmarks/delivery.py letters --count 100

``email`` imports ``count`` synthetic people into a fresh SQLite database,
assesses them and plans their notices, timed apart as setup. Then it sends
every notice through Tocsin's SMTP path (claim, decrypt, render in the
Jinja sandbox, send, record, audit) to a local counting SMTP sink. In the same
run, a plain smtplib loop builds an ``EmailMessage`` of the same text and
HTML for each of ``count`` recipients and sends it to the same sink. It
prints both rates and their ratio.

``letters`` renders the same notice for ``count`` people twice: one PDF
per letter (``write_mail_batch``) and one combined PDF
(``write_combined_mail_batch``), and prints letters per second for each.
"""

import argparse
import logging
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocsin.settings")
os.environ.setdefault("TOCSIN_HOME", tempfile.mkdtemp(prefix="tocsin-bench-"))

NOTICE_HTML = (
    "<h1>Notice of data breach</h1>"
    + "<p>We are writing to tell you about an incident that may involve some "
    "of your personal information, what we are doing about it, and what you "
    "can do.</p>" * 12
)
ADDRESS = ["JANE DOE", "123 MAIN ST APT 4", "SPRINGFIELD IL 62701"]


def benchmark_letters(count: int, folder: Path) -> dict[str, float]:
    """Return letters per second for per-letter and combined batches."""
    from tocsin.delivery.postal import (
        LetterContent,
        build_letter,
        write_combined_mail_batch,
        write_mail_batch,
    )

    started = time.perf_counter()
    letters = [
        build_letter(ADDRESS, NOTICE_HTML, reference=f"R-{n}", country_code="US")
        for n in range(count)
    ]
    write_mail_batch(letters, folder / "separate.zip")
    separate = count / (time.perf_counter() - started)

    started = time.perf_counter()
    contents = [LetterContent(f"R-{n}", ADDRESS, NOTICE_HTML) for n in range(count)]
    write_combined_mail_batch(contents, folder / "combined.zip")
    combined = count / (time.perf_counter() - started)
    return {"separate_per_s": separate, "combined_per_s": combined}


def _customers_csv(count: int) -> str:
    header = (
        "Customer ID,First Name,Last Name,Email,Default Address Address1,"
        "Default Address City,Default Address Province Code,"
        "Default Address Country Code,Default Address Zip\n"
    )
    rows = (
        f"{n},Test{n},Person,person{n}@example.com,{n} Main St,Austin,TX,US,78701\n"
        for n in range(count)
    )
    return header + "".join(rows)


def _prepare_incident(count: int, folder: Path) -> object:
    from datetime import UTC, datetime

    from django.core.management import call_command

    from tocsin.assessment.service import assess_incident
    from tocsin.delivery.outbox import plan_email_notices
    from tocsin.incidents.models import Incident
    from tocsin.notices.templates import ensure_default_templates
    from tocsin.reconciliation.imports import import_findings
    from tocsin.sources.imports import import_customers
    from tocsin.vault.keys import ensure_master_key

    call_command("migrate", verbosity=0)
    ensure_master_key()
    ensure_default_templates()
    incident = Incident.objects.create(
        name="Benchmark",
        discovered_at=datetime(2026, 11, 20, tzinfo=UTC),
        timezone_name="America/Chicago",
        exposed_elements=["name", "email", "ssn"],
    )
    _confirm_company()
    _complete_handoff(incident)
    customers = folder / "customers.csv"
    customers.write_text(_customers_csv(count))
    findings = folder / "findings.csv"
    rows = "".join(f"{n},name;ssn\n" for n in range(count))
    findings.write_text("customer_id,exposed_elements\n" + rows)
    import_customers(incident, customers)
    import_findings(incident, findings)
    assess_incident(incident)
    plan_email_notices(incident)
    return incident


def _confirm_company() -> None:
    """Mark the company profile reviewed, as an operator would."""
    from django.utils import timezone

    from tocsin.incidents.models import CompanyProfile

    profile = CompanyProfile.objects.first() or CompanyProfile()
    profile.confirmed_at = timezone.now()
    profile.save()


def _complete_handoff(incident: object) -> None:
    """Complete the incident's hand-off checklist, as responders would."""
    from tocsin.compliance.choices import HandoffItemCode
    from tocsin.compliance.handoff import complete_handoff_item, start_handoff

    incident_id = str(incident.pk)
    start_handoff(incident_id, actor="benchmark")
    for code in HandoffItemCode.values:
        decision = "not_requested" if code == "law_enforcement_delay" else ""
        complete_handoff_item(incident_id, code, actor="benchmark", decision=decision)


def _send_with_tocsin(incident: object) -> int:
    from tocsin.delivery.email_smtp import send_email_attempts
    from tocsin.delivery.outbox import pending_attempt_ids
    from tocsin.delivery.tasks import EMAIL_BATCH_SIZE

    ids = pending_attempt_ids(incident)
    sent = 0
    for start in range(0, len(ids), EMAIL_BATCH_SIZE):
        sent += send_email_attempts(ids[start : start + EMAIL_BATCH_SIZE])
    return sent


def _send_raw(count: int, port: int, subject: str, text: str, html: str) -> None:
    import smtplib
    from email.message import EmailMessage

    with smtplib.SMTP("127.0.0.1", port) as connection:
        for n in range(count):
            message = EmailMessage()
            message["From"] = "Privacy Office <privacy@example.com>"
            message["To"] = f"person{n}@example.com"
            message["Subject"] = subject
            message.set_content(text)
            message.add_alternative(html, subtype="html")
            connection.send_message(message)


def benchmark_email(count: int, folder: Path, port: int) -> dict[str, float]:
    """Return setup seconds, Tocsin and raw send rates, and their ratio."""
    started = time.perf_counter()
    incident = _prepare_incident(count, folder)
    setup_s = time.perf_counter() - started

    from tocsin.delivery.models import Notice

    sample = Notice.objects.filter(incident=incident).first()
    subject, text, html = _rendered_sample(sample)

    started = time.perf_counter()
    sent = _send_with_tocsin(incident)
    tocsin_per_s = sent / (time.perf_counter() - started)

    started = time.perf_counter()
    _send_raw(count, port, subject, text, html)
    raw_per_s = count / (time.perf_counter() - started)
    return {
        "setup_s": setup_s,
        "tocsin_sent": sent,
        "tocsin_per_s": tocsin_per_s,
        "raw_per_s": raw_per_s,
        "ratio": tocsin_per_s / raw_per_s,
    }


def _rendered_sample(notice: object) -> tuple[str, str, str]:
    from tocsin.delivery.email_smtp import render_for
    from tocsin.delivery.models import DeliveryAttempt
    from tocsin.incidents.models import CompanyProfile
    from tocsin.vault.store import open_contacts

    attempt = DeliveryAttempt.objects.select_related("notice__person__contact").get(
        notice=notice
    )
    contacts = open_contacts([attempt.notice.person.contact])
    company = CompanyProfile.objects.first() or CompanyProfile()
    rendered, _recipient = render_for(attempt, contacts, company)
    return rendered.subject, rendered.text, rendered.html or ""


def main() -> int:
    """Parse arguments, run the chosen benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", choices=["email", "letters"])
    parser.add_argument(
        "--count", type=int, default=None, help="notices (100000) or letters (100)"
    )
    arguments = parser.parse_args()
    warnings.simplefilter("ignore")
    if arguments.benchmark == "email":
        return run_email(arguments.count or 100_000)
    # Without HarfBuzz-Subset WeasyPrint warns once per PDF, which would
    # bury the figures; docs/performance.md records the missing library.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    import django

    django.setup()
    with tempfile.TemporaryDirectory() as folder:
        result = benchmark_letters(arguments.count or 100, Path(folder))
    for name, value in result.items():
        print(f"{name}: {value:.1f}")
    ratio = result["combined_per_s"] / result["separate_per_s"]
    print(f"ratio combined/separate: {ratio:.2f}")
    return 0


def run_email(count: int) -> int:
    """Start the sink, point Tocsin at it, run the email benchmark, print."""
    from tocsin.testing.fakes.smtp import CountingSmtpSink

    with CountingSmtpSink() as sink, tempfile.TemporaryDirectory() as folder:
        os.environ["TOCSIN_SMTP_PORT"] = str(sink.port)
        os.environ["TOCSIN_HOME"] = folder
        os.environ.pop("DATABASE_URL", None)
        logging.getLogger("tocsin").setLevel(logging.WARNING)
        import django

        django.setup()
        result = benchmark_email(count, Path(folder), sink.port)
        result["sink_count"] = sink.message_count
    for name, value in result.items():
        print(
            f"{name}: {value:.2f}" if isinstance(value, float) else f"{name}: {value}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
