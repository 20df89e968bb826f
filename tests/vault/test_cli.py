import base64
import uuid

import pytest
from click.testing import CliRunner

from tests.vault.conftest import make_record
from tocsin.cli import main
from tocsin.incidents.models import Incident
from tocsin.vault.models import Contact, DataKey
from tocsin.vault.store import store_contacts

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(incident: Incident) -> Incident:
    store_contacts(incident, [make_record(1), make_record(2, country_code="DE")])
    return incident


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.output


def test_keys_status_lists_current_key(stored: Incident) -> None:
    key_id = DataKey.objects.get(incident=stored).master_key_id

    code, output = _run("keys", "status")

    assert code == 0
    assert f"current master key: {key_id}" in output
    assert f"data keys under {key_id}: 1" in output


def test_keys_generate_prints_base64_key() -> None:
    code, output = _run("keys", "generate")

    assert code == 0
    assert len(base64.b64decode(output.strip())) == 32


def test_purge_dry_run_lists_counts_and_keeps_contacts(stored: Incident) -> None:
    code, output = _run("purge", "--incident", str(stored.pk), "--dry-run")

    assert code == 0
    assert "contacts: 2" in output
    assert "  DE: 1" in output
    assert "  US-IL: 1" in output
    assert "dry run: nothing was purged" in output
    assert Contact.objects.filter(incident=stored).count() == 2


def test_purge_asks_before_deleting(stored: Incident) -> None:
    code, output = _run("purge", "--incident", str(stored.pk), stdin="n\n")

    assert code == 1
    assert "Aborted!" in output
    assert Contact.objects.filter(incident=stored).count() == 2


def test_purge_with_yes_deletes_contacts(stored: Incident) -> None:
    code, output = _run("purge", "--incident", str(stored.pk), "--yes")

    assert code == 0
    assert "purged: 2 contacts deleted, data key destroyed" in output
    assert Contact.objects.filter(incident=stored).count() == 0


def test_purge_of_unknown_incident_fails() -> None:
    missing = uuid.uuid4()

    code, output = _run("purge", "--incident", str(missing), "--yes")

    assert code == 1
    assert f"Error: incident {missing} not found" in output
