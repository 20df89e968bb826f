"""Compliance records as evidence-bundle artifacts.

Each record type becomes one JSON file under ``compliance/``. Vendor,
training, law-review and drill records are company-wide, so every bundle
carries them; the hand-off record is the incident's own.
"""

import json
from typing import Any

from tocsin.audit.controlmap import load_control_map
from tocsin.audit.evidence import Artifact
from tocsin.compliance.models import (
    Drill,
    IncidentHandoff,
    LawReview,
    TrainingCompletion,
    Vendor,
)


def compliance_artifacts(incident_ref: str) -> list[Artifact]:
    """Return the compliance records as artifacts with their control ids."""
    control_map = load_control_map()
    documents = [
        ("vendors", "compliance/vendors.json", _vendors(), "vendor attestations"),
        ("training", "compliance/training.json", _training(), "operator training"),
        ("law_reviews", "compliance/law-reviews.json", _law_reviews(), "law reviews"),
        ("drills", "compliance/drills.json", _drills(), "breach-response drills"),
        (
            "handoff",
            "compliance/handoff.json",
            _handoff(incident_ref),
            "IR hand-off and its checklist",
        ),
    ]
    return [
        Artifact(
            name,
            control_map.controls_for(kind),
            content=(json.dumps(body, indent=2, sort_keys=True) + "\n").encode(),
            description=description,
        )
        for kind, name, body, description in documents
    ]


def _vendors() -> list[dict[str, Any]]:
    return [
        {
            "name": vendor.name,
            "kind": vendor.kind,
            "service": vendor.service,
            "attestations": [
                {
                    "type": attestation.attestation_type,
                    "period_start": _iso(attestation.period_start),
                    "period_end": _iso(attestation.period_end),
                    "expires_on": _iso(attestation.expires_on),
                    "document_name": attestation.document_name,
                    "document_sha256": attestation.document_sha256,
                    "recorded_by": attestation.recorded_by,
                    "recorded_at": _iso(attestation.recorded_at),
                }
                for attestation in vendor.attestations.all()
            ],
        }
        for vendor in Vendor.objects.prefetch_related("attestations")
    ]


def _training() -> list[dict[str, Any]]:
    return [
        {
            "operator": row.operator,
            "course": row.course,
            "completed_on": _iso(row.completed_on),
            "recorded_by": row.recorded_by,
        }
        for row in TrainingCompletion.objects.all()
    ]


def _law_reviews() -> list[dict[str, Any]]:
    return [
        {
            "law_id": row.law_id,
            "reviewed_on": _iso(row.reviewed_on),
            "reviewer": row.reviewer,
            "notes": row.notes,
        }
        for row in LawReview.objects.all()
    ]


def _drills() -> list[dict[str, Any]]:
    return [
        {
            "held_on": _iso(row.held_on),
            "scenario": row.scenario,
            "results": row.results,
            "follow_ups": row.follow_ups,
            "recorded_by": row.recorded_by,
        }
        for row in Drill.objects.all()
    ]


def _handoff(incident_ref: str) -> dict[str, Any] | None:
    handoff = IncidentHandoff.objects.filter(incident_id=incident_ref).first()
    if handoff is None:
        return None
    return {
        "incident": str(handoff.incident_id),
        "source_system": handoff.source_system,
        "external_id": handoff.external_id,
        "playbook_url": handoff.playbook_url,
        "contained_at": _iso(handoff.contained_at),
        "systems_affected": handoff.systems_affected,
        "source_sha256": handoff.source_sha256,
        "opened_by": handoff.opened_by,
        "opened_at": _iso(handoff.opened_at),
        "checklist": [
            {
                "item": item.code,
                "decision": item.decision,
                "completed_by": item.completed_by,
                "completed_at": _iso(item.completed_at),
            }
            for item in handoff.items.all()
        ],
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
