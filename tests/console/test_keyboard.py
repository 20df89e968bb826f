"""The main tasks work with Tab, Enter, Space and typing only.

These pages keep the Content-Security-Policy on, so they also show that
nothing the console needs is blocked by it.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.console.browser import tab_to
from tests.console.factories import MARKER_EMAIL, PASSWORD
from tests.console.scenario import Scenario, build_scenario
from tocsin.audit.models import AuditEvent
from tocsin.incidents.models import BackgroundJob

pytestmark = pytest.mark.browser


@pytest.fixture
def scenario(chromium: Any, live_server: Any, settings: Any) -> Scenario:
    settings.TOCSIN_DELIVERY_EMAIL_PROVIDERS = []
    settings.TOCSIN_DELIVERY_SMS_PROVIDERS = []
    return build_scenario()


@pytest.fixture
def csp_violations() -> list[str]:
    return []


@pytest.fixture
def page(chromium: Any, csp_violations: list[str]) -> Iterator[Any]:
    context = chromium.new_context()
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert csp_violations == [], "the CSP blocked something the page needed"


def sign_in_by_keyboard(page: Any, base_url: str, username: str) -> None:
    page.goto(base_url + "/login/")
    tab_to(page, "#id_username")
    page.keyboard.type(username)
    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    tab_to(page, "form[action='/login/'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(base_url + "/")


def follow_link_by_keyboard(page: Any, href: str) -> None:
    tab_to(page, f"a[href='{href}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_keyboard_user_signs_in(
    page: Any, live_server: Any, scenario: Scenario, csp_violations: list[str]
) -> None:
    sign_in_by_keyboard(page, live_server.url, "everyone")
    assert page.locator("h1").text_content() == "Incidents"
    assert csp_violations == []


def test_skip_link_is_first_and_moves_focus_to_main(
    page: Any, live_server: Any, scenario: Scenario
) -> None:
    page.goto(live_server.url + "/login/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_keyboard_user_opens_incident_and_run_screen(
    page: Any, live_server: Any, scenario: Scenario, csp_violations: list[str]
) -> None:
    sign_in_by_keyboard(page, live_server.url, "everyone")
    follow_link_by_keyboard(page, scenario.path())
    assert page.locator("h1").text_content() == "Checkout skimmer: summary"
    follow_link_by_keyboard(page, scenario.path("run/"))
    assert page.locator("h1").text_content() == "Checkout skimmer: run"
    assert page.locator("#deadline-heading").is_visible()
    assert csp_violations == []


def test_keyboard_operator_starts_notification_with_space(
    page: Any,
    live_server: Any,
    scenario: Scenario,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queued: list[str] = []
    monkeypatch.setattr(
        "tocsin.delivery.tasks.start_notification_job.delay", queued.append
    )
    sign_in_by_keyboard(page, live_server.url, "op1")
    follow_link_by_keyboard(page, scenario.path())
    follow_link_by_keyboard(page, scenario.path("run/"))
    tab_to(page, f"form[action='{scenario.path('notify/')}'] button")
    with page.expect_navigation():
        page.keyboard.press("Space")
    job = BackgroundJob.objects.get(incident=scenario.incident, kind="notify")
    assert page.locator(".messages").text_content().strip() == (
        f"Notification job {job.pk} queued."
    )
    assert queued == [str(job.pk)]


def test_keyboard_contact_viewer_views_contact(
    page: Any, live_server: Any, scenario: Scenario
) -> None:
    sign_in_by_keyboard(page, live_server.url, "viewer")
    follow_link_by_keyboard(page, scenario.path())
    follow_link_by_keyboard(page, scenario.path("people/"))
    follow_link_by_keyboard(page, scenario.contact_path(0))
    assert page.locator("h1").text_content() == "Contact details"
    assert MARKER_EMAIL in page.locator("dl").text_content()
    event = AuditEvent.objects.get(action="contact.viewed")
    assert event.actor == "viewer"
    assert event.object_id == str(scenario.people[0].contact_id)


def test_every_focusable_element_shows_visible_focus(
    page: Any, live_server: Any, scenario: Scenario
) -> None:
    sign_in_by_keyboard(page, live_server.url, "everyone")
    page.goto(live_server.url + scenario.path("run/"))
    seen = 0
    for _ in range(60):
        page.keyboard.press("Tab")
        focus = page.evaluate(
            "() => { const e = document.activeElement;"
            " if (e === document.body) return null;"
            " const s = getComputedStyle(e);"
            " return {tag: e.tagName, text: e.textContent.trim(),"
            " style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"
        )
        if focus is None:
            break
        seen += 1
        assert focus["style"] != "none", focus
        assert focus["width"] >= 2, focus
    assert seen >= 8
