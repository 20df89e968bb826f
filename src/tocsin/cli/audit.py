"""The ``tocsin audit`` group: verify the trail and export evidence.

The evidence export gathers artifacts from every app here, in the CLI layer,
because the audit app itself may import no other Tocsin app. Functions
import Django models when they run, because this module is imported before
Django is set up.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tocsin.errors import TocsinError

if TYPE_CHECKING:
    from tocsin.audit.evidence import Artifact, EvidenceBundle
    from tocsin.audit.verify import TrailReport
    from tocsin.incidents.models import Incident


@click.group("audit")
def audit_group() -> None:
    """Verify the audit trail, sign checkpoints and export evidence."""


@audit_group.command("init-key")
def init_key_command() -> None:
    """Create the checkpoint signing key if it does not exist yet."""
    from tocsin.audit.signing import compute_key_id, ensure_signing_key

    try:
        path = ensure_signing_key()
    except TocsinError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"audit signing key: {path} (key id {compute_key_id()})")


@audit_group.command("public-key")
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write the PEM public key to; prints it when omitted.",
)
def public_key_command(out_path: Path | None) -> None:
    """Print or save the public key that auditors verify signatures with."""
    from tocsin.audit.signing import compute_key_id, export_public_key

    try:
        pem = export_public_key()
    except TocsinError as error:
        raise click.ClickException(str(error)) from None
    if out_path is None:
        click.echo(pem, nl=False)
        return
    out_path.write_text(pem)
    click.echo(f"public key {compute_key_id()} written to {out_path}")


@audit_group.command("checkpoint")
@click.option("--force", is_flag=True, help="Sign even if the head has not moved.")
def checkpoint_command(force: bool) -> None:
    """Sign the current chain head and append it to the checkpoint file."""
    from tocsin.audit.checkpoints import write_audit_checkpoint

    try:
        checkpoint = write_audit_checkpoint(force=force)
    except TocsinError as error:
        raise click.ClickException(str(error)) from None
    if checkpoint is None:
        click.echo("no checkpoint written: the chain is empty or already signed")
        return
    click.echo(
        f"checkpoint written at sequence {checkpoint.sequence}"
        f" (hash {checkpoint.event_hash})"
    )


@audit_group.command("verify")
@click.option(
    "--checkpoint-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Checkpoint file to check against; defaults to the data folder's.",
)
@click.option(
    "--public-key",
    "public_key_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="PEM public key to check signatures with; defaults to the signing key's.",
)
def verify_command(checkpoint_file: Path | None, public_key_file: Path | None) -> None:
    """Check all events and checkpoints; exit 1 naming the first broken one.

    Streams the events, so it runs in constant memory on long trails.
    """
    from tocsin.audit.signing import load_public_key_file
    from tocsin.audit.verify import verify_trail

    try:
        public_key = load_public_key_file(public_key_file) if public_key_file else None
        report = verify_trail(public_key=public_key, checkpoint_file=checkpoint_file)
    except TocsinError as error:
        raise click.ClickException(str(error)) from None
    if report.is_valid:
        click.echo(
            f"audit trail verified: {report.events_checked} events,"
            f" {report.checkpoints_checked} checkpoints, last sequence"
            f" {report.last_sequence}"
        )
        return
    click.echo(
        f"audit trail verification failed at event {report.first_broken_sequence}",
        err=True,
    )
    for problem in report.problems:
        click.echo(f"  {problem.message}", err=True)
    sys.exit(1)


@audit_group.command("export")
@click.option("--incident", "incident_id", required=True, help="Incident UUID.")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="New folder for the bundle; the zip is written beside it.",
)
def export_command(incident_id: str, out_dir: Path) -> None:
    """Write a signed evidence bundle (folder and zip) for one incident."""
    try:
        bundle = export_incident_evidence(incident_id, out_dir)
    except TocsinError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"evidence bundle written: {bundle.folder} and {bundle.zip_path}"
        f" ({len(bundle.manifest['files'])} files)"
    )


def export_incident_evidence(incident_id: str, out_dir: Path) -> EvidenceBundle:
    """Gather every artifact for an incident and write the signed bundle.

    A checkpoint is signed first and the exported events end at it, so the
    bundle's chain always ends at a signed head. The export itself is then
    recorded as an audit event.
    """
    from tocsin.audit.checkpoints import write_audit_checkpoint
    from tocsin.audit.evidence import write_evidence_bundle
    from tocsin.audit.models import AuditCheckpoint
    from tocsin.audit.trail import record_audit_event
    from tocsin.audit.verify import verify_trail
    from tocsin.compliance.evidence import compliance_artifacts

    incident = load_incident(incident_id)
    incident_ref = str(incident.id)
    write_audit_checkpoint()
    last_signed = AuditCheckpoint.objects.order_by("-sequence").first()
    up_to = last_signed.sequence if last_signed else 0
    trail = verify_trail()
    with tempfile.TemporaryDirectory(prefix="tocsin-evidence-") as work:
        artifacts, event_count = gather_audit_artifacts(incident_ref, Path(work), up_to)
        artifacts += compliance_artifacts(incident_ref)
        artifacts += gather_law_file_artifacts()
        artifacts += gather_notice_delivery_artifacts(incident)
        artifacts += gather_template_version_artifacts(incident)
        facts = [
            ("Incident name", incident.name),
            ("Discovered at", incident.discovered_at.isoformat()),
            ("Exposed data elements", ", ".join(incident.exposed_elements)),
            ("Audit events exported", str(event_count)),
            ("Chain signed up to sequence", str(up_to)),
            ("Whole trail verified at export", _describe_trail(trail)),
        ]
        bundle = write_evidence_bundle(
            incident_ref, out_dir, artifacts, summary_facts=facts
        )
    record_audit_event(
        "audit.evidence_exported",
        object_type="incident",
        object_id=incident_ref,
        incident_ref=incident_ref,
        payload={"files": len(bundle.manifest["files"]), "up_to_sequence": up_to},
    )
    return bundle


def _describe_trail(trail: TrailReport) -> str:
    if trail.is_valid:
        return "yes, no problems found"
    first = trail.first_broken_sequence
    return f"NO: first broken audit event is {first}; run tocsin audit verify"


def load_incident(incident_id: str) -> Incident:
    """Return the incident with this UUID or raise ``IncidentNotFound``."""
    from tocsin.incidents.errors import IncidentNotFound
    from tocsin.incidents.models import Incident

    try:
        key = uuid.UUID(incident_id)
    except ValueError:
        raise IncidentNotFound(
            f"incident id '{incident_id}' is not a UUID; pass the incident's id"
        ) from None
    incident = Incident.objects.filter(pk=key).first()
    if incident is None:
        raise IncidentNotFound(
            f"incident {incident_id} not found; check the id or import the"
            " incident with `tocsin compliance handoff import FILE`"
        )
    return incident


def gather_audit_artifacts(
    incident_ref: str, workdir: Path, up_to: int
) -> tuple[list[Artifact], int]:
    """Return the incident's events, chain links and checkpoints as artifacts.

    The files are written to ``workdir`` first and copied into the bundle,
    so a trail of millions of events never sits in memory.
    """
    from tocsin.audit.controlmap import load_control_map
    from tocsin.audit.evidence import Artifact
    from tocsin.audit.exports import export_checkpoints, export_incident_events

    control_map = load_control_map()
    events_path = workdir / "events.jsonl"
    links_path = workdir / "chain-links.jsonl"
    checkpoints_path = workdir / "checkpoints.jsonl"
    export = export_incident_events(
        incident_ref, events_path, links_path, up_to_sequence=up_to
    )
    export_checkpoints(checkpoints_path, export.first_sequence or 0, up_to)
    artifacts = [
        Artifact(
            "audit/events.jsonl",
            control_map.controls_for("audit_events"),
            source_path=events_path,
            description=f"{export.event_count} audit events of the incident",
        ),
        Artifact(
            "audit/chain-links.jsonl",
            control_map.controls_for("audit_chain_links"),
            source_path=links_path,
            description="hashes of other incidents' events, linking the chain",
        ),
        Artifact(
            "audit/checkpoints.jsonl",
            control_map.controls_for("audit_checkpoints"),
            source_path=checkpoints_path,
            description="signed checkpoints of the chain head",
        ),
    ]
    return artifacts, export.event_count


def gather_law_file_artifacts() -> list[Artifact]:
    """Return every law file the rulebook loads as an artifact under ``laws/``.

    Limitation: all law files are included, not only those the incident's
    obligations cite. Effect: auditors see more laws than applied; the
    assessment runs in notices/assessments.csv show which ones did.
    """
    from django.conf import settings

    from tocsin.audit.controlmap import load_control_map
    from tocsin.audit.evidence import Artifact
    from tocsin.jurisdictions.rulebook import load_rulebook

    controls = load_control_map().controls_for("law_files")
    rulebook = load_rulebook(settings.TOCSIN_LAWS_DIR)
    return [
        Artifact(
            f"laws/{law.origin}/{Path(law.path).name}",
            controls,
            source_path=Path(law.path),
            description=f"law file {law.id}",
        )
        for law in rulebook.laws.values()
    ]


def gather_notice_delivery_artifacts(incident: Incident) -> list[Artifact]:
    """Return CSVs of the incident's notices, attempts and assessment runs.

    Rows carry ids, statuses, law ids, deadlines and digests of the sent
    text, never contact details, so the bundle can leave the company.
    """
    from tocsin.audit.controlmap import load_control_map
    from tocsin.audit.evidence import Artifact
    from tocsin.reports.evidence import (
        assessment_runs_csv,
        delivery_history_csv,
        obligations_csv,
    )

    controls = load_control_map().controls_for("notices_delivery")
    return [
        Artifact(
            "notices/delivery.csv",
            controls,
            content=delivery_history_csv(incident),
            description="every notice with each delivery attempt",
        ),
        Artifact(
            "notices/obligations.csv",
            controls,
            content=obligations_csv(incident),
            description="per-person obligations of the latest assessment run",
        ),
        Artifact(
            "notices/assessments.csv",
            controls,
            content=assessment_runs_csv(incident),
            description="assessment runs with the law versions they used",
        ),
    ]


def gather_template_version_artifacts(incident: Incident) -> list[Artifact]:
    """Return the notice template versions the incident's notices used."""
    from tocsin.audit.controlmap import load_control_map
    from tocsin.audit.evidence import Artifact
    from tocsin.reports.evidence import template_versions_used

    controls = load_control_map().controls_for("template_versions")
    return [
        Artifact(
            f"templates/{name}",
            controls,
            content=content,
            description="notice template version used by this incident",
        )
        for name, content in template_versions_used(incident)
    ]


COMMANDS: list[click.Command] = [audit_group]
