"""Helpers that read what a canary run left in the database, broker, logs."""

import threading
from collections.abc import Callable, Iterator

import pytest
import redis
from django.conf import settings
from django.db import connection

from tocsin.logs import JsonFormatter
from tocsin.testing.canary import sqlite_files


def database_rows() -> bytes:
    """Return every row of every table as text, on either database."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT t::text FROM {quoted} t")
            else:
                cursor.execute(f"SELECT * FROM {quoted}")
            chunks.extend(repr(row).encode() for row in cursor.fetchall())
    return b"\n".join(chunks)


def redis_values(url: str) -> bytes:
    """Return every key and value of the broker's Redis database."""
    client = redis.Redis.from_url(url)
    chunks = []
    for key in client.scan_iter(count=1000):
        kind = client.type(key)
        if kind == b"string":
            value = client.get(key)
        elif kind == b"list":
            value = client.lrange(key, 0, -1)
        elif kind == b"hash":
            value = client.hgetall(key)
        elif kind == b"set":
            value = client.smembers(key)
        elif kind == b"zset":
            value = client.zrange(key, 0, -1)
        else:
            value = kind
        chunks.append(key + b" " + repr(value).encode())
    return b"\n".join(chunks)


class RedisMonitor:
    """Record, as text, every command the broker's Redis server receives.

    Messages leave Redis once a worker acknowledges them, so the keys left
    after a run show little. The commands show every message that passed.
    """

    STOP = "tocsin-canary-monitor-stop"

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url)
        self.commands: list[str] = []
        self.is_recording = threading.Event()
        self.thread = threading.Thread(target=self._record, daemon=True)

    def _record(self) -> None:
        with self.client.monitor() as monitor:
            self.is_recording.set()
            while True:
                command = monitor.next_command()["command"]
                if self.STOP in command:
                    return
                self.commands.append(command)

    def start(self) -> None:
        self.thread.start()
        assert self.is_recording.wait(10), "Redis MONITOR did not start"

    def stop(self) -> bytes:
        """Stop recording; return the commands, one a line."""
        self.client.echo(self.STOP)
        self.thread.join(10)
        return "\n".join(self.commands).encode()


@pytest.fixture
def broker_traffic() -> Iterator[Callable[[], dict[str, list]]]:
    """Return a function that returns the broker's stored or sent bytes."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("sqla+sqlite:///"):
        files = sqlite_files(url.removeprefix("sqla+sqlite:///"))
        yield lambda: {"broker file": files}
    elif url.startswith("redis://"):
        monitor = RedisMonitor(url)
        monitor.start()
        yield lambda: {
            "broker commands": [monitor.stop()],
            "broker keys": [redis_values(url)],
        }
        monitor.stop()
    else:
        pytest.skip(f"no canary search for broker {url.split(':')[0]}")


def captured_logs(caplog: pytest.LogCaptureFixture) -> bytes:
    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in caplog.records]
    return ("\n".join(lines) + "\n" + caplog.text).encode()
