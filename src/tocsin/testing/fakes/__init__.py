"""Local stand-ins for the providers and sources Tocsin talks to, for tests.

Each fake is an HTTP server on 127.0.0.1 that speaks the provider's real
send API closely enough for the provider's real client library (anymail,
twilio) to run unchanged, and builds webhook requests in the provider's
real format and signature scheme. Tests drive Tocsin through the real
libraries with only the base URL pointed at a fake.

Failure injection: ``fail_next(status, body)`` returns an error to the
next requests, ``delay_next(seconds)`` delays their responses, so breakers,
rate limits and failover can be tested against real HTTP behaviour.
"""

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class RecordedRequest:
    """One request a fake received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """Return the body parsed as JSON."""
        return json.loads(self.body)

    def form(self) -> dict[str, list[str]]:
        """Return the body parsed as an URL-encoded form."""
        return parse_qs(self.body.decode(), keep_blank_values=True)


@dataclass
class FakeResponse:
    """A fake's response: status, JSON or raw body, headers."""

    status: int
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        """Return the body as bytes, serializing JSON values."""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass(frozen=True)
class WebhookRequest:
    """A webhook call a fake provider would make: body, type and headers.

    ``headers`` use WSGI ``HTTP_*`` names, so tests can pass them straight
    to Django's test client.
    """

    body: bytes
    content_type: str
    headers: dict[str, str]
    url: str = ""


class FakeHttpServer:
    """A threaded HTTP server on 127.0.0.1 that records requests."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._forced: deque[FakeResponse] = deque()
        self._delays: deque[float] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        """Return the server's base URL, such as ``http://127.0.0.1:40123``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeHttpServer":
        """Start serving in a background thread; return the server."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeHttpServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fail_next(
        self, status: int, body: Any = b"", count: int = 1, **headers: str
    ) -> None:
        """Return this error response to the next ``count`` requests."""
        with self._lock:
            for _ in range(count):
                self._forced.append(FakeResponse(status, body, dict(headers)))

    def delay_next(self, seconds: float, count: int = 1) -> None:
        """Delay the next ``count`` responses by ``seconds``."""
        with self._lock:
            self._delays.extend([seconds] * count)

    def respond(self, request: RecordedRequest) -> FakeResponse:
        """Return the response to a request; subclasses implement the API."""
        raise NotImplementedError

    def _answer(self, request: RecordedRequest) -> FakeResponse:
        with self._lock:
            self.requests.append(request)
            forced = self._forced.popleft() if self._forced else None
            delay = self._delays.popleft() if self._delays else 0.0
        if delay:
            time.sleep(delay)
        return forced or self.respond(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output free of request lines

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = RecordedRequest(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                response = fake._answer(request)
                payload = response.encoded()
                try:
                    self.send_response(response.status)
                    headers = {"Content-Type": "application/json"} | response.headers
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out while a delayed answer waited

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        return Handler


def error_body(code: int, message: str) -> dict[str, Any]:
    """Return a generic JSON error body."""
    return {"code": code, "message": message}
