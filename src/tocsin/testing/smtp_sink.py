"""A local SMTP server that keeps what it receives, for the demo and tests.

It listens on 127.0.0.1 only and stores each message's recipients and
Message-ID in memory, never on disk.
"""

import socket
import threading
from collections import Counter
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free at the time of the call."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RecordingHandler:
    """aiosmtpd handler that keeps every accepted message in memory."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[Message] = []
        self.recipients: Counter[str] = Counter()

    async def handle_DATA(
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        message = message_from_bytes(envelope.original_content or b"")
        with self.lock:
            self.messages.append(message)
            self.recipients.update(address.lower() for address in envelope.rcpt_tos)
        return "250 Message accepted for delivery"


class BouncingHandler(RecordingHandler):
    """A recording handler that refuses some recipients with a hard bounce.

    Recipients whose address ends with one of ``bounce_suffixes`` get
    ``550 5.1.1 User unknown``, as a mailbox that no longer exists would.
    """

    def __init__(self, bounce_suffixes: tuple[str, ...]) -> None:
        super().__init__()
        self.bounce_suffixes = bounce_suffixes
        self.bounced = 0

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.lower().endswith(self.bounce_suffixes):
            with self.lock:
                self.bounced += 1
            return "550 5.1.1 Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class SmtpSink:
    """Start and stop a recording SMTP server on 127.0.0.1."""

    def __init__(self, port: int = 0, handler: RecordingHandler | None = None) -> None:
        self.handler = handler or RecordingHandler()
        # aiosmtpd checks that its server is up by connecting to the port it
        # was given, so port 0 cannot be passed through: pick a free one.
        self._port = port or free_port()
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self._port
        )

    def __enter__(self) -> "SmtpSink":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start serving in a background thread."""
        self.controller.start()

    def stop(self) -> None:
        """Stop serving."""
        self.controller.stop()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self._port

    @property
    def message_count(self) -> int:
        """The number of messages received so far."""
        with self.handler.lock:
            return len(self.handler.messages)

    def duplicate_recipients(self) -> list[str]:
        """Return recipients that received more than one message."""
        with self.handler.lock:
            return [
                rcpt for rcpt, count in self.handler.recipients.items() if count > 1
            ]
