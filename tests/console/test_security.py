from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.console.factories import PASSWORD, make_user
from tocsin.audit.models import AuditEvent


@pytest.fixture
def operator(db: None) -> User:
    return make_user("op1", "operator")


def sign_in(client: Client, username: str, password: str) -> object:
    return client.post(
        reverse("console:login"), {"username": username, "password": password}
    )


def test_csp_header_is_sent_on_console_pages(db: None) -> None:
    response = Client().get(reverse("console:login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_csp_allows_no_inline_script(db: None) -> None:
    policy = Client().get(reverse("console:login"))["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_login_page_loads_no_inline_style_or_script(db: None) -> None:
    html = Client().get(reverse("console:login")).content.decode()
    assert "<script" not in html
    assert "<style" not in html
    assert "style=" not in html


def test_sign_in_with_correct_password_redirects_to_incidents(
    operator: User,
) -> None:
    response = sign_in(Client(), "op1", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("console:incident-list")


def test_sign_in_writes_audit_entry(operator: User) -> None:
    sign_in(Client(), "op1", PASSWORD)
    event = AuditEvent.objects.get(action="console.signed_in")
    assert event.actor == "op1"


def test_session_cookie_is_secure_http_only_and_strict(operator: User) -> None:
    response = sign_in(Client(), "op1", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"


def test_wrong_password_error_is_tied_to_the_fields(operator: User) -> None:
    response = sign_in(Client(), "op1", "wrong password")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="login-errors"' in html
    assert 'aria-describedby=" login-errors"' in html
    assert 'aria-invalid="true"' in html
    assert "<title>Error: Sign in" in html


def test_missing_username_error_is_tied_to_its_field(db: None) -> None:
    response = sign_in(Client(), "", "x")
    html = response.content.decode()
    assert 'id="id_username-error"' in html
    assert 'aria-describedby="id_username-error"' in html


def test_repeated_failures_lock_the_user_name(operator: User) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "op1", "wrong password")
    response = sign_in(client, "op1", PASSWORD)
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()


def test_lockout_does_not_lock_other_user_names(operator: User) -> None:
    make_user("op2", "operator")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "op1", "wrong password")
    response = sign_in(client, "op2", PASSWORD)
    assert response.status_code == 302


def test_passwords_are_hashed_with_argon2(operator: User) -> None:
    assert operator.password.startswith("argon2$argon2id$")


def test_sign_out_needs_post(client_as: Callable[..., Client]) -> None:
    client = client_as("operator")
    assert client.get(reverse("console:logout")).status_code == 405
    response = client.post(reverse("console:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("console:login")


def test_stylesheet_is_served_without_sign_in(db: None) -> None:
    response = Client().get(reverse("console:stylesheet"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css"
    assert ":focus-visible" in response.content.decode()


def test_pages_cannot_be_framed(db: None) -> None:
    response = Client().get(reverse("console:login"))
    assert response["X-Frame-Options"] == "DENY"
