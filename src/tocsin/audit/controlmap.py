"""The control map: which bundle artifact evidences which control.

The mapping is data (``controls.yaml`` beside this module) so a compliance
lead can change it without touching code. Each control keeps the page its
title was checked against, the date, and a confidence level.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tocsin.audit.errors import EvidenceBundleError

CONTROL_MAP_FILE = Path(__file__).with_name("controls.yaml")


@dataclass(frozen=True)
class Control:
    """One SOC 2 criterion or ISO/IEC 27001 Annex A control."""

    control_id: str
    title: str
    summary: str
    source: str
    read_on: str
    confidence: str
    note: str = ""

    def as_record(self) -> dict[str, str]:
        """Return the control as a JSON-ready dict."""
        return {
            "id": self.control_id,
            "title": self.title,
            "summary": self.summary,
            "source": self.source,
            "read_on": self.read_on,
            "confidence": self.confidence,
            "note": self.note,
        }


@dataclass(frozen=True)
class ControlMap:
    """The controls and the controls evidenced by each artifact kind."""

    frameworks: dict[str, dict[str, str]]
    controls: dict[str, Control]
    artifact_controls: dict[str, tuple[str, ...]]

    def controls_for(self, artifact_kind: str) -> tuple[str, ...]:
        """Return the control ids that an artifact kind evidences."""
        try:
            return self.artifact_controls[artifact_kind]
        except KeyError:
            raise EvidenceBundleError(
                f"artifact kind '{artifact_kind}' is not in the control map;"
                f" add it under 'artifacts' in {CONTROL_MAP_FILE}"
            ) from None


@cache
def load_control_map() -> ControlMap:
    """Return the control map read from ``controls.yaml``."""
    raw: dict[str, Any] = yaml.safe_load(CONTROL_MAP_FILE.read_text())
    controls = {
        control_id: Control(
            control_id=control_id,
            title=entry["title"],
            summary=entry["summary"],
            source=entry["source"],
            read_on=str(entry["read_on"]),
            confidence=entry["confidence"],
            note=entry.get("note", ""),
        )
        for control_id, entry in raw["controls"].items()
    }
    artifact_controls = {
        kind: tuple(control_ids) for kind, control_ids in raw["artifacts"].items()
    }
    return ControlMap(raw["frameworks"], controls, artifact_controls)
