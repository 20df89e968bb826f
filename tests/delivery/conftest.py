"""Fixtures: local provider fakes, provider settings, clean shared state."""

from collections.abc import Iterator

import pytest
from django.test import override_settings

from tocsin.delivery import sharedstate
from tocsin.delivery.events import ProviderEvent
from tocsin.delivery.webhooks import provider_event_received
from tocsin.testing.fakes.mailgun import FakeMailgun
from tocsin.testing.fakes.postmark import FakePostmark
from tocsin.testing.fakes.sendgrid import FakeSendGrid
from tocsin.testing.fakes.ses import FakeSes
from tocsin.testing.fakes.twilio import FakeTwilio


@pytest.fixture(autouse=True)
def clean_shared_state(tmp_path) -> Iterator[None]:
    """Give each test its own breaker and rate-limit state file."""
    with override_settings(TOCSIN_HOME=tmp_path, TOCSIN_DELIVERY_REDIS_URL=""):
        yield
    sharedstate._stores.clear()


@pytest.fixture
def postmark() -> Iterator[FakePostmark]:
    with FakePostmark() as fake:
        yield fake


@pytest.fixture
def sendgrid() -> Iterator[FakeSendGrid]:
    with FakeSendGrid() as fake:
        yield fake


@pytest.fixture
def mailgun() -> Iterator[FakeMailgun]:
    with FakeMailgun() as fake:
        yield fake


@pytest.fixture
def ses() -> Iterator[FakeSes]:
    with FakeSes() as fake:
        yield fake


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def twilio_backup() -> Iterator[FakeTwilio]:
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def received_events() -> Iterator[list[ProviderEvent]]:
    """Collect every ProviderEvent published while the test runs."""
    events: list[ProviderEvent] = []

    def collect(sender: object, event: ProviderEvent, **kwargs: object) -> None:
        events.append(event)

    provider_event_received.connect(collect, dispatch_uid="test-collector")
    yield events
    provider_event_received.disconnect(dispatch_uid="test-collector")


def postmark_provider(fake: FakePostmark, name: str = "postmark") -> dict:
    return {
        "name": name,
        "backend": "anymail.backends.postmark.EmailBackend",
        "options": {"server_token": fake.server_token, "api_url": fake.url + "/"},
    }


def sendgrid_provider(fake: FakeSendGrid, name: str = "sendgrid") -> dict:
    return {
        "name": name,
        "backend": "anymail.backends.sendgrid.EmailBackend",
        "options": {"api_key": fake.api_key, "api_url": fake.url + "/v3/"},
    }


def mailgun_provider(fake: FakeMailgun, name: str = "mailgun") -> dict:
    return {
        "name": name,
        "backend": "anymail.backends.mailgun.EmailBackend",
        "options": {
            "api_key": fake.api_key,
            "api_url": fake.url + "/v3/",
            "sender_domain": "notices.example.com",
        },
    }


def twilio_provider(fake: FakeTwilio, name: str = "twilio") -> dict:
    return {
        "name": name,
        "account_sid": fake.account_sid,
        "auth_token": fake.auth_token,
        "from_number": "+12025550100",
        "api_base_url": fake.url,
        "timeout": 2,
    }
