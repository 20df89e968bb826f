"""SMS alerts through Twilio: numbers, segments, content and errors.

An SMS never carries the notice itself. It is an extra alert that points
to the notice: a URL and a short reference, nothing personal, because a
text message sits unencrypted on a phone's lock screen and in carrier
logs. Numbers must be E.164 and in a country the operator allowed, since
sender registration (10DLC, sender ids) and consent rules vary by country.
"""

import logging
import re
from typing import Any
from urllib.parse import urlencode

import phonenumbers
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from tocsin.delivery import conf
from tocsin.delivery.errors import (
    DeliveryPermanentError,
    InvalidRecipient,
    ProviderMisconfigured,
    ProviderThrottled,
    ProviderUnavailable,
    RecipientOptedOut,
)
from tocsin.delivery.providers import ProviderChain, ProviderReceipt, guard

logger = logging.getLogger(__name__)

TWILIO_API_URL = "https://api.twilio.com"

# GSM 03.38 basic character set (one septet each) and its extension table
# (two septets each: an escape and the character).
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"

# Units per message: (single-part limit, per-part limit when concatenated).
# Concatenated parts lose room to the user data header (6 bytes).
SEGMENT_LIMITS = {"GSM-7": (160, 153), "UCS-2": (70, 67)}

# Twilio error codes (twilio.com/docs/api/errors) meaning that the number
# itself cannot receive this message.
_INVALID_NUMBER_CODES = {21211, 21214, 21217, 21401, 21407, 21421, 21614}
_OPTED_OUT_CODE = 21610


def sms_encoding(body: str) -> str:
    """Return ``GSM-7`` if the GSM alphabet covers ``body``, else ``UCS-2``."""
    allowed = set(GSM7_BASIC) | set(GSM7_EXTENSION)
    return "GSM-7" if all(char in allowed for char in body) else "UCS-2"


def _units(body: str, encoding: str) -> list[int]:
    if encoding == "GSM-7":
        return [2 if char in GSM7_EXTENSION else 1 for char in body]
    # UCS-2 counts UTF-16 code units: characters outside the BMP take two.
    return [2 if ord(char) > 0xFFFF else 1 for char in body]


def count_segments(body: str) -> int:
    """Return how many SMS segments ``body`` needs.

    A two-unit character (a GSM escape pair or a UTF-16 surrogate pair) is
    never split between segments, as handsets could not rejoin it.
    """
    encoding = sms_encoding(body)
    single, per_part = SEGMENT_LIMITS[encoding]
    units = _units(body, encoding)
    if sum(units) <= single:
        return 1 if body else 0
    segments, used = 1, 0
    for size in units:
        if used + size > per_part:
            segments += 1
            used = 0
        used += size
    return segments


_PARSE_ERRORS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "INVALID_COUNTRY_CODE",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "NOT_A_NUMBER",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "TOO_SHORT_AFTER_IDD",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "TOO_SHORT_NSN",
    phonenumbers.NumberParseException.TOO_LONG: "TOO_LONG",
}


