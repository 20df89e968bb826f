"""``tocsin demo``: a full notification run on the bundled sample data.

The demo drives the real commands in subprocesses against a fresh data
folder, with a real Celery worker on the embedded SQLite broker and a local
SMTP server, then checks that the server received exactly one message per
person owed an email notice.
"""

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from tocsin.testing.fakes.twilio import ACCOUNT_SID as TWILIO_ACCOUNT_SID
from tocsin.testing.fakes.twilio import AUTH_TOKEN as TWILIO_AUTH_TOKEN
from tocsin.testing.fakes.twilio import FakeTwilio
from tocsin.testing.smtp_sink import BouncingHandler, SmtpSink

# Sample addresses ending like this bounce, so the demo shows people moved
# to a postal letter after a hard bounce.
BOUNCE_SUFFIXES = ("17@example.org",)

SAMPLES = Path(__file__).resolve().parents[3] / "samples"


def demo_incident() -> list[str]:
    """Return the demo incident's options, discovered yesterday afternoon.

    A discovery one day back keeps every deadline in the future, as in a
    real response, whatever day the demo runs.
    """
    zone = ZoneInfo("America/Chicago")
    discovered = datetime.now(zone).replace(hour=14, minute=30, second=0, microsecond=0)
    discovered -= timedelta(days=1)
    return [
        "--discovered-at", discovered.strftime("%Y-%m-%dT%H:%M"), *DEMO_INCIDENT
    ]  # fmt: skip


DEMO_INCIDENT = [
    "--name", "Demo: checkout skimmer",
    "--timezone", "America/Chicago",
    "--elements",
    "name;email;username;password;ssn;drivers_license;"
    "card_number;card_security_code;card_last4",
]  # fmt: skip


DEMO_COMPANY = [
    "--legal-name", "Demo Outfitters Inc.",
    "--contact-phone", "+1-555-0142",
    "--contact-website", "https://www.example.com/incident",
    "--contact-address", "1 Example Plaza, Springfield, IL 62701",
    "--not-is-au-app-entity",
]  # fmt: skip


