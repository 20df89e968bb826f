"""Rendering notices from untrusted template text in Jinja2's sandbox.

Operators edit templates at run time, so template text is treated like any
other untrusted input: the sandbox blocks access to Python internals,
undefined names fail loudly instead of rendering as blanks, HTML output is
autoescaped, and a subject line can never carry a line break into a header.
"""

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from tocsin.notices.errors import MissingContentBlock, TemplateRenderError
from tocsin.notices.models import TemplateVersion

DEFAULTS_DIR = Path(__file__).parent / "defaults"
MAX_SUBJECT_CHARS = 200


@dataclass(frozen=True)
class RenderedNotice:
    """A notice's text, ready to send, held in memory only."""

    subject: str
    text: str
    html: str

    def sha256(self) -> str:
        """Return a digest of the rendered text, stored instead of the text."""
        joined = "\x1f".join((self.subject, self.text, self.html))
        return hashlib.sha256(joined.encode()).hexdigest()


@lru_cache(maxsize=2)
def _environment(autoescape: bool) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=autoescape,
        trim_blocks=False,
        keep_trailing_newline=True,
    )


@lru_cache(maxsize=64)
def _compile(source: str, autoescape: bool) -> Any:
    return _environment(autoescape).from_string(source)


@lru_cache(maxsize=1)
def load_content_blocks() -> dict[str, dict[str, str]]:
    """Return the content blocks that laws can require, by block id."""
    with (DEFAULTS_DIR / "content_blocks.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def select_content_blocks(required: list[str]) -> list[dict[str, str]]:
    """Return the text blocks for the required content ids, in a stable order.

    Section ids are covered by the template's own headings and add no
    block. An id with no entry at all raises, because a law that requires
    content the notice cannot include must stop the run before anything is
    sent, rather than let a non-compliant notice out.
    """
    blocks = load_content_blocks()
    missing = sorted(set(required) - set(blocks))
    if missing:
        raise MissingContentBlock(
            f"no text for required content block {missing[0]!r}; add it to "
            "notices/defaults/content_blocks.yaml"
        )
    return [
        {
            "id": block_id,
            "title": blocks[block_id]["title"],
            "text": blocks[block_id]["text"],
        }
        for block_id in sorted(set(required))
        if blocks[block_id]["kind"] == "block"
    ]


def _render_one(
    version: TemplateVersion, field: str, source: str, context: dict
) -> str:
    try:
        return _compile(source, field == "html").render(context)
    except TemplateError as error:
        raise TemplateRenderError(
            f"template {version.template.name} v{version.number} failed to render "
            f"its {field} ({type(error).__name__}: {error.message}); fix the "
            "template and approve a new version"
        ) from error


def clean_subject(subject: str) -> str:
    """Return a subject on one line, trimmed to a length mail clients show."""
    one_line = re.sub(r"\s+", " ", subject).strip()
    return one_line[:MAX_SUBJECT_CHARS]


def render_notice(version: TemplateVersion, context: dict[str, Any]) -> RenderedNotice:
    """Render a template version with a person's context, in the sandbox."""
    subject = _render_one(version, "subject", version.subject, context)
    text = _render_one(version, "text", version.body_text, context)
    html = (
        _render_one(version, "html", version.body_html, context)
        if version.body_html
        else ""
    )
    return RenderedNotice(subject=clean_subject(subject), text=text, html=html)
