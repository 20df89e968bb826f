"""Rate limits: one token bucket per provider, shared by every worker.

The bucket refills at ``rate`` tokens a second up to ``burst``. A caller
waits for a token only up to ``max_wait`` seconds; past that it raises
``ProviderThrottled`` so the task is retried later instead of holding a
worker that another channel's queue could use.
"""

import time

from tocsin.delivery.errors import ProviderThrottled
from tocsin.delivery.sharedstate import StateStore, get_state_store


class RateLimiter:
    """The shared send rate limit of one provider."""

    def __init__(
        self,
        provider: str,
        *,
        rate: float,
        burst: float | None = None,
        store: StateStore | None = None,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate for provider '{provider}' must be positive")
        self.provider = provider
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate)
        self.store = store or get_state_store()

    def acquire(self, max_wait: float = 1.0) -> None:
        """Take one send token, sleeping up to ``max_wait`` seconds for it."""
        deadline = time.monotonic() + max_wait
        while True:
            wait = self.store.take_token(f"rate:{self.provider}", self.rate, self.burst)
            if wait == 0:
                return
            if time.monotonic() + wait > deadline:
                raise ProviderThrottled(
                    f"rate limit for provider '{self.provider}' reached "
                    f"({self.rate:g}/s); retry in {wait:.2f} s",
                    retry_after=wait,
                )
            time.sleep(wait)
