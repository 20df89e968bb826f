"""Circuit breakers: one per provider, shared by every worker.

After ``threshold`` failures in a row a provider's breaker opens, and calls
to it fail at once with ``ProviderUnavailable`` for ``reset_seconds``, so
workers stop waiting on timeouts and the provider chain moves to the next
provider. Then one worker gets a single trial call (half-open): success
closes the breaker, failure opens it for another period. A call that
succeeds but takes longer than ``slow_call_seconds`` counts as a failure,
because a slow provider ties up workers as surely as a failing one.
"""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from tocsin.delivery import conf
from tocsin.delivery.errors import DeliveryRetryableError, ProviderUnavailable
from tocsin.delivery.sharedstate import StateStore, get_state_store

logger = logging.getLogger(__name__)

T = TypeVar("T")


class CircuitBreaker:
    """The shared circuit breaker of one provider."""

    def __init__(
        self,
        provider: str,
        *,
        store: StateStore | None = None,
        threshold: int | None = None,
        reset_seconds: float | None = None,
        slow_call_seconds: float | None = None,
    ) -> None:
        self.provider = provider
        self.store = store or get_state_store()
        self.threshold = threshold or conf.breaker_failure_threshold()
        self.reset_seconds = reset_seconds or conf.breaker_reset_seconds()
        self.slow_call_seconds = slow_call_seconds

    def check(self) -> None:
        """Raise ``ProviderUnavailable`` unless the breaker allows a call."""
        decision = self.store.breaker_allow(self.provider, self.reset_seconds)
        if not decision.allowed:
            raise ProviderUnavailable(
                f"circuit breaker for provider '{self.provider}' is "
                f"{decision.state}; retry in {decision.retry_after:.0f} s"
            )

    def record(self, *, success: bool) -> None:
        """Record one call's outcome and log the breaker opening."""
        state = self.store.breaker_record(
            self.provider,
            success=success,
            threshold=self.threshold,
            reset_seconds=self.reset_seconds,
        )
        if state == "open" and not success:
            logger.warning(
                "provider circuit breaker open",
                extra={"provider": self.provider, "reset_s": self.reset_seconds},
            )

    def call(self, send: Callable[[], T]) -> T:
        """Return ``send()``'s result, guarded by this breaker.

        Only retryable errors count as provider failures, because a rejected
        recipient is no sign of the provider's health.
        """
        self.check()
        started = time.monotonic()
        try:
            result = send()
        except DeliveryRetryableError:
            self.record(success=False)
            raise
        elapsed = time.monotonic() - started
        is_slow = (
            self.slow_call_seconds is not None and elapsed > self.slow_call_seconds
        )
        self.record(success=not is_slow)
        return result
