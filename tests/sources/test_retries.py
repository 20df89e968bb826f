from collections.abc import Iterator

import pytest

from tocsin.incidents.models import Incident
from tocsin.sources.connectors.base import SourceSpec
from tocsin.sources.errors import SourceRateLimited, SourceUnavailable
from tocsin.sources.jobs import (
    compute_backoff,
    extract_page,
    record_source_failure,
    run_extraction_inline,
    start_extraction,
)
from tocsin.sources.models import SourceRun
from tocsin.testing.fakes.salesforce import FakeSalesforce
from tocsin.vault.models import Contact


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSalesforce]:
    monkeypatch.setenv("TOCSIN_SALESFORCE_PASSWORD", "correct-horse")
    monkeypatch.setenv("TOCSIN_SALESFORCE_SECURITY_TOKEN", "TOKEN123")
    with FakeSalesforce(contacts=450, retry_after_seconds=0) as org:
        yield org


def crm_spec(fake: FakeSalesforce) -> SourceSpec:
    options = {
        "username": "integration@example.com",
        "endpoint_override": fake.url,
        "mode": "rest",
        "page_size": 200,
        "timeout": 0.5,
    }
    return SourceSpec("crm", "salesforce", options)


def test_backoff_never_waits_less_than_retry_after(settings) -> None:
    settings.TOCSIN_SOURCE_BACKOFF_BASE = 0.01

    waits = [compute_backoff(attempt, retry_after=3) for attempt in range(1, 6)]

    assert min(waits) == 3


def test_backoff_is_capped(settings) -> None:
    settings.TOCSIN_SOURCE_BACKOFF_BASE = 1
    settings.TOCSIN_SOURCE_BACKOFF_MAX = 4

    waits = [compute_backoff(20) for _ in range(50)]

    assert max(waits) <= 4


def test_rate_limits_are_counted_as_waits(
    fake: FakeSalesforce, incident: Incident
) -> None:
    fake.inject("rate_limited", times=2)

    extraction, pages = start_extraction(incident, [crm_spec(fake)])
    run_extraction_inline(pages)

    run = extraction.runs.get()
    assert run.status == SourceRun.Status.COMPLETE
    assert run.rate_limit_waits == 2
    assert run.retries == 2
    assert Contact.objects.filter(incident=incident).count() == 450


def test_breaker_opens_after_repeated_failures_and_sends_nothing(
    fake: FakeSalesforce, incident: Incident, settings
) -> None:
    settings.TOCSIN_SOURCE_BREAKER_THRESHOLD = 2
    settings.TOCSIN_SOURCE_BREAKER_COOLDOWN = 60
    extraction, pages = start_extraction(incident, [crm_spec(fake)])
    run_id, page_no = pages[0]
    fake.inject("unavailable", times=10)
    for _ in range(2):
        with pytest.raises(SourceUnavailable) as error:
            extract_page(run_id, page_no)
        record_source_failure(run_id, error.value)
    requests_before = fake.stats["api_requests"]

    with pytest.raises(SourceUnavailable) as error:
        extract_page(run_id, page_no)

    assert "circuit breaker open" in str(error.value)
    assert fake.stats["api_requests"] == requests_before
    assert SourceRun.objects.get(pk=run_id).breaker_open_until is not None


def test_api_share_stops_requests_before_the_org_limit(
    fake: FakeSalesforce, incident: Incident, settings
) -> None:
    settings.TOCSIN_SALESFORCE_API_SHARE = 0.5
    fake.api_limit = 1000
    extraction, pages = start_extraction(incident, [crm_spec(fake)])
    run_id, _ = pages[0]
    next_pages = extract_page(*pages[0])
    fake.api_used = 600

    next_pages = extract_page(*next_pages[0])
    with pytest.raises(SourceRateLimited) as error:
        extract_page(*next_pages[0])

    assert str(error.value) == (
        "source 'crm' has used 601 of 1000 daily API requests, the configured "
        "share (50%); wait for the daily reset or raise TOCSIN_SALESFORCE_API_SHARE"
    )


def test_wrong_password_mid_run_keeps_the_pages_already_stored(
    fake: FakeSalesforce, incident: Incident, monkeypatch: pytest.MonkeyPatch
) -> None:
    extraction, pages = start_extraction(incident, [crm_spec(fake)])
    next_pages = extract_page(*pages[0])
    fake.password = "rotated"
    fake.expire_sessions()

    run_extraction_inline(next_pages)

    run = extraction.runs.get()
    assert run.status == SourceRun.Status.FAILED
    assert run.last_error.startswith(
        "source 'crm': Salesforce rejected the username, password or security token"
    )
    assert run.records_stored == 200
    assert Contact.objects.filter(incident=incident).count() == 200
