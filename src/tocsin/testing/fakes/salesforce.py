"""A Salesforce org on 127.0.0.1 that speaks the real wire formats.

The fake serves the requests that simple-salesforce and Tocsin's connector
send:

- SOAP login (``POST /services/Soap/u/<version>``) for username, password
  and security token, with the real ``INVALID_LOGIN`` fault on a wrong
  password;
- OAuth 2.0 JWT bearer (``POST /services/oauth2/token``), checking the
  assertion's RS256 signature, issuer, subject and audience, with
  ``invalid_grant`` once the token is revoked;
- REST queries (``/services/data/vXX.X/query`` and ``query/<locator>``) with
  ``totalSize``, ``done``, ``nextRecordsUrl`` and records with
  ``attributes``; compound address fields; ``SELECT COUNT()``;
- Bulk API 2.0 query jobs (``/jobs/query``: create, poll, CSV result pages
  with ``Sforce-Locator`` and ``Sforce-NumberOfRecords``);
- ``Sforce-Limit-Info: api-usage=N/M`` on every API response, and
  ``REQUEST_LIMIT_EXCEEDED`` once the daily limit is used up.

Faults are injected on demand (``inject``) or at random with a fixed seed
(``failure_rate``): 503, 429 with Retry-After, REQUEST_LIMIT_EXCEEDED,
QUERY_TIMEOUT, UNABLE_TO_LOCK_ROW, slow answers (client timeouts), expired
sessions, malformed pages and failed bulk jobs.

Records are built from their index, so a million-record org costs no memory
until it is read. Values are synthetic: example.com emails and 555-01xx
phone numbers.

Clients reach the fake through the connector's ``endpoint_override`` option,
because simple-salesforce builds every URL as ``https://<host>``; the fake
itself speaks plain HTTP on 127.0.0.1.
"""

import csv
import io
import json
import random
import re
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
from faker import Faker

INSTANCE_HOST = "tocsin-fake.my.salesforce.com"
ORG_ID = "00D000000000001EAA"
ID_PREFIXES = {"Contact": "003", "Account": "001", "Lead": "00Q"}
BASE_MODSTAMP = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)

FAULTS = (
    "unavailable",  # 503 SERVER_UNAVAILABLE
    "rate_limited",  # 429 REQUEST_LIMIT_EXCEEDED with Retry-After
    "request_limit",  # 403 REQUEST_LIMIT_EXCEEDED, concurrent request limit
    "query_timeout",  # 400 QUERY_TIMEOUT
    "row_lock",  # 400 UNABLE_TO_LOCK_ROW
    "slow",  # responds after ``slow_seconds``, past the client's timeout
    "session_expired",  # 401 INVALID_SESSION_ID, every session ends
    "malformed",  # 200 with a truncated JSON or CSV body
    "bulk_job_failed",  # the next bulk job ends in state Failed
)


def _salesforce_id(object_name: str, index: int) -> str:
    return f"{ID_PREFIXES[object_name]}{index:012d}AAA"