class DemoRun:
    """The subprocesses and environment of one demo run."""

    def __init__(self, home: Path, smtp_port: int, twilio_url: str) -> None:
        self.home = home
        sms_provider = {
            "name": "twilio-demo",
            "account_sid": TWILIO_ACCOUNT_SID,
            "auth_token": TWILIO_AUTH_TOKEN,
            "from_number": "+15555550100",
            "api_base_url": twilio_url,
        }
        self.env = os.environ | {
            # Letters after a hard bounce or without an email, and SMS alerts
            # where a phone is known. Mail-house batches carry names and
            # addresses by necessity, so they go beside the data folder.
            "TOCSIN_AUTO_FOLLOWUPS": "1",
            "TOCSIN_SMS_ALERTS": "1",
            "TOCSIN_DELIVERY_SMS_PROVIDERS": json.dumps([sms_provider]),
            "TOCSIN_MAIL_BATCH_DIR": str(home.parent / f"{home.name}-mailhouse"),
            "TOCSIN_HOME": str(home),
            "TOCSIN_SMTP_PORT": str(smtp_port),
            "TOCSIN_MASTER_KEY_FILE": str(
                home.parent / f"{home.name}-keys" / "master.key"
            ),
            "TOCSIN_AUDIT_SIGNING_KEY_FILE": str(
                home.parent / f"{home.name}-keys" / "audit-signing.key"
            ),
            "TOCSIN_LOG_LEVEL": "WARNING",
        }
        self.env.pop("DATABASE_URL", None)
        self.env.pop("TOCSIN_BROKER_URL", None)
        self.worker: subprocess.Popen | None = None

    def tocsin(self, *args: str) -> str:
        """Run one ``tocsin`` command and return its standard output."""
        command = [sys.executable, "-m", "tocsin.cli", *args]
        done = subprocess.run(
            command, env=self.env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise click.ClickException(
                f"'tocsin {args[0]}' failed:\n{done.stderr.strip()}"
            )
        return done.stdout

    def start_worker(self) -> None:
        """Start a Celery worker process on the demo's data folder."""
        log = (self.home / "worker.log").open("w")
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "tocsin.cli", "worker", "--concurrency", "2"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop_worker(self) -> None:
        """Stop the worker and wait for it to exit."""
        if self.worker and self.worker.poll() is None:
            self.worker.terminate()
            try:
                self.worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.worker.kill()


HANDOFF_ITEMS = [
    ("scope_confirmed", []),
    ("counsel_engaged", ["--note", "outside privacy counsel (demo)"]),
    ("law_enforcement_delay", ["--decision", "not_requested"]),
    ("regulator_clocks_started", []),
]


def complete_demo_handoff(run: DemoRun, incident_id: str) -> None:
    """Complete the hand-off checklist that must precede the first notice."""
    for item, extra in HANDOFF_ITEMS:
        run.tocsin(
            "compliance", "handoff", "complete", incident_id, item,
            "--by", "demo-responder", *extra,
        )  # fmt: skip
    click.echo("hand-off checklist complete")


VERIFIER = Path(__file__).resolve().parents[3] / "scripts" / "verify_evidence.py"


def export_and_verify_evidence(run: DemoRun, incident_id: str) -> None:
    """Verify the audit trail, export the evidence bundle and check it.

    The bundle is checked by the standalone verifier in a Python run with no
    site packages, with only the public key, as an auditor would.
    """
    click.echo(run.tocsin("audit", "verify").strip())
    bundle = run.home / "evidence"
    click.echo(
        run.tocsin(
            "audit", "export", "--incident", incident_id, "--out", str(bundle)
        ).strip()
    )
    public_key = run.home / "audit-public.pem"
    run.tocsin("audit", "public-key", "--out", str(public_key))
    command = [
        sys.executable,
        "-S",
        str(VERIFIER),
        f"{bundle}.zip",
        "--public-key",
        str(public_key),
    ]
    checked = subprocess.run(command, capture_output=True, text=True, check=False)
    if checked.returncode != 0:
        raise click.ClickException(
            f"evidence bundle failed verification:\n{checked.stdout}{checked.stderr}"
        )
    click.echo(
        f"evidence bundle verified: python3 {VERIFIER.name} {bundle.name}.zip "
        f"--public-key {public_key.name}"
    )


def count_owed_email(run: DemoRun, incident_id: str) -> dict:
    """Return the summary of the run as JSON data."""
    return json.loads(run.tocsin("status", "--incident", incident_id, "--json"))


@click.command()
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("var/demo"),
    show_default=True,
    help="Data folder of the demo; emptied first.",
)
def demo(home: Path) -> None:
    """Run a full breach-notification run on the bundled sample data."""
    home = home.resolve()
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(home.parent / f"{home.name}-mailhouse", ignore_errors=True)
    home.mkdir(parents=True)
    twilio = FakeTwilio().start()
    with SmtpSink(handler=BouncingHandler(BOUNCE_SUFFIXES)) as sink:
        run = DemoRun(home, sink.port, twilio.url)
        click.echo(run.tocsin("init"), nl=False)
        click.echo(run.tocsin("company", "set", *DEMO_COMPANY), nl=False)
        run.start_worker()
        try:
            incident_id = json.loads(
                run.tocsin("incident", "create", "--json", *demo_incident())
            )["id"]
            click.echo(f"incident {incident_id}")
            complete_demo_handoff(run, incident_id)
            for kind, name in (
                ("customers", "shopify_customers.csv"),
                ("findings", "findings.csv"),
            ):
                click.echo(
                    f"import {kind}: "
                    + run.tocsin(
                        "import", kind, str(SAMPLES / name), "--incident", incident_id
                    ).strip()
                )
            click.echo(
                "assess: " + run.tocsin("assess", "--incident", incident_id).strip()
            )
            click.echo(
                "notify: " + run.tocsin("notify", "--incident", incident_id).strip()
            )
            first_count = sink.message_count
            click.echo(
                "notify again: "
                + run.tocsin("notify", "--incident", incident_id).strip()
            )
            report = home / "report.html"
            click.echo(
                run.tocsin("status", "--incident", incident_id, "--report", str(report))
            )
            summary = count_owed_email(run, incident_id)
            export_and_verify_evidence(run, incident_id)
        finally:
            run.stop_worker()
            twilio.stop()
        check_demo(summary, sink, first_count, len(twilio.messages))


def check_demo(summary: dict, sink: SmtpSink, first_count: int, sms_sent: int) -> None:
    """Exit non-zero unless every person owed an email got exactly one.

    A person whose address bounced must have a letter instead, and the
    second notify must have sent no email at all.
    """
    by_channel = summary["attempts_by_channel"]
    email = by_channel.get("email", {})
    sent, bounced = email.get("sent", 0), email.get("failed", 0)
    letters = sum(by_channel.get("letter", {}).values())
    problems = []
    if sink.message_count != sent:
        problems.append(
            f"SMTP server received {sink.message_count} messages, "
            f"{sent} email attempts were sent"
        )
    if sink.message_count != first_count:
        problems.append(
            f"the second notify sent {sink.message_count - first_count} more messages"
        )
    if sink.duplicate_recipients():
        problems.append(
            f"{len(sink.duplicate_recipients())} recipients got more than one message"
        )
    if bounced != sink.handler.bounced:
        problems.append(
            f"{bounced} email attempts failed, {sink.handler.bounced} bounced"
        )
    if letters < bounced:
        problems.append(f"{bounced} people bounced but only {letters} letters exist")
    unfinished = sum(
        email.get(status, 0) for status in ("pending", "sending", "in_doubt")
    )
    if unfinished:
        problems.append(f"{unfinished} email attempts did not finish")
    if problems:
        raise click.ClickException("demo check failed: " + "; ".join(problems))
    click.echo(
        f"demo check passed: {sent} emails received once each, {bounced} hard "
        f"bounces moved to {letters} letters in all, {sms_sent} SMS alerts, "
        "no duplicates"
    )


COMMANDS: list[click.Command] = [demo]
