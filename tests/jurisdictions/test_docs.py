"""The committed jurisdictions page matches what the law files produce."""

from pathlib import Path

from tocsin.jurisdictions.docs import render_markdown

from .conftest import bundled_rulebook

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "jurisdictions.md"


def test_committed_doc_is_up_to_date() -> None:
    expected = render_markdown(bundled_rulebook())

    assert DOC_PATH.read_text() == expected, (
        "docs/jurisdictions.md is stale; run "
        "'python scripts/generate_jurisdictions_doc.py'"
    )


def test_doc_lists_every_law() -> None:
    text = DOC_PATH.read_text()

    for law_id in bundled_rulebook().laws:
        assert f"| {law_id} |" in text