def _soql_datetime(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


@dataclass
class _Query:
    object_name: str
    fields: list[str]
    indexes: list[int]
    locator: str = field(default_factory=lambda: "01g" + uuid.uuid4().hex[:15])


@dataclass
class _BulkJob:
    job_id: str
    query: _Query
    polls_left: int
    failed: bool = False


class FakeSalesforce:
    """A threaded fake Salesforce org; use as a context manager or start()."""

    def __init__(
        self,
        *,
        contacts: int = 0,
        person_accounts: int = 0,
        leads: int = 0,
        username: str = "integration@example.com",
        password: str = "correct-horse",
        security_token: str = "TOKEN123",
        consumer_key: str = "3MVG9-fake-consumer-key",
        jwt_public_key: str | None = None,
        api_limit: int = 1_000_000,
        api_used: int = 0,
        failure_rate: float = 0.0,
        failure_mix: tuple[str, ...] = ("unavailable", "rate_limited", "slow"),
        seed: int = 7,
        slow_seconds: float = 2.0,
        retry_after_seconds: int = 1,
        bulk_polls: int = 2,
    ) -> None:
        self.counts = {"Contact": contacts, "Account": person_accounts, "Lead": leads}
        self.username = username
        self.password = password
        self.security_token = security_token
        self.consumer_key = consumer_key
        self.jwt_public_key = jwt_public_key
        self.api_limit = api_limit
        self.api_used = api_used
        self.failure_rate = failure_rate
        self.failure_mix = failure_mix
        self.slow_seconds = slow_seconds
        self.retry_after_seconds = retry_after_seconds
        self.bulk_polls = bulk_polls
        self.revoked = False
        self.sessions: set[str] = set()
        self.stats: Counter[str] = Counter()
        self.modified: dict[tuple[str, int], dict[str, Any]] = {}
        self._random = random.Random(seed)
        self._queued_faults: list[str] = []
        self._failing_jobs = 0
        self._requests_seen = 0
        self._hold_at = 0
        self._held = threading.Event()
        self._release = threading.Event()
        self.held_client_port: int | None = None
        self._queries: dict[str, _Query] = {}
        self._jobs: dict[str, _BulkJob] = {}
        self._lock = threading.Lock()
        self._names = self._name_pools(seed)
        self._server: ThreadingHTTPServer | None = None

    @staticmethod
    def _name_pools(seed: int) -> dict[str, list[str]]:
        faker = Faker("en_US")
        faker.seed_instance(seed)
        return {
            "first": [faker.first_name() for _ in range(200)],
            "last": [faker.last_name() for _ in range(200)],
            "street": [faker.street_address() for _ in range(200)],
            "city": [faker.city() for _ in range(50)],
        }

    # Lifecycle -----------------------------------------------------------

    def start(self) -> "FakeSalesforce":
        """Start serving on a free port of 127.0.0.1; return self."""
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeSalesforce":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Return the base URL to give as the connector's endpoint_override."""
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # Fault injection and data changes ---------------------------------------

    def inject(self, fault: str, times: int = 1) -> None:
        """Make the next ``times`` API requests fail with ``fault``."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; use one of {FAULTS}")
        with self._lock:
            if fault == "bulk_job_failed":
                self._failing_jobs += times
            else:
                self._queued_faults += [fault] * times

    def expire_sessions(self) -> None:
        """End every session now, as a session timeout does."""
        with self._lock:
            self.sessions.clear()

    def revoke_token(self) -> None:
        """Revoke the connected app's access: sessions end, logins fail."""
        with self._lock:
            self.revoked = True
            self.sessions.clear()

    def hold_request(self, number: int) -> None:
        """Make API request ``number`` (counted from 1, from now) wait until
        ``release`` is called.

        ``held_client_port`` then contains the client TCP port that sent
        it, so a test can find and kill the worker in the middle of a page.
        """
        with self._lock:
            self._held.clear()
            self._release.clear()
            self._hold_at = self._requests_seen + number
            self.held_client_port = None

    def is_holding(self) -> bool:
        """Return whether a request is being held."""
        return self._held.is_set()

    def release(self) -> None:
        """Let the held request, if any, get its response."""
        self._release.set()

    def _hold_if_asked(self, client_port: int) -> None:
        with self._lock:
            self._requests_seen += 1
            if self._requests_seen != self._hold_at:
                return
            self.held_client_port = client_port
        self._held.set()
        self._release.wait(60)

    def change_record(self, object_name: str, index: int, **values: Any) -> None:
        """Change a record's fields and bump its SystemModstamp to now."""
        with self._lock:
            changes = self.modified.setdefault((object_name, index), {})
            changes.update(values)
            changes["SystemModstamp"] = _soql_datetime(datetime.now(UTC))

    # Records --------------------------------------------------------------

    def record(self, object_name: str, index: int) -> dict[str, Any]:
        """Return one record, with every field the fake serves, by index."""
        names = self._names
        first = names["first"][index % 200]
        last = names["last"][(index * 7 + 3) % 200]
        # Every 17th record has no email, as contacts from phone orders.
        email = "" if index % 17 == 5 else f"{first}.{last}.{index}@example.com".lower()
        phone = f"(212) 555-{100 + index % 100:04d}"
        address = {
            "street": names["street"][index % 200],
            "city": names["city"][index % 50],
            "state": "Illinois",
            "stateCode": "IL",
            "postalCode": "62701",
            "country": "United States",
            "countryCode": "US",
            "geocodeAccuracy": None,
            "latitude": None,
            "longitude": None,
        }
        modstamp = _soql_datetime(BASE_MODSTAMP + timedelta(seconds=index))
        record = {
            "Id": _salesforce_id(object_name, index),
            "FirstName": first,
            "LastName": last,
            "SystemModstamp": modstamp,
        }
        if object_name == "Contact":
            record |= {"Email": email, "Phone": phone, "MobilePhone": None}
            record |= self._address_fields("Mailing", address)
        elif object_name == "Account":
            record |= {"IsPersonAccount": True, "PersonEmail": email, "Phone": phone}
            record |= {"PersonMobilePhone": None}
            record |= self._address_fields("PersonMailing", address)
        else:
            record |= {"Email": email, "Phone": phone, "Company": "Example Co"}
            record |= {"IsConverted": False}
            record |= self._address_fields("", address)
        record.update(self.modified.get((object_name, index), {}))
        return record

    @staticmethod
    def _address_fields(prefix: str, address: dict[str, Any]) -> dict[str, Any]:
        compound = f"{prefix}Address" if prefix else "Address"
        return {
            compound: address,
            f"{prefix}Street": address["street"],
            f"{prefix}City": address["city"],
            f"{prefix}State": address["state"],
            f"{prefix}StateCode": address["stateCode"],
            f"{prefix}PostalCode": address["postalCode"],
            f"{prefix}Country": address["country"],
            f"{prefix}CountryCode": address["countryCode"],
        }

    def parse_soql(self, soql: str) -> _Query:
        """Return the query for a SOQL statement of the forms Tocsin sends."""
        match = re.fullmatch(
            r"\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<object>\w+)"
            r"(?:\s+WHERE\s+(?P<where>.+?))?(?:\s+ORDER\s+BY\s+(?P<order>.+?))?\s*",
            soql,
            re.IGNORECASE | re.DOTALL,
        )
        if not match or match["object"] not in self.counts:
            raise _ApiError(400, "MALFORMED_QUERY", "unexpected token in query")
        fields = [name.strip() for name in match["fields"].split(",")]
        since = None
        for condition in re.split(r"\s+AND\s+", match["where"] or "", flags=re.I):
            stamp = re.fullmatch(r"SystemModstamp\s*>\s*(\S+)", condition.strip())
            if stamp:
                since = datetime.fromisoformat(stamp[1].replace("Z", "+00:00"))
        indexes = range(self.counts[match["object"]])
        if since is not None:
            indexes = [
                i
                for i in indexes
                if _parse_modstamp(self.record(match["object"], i)) > since
            ]
        return _Query(match["object"], fields, list(indexes))

    # Request accounting --------------------------------------------------

    def next_fault(self) -> str | None:
        """Return the fault for this API request, if any, and count it."""
        with self._lock:
            if self._queued_faults:
                fault = self._queued_faults.pop(0)
            elif self.failure_rate and self._random.random() < self.failure_rate:
                fault = self._random.choice(self.failure_mix)
                if fault == "bulk_job_failed":
                    self._failing_jobs += 1
                    return None
            else:
                return None
            self.stats[f"fault:{fault}"] += 1
            if fault == "session_expired":
                self.sessions.clear()
            return fault

    def count_api_request(self) -> None:
        """Count one API request against the daily limit."""
        with self._lock:
            self.api_used += 1
            self.stats["api_requests"] += 1
            if self.api_used > self.api_limit:
                raise _ApiError(
                    403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."
                )

    def new_session(self) -> str:
        """Return a new session id and remember it as valid."""
        session_id = f"{ORG_ID}!AQ{uuid.uuid4().hex}"
        with self._lock:
            self.sessions.add(session_id)
            self.stats["logins"] += 1
        return session_id


def _parse_modstamp(record: dict[str, Any]) -> datetime:
    return datetime.strptime(record["SystemModstamp"], "%Y-%m-%dT%H:%M:%S.000%z")


def _csv_value(value: Any) -> str:
    """Return a field as Bulk API 2.0 writes it: null empty, booleans lower."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that went away, such as a killed worker."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


_FAULT_ERRORS = {
    "unavailable": (503, "SERVER_UNAVAILABLE", "Server temporarily unavailable."),
    "rate_limited": (429, "REQUEST_LIMIT_EXCEEDED", "Too many requests."),
    "request_limit": (
        403,
        "REQUEST_LIMIT_EXCEEDED",
        "ConcurrentPerOrgLongTxn Limit exceeded.",
    ),
    "query_timeout": (
        400,
        "QUERY_TIMEOUT",
        "Your query request was running for too long.",
    ),
    "row_lock": (
        400,
        "UNABLE_TO_LOCK_ROW",
        "unable to obtain exclusive access to this record",
    ),
    "session_expired": (401, "INVALID_SESSION_ID", "Session expired or invalid"),
}

_SOAP_LOGIN_FAULT = """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
 xmlns:sf="urn:fault.partner.soap.sforce.com"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>
<soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode>
<faultstring>INVALID_LOGIN: Invalid username, password, security token; or user
 locked out.</faultstring><detail><sf:LoginFault xsi:type="sf:LoginFault">
<sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode><sf:exceptionMessage>Invalid
 username, password, security token; or user locked out.</sf:exceptionMessage>
</sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"""

_SOAP_LOGIN_RESULT = """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
 xmlns="urn:partner.soap.sforce.com"><soapenv:Body><loginResponse><result>
<metadataServerUrl>https://{host}/services/Soap/m/{version}/{org}</metadataServerUrl>
<passwordExpired>false</passwordExpired><sandbox>false</sandbox>
<serverUrl>https://{host}/services/Soap/u/{version}/{org}</serverUrl>
<sessionId>{session}</sessionId><userId>005000000000001AAA</userId>
</result></loginResponse></soapenv:Body></soapenv:Envelope>"""


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSalesforce
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Keep request lines out of test output."""

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_json(
        self, status: int, payload: Any, headers: dict[str, str] | None = None
    ) -> None:
        body = json.dumps(payload).encode()
        self._send(status, body, "application/json;charset=UTF-8", headers)

    def _limit_header(self) -> dict[str, str]:
        used, limit = self.fake.api_used, self.fake.api_limit
        return {"Sforce-Limit-Info": f"api-usage={used}/{limit}"}

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_POST(self) -> None:  # noqa: N802  the http.server hook name
        body = self._read_body()
        path = urlparse(self.path).path
        if path.startswith("/services/Soap/u/"):
            self._soap_login(body, path.rsplit("/", 1)[-1])
        elif path == "/services/oauth2/token":
            self._oauth_token(parse_qs(body.decode()))
        else:
            self._api("POST", path, body)

    def do_GET(self) -> None:  # noqa: N802  the http.server hook name
        self._api("GET", urlparse(self.path).path, b"")

    def _soap_login(self, body: bytes, version: str) -> None:
        text = body.decode()
        username = re.search(r"<n1:username>(.*?)</n1:username>", text)
        password = re.search(r"<n1:password>(.*?)</n1:password>", text)
        expected = self.fake.password + self.fake.security_token
        if not (
            username
            and password
            and username[1] == self.fake.username
            and password[1] == expected
            and not self.fake.revoked
        ):
            self.fake.stats["failed_logins"] += 1
            self._send(500, _SOAP_LOGIN_FAULT.encode(), "text/xml;charset=UTF-8")
            return
        result = _SOAP_LOGIN_RESULT.format(
            host=INSTANCE_HOST,
            version=version,
            org=ORG_ID,
            session=self.fake.new_session(),
        )
        self._send(200, result.encode(), "text/xml;charset=UTF-8")

    def _oauth_token(self, form: dict[str, list[str]]) -> None:
        grant = form.get("grant_type", [""])[0]
        if grant != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            self._send_json(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "grant type not supported",
                },
            )
            return
        error = self._check_assertion(form.get("assertion", [""])[0])
        if error:
            self.fake.stats["failed_logins"] += 1
            self._send_json(400, {"error": "invalid_grant", "error_description": error})
            return
        self._send_json(
            200,
            {
                "access_token": self.fake.new_session(),
                "scope": "api",
                "instance_url": f"https://{INSTANCE_HOST}",
                "id": f"https://login.salesforce.com/id/{ORG_ID}/005000000000001AAA",
                "token_type": "Bearer",
                "issued_at": str(int(time.time() * 1000)),
            },
        )

    def _check_assertion(self, assertion: str) -> str:
        """Return the invalid_grant description for a bad assertion, or ""."""
        if self.fake.revoked:
            return "expired access/refresh token"
        try:
            claims = jwt.decode(
                assertion,
                self.fake.jwt_public_key or "",
                algorithms=["RS256"],
                audience=[
                    "https://login.salesforce.com",
                    "https://test.salesforce.com",
                ],
            )
        except jwt.ExpiredSignatureError:
            return "expired authorization code"
        except jwt.PyJWTError:
            return "invalid assertion"
        if claims.get("iss") != self.fake.consumer_key:
            return "invalid client credentials"
        if claims.get("sub") != self.fake.username:
            return "user hasn't approved this consumer"
        return ""

    def _api(self, method: str, path: str, body: bytes) -> None:
        try:
            self.fake._hold_if_asked(self.client_address[1])
            self._check_session()
            self.fake.count_api_request()
            fault = self.fake.next_fault()
            self._serve(method, path, body, fault)
        except _ApiError as error:
            headers = self._limit_header() | error.headers
            payload = [{"message": error.message, "errorCode": error.code}]
            self._send_json(error.status, payload, headers)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _check_session(self) -> None:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.fake.sessions:
            raise _ApiError(401, "INVALID_SESSION_ID", "Session expired or invalid")

    def _serve(self, method: str, path: str, body: bytes, fault: str | None) -> None:
        if fault in _FAULT_ERRORS:
            status, code, message = _FAULT_ERRORS[fault]
            headers = {}
            if status in (429, 503):
                headers["Retry-After"] = str(self.fake.retry_after_seconds)
            raise _ApiError(status, code, message, headers)
        if fault == "slow":
            time.sleep(self.fake.slow_seconds)
        route = re.fullmatch(r"/services/data/v[\d.]+/(?P<rest>.+)", path)
        if not route:
            raise _ApiError(404, "NOT_FOUND", "The requested resource does not exist")
        rest = route["rest"].rstrip("/")
        malformed = fault == "malformed"
        if method == "GET" and rest == "query":
            self._rest_query(malformed)
        elif method == "GET" and rest.startswith("query/"):
            self._rest_query_more(rest.split("/", 1)[1], malformed)
        elif method == "POST" and rest == "jobs/query":
            self._bulk_create(json.loads(body or b"{}"))
        elif method == "GET" and rest.startswith("jobs/query/"):
            self._bulk_get(rest.split("/")[2:], malformed)
        else:
            raise _ApiError(404, "NOT_FOUND", "The requested resource does not exist")

    def _batch_size(self) -> int:
        options = self.headers.get("Sforce-Query-Options", "")
        match = re.search(r"batchSize=(\d+)", options)
        return max(200, min(2000, int(match[1]))) if match else 2000

    def _rest_query(self, malformed: bool) -> None:
        soql = parse_qs(urlparse(self.path).query).get("q", [""])[0]
        if re.match(r"\s*SELECT\s+COUNT\(\)", soql, re.I):
            query = self.fake.parse_soql(soql.replace("COUNT()", "Id", 1))
            payload = {"totalSize": len(query.indexes), "done": True, "records": []}
            self._send_json(200, payload, self._limit_header())
            return
        query = self.fake.parse_soql(soql)
        with self.fake._lock:
            self.fake._queries[query.locator] = query
        self._rest_page(query, 0, malformed)

    def _rest_query_more(self, locator: str, malformed: bool) -> None:
        name, _, offset = locator.rpartition("-")
        query = self.fake._queries.get(name)
        if query is None or not offset.isdigit():
            raise _ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        self._rest_page(query, int(offset), malformed)

    def _rest_page(self, query: _Query, offset: int, malformed: bool) -> None:
        end = offset + self._batch_size()
        records = []
        for index in query.indexes[offset:end]:
            full = self.fake.record(query.object_name, index)
            record = {
                "attributes": {
                    "type": query.object_name,
                    "url": f"/services/data/v59.0/sobjects/{query.object_name}/"
                    f"{full['Id']}",
                },
            }
            record |= {name: full.get(name) for name in query.fields}
            records.append(record)
        done = end >= len(query.indexes)
        payload: dict[str, Any] = {
            "totalSize": len(query.indexes),
            "done": done,
            "records": records,
        }
        if not done:
            payload["nextRecordsUrl"] = (
                f"/services/data/v59.0/query/{query.locator}-{end}"
            )
        body = json.dumps(payload).encode()
        if malformed:
            body = body[: len(body) // 2]
        self.fake.stats["rest_pages"] += 1
        self._send(200, body, "application/json;charset=UTF-8", self._limit_header())

    def _bulk_create(self, request: dict[str, Any]) -> None:
        query = self.fake.parse_soql(request.get("query", ""))
        compound = [f for f in query.fields if f.endswith("Address")]
        if compound:
            raise _ApiError(
                400, "API_ERROR", "Selecting compound data not supported in Bulk Query"
            )
        job_id = "750" + uuid.uuid4().hex[:15]
        with self.fake._lock:
            failed = self.fake._failing_jobs > 0
            if failed:
                self.fake._failing_jobs -= 1
                self.fake.stats["fault:bulk_job_failed"] += 1
            job = _BulkJob(job_id, query, self.fake.bulk_polls, failed)
            self.fake._jobs[job_id] = job
        self.fake.stats["bulk_jobs"] += 1
        self._send_json(
            200, self._job_info(job, "UploadComplete"), self._limit_header()
        )

    def _job_info(self, job: _BulkJob, state: str) -> dict[str, Any]:
        info = {
            "id": job.job_id,
            "operation": "query",
            "object": job.query.object_name,
            "createdById": "005000000000001AAA",
            "state": state,
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": 59.0,
            "lineEnding": "LF",
            "columnDelimiter": "COMMA",
        }
        if state == "JobComplete":
            info["numberRecordsProcessed"] = len(job.query.indexes)
        if state == "Failed":
            info["errorMessage"] = "InternalServerError: retry the job"
        return info

    def _bulk_get(self, parts: list[str], malformed: bool) -> None:
        job = self.fake._jobs.get(parts[0])
        if job is None:
            raise _ApiError(404, "NOT_FOUND", "The requested resource does not exist")
        if len(parts) == 1:
            self._send_json(
                200, self._job_info(job, self._poll(job)), self._limit_header()
            )
            return
        if self._poll(job) != "JobComplete":
            raise _ApiError(400, "INVALIDJOBSTATE", "Job is not complete")
        params = parse_qs(urlparse(self.path).query)
        offset = int(params.get("locator", ["0"])[0] or 0)
        size = int(params.get("maxRecords", ["50000"])[0])
        self._bulk_results(job, offset, size, malformed)

    def _poll(self, job: _BulkJob) -> str:
        with self.fake._lock:
            if job.polls_left > 0:
                job.polls_left -= 1
                return "InProgress"
        return "Failed" if job.failed else "JobComplete"

    def _bulk_results(
        self, job: _BulkJob, offset: int, size: int, malformed: bool
    ) -> None:
        indexes = job.query.indexes[offset : offset + size]
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(job.query.fields)
        for index in indexes:
            record = self.fake.record(job.query.object_name, index)
            writer.writerow([_csv_value(record.get(name)) for name in job.query.fields])
        body = out.getvalue().encode()
        if malformed:
            body = body[: len(body) // 2]
        end = offset + len(indexes)
        locator = str(end) if end < len(job.query.indexes) else "null"
        headers = self._limit_header() | {
            "Sforce-Locator": locator,
            "Sforce-NumberOfRecords": str(len(indexes)),
        }
        self.fake.stats["bulk_pages"] += 1
        self._send(200, body, "text/csv", headers)
