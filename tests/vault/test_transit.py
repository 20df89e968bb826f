import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
import requests
from cryptography.exceptions import InvalidTag

from tests.vault.conftest import make_record
from tests.vault.transit_fake import TOKEN, FakeTransit
from tocsin.errors import ConfigurationError
from tocsin.incidents.models import Incident
from tocsin.vault.errors import KeyProviderUnavailable
from tocsin.vault.keys import get_key_provider
from tocsin.vault.models import Contact, DataKey
from tocsin.vault.rotation import rotate_master_key
from tocsin.vault.store import clear_key_caches, open_contact, store_contacts
from tocsin.vault.transit import TransitKeyProvider


@pytest.fixture
def fake() -> Iterator[FakeTransit]:
    server = FakeTransit().start()
    yield server
    server.stop()


@pytest.fixture
def transit_env(fake: FakeTransit, monkeypatch: pytest.MonkeyPatch) -> FakeTransit:
    monkeypatch.setenv("TOCSIN_KEY_PROVIDER", "vault-transit")
    monkeypatch.setenv("VAULT_ADDR", fake.address)
    monkeypatch.setenv("VAULT_TOKEN", TOKEN)
    clear_key_caches()
    return fake


def test_wrap_sends_key_and_context_in_base64(fake: FakeTransit) -> None:
    provider = TransitKeyProvider(fake.address, TOKEN, "tocsin")

    wrapped, key_id = provider.wrap(b"k" * 32, b"context")

    method, path, body = fake.requests[-1]
    assert (method, path) == ("POST", "/v1/transit/encrypt/tocsin")
    assert body == {
        "plaintext": "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=",
        "associated_data": "Y29udGV4dA==",
    }
    assert wrapped.startswith(b"vault:v1:")
    assert key_id == "transit:tocsin:v1"


def test_unwrap_returns_wrapped_key(fake: FakeTransit) -> None:
    provider = TransitKeyProvider(fake.address, TOKEN, "tocsin")
    wrapped, key_id = provider.wrap(b"k" * 32, b"context")

    assert provider.unwrap(wrapped, key_id, b"context") == b"k" * 32


def test_unwrap_with_other_context_fails(fake: FakeTransit) -> None:
    provider = TransitKeyProvider(fake.address, TOKEN, "tocsin")
    wrapped, key_id = provider.wrap(b"k" * 32, b"incident-a")

    with pytest.raises(InvalidTag):
        provider.unwrap(wrapped, key_id, b"incident-b")


def test_server_error_is_retryable(fake: FakeTransit) -> None:
    provider = TransitKeyProvider(fake.address, TOKEN, "tocsin")
    fake.fail_with = 503

    with pytest.raises(KeyProviderUnavailable) as raised:
        provider.wrap(b"k" * 32, b"context")

    assert str(raised.value) == (
        "Vault returned HTTP 503 for transit/encrypt/tocsin; retry when Vault is "
        "unsealed and healthy"
    )


def test_rejected_token_names_the_fix(fake: FakeTransit) -> None:
    provider = TransitKeyProvider(fake.address, "wrong-token", "tocsin")

    with pytest.raises(ConfigurationError) as raised:
        provider.current_key_id()

    assert str(raised.value) == (
        "Vault rejected the token for transit/keys/tocsin (HTTP 403); give "
        "VAULT_TOKEN a policy allowing it"
    )


def test_unreachable_vault_is_retryable() -> None:
    provider = TransitKeyProvider("http://127.0.0.1:9", TOKEN, "tocsin", timeout=1)

    with pytest.raises(KeyProviderUnavailable):
        provider.current_key_id()


def test_missing_address_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOCSIN_KEY_PROVIDER", "vault-transit")
    monkeypatch.delenv("VAULT_ADDR", raising=False)

    with pytest.raises(ConfigurationError) as raised:
        get_key_provider()

    assert str(raised.value) == (
        "TOCSIN_KEY_PROVIDER is 'vault-transit' but VAULT_ADDR or VAULT_TOKEN is "
        "not set; set both, or use TOCSIN_KEY_PROVIDER=local"
    )


@pytest.mark.django_db
def test_contacts_round_trip_through_transit(
    transit_env: FakeTransit, incident: Incident
) -> None:
    (contact,) = store_contacts(incident, [make_record(1)])
    clear_key_caches()

    opened = open_contact(Contact.objects.get(pk=contact.pk))

    assert opened == make_record(1)
    assert DataKey.objects.get(incident=incident).master_key_id == ("transit:tocsin:v1")


@pytest.mark.django_db
def test_transit_rotation_rewraps_under_new_version(
    transit_env: FakeTransit, incident: Incident
) -> None:
    (contact,) = store_contacts(incident, [make_record(1)])

    report = rotate_master_key()

    clear_key_caches()
    assert report.master_key_id == "transit:tocsin:v2"
    assert DataKey.objects.get(incident=incident).master_key_id == report.master_key_id
    assert open_contact(Contact.objects.get(pk=contact.pk)) == make_record(1)


def _local_vault() -> tuple[str, str] | None:
    address, token = os.environ.get("VAULT_ADDR", ""), os.environ.get("VAULT_TOKEN", "")
    if not address or not token or urlparse(address).hostname != "127.0.0.1":
        return None
    try:
        requests.get(f"{address}/v1/sys/health", timeout=2)
    except requests.RequestException:
        return None
    return address, token


def test_real_vault_dev_server_wraps_and_unwraps() -> None:
    server = _local_vault()
    if server is None:
        pytest.skip(
            "no Vault dev server: start `vault server -dev` on 127.0.0.1 and set "
            "VAULT_ADDR and VAULT_TOKEN to run this test"
        )
    address, token = server
    headers = {"X-Vault-Token": token}
    requests.post(
        f"{address}/v1/sys/mounts/transit", json={"type": "transit"}, headers=headers
    )
    name = f"tocsin-test-{uuid.uuid4().hex[:8]}"
    requests.post(f"{address}/v1/transit/keys/{name}", headers=headers, timeout=5)
    provider = TransitKeyProvider(address, token, name)

    wrapped, key_id = provider.wrap(b"k" * 32, b"context")

    assert provider.unwrap(wrapped, key_id, b"context") == b"k" * 32
