import csv
import io
import zipfile

import pytest

from tocsin.delivery.events import EventKind
from tocsin.delivery.letter_attempts import write_letter_batch
from tocsin.delivery.models import DeliveryAttempt, Notice
from tocsin.delivery.planning import plan_followups
from tocsin.delivery.postal import events_from_returned_mail, read_returned_mail

from .planning_fixtures import plan_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter_attempt_ids(incident, tmp_path) -> list[str]:
    plan_people(incident, tmp_path, 3)
    DeliveryAttempt.objects.update(status=DeliveryAttempt.Status.BOUNCED)
    plan_followups(incident)
    return [
        str(pk)
        for pk in DeliveryAttempt.objects.filter(channel="letter").values_list(
            "pk", flat=True
        )
    ]


def test_batch_holds_one_letter_per_attempt(letter_attempt_ids, tmp_path) -> None:
    path = write_letter_batch(letter_attempt_ids, tmp_path / "out", mail_house="acme")

    with zipfile.ZipFile(path) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    references = set(Notice.objects.values_list("pk", flat=True))
    assert len(rows) == 3
    assert {row["reference"] for row in rows} == {
        pk.hex[:10].upper() for pk in references
    }
    assert {row["address_line_3"] for row in rows} == {"AUSTIN TX 78701"}


def test_written_letters_are_recorded_sent(letter_attempt_ids, tmp_path) -> None:
    write_letter_batch(letter_attempt_ids, tmp_path / "out", mail_house="acme")

    letters = DeliveryAttempt.objects.filter(channel="letter")
    assert set(letters.values_list("status", flat=True)) == {"sent"}
    assert set(letters.values_list("provider", flat=True)) == {"acme"}
    assert set(Notice.objects.values_list("status", flat=True)) == {"sent"}


def test_second_batch_writes_nothing(letter_attempt_ids, tmp_path) -> None:
    write_letter_batch(letter_attempt_ids, tmp_path / "out", mail_house="acme")

    assert (
        write_letter_batch(letter_attempt_ids, tmp_path / "out", mail_house="acme")
        is None
    )


def test_returned_letter_maps_back_to_its_attempt(letter_attempt_ids, tmp_path) -> None:
    write_letter_batch(letter_attempt_ids, tmp_path / "out", mail_house="acme")
    attempt = DeliveryAttempt.objects.filter(channel="letter").first()
    returns = tmp_path / "returns.csv"
    returns.write_text(
        "reference,return_date,reason_code,reason\n"
        f"{attempt.provider_message_id},2026-12-10,NSN,No such number\n"
    )

    (event,) = events_from_returned_mail(read_returned_mail(returns), mail_house="acme")

    assert event.kind is EventKind.BOUNCED
    assert event.provider_message_id == attempt.provider_message_id
