import os
import socket
import subprocess
import sys

import pytest

from tocsin.audit.models import AuditEvent
from tocsin.delivery.models import DeliveryAttempt, Notice
from tocsin.delivery.recovery import (
    is_claim_orphaned,
    mark_orphaned_attempts_in_doubt,
    new_claim_token,
)

from .planning_fixtures import plan_people

pytestmark = pytest.mark.django_db


def exited_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def token_for(pid: int) -> str:
    token = new_claim_token()
    return token[:8] + f"{pid:08x}" + token[16:]


def claim_all(token: str) -> None:
    DeliveryAttempt.objects.update(
        status=DeliveryAttempt.Status.SENDING, claim_token=token
    )


def test_claim_token_names_this_process() -> None:
    token = new_claim_token()

    assert len(token) == 32
    assert int(token[8:16], 16) == os.getpid()


def test_claim_of_a_live_process_is_not_orphaned() -> None:
    assert is_claim_orphaned(new_claim_token()) is False


def test_claim_of_an_exited_process_is_orphaned() -> None:
    assert is_claim_orphaned(token_for(exited_pid())) is True


def test_claim_from_another_host_is_not_orphaned() -> None:
    token = "ffffffff" + new_claim_token()[8:]

    assert socket.gethostname()
    assert is_claim_orphaned(token) is False


def test_old_style_claim_token_is_not_orphaned() -> None:
    assert is_claim_orphaned("0123456789abcdef0123456789abcdef"[:31]) is False


def test_attempts_of_a_dead_worker_become_in_doubt(incident, tmp_path) -> None:
    plan_people(incident, tmp_path, 3)
    claim_all(token_for(exited_pid()))

    marked = mark_orphaned_attempts_in_doubt()

    assert marked == 3
    statuses = set(DeliveryAttempt.objects.values_list("status", flat=True))
    assert statuses == {DeliveryAttempt.Status.IN_DOUBT}
    assert set(Notice.objects.values_list("status", flat=True)) == {
        Notice.Status.IN_DOUBT
    }
    assert set(DeliveryAttempt.objects.values_list("error_code", flat=True)) == {
        "worker-lost"
    }


def test_in_doubt_marking_is_audited(incident, tmp_path) -> None:
    plan_people(incident, tmp_path, 2)
    claim_all(token_for(exited_pid()))

    mark_orphaned_attempts_in_doubt()

    events = AuditEvent.objects.filter(action="delivery.in_doubt")
    assert events.count() == 2
    assert {event.incident_ref for event in events} == {str(incident.pk)}


def test_attempts_of_a_live_worker_stay_sending(incident, tmp_path) -> None:
    plan_people(incident, tmp_path, 2)
    claim_all(new_claim_token())

    assert mark_orphaned_attempts_in_doubt() == 0
    assert set(DeliveryAttempt.objects.values_list("status", flat=True)) == {
        DeliveryAttempt.Status.SENDING
    }
