import pytest

from tocsin.notices.errors import MissingContentBlock, TemplateRenderError
from tocsin.notices.models import NoticeTemplate, TemplateVersion
from tocsin.notices.rendering import clean_subject, render_notice, select_content_blocks
from tocsin.notices.templates import ensure_default_templates

pytestmark = pytest.mark.django_db


def make_version(
    subject: str = "Notice", text: str = "", html: str = ""
) -> TemplateVersion:
    template = NoticeTemplate.objects.create(name="t", channel="email")
    return TemplateVersion.objects.create(
        template=template,
        number=1,
        subject=subject,
        body_text=text,
        body_html=html,
        sha256="0" * 64,
        created_by="test",
    )


def default_context(**person: str) -> dict:
    return {
        "person": {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "exposed_labels": ["Your name"],
        }
        | person,
        "company": {
            "legal_name": "Example Retail Inc.",
            "contact_phone": "+1-555-0100",
            "contact_website": "https://www.example.com",
            "contact_address": "1 Example St",
        },
        "incident": {"discovered_date": "November 20, 2026"},
        "required_blocks": select_content_blocks(["credit_freeze_information"]),
        "forbidden": [],
        "notice": {"reference": "ABC123"},
    }


def test_default_template_renders_required_block() -> None:
    rendered = render_notice(ensure_default_templates(), default_context())

    assert "Security freeze" in rendered.text


def test_default_template_hides_breach_nature_when_forbidden() -> None:
    context = default_context() | {"forbidden": ["nature_of_breach"]}

    rendered = render_notice(ensure_default_templates(), context)

    assert "unauthorized party gained access" not in rendered.text


def test_html_part_escapes_names() -> None:
    context = default_context(first_name="<script>alert(1)</script>")

    rendered = render_notice(ensure_default_templates(), context)

    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html


def test_template_syntax_in_a_name_is_not_evaluated() -> None:
    context = default_context(first_name="{{ 7*7 }}")

    rendered = render_notice(ensure_default_templates(), context)

    assert "{{ 7*7 }}" in rendered.text
    assert "49" not in rendered.text


def test_sandbox_blocks_python_internals() -> None:
    version = make_version(text="{{ ''.__class__.__mro__[1].__subclasses__() }}")

    with pytest.raises(TemplateRenderError) as raised:
        render_notice(version, default_context())

    assert "template t v1 failed to render its text (SecurityError" in str(raised.value)


def test_undefined_name_fails_instead_of_rendering_blank() -> None:
    version = make_version(text="Dear {{ person.middle_name }}")

    with pytest.raises(TemplateRenderError) as raised:
        render_notice(version, default_context())

    assert "UndefinedError" in str(raised.value)


def test_subject_line_breaks_cannot_inject_headers() -> None:
    version = make_version(subject="Notice {{ person.first_name }}")
    context = default_context(first_name="Ada\r\nBcc: victim@example.com")

    rendered = render_notice(version, context)

    assert rendered.subject == "Notice Ada Bcc: victim@example.com"


def test_subject_is_cut_to_two_hundred_characters() -> None:
    assert len(clean_subject("x" * 500)) == 200


def test_unknown_required_block_stops_rendering() -> None:
    with pytest.raises(MissingContentBlock) as raised:
        select_content_blocks(["credit_freeze_information", "ag_contact_zz"])

    assert str(raised.value) == (
        "no text for required content block 'ag_contact_zz'; add it to "
        "notices/defaults/content_blocks.yaml"
    )


def test_section_ids_add_no_block() -> None:
    assert select_content_blocks(["prescribed_headings", "steps_taken"]) == []


def test_every_schema_content_id_has_an_entry() -> None:
    import json
    from pathlib import Path

    import tocsin.jurisdictions as jurisdictions
    from tocsin.notices.rendering import load_content_blocks

    schema_path = Path(jurisdictions.__file__).parent / "law.schema.json"
    content_ids = json.loads(schema_path.read_text())["$defs"]["content"]["enum"]

    assert sorted(set(content_ids) - set(load_content_blocks())) == []
