"""Sending over SMTP to a local aiosmtpd server that misbehaves on purpose."""

import pytest
from django.test import override_settings

from tocsin.delivery.dkim import check_dkim_package
from tocsin.delivery.email import EmailProvider, build_notice_email, notice_message_id
from tocsin.delivery.errors import (
    ProviderMisconfigured,
    ProviderUnavailable,
    RecipientRejected,
)
from tocsin.testing.fakes.smtp import FailureRates, FakeSmtpServer

DKIM_BACKEND = "tocsin.delivery.dkim.DkimSmtpBackend"


@pytest.fixture
def smtp_server():
    with FakeSmtpServer() as server:
        yield server


def provider(server: FakeSmtpServer, backend: str = DKIM_BACKEND) -> EmailProvider:
    options = {"host": server.host, "port": server.port, "timeout": 5}
    return EmailProvider("smtp", backend, options)


def notice(to: str = "person@example.com"):
    return build_notice_email(
        notice_id="n-1",
        to=to,
        subject="Notice of data breach",
        text_body="plain text",
        html_body="<p>html</p>",
    )


def test_smtp_send_delivers_the_notice_with_its_message_id(smtp_server) -> None:
    receipt = provider(smtp_server).send(notice(), idempotency_key="att-1")

    (message,) = smtp_server.parsed()
    assert receipt.provider_message_id == notice_message_id(
        "n-1", "notices.example.com"
    )
    assert message["Message-ID"] == receipt.provider_message_id
    assert message["List-Unsubscribe"] is None
    assert message["DKIM-Signature"] is None


def test_smtp_550_for_recipient_raises_rejected(smtp_server) -> None:
    smtp_server.reject_recipients.add("gone@example.com")

    with pytest.raises(RecipientRejected) as caught:
        provider(smtp_server).send(notice("gone@example.com"), idempotency_key="att-2")

    assert (
        str(caught.value)
        == "provider 'smtp' attempt 'att-2': SMTP 550 for the recipient"
    )


def test_smtp_451_raises_unavailable_and_stores_nothing() -> None:
    with FakeSmtpServer(FailureRates(temporary_451=1.0)) as server:
        with pytest.raises(ProviderUnavailable) as caught:
            provider(server).send(notice(), idempotency_key="att-3")

    assert str(caught.value) == "provider 'smtp' attempt 'att-3': SMTP 451"
    assert server.messages == []


def test_smtp_421_raises_unavailable() -> None:
    with FakeSmtpServer(FailureRates(service_closing_421=1.0)) as server:
        with pytest.raises(ProviderUnavailable) as caught:
            provider(server).send(notice(), idempotency_key="att-3b")

    assert str(caught.value) == "provider 'smtp' attempt 'att-3b': SMTP 421"


def test_smtp_550_after_data_raises_rejected() -> None:
    with FakeSmtpServer(FailureRates(rejected_550=1.0)) as server:
        with pytest.raises(RecipientRejected):
            provider(server).send(notice(), idempotency_key="att-4")


def test_dropped_connection_after_data_is_in_doubt() -> None:
    with FakeSmtpServer(FailureRates(drop_after_storing=1.0)) as server:
        with pytest.raises(ProviderUnavailable) as caught:
            provider(server).send(notice(), idempotency_key="att-5")

    assert caught.value.in_doubt is True
    assert len(server.messages) == 1


def test_failure_draws_repeat_for_the_same_seed() -> None:
    rates = FailureRates(temporary_451=0.3, rejected_550=0.1)
    first = FakeSmtpServer(rates, seed=7)
    second = FakeSmtpServer(rates, seed=7)

    assert [first.draw() for _ in range(50)] == [second.draw() for _ in range(50)]


def test_dkim_key_without_dkimpy_fails_before_sending(smtp_server, tmp_path) -> None:
    try:
        import dkim  # noqa: F401

        pytest.skip("dkimpy is installed; this test covers its absence")
    except ImportError:
        pass
    key = tmp_path / "dkim.pem"
    key.write_text("not used")

    with override_settings(
        TOCSIN_DKIM_KEY_FILE=str(key),
        TOCSIN_DKIM_SELECTOR="s1",
        TOCSIN_DKIM_DOMAIN="example.com",
    ):
        with pytest.raises(ProviderMisconfigured) as caught:
            provider(smtp_server).send(notice(), idempotency_key="att-6")
        errors = check_dkim_package()

    assert str(caught.value) == (
        "TOCSIN_DKIM_KEY_FILE is set but the dkimpy package is not installed; "
        "install dkimpy or unset TOCSIN_DKIM_KEY_FILE"
    )
    assert [error.id for error in errors] == ["tocsin.delivery.E001"]
    assert smtp_server.messages == []


def test_dkim_signature_verifies_with_the_public_key(smtp_server, tmp_path) -> None:
    dkim = pytest.importorskip("dkim", reason="DKIM signing needs dkimpy")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = tmp_path / "dkim.pem"
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    import base64

    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    with override_settings(
        TOCSIN_DKIM_KEY_FILE=str(key),
        TOCSIN_DKIM_SELECTOR="s1",
        TOCSIN_DKIM_DOMAIN="example.com",
    ):
        provider(smtp_server).send(notice(), idempotency_key="att-7")

    raw = smtp_server.messages[0]
    assert dkim.verify(raw, dnsfunc=lambda name, timeout=5: record)
