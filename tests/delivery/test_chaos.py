"""Chaos run: real workers, SIGKILLs, and an SMTP server that misbehaves.

The SMTP server replies to a share of transactions with 421, 451 or 550 and
drops some connections, before or after storing the message. Two workers
send; each is killed with SIGKILL mid-run and replaced. The operator's
recovery is re-running ``notify`` until no attempt is open. Then every
owed person must have a notice that was sent, failed or is listed as in
doubt, and a person may have two copies only if their attempt is in doubt.
"""

import os
import time
from collections import Counter
from collections.abc import Callable

import pytest
from django.db.models import Count

from tocsin.assessment.models import Obligation
from tocsin.delivery.models import DeliveryAttempt, Notice
from tocsin.delivery.tasks import start_notification_job
from tocsin.incidents.jobs import create_job, wait_for_job
from tocsin.incidents.models import Incident
from tocsin.testing.fakes.smtp import FailureRates, FakeSmtpServer

from .planning_fixtures import assess_people

CHAOS_RATES = FailureRates(
    service_closing_421=0.01,
    temporary_451=0.01,
    rejected_550=0.01,
    drop_without_storing=0.005,
    drop_after_storing=0.005,
)
OPEN_STATUSES = {DeliveryAttempt.Status.PENDING, DeliveryAttempt.Status.SENDING}
SETTLED_NOTICE_STATUSES = {
    Notice.Status.SENT,
    Notice.Status.FAILED,
    Notice.Status.IN_DOUBT,
    Notice.Status.NO_CHANNEL,
}


def open_attempts(incident: Incident) -> int:
    return DeliveryAttempt.objects.filter(
        notice__incident=incident, status__in=OPEN_STATUSES
    ).count()


def notify(incident: Incident) -> None:
    job = create_job(incident, "notify", {}, start_notification_job)
    wait_for_job(job, timeout_s=300)


def drive(
    incident: Incident,
    server: FakeSmtpServer,
    timeout_s: float,
    stored_target: int | None = None,
) -> None:
    """Wait until ``stored_target`` messages are stored, or, without a
    target, until no attempt is open.

    Whenever progress stops for ten seconds, re-run notify, as an operator
    would: tasks held by a killed worker are gone from the SQLite broker,
    and only notify re-enqueues their attempts.
    """
    deadline = time.monotonic() + timeout_s
    last, quiet_since = None, time.monotonic()
    while True:
        remaining = open_attempts(incident)
        if stored_target is None and remaining == 0:
            return
        if stored_target is not None and server.counts.accepted >= stored_target:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{remaining} attempts open, {server.counts.accepted} messages stored"
            )
        progress = (remaining, server.counts.accepted)
        if progress != last:
            last, quiet_since = progress, time.monotonic()
        elif time.monotonic() - quiet_since > 10:
            notify(incident)
            quiet_since = time.monotonic()
        time.sleep(0.05)


def run_chaos(
    incident: Incident,
    tmp_path,
    start_worker: Callable,
    monkeypatch,
    settings,
    count: int,
) -> tuple[FakeSmtpServer, Counter]:
    """Run notify under failures and two worker kills; return the server and
    the number of stored copies per Message-ID."""
    assess_people(incident, tmp_path, count)
    with FakeSmtpServer(CHAOS_RATES, seed=20261204) as server:
        monkeypatch.setenv("TOCSIN_SMTP_PORT", str(server.port))
        monkeypatch.setenv("TOCSIN_AUTO_FOLLOWUPS", "1")
        settings.EMAIL_PORT = server.port
        first, second = start_worker(), start_worker()
        create_job(incident, "notify", {}, start_notification_job)
        timeout_s = max(300, count / 5)
        drive(incident, server, timeout_s, stored_target=count // 4)
        first.kill()
        start_worker()
        drive(incident, server, timeout_s, stored_target=count // 2)
        second.kill()
        start_worker()
        drive(incident, server, timeout_s)
        # Emails rejected with 550 get their letters from the next notify.
        notify(incident)
        drive(incident, server, timeout_s)
        copies = Counter(message["Message-ID"] for message in server.parsed())
    return server, copies


def check_outcome(incident: Incident, copies: Counter) -> None:
    statuses = {
        str(pk): status
        for pk, status in Notice.objects.filter(incident=incident).values_list(
            "id", "status"
        )
    }
    owed_people = (
        Obligation.objects.filter(run__incident=incident, is_owed=True)
        .values("person")
        .distinct()
        .count()
    )
    notices = Notice.objects.filter(incident=incident)
    assert notices.count() == owed_people
    assert set(notices.values_list("status", flat=True)) <= SETTLED_NOTICE_STATUSES
    assert open_attempts(incident) == 0
    per_notice = {
        str(notice_pk): copies.get(f"<notice-{notice_pk}@example.com>", 0)
        for notice_pk in notices.values_list("pk", flat=True)
    }
    duplicated = {pk for pk, n in per_notice.items() if n > 1}
    assert all(per_notice[pk] == 2 for pk in duplicated)
    assert all(statuses[pk] == Notice.Status.IN_DOUBT for pk in duplicated)
    emails = DeliveryAttempt.objects.filter(notice__incident=incident, channel="email")
    emailed = emails.filter(status=DeliveryAttempt.Status.SENT)
    assert all(
        per_notice[str(pk)] == 1 for pk in emailed.values_list("notice", flat=True)
    )
    per_notice_emails = emails.values("notice").annotate(n=Count("pk"))
    assert all(row["n"] == 1 for row in per_notice_emails)
    # A rejected email (550) is followed by a letter, which is written.
    rejected = emails.filter(status=DeliveryAttempt.Status.FAILED)
    letters = DeliveryAttempt.objects.filter(
        notice__in=rejected.values("notice"), channel="letter"
    )
    assert letters.count() == rejected.count()
    assert set(letters.values_list("status", flat=True)) <= {"sent"}


def chaos_test(incident, tmp_path, start_worker, monkeypatch, settings, count) -> None:
    server, copies = run_chaos(
        incident, tmp_path, start_worker, monkeypatch, settings, count
    )

    check_outcome(incident, copies)
    assert sum(server.counts.failures.values()) > 0
    # Each killed worker (one pool process) was sending at most one attempt.
    lost = DeliveryAttempt.objects.filter(error_code="worker-lost").count()
    assert lost <= 2


@pytest.mark.django_db(transaction=True)
def test_chaos_run_loses_and_repeats_no_notice(
    incident, tmp_path, start_worker, monkeypatch, settings
) -> None:
    chaos_test(incident, tmp_path, start_worker, monkeypatch, settings, 300)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_large_chaos_run_loses_and_repeats_no_notice(
    incident, tmp_path, start_worker, monkeypatch, settings
) -> None:
    count = int(os.environ.get("TOCSIN_CHAOS_NOTICES", "20000"))
    chaos_test(incident, tmp_path, start_worker, monkeypatch, settings, count)
