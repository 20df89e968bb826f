from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tocsin.incidents.models import Incident
from tocsin.sources.connectors.base import SourceSpec, build_connector
from tocsin.sources.errors import (
    SourceAuthFailed,
    SourceRateLimited,
    SourceUnavailable,
)
from tocsin.sources.jobs import run_extraction_inline, start_extraction
from tocsin.sources.models import SourceRun
from tocsin.testing.fakes.salesforce import FakeSalesforce
from tocsin.vault.models import Contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def salesforce_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOCSIN_SALESFORCE_PASSWORD", "correct-horse")
    monkeypatch.setenv("TOCSIN_SALESFORCE_SECURITY_TOKEN", "TOKEN123")


@pytest.fixture
def fake(salesforce_env: None) -> Iterator[FakeSalesforce]:
    with FakeSalesforce(
        contacts=45, person_accounts=7, leads=5, slow_seconds=1.0, bulk_polls=1
    ) as org:
        yield org


def crm_spec(fake: FakeSalesforce, **options: object) -> SourceSpec:
    base = {
        "username": "integration@example.com",
        "endpoint_override": fake.url,
        "objects": ["Contact", "PersonAccount", "Lead"],
        "page_size": 200,
        "timeout": 0.5,
    }
    return SourceSpec("crm", "salesforce", base | options)


def read_all(spec: SourceSpec) -> list:
    connector = build_connector(spec)
    records, cursor = [], None
    while True:
        page = connector.fetch_page(cursor, None)
        records += page.records
        cursor = page.next_cursor
        if cursor is None:
            return records


def test_rest_pull_reads_contacts_person_accounts_and_leads(
    fake: FakeSalesforce,
) -> None:
    records = read_all(crm_spec(fake, page_size=200))

    objects = [r.provenance.source_object for r in records]
    assert objects.count("Contact") == 45
    assert objects.count("PersonAccount") == 7
    assert objects.count("Lead") == 5
    assert fake.stats["bulk_jobs"] == 0


def test_rest_pull_follows_next_records_url(fake: FakeSalesforce) -> None:
    fake.counts = {"Contact": 450, "Account": 0, "Lead": 0}

    records = read_all(crm_spec(fake, objects=["Contact"], page_size=200))

    assert len(records) == 450
    assert fake.stats["rest_pages"] == 3


def test_compound_mailing_address_becomes_fields(fake: FakeSalesforce) -> None:
    records = read_all(crm_spec(fake, objects=["Contact"]))

    first = records[0]
    assert first.provenance.source_record_id == "003000000000000AAA"
    assert first.province_code == "IL"
    assert first.country_code == "US"
    assert first.postal_code == "62701"
    assert first.phone == "+12125550100"


def test_contact_without_email_is_still_extracted(fake: FakeSalesforce) -> None:
    records = read_all(crm_spec(fake, objects=["Contact"]))

    without_email = [r for r in records if not r.email]
    assert [r.provenance.source_record_id for r in without_email] == [
        "003000000000005AAA",
        "003000000000022AAA",
        "003000000000039AAA",
    ]


def test_bulk_pull_pages_through_result_locators(fake: FakeSalesforce) -> None:
    spec = crm_spec(fake, mode="bulk", bulk_page_size=20)

    records = read_all(spec)

    assert len(records) == 57
    assert fake.stats["bulk_jobs"] == 3
    assert fake.stats["bulk_pages"] == 5
    person = [r for r in records if r.provenance.source_object == "PersonAccount"]
    assert person[0].province_code == "IL"
    assert person[0].country_code == "US"


def test_auto_mode_switches_to_bulk_above_the_threshold(fake: FakeSalesforce) -> None:
    records = read_all(crm_spec(fake, objects=["Contact"], bulk_threshold=10))

    assert len(records) == 45
    assert fake.stats["bulk_jobs"] == 1


