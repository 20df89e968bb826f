"""Circuit-breaker and rate-limit state shared by every worker process.

Two stores implement the same two atomic operations:

- ``RedisStateStore`` when ``TOCSIN_DELIVERY_REDIS_URL`` is set: state is
  shared by workers on any number of hosts. Each operation is one Lua
  script, so it is atomic on the Redis server.
- ``SqliteStateStore`` otherwise: one SQLite file in ``TOCSIN_HOME``
  (``delivery-state.sqlite3``), separate from the application database so a
  locked or offline primary database does not stop breakers or limits.
  Each operation runs in a ``BEGIN IMMEDIATE`` transaction, which SQLite's
  file lock serializes across processes. It is shared by the workers of
  one host only, which is the embedded deployment it is meant for.

Times are wall-clock seconds (``time.time()``), because monotonic clocks
are not comparable between processes.
"""

import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import redis

from tocsin.delivery import conf


@dataclass(frozen=True)
class BreakerDecision:
    """Whether a call may go ahead, and when a closed-off one may retry."""

    allowed: bool
    state: str  # "closed", "open" or "half_open"
    retry_after: float = 0.0


class StateStore(Protocol):
    """Atomic operations on shared breaker and token-bucket state."""

    def breaker_allow(self, name: str, reset_seconds: float) -> BreakerDecision: ...

    def breaker_record(
        self, name: str, *, success: bool, threshold: int, reset_seconds: float
    ) -> str: ...

    def take_token(self, key: str, rate: float, burst: float) -> float: ...

    def reset(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS breaker (
    name TEXT PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,
    opened_until REAL NOT NULL DEFAULT 0,
    trial_until REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS bucket (
    key TEXT PRIMARY KEY,
    tokens REAL NOT NULL,
    updated REAL NOT NULL
);
"""


class SqliteStateStore:
    """Shared state in a SQLite file, for workers on one host."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        # executescript commits any open transaction first, so it runs alone.
        self._connection().executescript(_SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            self._local.db = db
        return db

    def _transaction(self) -> "_Immediate":
        return _Immediate(self._connection())

    def breaker_allow(self, name: str, reset_seconds: float) -> BreakerDecision:
        """Return whether a call may go ahead; claim the half-open trial."""
        now = self.clock()
        with self._transaction() as db:
            row = db.execute(
                "SELECT opened_until, trial_until FROM breaker WHERE name = ?", (name,)
            ).fetchone()
            if row is None or row[0] == 0:
                return BreakerDecision(True, "closed")
            opened_until, trial_until = row
            if now < opened_until:
                return BreakerDecision(False, "open", opened_until - now)
            if now < trial_until:
                return BreakerDecision(False, "half_open", trial_until - now)
            db.execute(
                "UPDATE breaker SET trial_until = ? WHERE name = ?",
                (now + reset_seconds, name),
            )
            return BreakerDecision(True, "half_open")

    def breaker_record(
        self, name: str, *, success: bool, threshold: int, reset_seconds: float
    ) -> str:
        """Record a call's outcome; return the breaker's state afterwards."""
        now = self.clock()
        with self._transaction() as db:
            if success:
                db.execute("DELETE FROM breaker WHERE name = ?", (name,))
                return "closed"
            row = db.execute(
                "SELECT failures, opened_until FROM breaker WHERE name = ?", (name,)
            ).fetchone()
            failures = (row[0] if row else 0) + 1
            was_open = bool(row and row[1])
            opened_until = now + reset_seconds
            if failures >= threshold or was_open:
                db.execute(
                    "INSERT OR REPLACE INTO breaker VALUES (?, ?, ?, ?)",
                    (name, failures, opened_until, 0),
                )
                return "open"
            db.execute(
                "INSERT OR REPLACE INTO breaker VALUES (?, ?, 0, 0)", (name, failures)
            )
            return "closed"

    def take_token(self, key: str, rate: float, burst: float) -> float:
        """Take one token; return 0, or the seconds until a token is due."""
        now = self.clock()
        with self._transaction() as db:
            row = db.execute(
                "SELECT tokens, updated FROM bucket WHERE key = ?", (key,)
            ).fetchone()
            tokens = burst if row is None else row[0]
            if row is not None:
                tokens = min(burst, tokens + (now - row[1]) * rate)
            if tokens >= 1:
                tokens -= 1
                wait = 0.0
            else:
                wait = (1 - tokens) / rate
            db.execute(
                "INSERT OR REPLACE INTO bucket VALUES (?, ?, ?)", (key, tokens, now)
            )
            return wait

    def reset(self) -> None:
        """Forget every breaker and bucket (tests and operator resets)."""
        with self._transaction() as db:
            db.execute("DELETE FROM breaker")
            db.execute("DELETE FROM bucket")


class _Immediate:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


# KEYS[1] breaker hash; ARGV now, reset_seconds.
# Returns {allowed, state, wait}.
_REDIS_ALLOW = """
local opened_until = tonumber(redis.call('HGET', KEYS[1], 'opened_until') or '0')
local trial_until = tonumber(redis.call('HGET', KEYS[1], 'trial_until') or '0')
local now = tonumber(ARGV[1])
if opened_until == 0 then return {1, 'closed', '0'} end
if now < opened_until then return {0, 'open', tostring(opened_until - now)} end
if now < trial_until then return {0, 'half_open', tostring(trial_until - now)} end
redis.call('HSET', KEYS[1], 'trial_until', tostring(now + tonumber(ARGV[2])))
return {1, 'half_open', '0'}
"""

# KEYS[1] breaker hash; ARGV success(0/1), now, threshold, reset_seconds.
_REDIS_RECORD = """
if ARGV[1] == '1' then redis.call('DEL', KEYS[1]) return 'closed' end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local opened_until = tonumber(redis.call('HGET', KEYS[1], 'opened_until') or '0')
if failures >= tonumber(ARGV[3]) or opened_until > 0 then
  redis.call('HSET', KEYS[1], 'opened_until',
             tostring(tonumber(ARGV[2]) + tonumber(ARGV[4])), 'trial_until', '0')
  return 'open'
end
return 'closed'
"""

# KEYS[1] bucket hash; ARGV now, rate, burst. Returns seconds to wait.
_REDIS_TAKE = """
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or ARGV[3])
local updated = tonumber(redis.call('HGET', KEYS[1], 'updated') or ARGV[1])
tokens = math.min(burst, tokens + (now - updated) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', ARGV[1])
redis.call('EXPIRE', KEYS[1], 3600)
return tostring(wait)
"""


class RedisStateStore:
    """Shared state in Redis, for workers on any number of hosts."""

    prefix = "tocsin:delivery:"

    def __init__(self, url: str, clock: Callable[[], float] = time.time) -> None:
        self.client = redis.Redis.from_url(url, decode_responses=True)
        self.clock = clock
        self._allow = self.client.register_script(_REDIS_ALLOW)
        self._record = self.client.register_script(_REDIS_RECORD)
        self._take = self.client.register_script(_REDIS_TAKE)

    def breaker_allow(self, name: str, reset_seconds: float) -> BreakerDecision:
        """Return whether a call may go ahead; claim the half-open trial."""
        keys = [f"{self.prefix}breaker:{name}"]
        allowed, state, wait = self._allow(keys, [self.clock(), reset_seconds])
        return BreakerDecision(bool(int(allowed)), state, float(wait))

    def breaker_record(
        self, name: str, *, success: bool, threshold: int, reset_seconds: float
    ) -> str:
        """Record a call's outcome; return the breaker's state afterwards."""
        keys = [f"{self.prefix}breaker:{name}"]
        args = [int(success), self.clock(), threshold, reset_seconds]
        return str(self._record(keys, args))

    def take_token(self, key: str, rate: float, burst: float) -> float:
        """Take one token; return 0, or the seconds until a token is due."""
        keys = [f"{self.prefix}bucket:{key}"]
        return float(self._take(keys, [self.clock(), rate, burst]))

    def reset(self) -> None:
        """Forget every breaker and bucket under Tocsin's key prefix."""
        keys = list(self.client.scan_iter(f"{self.prefix}*"))
        if keys:
            self.client.delete(*keys)


_stores: dict[str, StateStore] = {}


def get_state_store() -> StateStore:
    """Return the process's shared-state store, chosen from the settings."""
    url = conf.redis_url()
    key = url or str(conf.tocsin_home() / "delivery-state.sqlite3")
    if key not in _stores:
        if url:
            _stores[key] = RedisStateStore(url)
        else:
            _stores[key] = SqliteStateStore(Path(key))
    return _stores[key]
