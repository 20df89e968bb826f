from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry

from tocsin.delivery.events import BounceType, EventKind, ProviderEvent
from tocsin.delivery.metrics import DeliveryMetrics, percentiles

START = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def metrics() -> DeliveryMetrics:
    return DeliveryMetrics(CollectorRegistry())


def observe_seconds(metrics, seconds: list[float], provider: str = "postmark") -> None:
    for value in seconds:
        end = START + timedelta(seconds=value)
        metrics.observe("enqueue_to_accepted", "email", provider, START, end)


def test_percentiles_interpolate_within_buckets(metrics) -> None:
    observe_seconds(metrics, [0.2] * 50 + [3.0] * 50)

    result = metrics.latency_percentiles("enqueue_to_accepted", (0.5, 0.9))

    # Half the samples sit in (0.1, 0.25]; rank 50 reaches that bucket's top.
    assert result[0.5] == pytest.approx(0.25)
    # Rank 90 is 40 of 50 samples into the (2.5, 5] bucket.
    assert result[0.9] == pytest.approx(2.5 + 2.5 * 40 / 50)


def test_percentiles_filter_by_provider(metrics) -> None:
    observe_seconds(metrics, [0.07] * 10, provider="postmark")
    observe_seconds(metrics, [20.0] * 10, provider="sendgrid")

    postmark = metrics.latency_percentiles(
        "enqueue_to_accepted", (0.99,), provider="postmark"
    )

    assert postmark[0.99] <= 0.1


def test_percentiles_without_samples_are_none(metrics) -> None:
    assert metrics.latency_percentiles("enqueue_to_delivered", (0.5,)) == {0.5: None}


def test_samples_beyond_last_bucket_report_its_bound(metrics) -> None:
    observe_seconds(metrics, [10**7])

    result = metrics.latency_percentiles("enqueue_to_accepted", (0.5,))

    assert result[0.5] == 604800


def test_clock_skew_counts_as_zero_latency(metrics) -> None:
    metrics.observe(
        "accepted_to_delivered", "email", "p", START, START - timedelta(seconds=5)
    )

    assert metrics.latency_percentiles("accepted_to_delivered", (0.5,))[0.5] <= 0.05


def test_event_counter_splits_hard_and_soft_bounces(metrics) -> None:
    for bounce in (BounceType.HARD, BounceType.SOFT, BounceType.SOFT):
        metrics.count_event(
            ProviderEvent("postmark", "m", EventKind.BOUNCED, START, bounce=bounce)
        )

    registry = metrics.registry
    labels = {"channel": "email", "provider": "postmark"}
    hard = registry.get_sample_value(
        "tocsin_delivery_outcomes_total", labels | {"outcome": "bounced_hard"}
    )
    soft = registry.get_sample_value(
        "tocsin_delivery_outcomes_total", labels | {"outcome": "bounced_soft"}
    )
    assert hard == 1
    assert soft == 2


def test_exact_percentiles_match_linear_interpolation() -> None:
    result = percentiles([1, 2, 3, 4], (0.0, 0.5, 1.0))

    assert result == {0.0: 1, 0.5: 2.5, 1.0: 4}


def test_exact_percentiles_of_nothing_are_none() -> None:
    assert percentiles([], (0.5,)) == {0.5: None}
