"""Prometheus metrics for delivery, and latency percentiles for status.

Latency is measured in three stages per channel and provider:

- ``enqueue_to_accepted``: the outbox queued the send until the provider
  accepted it (queueing, rendering, rate limits, retries).
- ``accepted_to_delivered``: provider acceptance until the provider
  reported delivery (a webhook; days for postal).
- ``enqueue_to_delivered``: the whole path, which the legal deadline
  depends on.

Outcomes are counted per channel, provider and outcome name.
"""

import bisect
import math
from collections.abc import Iterable, Sequence
from datetime import datetime

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram

from tocsin.delivery.events import BounceType, EventKind, ProviderEvent

STAGES = ("enqueue_to_accepted", "accepted_to_delivered", "enqueue_to_delivered")

# Seconds, from a fast API acceptance to a week-long postal delivery.
LATENCY_BUCKETS = (
    0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
    7200, 21600, 86400, 259200, 604800,
)  # fmt: skip


class DeliveryMetrics:
    """The delivery histograms and counters in one registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.latency = {
            stage: Histogram(
                f"tocsin_delivery_{stage}_seconds",
                f"Delivery latency, {stage.replace('_', ' ')}, in seconds",
                ["channel", "provider"],
                buckets=LATENCY_BUCKETS,
                registry=registry,
            )
            for stage in STAGES
        }
        self.outcomes = Counter(
            "tocsin_delivery_outcomes",
            "Delivery outcomes by channel, provider and outcome",
            ["channel", "provider", "outcome"],
            registry=registry,
        )

    def observe(
        self, stage: str, channel: str, provider: str, start: datetime, end: datetime
    ) -> None:
        """Record one latency; negative spans (clock skew) count as zero."""
        seconds = max(0.0, (end - start).total_seconds())
        self.latency[stage].labels(channel=channel, provider=provider).observe(seconds)

    def count(self, channel: str, provider: str, outcome: str) -> None:
        """Add one to an outcome counter."""
        self.outcomes.labels(channel=channel, provider=provider, outcome=outcome).inc()

    def count_event(self, event: ProviderEvent) -> None:
        """Count a provider event under its kind, bounces split hard/soft."""
        outcome = str(event.kind)
        if event.kind is EventKind.BOUNCED:
            outcome = f"bounced_{event.bounce or BounceType.HARD}"
        self.count(event.channel, event.provider, outcome)

    def latency_percentiles(
        self,
        stage: str,
        quantiles: Sequence[float] = (0.5, 0.9, 0.99),
        *,
        channel: str | None = None,
        provider: str | None = None,
    ) -> dict[float, float | None]:
        """Return estimated latency quantiles in seconds for ``tocsin status``.

        Estimated from the histogram buckets by linear interpolation within
        a bucket, as Prometheus's ``histogram_quantile`` does, over every
        label set that matches. The error is at most one bucket's width.
        None means no observations.
        """
        bounds, counts = self._cumulative_buckets(stage, channel, provider)
        return {q: _bucket_quantile(q, bounds, counts) for q in quantiles}

    def _cumulative_buckets(
        self, stage: str, channel: str | None, provider: str | None
    ) -> tuple[list[float], list[float]]:
        totals: dict[float, float] = {}
        for metric in self.latency[stage].collect():
            for sample in metric.samples:
                if not sample.name.endswith("_bucket"):
                    continue
                labels = sample.labels
                if channel and labels["channel"] != channel:
                    continue
                if provider and labels["provider"] != provider:
                    continue
                bound = float(labels["le"])
                totals[bound] = totals.get(bound, 0.0) + sample.value
        bounds = sorted(totals)
        return bounds, [totals[b] for b in bounds]


def _bucket_quantile(
    q: float, bounds: list[float], counts: list[float]
) -> float | None:
    if not counts or counts[-1] == 0:
        return None
    rank = q * counts[-1]
    index = bisect.bisect_left(counts, rank)
    if index >= len(bounds) - 1 and math.isinf(bounds[-1]):
        return bounds[-2]  # beyond the last finite bucket: its bound
    lower = bounds[index - 1] if index > 0 else 0.0
    below = counts[index - 1] if index > 0 else 0.0
    in_bucket = counts[index] - below
    if in_bucket == 0:
        return bounds[index]
    return lower + (bounds[index] - lower) * (rank - below) / in_bucket


def percentiles(
    values: Iterable[float], quantiles: Sequence[float]
) -> dict[float, float | None]:
    """Return exact quantiles of ``values`` (linear interpolation between
    closest ranks, numpy's default), or None for each if there are none.

    Use it where raw durations are at hand, such as attempt timestamps
    read from the database.
    """
    ordered = sorted(values)
    if not ordered:
        return {q: None for q in quantiles}
    result = {}
    for q in quantiles:
        position = q * (len(ordered) - 1)
        low = math.floor(position)
        high = min(low + 1, len(ordered) - 1)
        result[q] = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return result


# The process-wide metrics that the Prometheus exporter serves. Each worker
# process has its own; set PROMETHEUS_MULTIPROC_DIR to aggregate them, as
# prometheus-client's multiprocess mode describes.
METRICS = DeliveryMetrics(REGISTRY)


def observe_attempt(
    channel: str,
    provider: str,
    status: str,
    queued_at: datetime | None,
    finished_at: datetime | None,
) -> None:
    """Count an attempt's outcome and, once sent, its enqueue latency."""
    METRICS.count(channel, provider or "unknown", status)
    if status == "sent" and queued_at and finished_at:
        METRICS.observe(
            "enqueue_to_accepted",
            channel,
            provider or "unknown",
            queued_at,
            finished_at,
        )
