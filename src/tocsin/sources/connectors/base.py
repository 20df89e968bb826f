"""The connector interface: pages of contacts behind an opaque cursor.

A connector is stateless between pages. Everything it needs to continue is in
the cursor it returns, a small JSON-serializable dict that the extraction job
stores in the same transaction as the page's records. A worker killed at any
moment therefore resumes from the last stored page, never from memory.
"""

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings

from tocsin.sources.errors import SourceConfigError
from tocsin.vault.records import ContactRecord

Cursor = dict[str, Any]


@dataclass(frozen=True)
class RejectedRow:
    """A record the source returned that could not be read as a contact.

    ``reference`` is a row number or record id and ``reason`` names the field
    and the problem; neither carries the record's values.
    """

    reference: str
    reason: str


@dataclass
class Page:
    """One page of contacts and the cursor of the page after it.

    ``next_cursor`` is None when the source has no more records.
    ``total`` is the source's count of matching records where it gives one,
    for progress estimates. ``api_usage`` is (used, limit) of the source's
    daily API requests where the source reports them.
    """

    records: list[ContactRecord]
    next_cursor: Cursor | None
    rejected: list[RejectedRow] = field(default_factory=list)
    total: int | None = None
    api_usage: tuple[int, int] | None = None


@dataclass(frozen=True)
class SourceSpec:
    """A configured source: its name, connector kind and options.

    Options never hold secrets themselves. They name environment variables
    (``password_env``, ``dsn_env``) or files, so a spec can be stored with the
    extraction and sent through the broker.
    """

    name: str
    kind: str
    options: dict[str, Any] = field(default_factory=dict)
    fallback_only: bool = False

    @classmethod
    def from_dict(cls, spec: dict[str, Any]) -> "SourceSpec":
        """Return a spec from its JSON form, as in the sources file."""
        missing = [key for key in ("name", "kind") if not spec.get(key)]
        if missing:
            raise SourceConfigError(
                f"source definition {spec.get('name', '?')!r} is missing "
                f"{', '.join(missing)}; add it to the sources file"
            )
        options = {
            key: value
            for key, value in spec.items()
            if key not in ("name", "kind", "fallback_only")
        }
        return cls(spec["name"], spec["kind"], options, bool(spec.get("fallback_only")))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form that ``from_dict`` reads."""
        return {
            "name": self.name,
            "kind": self.kind,
            "fallback_only": self.fallback_only,
            **self.options,
        }

    def option(self, key: str, default: Any = None) -> Any:
        """Return an option, raising a clear error when a required one is
        missing (``default`` is None)."""
        value = self.options.get(key, default)
        if value is None:
            raise SourceConfigError(
                f"source {self.name!r} ({self.kind}) has no {key!r} option; "
                "add it to the source definition"
            )
        return value


class Connector(Protocol):
    """Reads one source page by page."""

    spec: SourceSpec

    def fetch_page(self, cursor: Cursor | None, since: datetime | None) -> Page:
        """Return the page at ``cursor`` (the first page when None).

        With ``since``, only records changed after that time are returned,
        for a delta re-sync.
        """
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...


_KINDS: dict[str, Callable[[SourceSpec], Connector]] = {}


def register_kind(kind: str) -> Callable[[type], type]:
    """Register a connector class under the ``kind`` that sources name."""

    def register(connector_class: type) -> type:
        _KINDS[kind] = connector_class
        return connector_class

    return register


def build_connector(spec: SourceSpec) -> Connector:
    """Return a connector for the spec's kind."""
    import tocsin.sources.connectors  # noqa: F401  registers the built-in kinds

    if spec.kind not in _KINDS:
        raise SourceConfigError(
            f"source {spec.name!r} has unknown kind {spec.kind!r}; "
            f"use one of {', '.join(sorted(_KINDS))}"
        )
    return _KINDS[spec.kind](spec)


def stable_record_id(*parts: str) -> str:
    """Return a keyed hash to use as a record id when the only natural key is
    personal, such as a Magento customer's email and website.

    The id must be the same on every run, so a re-run upserts instead of
    duplicating, and it must not reveal the email, because record ids are
    stored and logged in plaintext.
    """
    key = hashlib.sha256(b"tocsin-record-id:" + settings.SECRET_KEY.encode()).digest()
    message = "\x1f".join(parts).encode()
    return "h-" + hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def load_source_specs(path: str) -> list[SourceSpec]:
    """Return the sources listed in a JSON file, in failover order.

    The file is a list of source definitions, or an object with a "sources"
    list.
    """
    import json
    from pathlib import Path

    try:
        document = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise SourceConfigError(
            f"sources file {path!r} not found; set TOCSIN_SOURCES_FILE or pass "
            "--sources"
        ) from None
    except json.JSONDecodeError as error:
        raise SourceConfigError(
            f"sources file {path!r} is not valid JSON (line {error.lineno}); correct it"
        ) from None
    items = document.get("sources", []) if isinstance(document, dict) else document
    return [SourceSpec.from_dict(item) for item in items]
