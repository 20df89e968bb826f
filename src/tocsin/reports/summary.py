"""The run summary: obligations, deadlines, regulator notices and sends.

The same summary feeds the CLI's text output and the HTML report, and contains
counts, codes and ids only, so it can be kept and shared after a purge.
"""

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from tocsin.assessment.models import AssessmentRun
from tocsin.delivery.deadlines import project_incident_deadline
from tocsin.delivery.models import DeliveryAttempt, Notice
from tocsin.delivery.planning import delivery_plan_report
from tocsin.delivery.preflight import run_warnings
from tocsin.delivery.progress import attempt_counts
from tocsin.incidents.models import Incident
from tocsin.reconciliation.models import Finding


def _local(moment: datetime | None, zone: str) -> str:
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


def _obligation_rows(run: AssessmentRun, zone: str) -> list[dict[str, Any]]:
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    now = timezone.now()
    for obligation in run.obligations.all().order_by("jurisdiction_id", "law_id"):
        key = (obligation.jurisdiction_id, obligation.law_id)
        row = grouped.setdefault(
            key,
            {
                "jurisdiction": obligation.jurisdiction_id or "unknown",
                "law_id": obligation.law_id,
                "owed": 0,
                "not_owed": 0,
                "deadline": None,
                "deadline_text": "",
                "citation": obligation.citation,
                "version": obligation.law_version,
                "needs_review": not obligation.law_id,
                "note": obligation.reason if not obligation.law_id else "",
            },
        )
        row["owed" if obligation.is_owed else "not_owed"] += 1
        if not obligation.is_owed:
            continue
        # The text of an owed obligation, since a not-owed one has none.
        row["deadline_text"] = row["deadline_text"] or obligation.deadline_text
        deadline = obligation.deadline or obligation.outer_limit
        if deadline and (row["deadline"] is None or deadline < row["deadline"]):
            row["deadline"] = deadline
    rows = list(grouped.values())
    for row in rows:
        row["is_overdue"] = bool(row["deadline"] and row["deadline"] < now)
        row["deadline"] = _local(row["deadline"], zone)
    return rows


def _regulator_rows(run: AssessmentRun, zone: str) -> list[dict[str, Any]]:
    return [
        {
            "law_id": notice.law_id,
            "recipient_kind": notice.recipient_kind,
            "recipient": notice.recipient,
            "affected": notice.affected_count,
            "threshold": notice.threshold,
            "owed": notice.is_owed,
            "deadline": _local(notice.deadline, zone),
            "is_overdue": bool(
                notice.is_owed and notice.deadline and notice.deadline < timezone.now()
            ),
            "deadline_text": notice.deadline_text,
            "order": notice.order_constraint,
            "citation": notice.citation,
        }
        for notice in run.regulator_notices.all().order_by(
            "-is_owed", "law_id", "recipient_kind"
        )
    ]


def _attempts_by_channel(incident: Incident) -> dict[str, dict[str, int]]:
    rows = (
        DeliveryAttempt.objects.filter(notice__incident=incident)
        .values("channel", "status")
        .annotate(count=Count("pk"))
    )
    by_channel: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        by_channel[row["channel"]][row["status"]] = row["count"]
    return dict(by_channel)


def _plan_summary(incident: Incident) -> dict[str, Any]:
    report = delivery_plan_report(incident)
    return {
        "notices": report.notices,
        "primary_channel": dict(report.primary_channel),
        "with_letter_fallback": report.with_letter_fallback,
        "with_sms_alert": report.with_sms_alert,
        "satisfied_by": dict(report.satisfied_by),
        "unsatisfied": report.unsatisfied,
        "needs_substitute_notice": report.needs_substitute_notice,
        "substitute_notice_allowed": report.substitute_notice_allowed,
    }


def _projection(incident: Incident, zone: str) -> dict[str, Any]:
    projection = project_incident_deadline(incident)
    return {
        "remaining": projection.remaining,
        "per_hour": round(projection.per_hour, 1),
        "projected_finish": _local(projection.projected_finish, zone),
        "deadline": _local(projection.deadline, zone),
        "is_at_risk": projection.is_at_risk,
    }


