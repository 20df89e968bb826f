"""Provider chains: several providers per channel, tried in order.

Each provider is wrapped with its own circuit breaker and rate limit
(``GuardedProvider``), and a channel's providers form a ``ProviderChain``.
A retryable failure (provider down, throttled, breaker open) moves the send
to the next provider at once. A permanent failure about the recipient
(rejected, opted out, invalid) stops the chain, because another provider
would reject it for the same reason or would override the person's
choice. A provider that is misconfigured is skipped like a failing one.

A failover after an in-doubt failure (the request may have reached the
provider) can deliver the notice twice; the receipt lists such providers
in ``in_doubt_providers`` so the attempt can be marked in doubt.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from tocsin.delivery.breaker import CircuitBreaker
from tocsin.delivery.errors import (
    DeliveryRetryableError,
    ProviderMisconfigured,
    ProviderThrottled,
    ProviderUnavailable,
)
from tocsin.delivery.ratelimit import RateLimiter

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProviderReceipt:
    """A provider's acceptance of one message: the ids needed to track it."""

    provider: str
    channel: str
    provider_message_id: str
    idempotency_key: str
    accepted_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    status: str = "accepted"  # the provider's word: "queued", "sent", ...
    # Providers tried before this one whose outcome is unknown (a timeout
    # after the request was sent): the person may get the notice twice.
    in_doubt_providers: tuple[str, ...] = ()


class Provider(Protocol):
    """A channel provider: sends one message and returns its receipt."""

    name: str
    channel: str

    def send(self, message: Any, *, idempotency_key: str) -> ProviderReceipt: ...


class GuardedProvider:
    """A provider behind its own circuit breaker and rate limit."""

    def __init__(
        self,
        provider: Provider,
        *,
        breaker: CircuitBreaker | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.provider = provider
        self.name = provider.name
        self.channel = provider.channel
        self.breaker = breaker or CircuitBreaker(provider.name)
        self.limiter = limiter

    def send(self, message: Any, *, idempotency_key: str) -> ProviderReceipt:
        """Send through the breaker and limiter; return the receipt."""
        self.breaker.check()
        if self.limiter is not None:
            self.limiter.acquire()
        return self.breaker.call(
            lambda: self.provider.send(message, idempotency_key=idempotency_key)
        )


class ProviderChain:
    """A channel's providers in failover order."""

    def __init__(self, channel: str, providers: Sequence[Provider]) -> None:
        if not providers:
            raise ProviderMisconfigured(
                f"no {channel} providers configured; set "
                f"TOCSIN_DELIVERY_{channel.upper()}_PROVIDERS"
            )
        self.channel = channel
        self.providers = list(providers)

    def send(
        self,
        message: Any,
        *,
        idempotency_key: str,
        prepare: Callable[[Any], Any] | None = None,
    ) -> ProviderReceipt:
        """Send with the first provider that accepts; return its receipt.

        ``prepare`` returns a fresh copy of the message per provider where a
        provider changes the message it is given (anymail sets attributes).
        Raises the last retryable error when every provider failed, as a
        ``ProviderThrottled`` only if every failure was throttling.
        """
        failures: list[DeliveryRetryableError | ProviderMisconfigured] = []
        in_doubt: list[str] = []
        for provider in self.providers:
            candidate = prepare(message) if prepare else message
            try:
                receipt = provider.send(candidate, idempotency_key=idempotency_key)
            except (DeliveryRetryableError, ProviderMisconfigured) as error:
                failures.append(error)
                if isinstance(error, ProviderUnavailable) and error.in_doubt:
                    in_doubt.append(provider.name)
                self._log_failover(provider.name, error, idempotency_key)
                continue
            return replace(receipt, in_doubt_providers=tuple(in_doubt))
        raise self._exhausted(failures, in_doubt, idempotency_key)

    def _log_failover(self, name: str, error: Exception, key: str) -> None:
        logger.warning(
            "provider failed, trying next provider",
            extra={
                "channel": self.channel,
                "provider": name,
                "error": type(error).__name__,
                "idempotency_key": key,
            },
        )

    def _exhausted(
        self, failures: list[Exception], in_doubt: list[str], key: str
    ) -> Exception:
        names = ", ".join(p.name for p in self.providers)
        message = f"all {self.channel} providers failed for attempt '{key}' ({names})"
        if all(isinstance(f, ProviderThrottled) for f in failures):
            wait = min(f.retry_after for f in failures)  # type: ignore[attr-defined]
            return ProviderThrottled(message, retry_after=wait)
        if all(isinstance(f, ProviderMisconfigured) for f in failures):
            return ProviderMisconfigured(message)
        return ProviderUnavailable(message, in_doubt=bool(in_doubt))


def guard(provider: Provider, config: dict[str, Any]) -> GuardedProvider:
    """Return ``provider`` behind a breaker and any configured rate limit."""
    limiter = None
    if config.get("rate_per_second"):
        limiter = RateLimiter(
            provider.name,
            rate=float(config["rate_per_second"]),
            burst=config.get("burst"),
        )
    slow = config.get("slow_call_seconds")
    breaker = CircuitBreaker(
        provider.name, slow_call_seconds=float(slow) if slow else None
    )
    return GuardedProvider(provider, breaker=breaker, limiter=limiter)
