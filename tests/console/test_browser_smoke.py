import pytest

pytestmark = pytest.mark.browser


def test_chromium_launches_and_renders(chromium) -> None:
    page = chromium.new_page()
    page.set_content("<title>smoke</title><p>Chromium runs</p>")
    assert page.title() == "smoke"
    assert page.text_content("p") == "Chromium runs"
    page.close()


def test_chromium_keeps_secure_session_cookie_on_loopback(
    chromium, live_server
) -> None:
    from tests.console.factories import PASSWORD, make_user

    make_user("op1", "operator")
    page = chromium.new_page()
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "op1")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit] >> text=Sign in")
    assert page.url == live_server.url + "/"
    assert page.locator("h1").text_content() == "Incidents"
    page.close()
