"""Salesforce contacts through simple-salesforce: REST/SOQL and Bulk API 2.0.

Reads Contacts, Person Accounts and Leads. Small pulls page through REST
query results (``nextRecordsUrl``). Pulls larger than ``bulk_threshold``
records use a Bulk API 2.0 query job and page through its CSV results with
``Sforce-Locator``. The cursor holds the object being read, the mode, and
the next records URL or the job id and locator, so a resumed run continues
where the last stored page ended.

Sessions: simple-salesforce logs in again by itself when a REST call gets
``INVALID_SESSION_ID``; the Bulk API 2.0 client does not, so this connector
logs in again and repeats the page once. Every response's
``Sforce-Limit-Info`` is kept, so the job can stop before the org's daily
API limit, and ``Retry-After`` becomes the minimum wait before a retry.
"""

import csv
import io
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceError,
    SalesforceExpiredSession,
)

from tocsin.sources import conf
from tocsin.sources.connectors.base import (
    Cursor,
    Page,
    RejectedRow,
    SourceSpec,
    register_kind,
)
from tocsin.sources.errors import (
    SourceAuthFailed,
    SourceConfigError,
    SourceDataError,
    SourceRateLimited,
    SourceUnavailable,
)
from tocsin.sources.normalize import normalize_contact
from tocsin.vault.records import ContactRecord, Provenance

logger = logging.getLogger(__name__)

# Error codes Salesforce documents as transient: a later identical request
# can succeed.
RETRYABLE_CODES = frozenset(
    {
        "REQUEST_LIMIT_EXCEEDED",
        "QUERY_TIMEOUT",
        "UNABLE_TO_LOCK_ROW",
        "SERVER_UNAVAILABLE",
        "REQUEST_RUNNING_TOO_LONG",
    }
)
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
DEFAULT_API_VERSION = "59.0"


@dataclass(frozen=True)
class ObjectLayout:
    """The fields in which one Salesforce object keeps a person's contact."""

    sobject: str
    where: str
    email: str
    phones: tuple[str, ...]
    address_prefix: str
    extra_fields: tuple[str, ...] = ()

    @property
    def compound_address(self) -> str:
        return f"{self.address_prefix}Address"

    def rest_fields(self) -> list[str]:
        """Return the SOQL fields for REST, with the compound address."""
        return [
            "Id", "FirstName", "LastName", self.email, *self.phones,
            self.compound_address, *self.extra_fields, "SystemModstamp",
        ]  # fmt: skip

    def bulk_fields(self) -> list[str]:
        """Return the SOQL fields for Bulk API 2.0, which rejects compound
        fields, so the address comes as its components."""
        p = self.address_prefix
        address = [
            f"{p}Street",
            f"{p}City",
            f"{p}State",
            f"{p}PostalCode",
            f"{p}Country",
        ]
        return [
            "Id", "FirstName", "LastName", self.email, *self.phones, *address,
            *self.extra_fields, "SystemModstamp",
        ]  # fmt: skip


LAYOUTS = {
    "Contact": ObjectLayout(
        "Contact", "", "Email", ("Phone", "MobilePhone"), "Mailing"
    ),
    "PersonAccount": ObjectLayout(
        "Account",
        "IsPersonAccount = true",
        "PersonEmail",
        ("Phone", "PersonMobilePhone"),
        "PersonMailing",
    ),
    # Converted leads became contacts: reading them again would double count.
    "Lead": ObjectLayout(
        "Lead", "IsConverted = false", "Email", ("Phone",), "", ("Company",)
    ),
}


class _TimeoutSession(requests.Session):
    """A session whose requests time out by default.

    simple-salesforce sends its requests without a timeout, and a CRM that
    stops responding would block a worker forever.
    """

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.default_timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any):
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(method, url, *args, **kwargs)


class _EndpointOverrideAdapter(HTTPAdapter):
    """Sends every request to one base URL, keeping path and query.

    simple-salesforce builds each URL as ``https://<domain>.salesforce.com``
    or ``https://<instance>``. The override lets an operator route them
    through a local proxy, and lets tests reach the fake org on 127.0.0.1.
    """

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base = urlsplit(base_url)

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any):
        parts = urlsplit(request.url or "")
        request.url = urlunsplit(
            (self.base.scheme, self.base.netloc, parts.path, parts.query, "")
        )
        return super().send(request, *args, **kwargs)


def _parse_limit_info(header: str) -> tuple[int, int] | None:
    """Return (used, limit) from ``Sforce-Limit-Info: api-usage=N/M``."""
    usage = Salesforce.parse_api_usage(header).get("api-usage")
    return (usage.used, usage.total) if usage else None


