import json
from dataclasses import replace
from pathlib import Path

from tocsin.audit.models import AuditEvent
from tocsin.incidents.models import Incident
from tocsin.sources.connectors.base import SourceSpec
from tocsin.sources.jobs import (
    extract_page,
    run_extraction_inline,
    start_delta_resync,
    start_extraction,
)
from tocsin.sources.models import ExtractedRecord, Extraction, FieldConflict, SourceRun
from tocsin.testing.fakes.shops import (
    make_customers,
    write_magento_export,
    write_woocommerce_export,
)
from tocsin.vault.models import Contact
from tocsin.vault.store import find_contacts, open_contact


def woo_spec(path: Path, page_size: int = 10, **extra: object) -> SourceSpec:
    return SourceSpec(
        "woo", "woocommerce_csv", {"path": str(path), "page_size": page_size, **extra}
    )


def test_extraction_stores_every_contact_in_the_vault(
    incident: Incident, tmp_path: Path
) -> None:
    path = write_woocommerce_export(tmp_path / "woo.csv", make_customers(25))

    extraction, pages = start_extraction(incident, [woo_spec(path)])
    run_extraction_inline(pages)

    extraction.refresh_from_db()
    run = extraction.runs.get()
    assert extraction.status == Extraction.Status.COMPLETE
    assert run.status == SourceRun.Status.COMPLETE
    assert run.pages_done == 3
    assert run.records_stored == 25
    assert Contact.objects.filter(incident=incident).count() == 25


def test_page_run_twice_stores_its_records_once(
    incident: Incident, tmp_path: Path
) -> None:
    path = write_woocommerce_export(tmp_path / "woo.csv", make_customers(25))
    extraction, pages = start_extraction(incident, [woo_spec(path)])
    run_id, page_no = pages[0]

    first = extract_page(run_id, page_no)
    second = extract_page(run_id, page_no)

    assert first == [(run_id, 1)]
    assert second == []
    assert Contact.objects.filter(incident=incident).count() == 10


def test_rerun_from_an_old_checkpoint_replaces_instead_of_duplicating(
    incident: Incident, tmp_path: Path
) -> None:
    path = write_woocommerce_export(tmp_path / "woo.csv", make_customers(25))
    extraction, pages = start_extraction(incident, [woo_spec(path)])
    run_extraction_inline(pages)
    # A checkpoint restored from before the pull, as after a database restore.
    run = extraction.runs.get()
    SourceRun.objects.filter(pk=run.pk).update(
        status=SourceRun.Status.RUNNING, pages_done=0, cursor=None
    )

    run_extraction_inline([(str(run.pk), 0)])

    assert Contact.objects.filter(incident=incident).count() == 25
    assert ExtractedRecord.objects.filter(incident=incident).count() == 25


def test_failed_source_hands_over_to_the_fallback_and_keeps_its_error(
    incident: Incident, tmp_path: Path
) -> None:
    snapshot = tmp_path / "snapshot.jsonl"
    snapshot.write_text(
        json.dumps(
            {"id": "S-1", "as_of": "2026-10-30T00:00:00Z", "email": "a@example.com"}
        )
        + "\n"
    )
    specs = [
        woo_spec(tmp_path / "missing.csv"),
        SourceSpec(
            "last-export", "snapshot", {"path": str(snapshot)}, fallback_only=True
        ),
    ]

    extraction, pages = start_extraction(incident, specs)
    run_extraction_inline(pages)

    extraction.refresh_from_db()
    woo, fallback = extraction.runs.order_by("position")
    assert woo.status == SourceRun.Status.FAILED
    assert woo.last_error == (
        f"source 'woo': file '{tmp_path / 'missing.csv'}' not found; "
        "check the source's path option"
    )
    assert fallback.status == SourceRun.Status.COMPLETE
    assert fallback.records_stored == 1
    assert extraction.status == Extraction.Status.COMPLETE
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == [
        "extraction.started",
        "extraction.source_failed",
        "extraction.finished",
    ]


def test_fallback_source_is_not_read_when_the_first_source_succeeds(
    incident: Incident, tmp_path: Path
) -> None:
    path = write_woocommerce_export(tmp_path / "woo.csv", make_customers(3))
    fallback = SourceSpec("last-export", "snapshot", {"path": "x"}, fallback_only=True)

    extraction, pages = start_extraction(incident, [woo_spec(path), fallback])
    run_extraction_inline(pages)

    statuses = list(
        extraction.runs.order_by("position").values_list("status", flat=True)
    )
    assert statuses == ["complete", "waiting"]


def test_person_in_two_sources_is_supplied_by_the_first_and_conflicts_kept(
    incident: Incident, tmp_path: Path
) -> None:
    customers = make_customers(5)
    woo = write_woocommerce_export(tmp_path / "woo.csv", customers)
    moved = [replace(customers[0], city="Elsewhere"), *customers[1:3]]
    magento = write_magento_export(tmp_path / "magento.csv", moved)
    specs = [woo_spec(woo), SourceSpec("m2", "magento_csv", {"path": str(magento)})]

    extraction, pages = start_extraction(incident, specs)
    run_extraction_inline(pages)

    woo_run, magento_run = extraction.runs.order_by("position")
    assert woo_run.records_stored == 5
    assert magento_run.records_stored == 0
    assert magento_run.records_covered == 3
    assert Contact.objects.filter(incident=incident).count() == 5
    conflict = FieldConflict.objects.get()
    assert conflict.field_name == "city"
    assert conflict.kept.source_name == "woo"
    assert conflict.other.source_name == "m2"


def test_delta_resync_adds_a_contact_whose_email_changed(
    incident: Incident, tmp_path: Path
) -> None:
    customers = make_customers(4)
    path = write_magento_export(tmp_path / "magento.csv", customers)
    spec = SourceSpec("m2", "magento_csv", {"path": str(path)})
    first, pages = start_extraction(incident, [spec])
    run_extraction_inline(pages)
    text = path.read_text().splitlines()
    # The customer changed their email after the breach; Magento bumps
    # updated_at on the changed row only.
    changed = text[2].replace(customers[1].email, "new.address@example.org")
    text[2] = changed.replace("2026-10-01 10:00:00", "2099-01-01 00:00:00")
    path.write_text("\n".join(text) + "\n")

    delta, pages = start_delta_resync(first)
    run_extraction_inline(pages)

    run = delta.runs.get()
    assert run.records_stored == 1
    # Magento keys customers by email, so the new address is a new record
    # and the exposed old address stays in the vault.
    assert Contact.objects.filter(incident=incident).count() == 5
    found = find_contacts(incident, email="new.address@example.org")
    assert len(found) == 1
    assert open_contact(found[0]).email == "new.address@example.org"
