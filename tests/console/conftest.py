from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.console.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    missing_axe,
    missing_browser_requirement,
)
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
        name = username or "-".join(roles) or "norole"
        user: User = make_user(name, *roles, password=None)
        client = Client()
        # force_login: django-axes' backend needs a request, which
        # Client.login() does not pass.
        client.force_login(user)
        return client

    return sign_in


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Skip browser tests, saying what to install, when a part is missing."""
    reason = missing_browser_requirement()
    if not reason:
        return
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def chromium(django_db_setup: None, live_server: Any) -> Iterator[Any]:
    """Start Debian's Chromium through Playwright, once per test module.

    Playwright's sync API keeps an asyncio event loop in this thread, and
    Django refuses database calls beside a running loop. The test database
    and live server are set up before the browser starts, and
    ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set only while the browser lives. That
    is safe here: every database call still runs synchronously, in the test
    thread or the live server's thread, never inside a coroutine. Module
    scope makes sure the browser is gone before another module's tests run.
    """
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture
def axe_ready() -> None:
    """Skip the test when axe-core is not installed."""
    reason = missing_axe()
    if reason:
        pytest.skip(reason)
