from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.console.factories import add_people, make_incident, make_user
from tocsin.incidents.models import Incident
from tocsin.reconciliation.models import AffectedPerson
from tocsin.vault.store import clear_key_caches


@pytest.fixture(autouse=True)
def fresh_key_caches() -> Iterator[None]:
    clear_key_caches()
    yield
    clear_key_caches()


@pytest.fixture
def console_incident(db: None) -> Incident:
    return make_incident()


@pytest.fixture
def people(console_incident: Incident) -> list[AffectedPerson]:
    return add_people(console_incident, 3)


@pytest.fixture
def client_as(db: None) -> Callable[..., Client]:
    """Return a function giving a test client signed in with given roles."""

    def sign_in(*roles: str, username: str | None = None) -> Client:
        user: User = make_user(username or "-".join(roles) or "norole", *roles)
        client = Client()
        # force_login: django-axes' backend needs a request, which
        # Client.login() does not pass.
        client.force_login(user)
        return client

    return sign_in