def build_summary(incident: Incident) -> dict[str, Any]:
    """Return the incident's run summary as plain data."""
    zone = incident.timezone_name
    run = (
        AssessmentRun.objects.filter(incident=incident).order_by("-created_at").first()
    )
    findings = Counter(
        Finding.objects.filter(incident=incident).values_list("status", flat=True)
    )
    unmatched = list(
        Finding.objects.filter(
            incident=incident, status=Finding.Status.UNMATCHED
        ).values("finding_ref", "row_number")
    )
    residences = Counter(incident.affected_people.values_list("residence", flat=True))
    notices = dict(
        Notice.objects.filter(incident=incident)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    by_kind: dict[str, list] = defaultdict(list)
    for file_import in incident.file_imports.all():
        by_kind[file_import.kind].append(
            {
                "file": file_import.file_name,
                "encoding": file_import.encoding,
                "accepted": file_import.rows_accepted,
                "rejected": file_import.rows_rejected,
                "rejections": file_import.rejections,
            }
        )
    return {
        "incident": {
            "id": str(incident.pk),
            "name": incident.name,
            "discovered_at": _local(incident.discovered_at, zone),
            "elements": incident.exposed_elements,
        },
        "imports": dict(by_kind),
        "findings": {
            "matched": findings.get(Finding.Status.MATCHED, 0),
            "unmatched": findings.get(Finding.Status.UNMATCHED, 0),
            "review": findings.get(Finding.Status.REVIEW, 0),
            "unmatched_rows": unmatched,
        },
        "affected_people": sum(residences.values()),
        "unknown_residence": residences.get("", 0),
        "assessment": {
            "run_id": str(run.pk) if run else "",
            "created_at": _local(run.created_at, zone) if run else "",
            "rule_versions": run.rule_versions if run else {},
            "changes": run.changes_since_previous if run else [],
        },
        "obligations": _obligation_rows(run, zone) if run else [],
        "regulator_notices": _regulator_rows(run, zone) if run else [],
        "notices": notices,
        "attempts": attempt_counts(incident),
        "attempts_by_channel": _attempts_by_channel(incident),
        "plans": _plan_summary(incident),
        "projection": _projection(incident, zone),
        "warnings": [warning.message for warning in run_warnings()],
    }


def render_summary_html(summary: dict[str, Any]) -> str:
    """Return the summary as a standalone, accessible HTML page."""
    return render_to_string("reports/summary.html", {"s": summary})


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{key} {value}" for key, value in sorted(counter.items()))


def _import_lines(summary: dict[str, Any]) -> list[str]:
    lines = [
        f"Incident {summary['incident']['id']}: {summary['incident']['name']}",
        f"  discovered {summary['incident']['discovered_at']}",
        "",
        "Imports",
    ]
    for kind, files in summary["imports"].items():
        for item in files:
            lines.append(
                f"  {kind:<10} {item['file']}: {item['accepted']} rows accepted, "
                f"{item['rejected']} rejected ({item['encoding']})"
            )
            lines.extend(
                f"    row {r['row']}: {r['reason']}" for r in item["rejections"]
            )
    findings = summary["findings"]
    lines += [
        "",
        f"Findings: {findings['matched']} matched, "
        f"{findings['unmatched']} not matched, {findings['review']} for review",
    ]
    lines.extend(
        f"  not matched: finding {row['finding_ref'] or '-'} (row {row['row_number']})"
        for row in findings["unmatched_rows"]
    )
    return lines


def _obligation_lines(summary: dict[str, Any]) -> list[str]:
    lines = [
        f"Affected people: {summary['affected_people']} "
        f"({summary['unknown_residence']} with unknown residence)",
        "",
        "Obligations to individuals "
        "(jurisdiction, law, owed, not owed, earliest deadline)",
    ]
    for row in summary["obligations"]:
        if row["needs_review"]:
            lines.append(
                f"  {row['jurisdiction']:<10} {'no law file':<20} "
                f"{row['not_owed']:>5} people need counsel's review: {row['note']}"
            )
            continue
        deadline = row["deadline"] or row["deadline_text"]
        passed = "  PASSED" if row["is_overdue"] else ""
        lines.append(
            f"  {row['jurisdiction']:<10} {row['law_id']:<20} "
            f"{row['owed']:>5} {row['not_owed']:>5}  {deadline}{passed}  "
            f"[v{row['version']}]"
        )
    lines += [
        "",
        "Regulator, consumer reporting agency and media notices "
        "(law, recipient, owed, affected/threshold, deadline)",
    ]
    for row in summary["regulator_notices"]:
        state = "OWED" if row["owed"] else "not owed"
        deadline = row["deadline"] or row["deadline_text"]
        passed = "  PASSED" if row["is_overdue"] else ""
        lines.append(
            f"  {row['law_id']:<20} {row['recipient'][:40]:<40} {state:<8} "
            f"{row['affected']}/{row['threshold'] or '-'}  {deadline}{passed}"
        )
    return lines


def _delivery_lines(summary: dict[str, Any]) -> list[str]:
    notices = _counts(summary["notices"])
    attempts = _counts(summary["attempts"])
    lines = ["", f"Notices: {notices or 'none yet; run tocsin notify'}"]
    lines.append(f"Delivery attempts: {attempts or 'none yet'}")
    for channel, statuses in sorted(summary["attempts_by_channel"].items()):
        lines.append(f"  {channel}: {_counts(statuses)}")
    plans = summary["plans"]
    if plans["notices"]:
        satisfied = _counts(plans["satisfied_by"])
        lines.append(
            f"Delivery plans: {plans['with_letter_fallback']} with a letter fallback, "
            f"{plans['with_sms_alert']} with an SMS alert; obligation met by "
            f"{satisfied or 'none yet'}; {plans['unsatisfied']} not yet met (an email "
            "counts once delivered, or once no bounce came within the fallback "
            f"period); "
            f"{plans['needs_substitute_notice']} need substitute notice "
            f"({plans['substitute_notice_allowed']} allowed by law)"
        )
    projection = summary["projection"]
    risk = "AT RISK" if projection["is_at_risk"] else "on track"
    lines.append(
        f"Deadline projection: {projection['remaining']} attempts left at "
        f"{projection['per_hour']}/hour, finish {projection['projected_finish'] or '-'}"
        f", earliest deadline {projection['deadline'] or '-'}: {risk}"
    )
    lines.extend(f"Warning: {message}" for message in summary["warnings"])
    return lines


def render_summary_text(summary: dict[str, Any]) -> str:
    """Return the summary as plain text for a terminal."""
    lines = _import_lines(summary) + _obligation_lines(summary)
    return "\n".join(lines + _delivery_lines(summary))
