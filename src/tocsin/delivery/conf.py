"""Delivery settings, read from Django settings with environment fallbacks.

Each value is looked up at call time, so tests can override settings and a
long-running worker picks up nothing stale from import time. A Django
setting wins over the environment variable of the same name; lists and
dicts come from the environment as JSON.
"""

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings

from tocsin.delivery.errors import ProviderMisconfigured


def _setting(name: str, default: Any) -> Any:
    if hasattr(settings, name):
        return getattr(settings, name)
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if isinstance(default, bool):
        return raw == "1"
    if isinstance(default, int | float):
        return type(default)(raw)
    if isinstance(default, list | dict):
        try:
            return json.loads(raw)
        except ValueError as error:
            raise ProviderMisconfigured(
                f"environment variable {name} is not valid JSON; "
                f"expected a {type(default).__name__}"
            ) from error
    return raw


def tocsin_home() -> Path:
    """Return the data folder for shared delivery state and mail batches."""
    return Path(_setting("TOCSIN_HOME", "var")).resolve()


def email_providers() -> list[dict[str, Any]]:
    """Return the email provider chain, in failover order.

    Each entry: ``name``, ``backend`` (a Django email backend path, such as
    ``anymail.backends.postmark.EmailBackend``), ``options`` (keyword
    arguments for that backend, such as ``api_key`` and ``api_url``), and
    optional ``rate_per_second`` and ``burst``.
    """
    return list(_setting("TOCSIN_DELIVERY_EMAIL_PROVIDERS", []))


def sms_providers() -> list[dict[str, Any]]:
    """Return the SMS provider chain: ``name``, ``account_sid``,
    ``auth_token``, ``from_number`` or ``messaging_service_sid``, optional
    ``api_base_url`` (tests point it at a local fake), ``rate_per_second``
    and ``burst``.
    """
    return list(_setting("TOCSIN_DELIVERY_SMS_PROVIDERS", []))


def redis_url() -> str:
    """Return the Redis URL for shared breaker and rate-limit state, or ''."""
    return str(_setting("TOCSIN_DELIVERY_REDIS_URL", ""))


def message_id_domain() -> str:
    """Return the domain used on the right of generated Message-IDs."""
    return str(_setting("TOCSIN_MESSAGE_ID_DOMAIN", "notices.example.com"))


def dkim_settings() -> dict[str, str]:
    """Return ``selector``, ``domain`` and ``key_file`` for DKIM, or blanks."""
    return {
        "selector": str(_setting("TOCSIN_DKIM_SELECTOR", "")),
        "domain": str(_setting("TOCSIN_DKIM_DOMAIN", "")),
        "key_file": str(_setting("TOCSIN_DKIM_KEY_FILE", "")),
    }


def sms_allowed_countries() -> list[str]:
    """Return ISO 3166-1 alpha-2 codes that SMS may be sent to."""
    return [code.upper() for code in _setting("TOCSIN_SMS_ALLOWED_COUNTRIES", ["US"])]


def sms_max_segments() -> int:
    """Return the most segments one SMS alert may use."""
    return int(_setting("TOCSIN_SMS_MAX_SEGMENTS", 2))


def sms_status_callback_url() -> str:
    """Return the public URL Twilio posts status callbacks to, or ''."""
    return str(_setting("TOCSIN_SMS_STATUS_CALLBACK_URL", ""))


def breaker_failure_threshold() -> int:
    """Return how many failures in a row open a provider's circuit breaker."""
    return int(_setting("TOCSIN_BREAKER_FAILURE_THRESHOLD", 5))


def breaker_reset_seconds() -> float:
    """Return the seconds an open breaker waits before one trial call."""
    return float(_setting("TOCSIN_BREAKER_RESET_SECONDS", 60.0))


def sns_certificates() -> dict[str, str]:
    """Return SNS signing certificates: certificate URL to local PEM path.

    Tocsin does not download certificates while verifying a webhook: an
    operator places Amazon's certificate file (downloaded once over HTTPS
    from the ``SigningCertURL`` host) on disk and names it here.
    """
    return dict(_setting("TOCSIN_SES_SNS_CERTIFICATES", {}))


def sns_topic_arns() -> list[str]:
    """Return the SNS topic ARNs SES events may come from; empty allows any."""
    return list(_setting("TOCSIN_SES_SNS_TOPIC_ARNS", []))


def deadline_margin_hours() -> float:
    """Return how many hours before a deadline a projected finish alerts."""
    return float(_setting("TOCSIN_DELIVERY_DEADLINE_MARGIN_HOURS", 24.0))


def letter_fallback_hours() -> float:
    """Return the hours to wait for an email delivery before a letter."""
    return float(_setting("TOCSIN_LETTER_FALLBACK_HOURS", 72.0))


def sms_alerts_enabled() -> bool:
    """Return whether people with a phone number also get an SMS alert."""
    return bool(_setting("TOCSIN_SMS_ALERTS", False))


def mail_batch_dir() -> Path:
    """Return the folder that letter batches for the mail house go into."""
    configured = str(_setting("TOCSIN_MAIL_BATCH_DIR", ""))
    return Path(configured) if configured else tocsin_home() / "mail-batches"


def mail_house_name() -> str:
    """Return the mail house's name, recorded as the letters' provider."""
    return str(_setting("TOCSIN_MAIL_HOUSE", "mail-house"))


def auto_followups_enabled() -> bool:
    """Return whether ``notify`` also plans and sends letters and SMS alerts.

    Off by default: letter batches hold names and addresses in plaintext
    for the mail house, so an operator turns this on knowing where
    ``TOCSIN_MAIL_BATCH_DIR`` is and who collects from it.
    """
    return bool(_setting("TOCSIN_AUTO_FOLLOWUPS", False))
