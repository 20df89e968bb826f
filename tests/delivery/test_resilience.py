"""Circuit breakers, rate limits and their shared state, on both stores."""

import multiprocessing
import time
from pathlib import Path

import pytest
import redis

from tocsin.delivery.breaker import CircuitBreaker
from tocsin.delivery.errors import (
    ProviderThrottled,
    ProviderUnavailable,
    RecipientRejected,
)
from tocsin.delivery.providers import GuardedProvider, ProviderChain, ProviderReceipt
from tocsin.delivery.ratelimit import RateLimiter
from tocsin.delivery.sharedstate import RedisStateStore, SqliteStateStore

REDIS_URL = "redis://127.0.0.1:6379/7"


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "redis"])
def store_factory(request, tmp_path):
    def make(clock):
        if request.param == "redis":
            if not redis_available():
                pytest.skip("Redis on 127.0.0.1:6379 is not reachable")
            store = RedisStateStore(REDIS_URL, clock=clock)
            store.prefix = f"tocsin-test:{tmp_path.name}:"
            return store
        return SqliteStateStore(tmp_path / "state.sqlite3", clock=clock)

    return make


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(store_factory, clock):
    store = store_factory(clock)
    yield store
    store.reset()


def failing() -> None:
    raise ProviderUnavailable("down")


def test_breaker_opens_after_threshold_failures(store) -> None:
    breaker = CircuitBreaker("p", store=store, threshold=3, reset_seconds=30)
    for _ in range(3):
        with pytest.raises(ProviderUnavailable, match="down"):
            breaker.call(failing)

    with pytest.raises(ProviderUnavailable) as caught:
        breaker.call(lambda: "sent")

    assert (
        str(caught.value) == "circuit breaker for provider 'p' is open; retry in 30 s"
    )


def test_breaker_stays_closed_below_threshold(store) -> None:
    breaker = CircuitBreaker("p", store=store, threshold=3, reset_seconds=30)
    for _ in range(2):
        with pytest.raises(ProviderUnavailable):
            breaker.call(failing)

    assert breaker.call(lambda: "sent") == "sent"


def test_success_resets_the_failure_count(store) -> None:
    breaker = CircuitBreaker("p", store=store, threshold=2, reset_seconds=30)
    with pytest.raises(ProviderUnavailable):
        breaker.call(failing)
    breaker.call(lambda: "sent")
    with pytest.raises(ProviderUnavailable, match="down"):
        breaker.call(failing)

    assert breaker.call(lambda: "sent") == "sent"


def test_open_breaker_lets_one_trial_through_after_reset(store, clock) -> None:
    breaker = CircuitBreaker("p", store=store, threshold=1, reset_seconds=30)
    with pytest.raises(ProviderUnavailable):
        breaker.call(failing)
    clock.now += 31

    breaker.check()
    with pytest.raises(ProviderUnavailable, match="is half_open"):
        breaker.check()


def test_successful_trial_closes_the_breaker(store, clock) -> None:
    breaker = CircuitBreaker("p", store=store, threshold=1, reset_seconds=30)
    with pytest.raises(ProviderUnavailable):
        breaker.call(failing)
    clock.now += 31

    breaker.call(lambda: "sent")

    assert breaker.call(lambda: "again") == "again"


def test_failed_trial_reopens_the_breaker(store, clock) -> None:
    breaker = CircuitBreaker("p", store=store, threshold=1, reset_seconds=30)
    with pytest.raises(ProviderUnavailable):
        breaker.call(failing)
    clock.now += 31
    with pytest.raises(ProviderUnavailable, match="down"):
        breaker.call(failing)

    with pytest.raises(ProviderUnavailable, match="is open"):
        breaker.check()


def test_recipient_errors_do_not_trip_the_breaker(store) -> None:
    breaker = CircuitBreaker("p", store=store, threshold=1, reset_seconds=30)

    def rejected() -> None:
        raise RecipientRejected("rejected")

    with pytest.raises(RecipientRejected):
        breaker.call(rejected)

    assert breaker.call(lambda: "sent") == "sent"


def test_slow_success_counts_as_failure(store) -> None:
    breaker = CircuitBreaker(
        "p", store=store, threshold=1, reset_seconds=30, slow_call_seconds=0.01
    )

    breaker.call(lambda: time.sleep(0.05))

    with pytest.raises(ProviderUnavailable, match="is open"):
        breaker.check()