def normalize_number(raw: str, default_region: str = "US") -> str:
    """Return ``raw`` as an E.164 number, or raise ``InvalidRecipient``."""
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as error:
        raise InvalidRecipient(
            "phone number could not be parsed "
            f"({_PARSE_ERRORS.get(error.error_type, error.error_type)}); "
            "check the contact's phone field"
        ) from error
    if not phonenumbers.is_possible_number(number):
        raise InvalidRecipient(
            "phone number has an impossible length for its country; "
            "check the contact's phone field"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_sms_country(to_e164: str) -> str:
    """Return the number's country code; raise if SMS there is not allowed."""
    if not re.fullmatch(r"\+[1-9]\d{6,14}", to_e164):
        raise InvalidRecipient("phone number is not in E.164 form (+ and digits)")
    number = phonenumbers.parse(to_e164)
    # Numbers in reserved ranges (such as 555-01xx) have no region of their
    # own, so the calling code's main country is used for them.
    country = phonenumbers.region_code_for_number(
        number
    ) or phonenumbers.region_code_for_country_code(number.country_code)
    allowed = conf.sms_allowed_countries()
    if country not in allowed:
        raise InvalidRecipient(
            f"SMS to country '{country}' is not allowed; allowed: "
            f"{', '.join(allowed)} (TOCSIN_SMS_ALLOWED_COUNTRIES)"
        )
    return country


def compose_sms_alert(sender_name: str, notice_url: str, reference: str) -> str:
    """Return the alert text: who sends it, the notice URL and a reference.

    The wording is fixed and contains no personal data. The person reads
    the notice itself at the URL.
    """
    return (
        f"{sender_name}: we have sent you an important notice about your "
        f"personal information. Read it at {notice_url} (ref {reference})."
    )


_EMAIL_PATTERN = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_URL_PATTERN = re.compile(r"https://\S+")
_LONG_DIGITS = re.compile(r"\d[\d\s().-]{7,}\d")


def check_sms_body(body: str, to_e164: str, reference: str = "") -> None:
    """Raise if ``body`` is too long or looks like it carries personal data.

    A body must contain the notice URL and must not contain an email
    address or a run of digits as long as a phone or account number. The
    URL and the notice ``reference`` are exempt from the digit check,
    because both are Tocsin's own ids.
    """
    segments = count_segments(body)
    limit = conf.sms_max_segments()
    if segments > limit:
        raise DeliveryPermanentError(
            f"SMS body needs {segments} segments ({sms_encoding(body)}); "
            f"the limit is {limit} (TOCSIN_SMS_MAX_SEGMENTS)"
        )
    if not _URL_PATTERN.search(body):
        raise DeliveryPermanentError("SMS body has no https:// link to the notice")
    without_urls = _URL_PATTERN.sub("", body)
    if reference:
        without_urls = without_urls.replace(reference, "")
    if _EMAIL_PATTERN.search(without_urls):
        raise DeliveryPermanentError("SMS body contains an email address")
    digits = re.sub(r"\D", "", to_e164)
    if _LONG_DIGITS.search(without_urls) or digits[-7:] in re.sub(
        r"\D", "", without_urls
    ):
        raise DeliveryPermanentError("SMS body contains a phone or account number")


class _LocalBaseUrlHttpClient(TwilioHttpClient):
    """Twilio's own HTTP client with the API host replaced by ``base_url``.

    Used only when ``api_base_url`` is configured, as tests and drills do
    to reach a local fake. The twilio library still builds every request
    and parses every response.
    """

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if url.startswith(TWILIO_API_URL):
            url = self.base_url + url[len(TWILIO_API_URL) :]
        return super().request(method, url, *args, **kwargs)


class TwilioSmsProvider:
    """One Twilio account (or messaging service) used as an SMS provider."""

    channel = "sms"

    def __init__(self, config: dict[str, Any]) -> None:
        missing = [
            k for k in ("name", "account_sid", "auth_token") if not config.get(k)
        ]
        if missing or not (
            config.get("from_number") or config.get("messaging_service_sid")
        ):
            raise ProviderMisconfigured(
                f"SMS provider '{config.get('name', '?')}' lacks "
                f"{', '.join(missing) or 'from_number or messaging_service_sid'} "
                "in TOCSIN_DELIVERY_SMS_PROVIDERS"
            )
        self.name = str(config["name"])
        self.config = config
        timeout = float(config.get("timeout", 10))
        http_client = (
            _LocalBaseUrlHttpClient(config["api_base_url"], timeout)
            if config.get("api_base_url")
            else TwilioHttpClient(timeout=timeout)
        )
        self.client = Client(
            config["account_sid"], config["auth_token"], http_client=http_client
        )

    def send(self, message: dict[str, str], *, idempotency_key: str) -> ProviderReceipt:
        """Create the message at Twilio; return the receipt with its SID.

        Twilio's Messages API takes no idempotency key, so the key travels
        in the status callback URL, where it maps callbacks to the attempt.
        """
        params: dict[str, Any] = {"to": message["to"], "body": message["body"]}
        if self.config.get("messaging_service_sid"):
            params["messaging_service_sid"] = self.config["messaging_service_sid"]
        else:
            params["from_"] = self.config["from_number"]
        callback = status_callback_url(self.name, idempotency_key)
        if callback:
            params["status_callback"] = callback
        try:
            created = self.client.messages.create(**params)
        except TwilioRestException as error:
            raise self._map_rest_error(error, idempotency_key) from error
        except requests.RequestException as error:
            raise ProviderUnavailable(
                f"provider '{self.name}' attempt '{idempotency_key}': "
                f"{type(error).__name__}",
                in_doubt=isinstance(error, requests.ReadTimeout),
            ) from error
        return ProviderReceipt(
            self.name,
            "sms",
            str(created.sid),
            idempotency_key,
            status=str(created.status),
        )

    def _map_rest_error(self, error: TwilioRestException, key: str) -> Exception:
        where = f"provider '{self.name}' attempt '{key}'"
        code = error.code
        if code == _OPTED_OUT_CODE:
            return RecipientOptedOut(
                f"{where}: Twilio error 21610 (recipient unsubscribed)"
            )
        if code in _INVALID_NUMBER_CODES:
            return InvalidRecipient(
                f"{where}: Twilio error {code} (number cannot receive SMS)"
            )
        if error.status == 429 or code == 20429:
            return ProviderThrottled(
                f"{where}: Twilio error {code} (HTTP 429)", retry_after=1.0
            )
        if error.status >= 500:
            return ProviderUnavailable(f"{where}: Twilio HTTP {error.status}")
        if error.status in (401, 403):
            return ProviderMisconfigured(
                f"{where}: Twilio error {code} (HTTP {error.status}); check "
                "account_sid and auth_token in TOCSIN_DELIVERY_SMS_PROVIDERS"
            )
        return DeliveryPermanentError(
            f"{where}: Twilio error {code} (HTTP {error.status})"
        )


def status_callback_url(provider_name: str, idempotency_key: str) -> str:
    """Return the status callback URL for one attempt, or '' if none is set."""
    base = conf.sms_status_callback_url()
    if not base:
        return ""
    query = urlencode({"attempt": idempotency_key})
    return f"{base.rstrip('/')}/{provider_name}/?{query}"


def sms_chain() -> ProviderChain:
    """Return the configured SMS providers as a guarded failover chain."""
    providers = [
        guard(TwilioSmsProvider(entry), entry) for entry in conf.sms_providers()
    ]
    return ProviderChain("sms", providers)


def send_sms(
    to_e164: str,
    body: str,
    *,
    idempotency_key: str,
    reference: str = "",
    chain: ProviderChain | None = None,
) -> ProviderReceipt:
    """Send an SMS alert through the provider chain; return the receipt.

    Checks run before any provider is called, so a bad number or body
    fails the same way whatever the provider.
    """
    check_sms_country(to_e164)
    check_sms_body(body, to_e164, reference)
    chain = chain or sms_chain()
    receipt = chain.send({"to": to_e164, "body": body}, idempotency_key=idempotency_key)
    logger.info(
        "sms accepted by provider",
        extra={"provider": receipt.provider, "idempotency_key": idempotency_key},
    )
    return receipt
