"""DKIM signing for notice emails sent over SMTP.

HTTP providers (SES, SendGrid, Postmark, Mailgun) sign with the key set up
for the sending domain in their own dashboards. Over plain SMTP Tocsin
signs itself when ``TOCSIN_DKIM_KEY_FILE``, ``TOCSIN_DKIM_SELECTOR`` and
``TOCSIN_DKIM_DOMAIN`` are set. Signing uses the ``dkimpy`` package, which
is optional: with a key configured and the package missing, sending fails
with ``ProviderMisconfigured`` and ``manage.py check`` reports it, rather
than sending unsigned mail that receivers may treat as spoofed.
"""

import smtplib
from pathlib import Path
from typing import Any

from django.core import checks
from django.core.mail.backends.smtp import EmailBackend as SmtpEmailBackend
from django.core.mail.message import EmailMessage, sanitize_address

from tocsin.delivery import conf
from tocsin.delivery.errors import ProviderMisconfigured

# Headers covered by the signature: those a forger would change.
SIGNED_HEADERS = (
    b"From",
    b"To",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"MIME-Version",
    b"Content-Type",
)


def is_dkim_configured() -> bool:
    """Return True when a DKIM key file is set."""
    return bool(conf.dkim_settings()["key_file"])


def _dkim_module() -> Any:
    try:
        import dkim
    except ImportError:
        raise ProviderMisconfigured(
            "TOCSIN_DKIM_KEY_FILE is set but the dkimpy package is not "
            "installed; install dkimpy or unset TOCSIN_DKIM_KEY_FILE"
        ) from None
    return dkim


def dkim_sign(message: bytes) -> bytes:
    """Return ``message`` with a DKIM-Signature header, or unchanged if no
    key is configured."""
    if not is_dkim_configured():
        return message
    dkim = _dkim_module()
    settings = conf.dkim_settings()
    if not settings["selector"] or not settings["domain"]:
        raise ProviderMisconfigured(
            "TOCSIN_DKIM_KEY_FILE is set; set TOCSIN_DKIM_SELECTOR and "
            "TOCSIN_DKIM_DOMAIN too"
        )
    key = Path(settings["key_file"]).read_bytes()
    signature = dkim.sign(
        message,
        settings["selector"].encode(),
        settings["domain"].encode(),
        key,
        include_headers=list(SIGNED_HEADERS),
    )
    return signature + message


class DkimSmtpBackend(SmtpEmailBackend):
    """Django's SMTP backend, signing each message with DKIM before sending."""

    def _send(self, email_message: EmailMessage) -> bool:
        if not email_message.recipients():
            return False
        encoding = email_message.encoding or "utf-8"
        from_email = sanitize_address(email_message.from_email, encoding)
        recipients = [
            sanitize_address(address, encoding)
            for address in email_message.recipients()
        ]
        raw = email_message.message().as_bytes(linesep="\r\n")
        try:
            self.connection.sendmail(from_email, recipients, dkim_sign(raw))
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True


@checks.register(checks.Tags.compatibility)
def check_dkim_package(**kwargs: Any) -> list[checks.CheckMessage]:
    """Return an error when a DKIM key is configured without dkimpy."""
    if not is_dkim_configured():
        return []
    try:
        _dkim_module()
    except ProviderMisconfigured as error:
        return [checks.Error(str(error), id="tocsin.delivery.E001")]
    return []