def test_breakers_of_two_providers_are_independent(store) -> None:
    first = CircuitBreaker("first", store=store, threshold=1, reset_seconds=30)
    second = CircuitBreaker("second", store=store, threshold=1, reset_seconds=30)
    with pytest.raises(ProviderUnavailable):
        first.call(failing)

    assert second.call(lambda: "sent") == "sent"


def test_bucket_allows_burst_then_throttles(store) -> None:
    limiter = RateLimiter("p", rate=1, burst=3, store=store)
    for _ in range(3):
        limiter.acquire(max_wait=0)

    with pytest.raises(ProviderThrottled) as caught:
        limiter.acquire(max_wait=0)

    assert (
        str(caught.value)
        == "rate limit for provider 'p' reached (1/s); retry in 1.00 s"
    )
    assert caught.value.retry_after == pytest.approx(1.0)


def test_bucket_refills_at_its_rate(store, clock) -> None:
    limiter = RateLimiter("p", rate=2, burst=1, store=store)
    limiter.acquire(max_wait=0)
    clock.now += 0.5

    limiter.acquire(max_wait=0)


def test_buckets_of_two_providers_are_independent(store) -> None:
    RateLimiter("first", rate=1, burst=1, store=store).acquire(max_wait=0)

    RateLimiter("second", rate=1, burst=1, store=store).acquire(max_wait=0)


def _take_tokens(path: str, count: int, results) -> None:
    store = SqliteStateStore(Path(path), clock=lambda: 1_000_000.0)
    taken = sum(1 for _ in range(count) if store.take_token("shared", 0.001, 50) == 0)
    results.put(taken)


def test_sqlite_bucket_is_shared_between_processes(tmp_path) -> None:
    path = str(tmp_path / "state.sqlite3")
    SqliteStateStore(Path(path))
    results = multiprocessing.get_context("spawn").Queue()
    workers = [
        multiprocessing.get_context("spawn").Process(
            target=_take_tokens, args=(path, 40, results)
        )
        for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    taken = sum(results.get(timeout=5) for _ in workers)

    assert taken == 50


class StubProvider:
    """A provider double for chain logic; the network is covered elsewhere."""

    channel = "email"

    def __init__(self, name: str, error: Exception | None = None) -> None:
        self.name = name
        self.error = error
        self.calls = 0

    def send(self, message, *, idempotency_key: str) -> ProviderReceipt:
        self.calls += 1
        if self.error:
            raise self.error
        return ProviderReceipt(self.name, "email", f"{self.name}-1", idempotency_key)


def test_open_breaker_skips_provider_without_calling_it(store) -> None:
    down = StubProvider("down", ProviderUnavailable("down"))
    up = StubProvider("up")
    breaker = CircuitBreaker("down", store=store, threshold=2, reset_seconds=60)
    chain = ProviderChain(
        "email",
        [
            GuardedProvider(down, breaker=breaker),
            GuardedProvider(up, breaker=CircuitBreaker("up", store=store)),
        ],
    )

    receipts = [chain.send("m", idempotency_key=f"k{i}") for i in range(5)]

    assert [r.provider for r in receipts] == ["up"] * 5
    assert down.calls == 2


def test_in_doubt_failure_is_reported_on_the_receipt(store) -> None:
    timed_out = StubProvider("slow", ProviderUnavailable("timeout", in_doubt=True))
    chain = ProviderChain(
        "email",
        [
            GuardedProvider(timed_out, breaker=CircuitBreaker("slow", store=store)),
            GuardedProvider(
                StubProvider("up"), breaker=CircuitBreaker("up", store=store)
            ),
        ],
    )

    receipt = chain.send("m", idempotency_key="k")

    assert receipt.provider == "up"
    assert receipt.in_doubt_providers == ("slow",)


def test_all_throttled_raises_throttled_with_shortest_wait(store) -> None:
    chain = ProviderChain(
        "sms",
        [
            StubProvider("a", ProviderThrottled("t", retry_after=5)),
            StubProvider("b", ProviderThrottled("t", retry_after=2)),
        ],
    )

    with pytest.raises(ProviderThrottled) as caught:
        chain.send("m", idempotency_key="k")

    assert caught.value.retry_after == 2
