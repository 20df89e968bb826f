"""A local SMTP server (aiosmtpd) that can misbehave on purpose.

It keeps every message it accepts, so tests can count deliveries per
notice. With failure rates set it replies to some transactions with 421
(service closing), 451 (temporary failure) or 550 (mailbox unavailable),
and drops some connections without a reply at the end of DATA: without
storing the message, or after storing it. The sender cannot tell these
two apart, which makes the send in doubt. Draws use a seeded
``random.Random``, so a failing run can be repeated.
"""

import random
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class FailureRates:
    """Share of transactions (0 to 1) that meet each failure."""

    service_closing_421: float = 0.0
    temporary_451: float = 0.0
    rejected_550: float = 0.0
    drop_without_storing: float = 0.0
    drop_after_storing: float = 0.0


@dataclass
class _Counts:
    accepted: int = 0
    failures: dict[str, int] = field(default_factory=dict)


class _Handler:
    def __init__(self, sink: "FakeSmtpServer") -> None:
        self.sink = sink

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list
    ) -> str:
        if address.lower() in self.sink.reject_recipients:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        outcome = self.sink.draw()
        if outcome == "drop_without_storing":
            server.transport.close()
            return "421 4.4.2 connection dropped"
        if outcome == "service_closing_421":
            return "421 4.3.2 Service not available, closing transmission channel"
        if outcome == "temporary_451":
            return "451 4.3.0 Temporary local problem, try again later"
        if outcome == "rejected_550":
            return "550 5.7.1 Message rejected"
        self.sink.store(envelope.content)
        if outcome == "drop_after_storing":
            server.transport.close()
        return "250 2.0.0 OK queued"


class FakeSmtpServer:
    """An aiosmtpd server on 127.0.0.1 that stores what it accepts."""

    def __init__(
        self,
        rates: FailureRates | None = None,
        *,
        seed: int = 0,
        port: int = 0,
    ) -> None:
        self.rates = rates or FailureRates()
        self.reject_recipients: set[str] = set()
        self.messages: list[bytes] = []
        self.counts = _Counts()
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._controller = Controller(
            _Handler(self), hostname="127.0.0.1", port=port or _free_port()
        )

    @property
    def host(self) -> str:
        """Return the listening address."""
        return "127.0.0.1"

    @property
    def port(self) -> int:
        """Return the listening port."""
        return int(self._controller.port)

    def start(self) -> "FakeSmtpServer":
        """Start the server thread; return the server."""
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop the server thread."""
        self._controller.stop()

    def __enter__(self) -> "FakeSmtpServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def draw(self) -> str:
        """Return this transaction's fate: a failure name or ``accept``."""
        with self._lock:
            roll = self._random.random()
            for name, rate in vars(self.rates).items():
                if roll < rate:
                    self.counts.failures[name] = self.counts.failures.get(name, 0) + 1
                    return name
                roll -= rate
            return "accept"

    def store(self, content: bytes) -> None:
        """Keep an accepted message."""
        with self._lock:
            self.messages.append(content)
            self.counts.accepted += 1

    def parsed(self) -> list[Message]:
        """Return the accepted messages, parsed."""
        with self._lock:
            return [message_from_bytes(raw) for raw in self.messages]


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class CountingSmtpSink:
    """A minimal asyncio SMTP server that counts and discards messages.

    For benchmarks: aiosmtpd parses and keeps every message, which makes
    it slower than the senders it would measure. This sink speaks just
    enough SMTP (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for smtplib and
    Django's SMTP backend, in its own process, so it does not compete with
    the sender for the GIL.
    """

    def __init__(self, port: int = 0) -> None:
        import multiprocessing

        self.port = port or _free_port()
        context = multiprocessing.get_context("spawn")
        self._count = context.Value("q", 0)
        self._ready = context.Event()
        self._process = context.Process(
            target=_run_counting_sink,
            args=(self.port, self._count, self._ready),
            daemon=True,
        )

    @property
    def message_count(self) -> int:
        """Return the number of messages accepted so far."""
        return int(self._count.value)

    def start(self) -> "CountingSmtpSink":
        """Start the sink process and wait until it listens."""
        self._process.start()
        if not self._ready.wait(timeout=30):
            raise TimeoutError(f"SMTP sink on port {self.port} did not start")
        return self

    def stop(self) -> None:
        """Stop the sink process."""
        self._process.terminate()
        self._process.join(timeout=10)

    def __enter__(self) -> "CountingSmtpSink":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _run_counting_sink(port: int, count: Any, ready: Any) -> None:
    import asyncio

    async def session(reader: Any, writer: Any) -> None:
        writer.write(b"220 sink ESMTP\r\n")
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                writer.write(b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
            elif verb == b"DATA":
                writer.write(b"354 end with .\r\n")
                await reader.readuntil(b"\r\n.\r\n")
                with count.get_lock():
                    count.value += 1
                writer.write(b"250 OK queued\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                break
            else:
                writer.write(b"250 OK\r\n")
            await writer.drain()
        writer.close()

    async def serve() -> None:
        server = await asyncio.start_server(
            session, "127.0.0.1", port, limit=16 * 1024 * 1024
        )
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(serve())