def _parse_modstamp(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")


def _soql_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


@register_kind("salesforce")
class SalesforceConnector:
    """Reads contacts from a Salesforce org; see the module docstring."""

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.objects = list(spec.options.get("objects", ["Contact"]))
        unknown = [name for name in self.objects if name not in LAYOUTS]
        if unknown:
            raise SourceConfigError(
                f"source {spec.name!r} lists unknown objects {', '.join(unknown)}; "
                f"use {', '.join(LAYOUTS)}"
            )
        self.mode = spec.options.get("mode", "auto")
        self.bulk_threshold = int(spec.options.get("bulk_threshold", 10_000))
        self.page_size = int(spec.options.get("page_size", 2000))
        self.bulk_page_size = int(spec.options.get("bulk_page_size", 10_000))
        self.bulk_wait = float(spec.options.get("bulk_wait_seconds", 30))
        self.api_version = str(spec.options.get("api_version", DEFAULT_API_VERSION))
        timeout = float(spec.options.get("timeout", conf.request_timeout_seconds()))
        self.session = _TimeoutSession(timeout)
        override = spec.options.get("endpoint_override")
        if override:
            self.session.mount("https://", _EndpointOverrideAdapter(override))
        self.session.hooks["response"].append(self._remember_headers)
        self.last_headers: requests.structures.CaseInsensitiveDict = (
            requests.structures.CaseInsensitiveDict()
        )
        self.api_usage: tuple[int, int] | None = None
        self._client: Salesforce | None = None

    # Connection ------------------------------------------------------------

    def _remember_headers(self, response: requests.Response, *args: Any, **kwargs: Any):
        self.last_headers = response.headers
        limit_info = response.headers.get("Sforce-Limit-Info")
        if limit_info:
            self.api_usage = _parse_limit_info(limit_info) or self.api_usage

    def _secret(self, option: str, default_env: str) -> str:
        env_name = self.spec.options.get(option, default_env)
        value = os.environ.get(env_name)
        if not value:
            raise SourceConfigError(
                f"source {self.spec.name!r}: environment variable {env_name} is "
                "not set; set it on every worker host"
            )
        return value

    def _login(self) -> Salesforce:
        """Log in with the configured OAuth flow; return the client."""
        options = self.spec.options
        common = {
            "username": self.spec.option("username"),
            "domain": options.get("domain", "login"),
            "version": self.api_version,
            "session": self.session,
        }
        auth = options.get("auth", "password")
        try:
            if auth == "jwt":
                client = Salesforce(
                    consumer_key=self.spec.option("consumer_key"),
                    privatekey_file=self.spec.option("private_key_file"),
                    **common,
                )
            else:
                client = Salesforce(
                    password=self._secret("password_env", "TOCSIN_SALESFORCE_PASSWORD"),
                    security_token=self._secret(
                        "security_token_env", "TOCSIN_SALESFORCE_SECURITY_TOKEN"
                    ),
                    **common,
                )
        except SalesforceAuthenticationFailed as error:
            raise self._auth_error(error, auth) from None
        except requests.RequestException as error:
            raise self._unavailable(error, "login") from None
        logger.info("salesforce login", extra={"source": self.spec.name, "auth": auth})
        return client

    def _auth_error(
        self, error: SalesforceAuthenticationFailed, auth: str
    ) -> SourceAuthFailed:
        name = self.spec.name
        if auth == "jwt":
            return SourceAuthFailed(
                f"source {name!r}: Salesforce rejected the JWT bearer login "
                f"({error.code}: {error.auth_message}); the connected app's "
                "access may be revoked: re-approve the connected app for the "
                "integration user and check consumer_key and private_key_file"
            )
        env_name = self.spec.options.get("password_env", "TOCSIN_SALESFORCE_PASSWORD")
        return SourceAuthFailed(
            f"source {name!r}: Salesforce rejected the username, password or "
            f"security token ({error.code}); update {env_name} and, if the "
            "password was reset, the security token too"
        )

    @property
    def client(self) -> Salesforce:
        """Return the logged-in client, logging in on first use."""
        if self._client is None:
            self._client = self._login()
        return self._client

    def close(self) -> None:
        """Close the HTTP session."""
        self.session.close()

    # Errors --------------------------------------------------------------

    def _retry_after(self) -> float | None:
        value = self.last_headers.get("Retry-After")
        try:
            return float(value) if value else None
        except ValueError:
            return None

    def _unavailable(self, error: Exception, step: str) -> SourceUnavailable:
        return SourceUnavailable(
            f"source {self.spec.name!r}: Salesforce did not answer the {step} "
            f"request ({type(error).__name__}); retrying",
            retry_after=self._retry_after(),
        )

    def _translate(self, error: SalesforceError, step: str) -> Exception:
        """Return the Tocsin error for a Salesforce API error response."""
        content = error.content if isinstance(error.content, list) else []
        code = content[0].get("errorCode", "") if content else ""
        where = f"source {self.spec.name!r}: Salesforce {step} failed"
        if error.status == 429 or code == "REQUEST_LIMIT_EXCEEDED":
            return SourceRateLimited(
                f"{where} with {code or error.status}; waiting before retrying",
                retry_after=self._retry_after(),
            )
        if code in RETRYABLE_CODES or error.status in RETRYABLE_STATUSES:
            return SourceUnavailable(
                f"{where} with {code or error.status}; retrying",
                retry_after=self._retry_after(),
            )
        if isinstance(error, SalesforceExpiredSession):
            return SourceAuthFailed(
                f"{where}: the session was rejected again after a new login "
                "(INVALID_SESSION_ID); check that the integration user is active"
            )
        return SourceDataError(
            f"{where} with {code or error.status}; check the objects option and "
            "the integration user's field permissions"
        )

    # Paging ----------------------------------------------------------------

    def fetch_page(self, cursor: Cursor | None, since: datetime | None) -> Page:
        """Return the page at the cursor; see the module docstring."""
        cursor = dict(cursor or {"object": 0})
        step = self.objects[cursor["object"]]
        try:
            page = self._fetch(cursor, since)
        except SalesforceExpiredSession:
            # Bulk API 2.0 calls do not log in again by themselves.
            self._client = None
            try:
                page = self._fetch(cursor, since)
            except SalesforceError as error:
                raise self._translate(error, f"{step} query") from None
        except SalesforceAuthenticationFailed as error:
            raise self._auth_error(
                error, self.spec.options.get("auth", "password")
            ) from None
        except SalesforceError as error:
            raise self._translate(error, f"{step} query") from None
        except (requests.exceptions.JSONDecodeError, ValueError):
            raise SourceUnavailable(
                f"source {self.spec.name!r}: a {step} page from Salesforce was "
                "truncated or not valid JSON; retrying the page. If it "
                "persists, check any proxy between Tocsin and Salesforce"
            ) from None
        except requests.RequestException as error:
            raise self._unavailable(error, f"{step} query") from None
        page.api_usage = self.api_usage
        return page

    def _fetch(self, cursor: Cursor, since: datetime | None) -> Page:
        if "total" not in cursor:
            cursor["total"] = sum(
                self._count(LAYOUTS[name], since) for name in self.objects
            )
        if "mode" not in cursor:
            cursor["mode"] = self._choose_mode(cursor, since)
        if cursor["mode"] == "bulk":
            page = self._fetch_bulk(cursor, since)
        else:
            page = self._fetch_rest(cursor, since)
        page.total = cursor["total"]
        return page

    def _soql(self, layout: ObjectLayout, fields: list[str], since: datetime | None):
        conditions = [c for c in (layout.where,) if c]
        if since is not None:
            conditions.append(f"SystemModstamp > {_soql_time(since)}")
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        return f"SELECT {', '.join(fields)} FROM {layout.sobject}{where} ORDER BY Id"

    def _count(self, layout: ObjectLayout, since: datetime | None) -> int:
        soql = self._soql(layout, ["COUNT()"], since).replace(" ORDER BY Id", "")
        return int(self.client.query(soql)["totalSize"])

    def _choose_mode(self, cursor: Cursor, since: datetime | None) -> str:
        if self.mode in ("rest", "bulk"):
            return self.mode
        layout = LAYOUTS[self.objects[cursor["object"]]]
        return "bulk" if self._count(layout, since) > self.bulk_threshold else "rest"

    def _next_object(self, cursor: Cursor) -> Cursor | None:
        following = cursor["object"] + 1
        if following >= len(self.objects):
            return None
        return {"object": following, "total": cursor["total"]}

    def _fetch_rest(self, cursor: Cursor, since: datetime | None) -> Page:
        object_name = self.objects[cursor["object"]]
        layout = LAYOUTS[object_name]
        headers = {"Sforce-Query-Options": f"batchSize={self.page_size}"}
        if cursor.get("next"):
            result = self.client.query_more(
                cursor["next"], identifier_is_url=True, headers=headers
            )
        else:
            soql = self._soql(layout, layout.rest_fields(), since)
            result = self.client.query(soql, headers=headers)
        if "records" not in result or "done" not in result:
            raise ValueError("query result without records or done")
        records, rejected = self._read_records(object_name, layout, result["records"])
        if result["done"]:
            next_cursor = self._next_object(cursor)
        else:
            next_cursor = cursor | {"next": result["nextRecordsUrl"]}
        return Page(records, next_cursor, rejected)

    def _fetch_bulk(self, cursor: Cursor, since: datetime | None) -> Page:
        object_name = self.objects[cursor["object"]]
        layout = LAYOUTS[object_name]
        # SFBulk2Type.query() always starts a new job and reads every page in
        # one go. Its _client exposes the resumable steps (create, poll, one
        # result page by locator) that a checkpointed job needs.
        bulk = getattr(self.client.bulk2, layout.sobject)
        if not cursor.get("job"):
            # A page of its own, so the job id is checkpointed before any
            # result is read and a retry does not start a second job.
            soql = self._soql(layout, layout.bulk_fields(), since)
            job = bulk._client.create_job("query", query=soql)
            return Page([], cursor | {"job": job["id"], "locator": ""})
        if not cursor.get("job_complete"):
            if self._wait_for_job(bulk, cursor) == "Failed":
                return self._restart_failed_job(cursor)
            # A complete job stays complete: later pages skip the status call.
            cursor = cursor | {"job_complete": True}
        result = bulk._client.get_query_results(
            cursor["job"], cursor.get("locator", ""), self.bulk_page_size
        )
        rows = list(csv.DictReader(io.StringIO(result["records"])))
        if len(rows) != result["number_of_records"]:
            raise ValueError("bulk result page row count differs from its header")
        records, rejected = self._read_records(object_name, layout, rows)
        if result["locator"]:
            next_cursor = cursor | {"locator": result["locator"]}
        else:
            next_cursor = self._next_object(cursor)
        return Page(records, next_cursor, rejected)

    def _wait_for_job(self, bulk: Any, cursor: Cursor) -> str:
        """Poll the bulk job until it ends or ``bulk_wait_seconds`` pass."""
        deadline = time.monotonic() + self.bulk_wait
        delay = 0.1
        while True:
            state = bulk._client.get_job(cursor["job"], True)["state"]
            if state in ("JobComplete", "Failed", "Aborted"):
                return "Failed" if state == "Aborted" else state
            if time.monotonic() > deadline:
                raise SourceUnavailable(
                    f"source {self.spec.name!r}: bulk query job {cursor['job']} "
                    f"is still {state}; checking again later",
                    retry_after=self.bulk_wait,
                )
            time.sleep(delay)
            delay = min(delay * 2, 5.0)

    def _restart_failed_job(self, cursor: Cursor) -> Page:
        attempts = cursor.get("failed_jobs", 0) + 1
        if attempts >= 3:
            raise SourceDataError(
                f"source {self.spec.name!r}: the bulk query job for "
                f"{self.objects[cursor['object']]} failed {attempts} times; "
                "set the source's mode option to rest, or check the job in "
                "Salesforce Setup > Bulk Data Load Jobs"
            )
        logger.warning(
            "salesforce bulk job failed, starting another",
            extra={"source": self.spec.name, "job_id": cursor["job"]},
        )
        restarted = cursor | {"job": "", "locator": "", "failed_jobs": attempts}
        return Page([], restarted)

    def _read_records(
        self, object_name: str, layout: ObjectLayout, rows: list[dict[str, Any]]
    ) -> tuple[list[ContactRecord], list[RejectedRow]]:
        records: list[ContactRecord] = []
        rejected: list[RejectedRow] = []
        for row in rows:
            record_id = row.get("Id") or ""
            try:
                as_of = _parse_modstamp(row.get("SystemModstamp") or "")
            except ValueError:
                reference = f"{object_name} {record_id or '(no Id)'}"
                rejected.append(RejectedRow(reference, "SystemModstamp is missing"))
                continue
            if not record_id:
                rejected.append(RejectedRow(f"{object_name} (no Id)", "Id is missing"))
                continue
            contact = self._to_contact(object_name, layout, row, as_of)
            records.append(normalize_contact(contact)[0])
        return records, rejected

    def _to_contact(
        self,
        object_name: str,
        layout: ObjectLayout,
        row: dict[str, Any],
        as_of: datetime,
    ) -> ContactRecord:
        address = row.get(layout.compound_address)
        p = layout.address_prefix
        if isinstance(address, dict):
            street = address.get("street") or ""
            city = address.get("city") or ""
            state = address.get("stateCode") or address.get("state") or ""
            postal_code = address.get("postalCode") or ""
            country = address.get("countryCode") or address.get("country") or ""
        else:
            street = row.get(f"{p}Street") or ""
            city = row.get(f"{p}City") or ""
            state = row.get(f"{p}State") or ""
            postal_code = row.get(f"{p}PostalCode") or ""
            country = row.get(f"{p}Country") or ""
        lines = street.splitlines()
        phone = next((row[name] for name in layout.phones if row.get(name)), "")
        provenance = Provenance(self.spec.name, object_name, row["Id"], as_of)
        return ContactRecord(
            provenance=provenance,
            customer_id=row["Id"],
            first_name=row.get("FirstName") or "",
            last_name=row.get("LastName") or "",
            email=row.get(layout.email) or "",
            phone=phone,
            address1=lines[0] if lines else "",
            address2=" ".join(lines[1:]),
            city=city,
            province_code=state,
            postal_code=postal_code,
            country_code=country,
            company=row.get("Company") or "",
        )