def test_wrong_password_names_the_variable_to_fix(
    fake: FakeSalesforce, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOCSIN_SALESFORCE_PASSWORD", "wrong")
    connector = build_connector(crm_spec(fake))

    with pytest.raises(SourceAuthFailed) as error:
        connector.fetch_page(None, None)

    assert str(error.value) == (
        "source 'crm': Salesforce rejected the username, password or security "
        "token (INVALID_LOGIN); update TOCSIN_SALESFORCE_PASSWORD and, if the "
        "password was reset, the security token too"
    )


def test_expired_rest_session_logs_in_again_and_reads_the_page(
    fake: FakeSalesforce,
) -> None:
    fake.counts = {"Contact": 450, "Account": 0, "Lead": 0}
    connector = build_connector(crm_spec(fake, objects=["Contact"], page_size=200))
    first = connector.fetch_page(None, None)
    fake.expire_sessions()

    second = connector.fetch_page(first.next_cursor, None)

    assert second.records[0].provenance.source_record_id == "003000000000200AAA"
    assert fake.stats["logins"] == 2


def test_expired_bulk_session_logs_in_again_and_reads_the_page(
    fake: FakeSalesforce,
) -> None:
    connector = build_connector(crm_spec(fake, objects=["Contact"], mode="bulk"))
    job_page = connector.fetch_page(None, None)
    fake.expire_sessions()

    results = connector.fetch_page(job_page.next_cursor, None)

    assert len(results.records) == 45
    assert fake.stats["logins"] == 2


@pytest.mark.parametrize(
    ("fault", "error_type", "message"),
    [
        ("unavailable", SourceUnavailable, "with SERVER_UNAVAILABLE; retrying"),
        ("rate_limited", SourceRateLimited, "with REQUEST_LIMIT_EXCEEDED; waiting"),
        ("request_limit", SourceRateLimited, "with REQUEST_LIMIT_EXCEEDED; waiting"),
        ("query_timeout", SourceUnavailable, "with QUERY_TIMEOUT; retrying"),
        ("row_lock", SourceUnavailable, "with UNABLE_TO_LOCK_ROW; retrying"),
        ("slow", SourceUnavailable, "did not answer the Contact query request"),
        ("malformed", SourceUnavailable, "was truncated or not valid JSON"),
    ],
)
def test_transient_faults_become_retryable_errors(
    fake: FakeSalesforce, fault: str, error_type: type, message: str
) -> None:
    connector = build_connector(crm_spec(fake, objects=["Contact"], mode="rest"))
    first = connector.fetch_page(None, None)
    fake.inject(fault)

    with pytest.raises(error_type) as error:
        connector.fetch_page(
            first.next_cursor or {"object": 0, "mode": "rest", "total": 45}, None
        )

    assert message in str(error.value)


def test_rate_limit_carries_the_retry_after_header(fake: FakeSalesforce) -> None:
    fake.retry_after_seconds = 7
    connector = build_connector(crm_spec(fake, objects=["Contact"], mode="rest"))
    fake.inject("rate_limited")

    with pytest.raises(SourceRateLimited) as error:
        connector.fetch_page(None, None)

    assert error.value.retry_after == 7


def test_api_usage_is_read_from_the_limit_header(fake: FakeSalesforce) -> None:
    fake.api_limit = 15_000
    connector = build_connector(crm_spec(fake, objects=["Contact"]))

    page = connector.fetch_page(None, None)

    assert page.api_usage == (fake.api_used, 15_000)


def jwt_key_pair(tmp_path: Path) -> tuple[Path, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    path = tmp_path / "server.key"
    path.write_bytes(private)
    return path, public.decode()


def test_jwt_bearer_login_reads_contacts(fake: FakeSalesforce, tmp_path: Path) -> None:
    key_file, fake.jwt_public_key = jwt_key_pair(tmp_path)
    spec = crm_spec(
        fake,
        objects=["Contact"],
        auth="jwt",
        consumer_key=fake.consumer_key,
        private_key_file=str(key_file),
    )

    records = read_all(spec)

    assert len(records) == 45


def test_revoked_jwt_token_names_the_connected_app(
    fake: FakeSalesforce, tmp_path: Path
) -> None:
    key_file, fake.jwt_public_key = jwt_key_pair(tmp_path)
    spec = crm_spec(
        fake, auth="jwt", consumer_key=fake.consumer_key, private_key_file=str(key_file)
    )
    connector = build_connector(spec)
    first = connector.fetch_page(None, None)
    fake.revoke_token()

    with pytest.raises(SourceAuthFailed) as error:
        connector.fetch_page(first.next_cursor, None)

    assert str(error.value) == (
        "source 'crm': Salesforce rejected the JWT bearer login (invalid_grant: "
        "expired access/refresh token); the connected app's access may be "
        "revoked: re-approve the connected app for the integration user and "
        "check consumer_key and private_key_file"
    )


def test_failed_bulk_job_is_started_again(fake: FakeSalesforce) -> None:
    fake.inject("bulk_job_failed")

    records = read_all(crm_spec(fake, objects=["Contact"], mode="bulk"))

    assert len(records) == 45
    assert fake.stats["bulk_jobs"] == 2


def test_extraction_survives_faults_and_stores_each_contact_once(
    fake: FakeSalesforce, incident: Incident
) -> None:
    fake.counts = {"Contact": 900, "Account": 0, "Lead": 0}
    fake.failure_rate = 0.3
    fake.failure_mix = ("unavailable", "rate_limited", "query_timeout", "row_lock")
    fake.retry_after_seconds = 0

    extraction, pages = start_extraction(
        incident, [crm_spec(fake, objects=["Contact"])]
    )
    run_extraction_inline(pages)

    run = extraction.runs.get()
    assert run.status == SourceRun.Status.COMPLETE
    assert run.records_stored == 900
    assert run.retries > 0
    assert Contact.objects.filter(incident=incident).count() == 900


def test_delta_resync_replaces_a_contact_whose_email_changed(
    fake: FakeSalesforce, incident: Incident
) -> None:
    from tocsin.sources.jobs import start_delta_resync
    from tocsin.vault.store import find_contacts, open_contact

    first, pages = start_extraction(incident, [crm_spec(fake, objects=["Contact"])])
    run_extraction_inline(pages)
    fake.change_record("Contact", 3, Email="changed.after.breach@example.org")

    delta, pages = start_delta_resync(first)
    run_extraction_inline(pages)

    run = delta.runs.get()
    found = find_contacts(incident, email="changed.after.breach@example.org")
    assert run.records_stored == 1
    assert Contact.objects.filter(incident=incident).count() == 45
    assert len(found) == 1
    assert open_contact(found[0]).provenance.source_record_id == "003000000000003AAA"


def test_truncated_bulk_result_page_is_retried_not_stored(fake: FakeSalesforce) -> None:
    connector = build_connector(
        crm_spec(fake, objects=["Contact"], mode="bulk", bulk_page_size=20)
    )
    job_page = connector.fetch_page(None, None)
    first_results = connector.fetch_page(job_page.next_cursor, None)
    fake.inject("malformed")

    with pytest.raises(SourceUnavailable) as error:
        connector.fetch_page(first_results.next_cursor, None)

    assert "was truncated or not valid JSON" in str(error.value)
