"""axe-core finds no WCAG 2.2 A or AA violation on any console page."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.console.browser import describe_violations, run_axe
from tests.console.factories import PASSWORD
from tests.console.scenario import Scenario, build_scenario

pytestmark = pytest.mark.browser


@pytest.fixture
def scenario(chromium: Any, live_server: Any, settings: Any) -> Scenario:
    settings.TOCSIN_DELIVERY_EMAIL_PROVIDERS = []
    settings.TOCSIN_DELIVERY_SMS_PROVIDERS = []
    return build_scenario()


@pytest.fixture
def axe_page(chromium: Any, axe_ready: None) -> Iterator[Any]:
    # Playwright injects axe as an inline script, which the console's CSP
    # blocks, so only these pages bypass it. test_keyboard.py keeps it on.
    context = chromium.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


def sign_in(page: Any, base_url: str, username: str) -> None:
    page.goto(base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_url(base_url + "/")


def assert_no_violations(page: Any) -> None:
    violations = run_axe(page)
    assert violations == [], describe_violations(violations)


def test_login_page_has_no_violations(
    axe_page: Any, live_server: Any, scenario: Scenario
) -> None:
    axe_page.goto(live_server.url + "/login/")
    assert_no_violations(axe_page)


def test_login_page_with_errors_has_no_violations(
    axe_page: Any, live_server: Any, scenario: Scenario
) -> None:
    axe_page.goto(live_server.url + "/login/")
    axe_page.fill("#id_username", "everyone")
    axe_page.fill("#id_password", "wrong password")
    axe_page.click("form[action='/login/'] button[type=submit]")
    axe_page.wait_for_selector("#login-errors")
    assert_no_violations(axe_page)


@pytest.mark.parametrize(
    "page_name", ["incidents", "summary", "run", "people", "contact", "audit"]
)
def test_console_page_has_no_violations(
    axe_page: Any, live_server: Any, scenario: Scenario, page_name: str
) -> None:
    paths = {
        "incidents": "/",
        "summary": scenario.path(),
        "run": scenario.path("run/"),
        "people": scenario.path("people/"),
        "contact": scenario.contact_path(),
        "audit": "/audit/",
    }
    sign_in(axe_page, live_server.url, "everyone")
    response = axe_page.goto(live_server.url + paths[page_name])
    assert response.status == 200
    assert_no_violations(axe_page)


def test_access_denied_page_has_no_violations(
    axe_page: Any, live_server: Any, scenario: Scenario
) -> None:
    sign_in(axe_page, live_server.url, "op1")
    response = axe_page.goto(live_server.url + "/audit/")
    assert response.status == 403
    assert_no_violations(axe_page)


def test_public_notice_has_no_violations(
    axe_page: Any, live_server: Any, scenario: Scenario
) -> None:
    axe_page.goto(f"{live_server.url}/notice/{scenario.incident.pk}/")
    assert_no_violations(axe_page)


def test_axe_reports_known_violations(axe_page: Any) -> None:
    axe_page.set_content(
        "<html><head><title>bad</title></head><body>"
        "<main><input type='text'><h3>skipped levels</h3></main></body></html>"
    )
    ids = {violation["id"] for violation in run_axe(axe_page)}
    assert "html-has-lang" in ids
    assert "label" in ids


def test_publish_form_with_errors_has_no_violations(
    axe_page: Any, live_server: Any, scenario: Scenario
) -> None:
    sign_in(axe_page, live_server.url, "everyone")
    axe_page.goto(f"{live_server.url}/notice/{scenario.incident.pk}/publish/")
    axe_page.fill("#id_body", "")
    axe_page.click("form[action$='/publish/'] button[type=submit]")
    axe_page.wait_for_selector("#form-errors")
    assert_no_violations(axe_page)
