"""Render ``docs/jurisdictions.md`` from the law files.

The page is generated so it cannot drift from the data: ``tocsin rules doc``
and ``scripts/generate_jurisdictions_doc.py`` write it, and a test fails
when the committed page differs from what the law files produce.
"""

import json
from importlib import resources

from tocsin.jurisdictions.deadlines import describe_period
from tocsin.jurisdictions.lawfile import DeadlineRule, Law, NoticeRule
from tocsin.jurisdictions.rulebook import Rulebook

CLOCK_WORDS = {
    "discovery": "discovery",
    "determination": "determination",
    "vendor_notice": "vendor notice",
    "individual_notice": "notice to individuals",
}
KIND_WORDS = {
    "regulator": "Regulator",
    "consumer_reporting_agency": "CRAs",
    "media": "Media",
}

USAGE = """\
Python:

```python
from tocsin.jurisdictions.rulebook import load_rulebook
from tocsin.jurisdictions.engine import (
    CompanyProfile, IncidentFacts, PersonGroup, RiskFinding, assess,
)
from tocsin.jurisdictions.diff import diff_assessments

rulebook = load_rulebook(settings.TOCSIN_LAWS_DIR)  # None: bundled laws only
incident = IncidentFacts(
    discovered_at=datetime(2026, 3, 2, 15, 0, tzinfo=UTC),
    risk_finding=RiskFinding.NOT_ASSESSED,
    company=CompanyProfile(is_glba_financial_institution=True),
)
groups = [PersonGroup("batch-1", "US-CA", frozenset({"name", "ssn"}), 120)]
assessment = assess(rulebook, incident, groups)
```

Command line (`--laws-dir` or `TOCSIN_LAWS_DIR` adds the operator folder):

- `tocsin rules list` and `tocsin rules show US-MA`
- `tocsin rules check`: schema, citations and review age (12 months);
  exits 1 with one message per problem.
- `tocsin rules review [--within 30]` lists files due for review;
  `tocsin rules review --mark US-MA --reviewer NAME --laws-dir DIR` writes a
  copy of the file into the operator folder with new `last_reviewed`,
  `reviewer` and a `+reviewed.<date>` version suffix. Without `--laws-dir`
  it prints the lines to change.
- `tocsin rules assess SCENARIO.json` (or `-` for stdin), `--format json`
  for the schema below. A scenario is
  `{"incident": {...IncidentFacts fields...}, "groups": [{"key", "residence",
  "exposed", "count"}]}` with ISO 8601 times that carry a UTC offset.
- `tocsin rules doc [--check]` writes or checks this page.

Law files are YAML, one per jurisdiction, validated by
`src/tocsin/jurisdictions/law.schema.json`. Thresholds are stored as the
smallest count that makes a notice owed ("more than 500" is 501), deadlines
as a kind (`fixed`, `without_unreasonable_delay`, `with_individual_notice`,
`before_individual_notice`) with an amount, unit and clock start, and
content rules as codes from the schema's `content` list. Deadlines end at
23:59:59 local time on the last day; business days skip the jurisdiction's
holidays from the `holidays` package.
"""

LIMITATIONS = """\
- Access-only incidents are not distinguished from acquisition: every law is
  applied as if data was acquired, which is the stricter reading.
- Elements that some states count without a name (Georgia, Maine) are
  modelled only where a combination lists them.
- Delays "to determine the scope of the breach" are not modelled as extra
  time; only a law-enforcement delay moves a deadline.
- Regulator notices ignore law-enforcement delays.
- Provincial Canadian laws (Alberta PIPA, Quebec Law 25, British Columbia
  PIPA) and sector laws (HIPAA, state insurance codes, NYDFS Part 500) are not
  modelled.
- For a person of unknown residence, required and forbidden content are the
  union over all candidate laws, so a block can appear in both lists (for
  example the number of residents affected); the notice team must resolve it.
"""


def render_markdown(rulebook: Rulebook) -> str:
    """Return the jurisdictions reference page for the laws in ``rulebook``."""
    parts = [
        "# Jurisdictions: law files and the assessment format\n",
        "Generated from `src/tocsin/jurisdictions/laws/*.yaml` by "
        "`tocsin rules doc` (or `scripts/generate_jurisdictions_doc.py`). "
        "Do not edit by hand: change a law file, bump its `version`, run "
        "`tocsin rules check`, then regenerate this page.\n",
        "Summaries only. The law files hold the full rules, sources and "
        "reasons; the engine reads those, not this page.\n",
        "## Using the engine\n",
        USAGE,
        "## Laws\n",
        _law_table(rulebook),
        "## Confidence below high\n",
        _confidence_list(rulebook),
        "## Time zones\n",
        _zone_list(rulebook),
        "## Known limitations\n",
        LIMITATIONS,
        "## Assessment JSON schema\n",
        "`Assessment.to_json()` and `tocsin rules assess --format json` "
        "return this shape. Times are ISO 8601 with the law's UTC offset.\n",
        "```json\n" + _assessment_schema_text() + "```\n",
    ]
    return "\n".join(parts)


def _law_table(rulebook: Rulebook) -> str:
    rows = [
        "| Id | Citation | Individual deadline | Notices (count at which owed) "
        "| Confidence | Reviewed | Sources |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for law in rulebook:
        notice = law.individual_notice
        deadline = describe_deadline(notice.deadline) if notice else "none"
        cells = [
            law.id,
            law.citation,
            deadline,
            "; ".join(describe_notice(rule) for rule in law.notices) or "none",
            law.confidence,
            law.last_reviewed.isoformat(),
            " ".join(
                f"[{index}]({source.url})"
                for index, source in enumerate(law.sources, start=1)
            ),
        ]
        rows.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
    return "\n".join(rows) + "\n"


def describe_deadline(rule: DeadlineRule) -> str:
    """Return a deadline rule as words: "45 calendar days after discovery"."""
    if rule.kind == "with_individual_notice":
        return "with the individual notices"
    if rule.kind == "before_individual_notice":
        return "before the individual notices"
    if rule.amount is None or rule.unit is None:
        return rule.text or "without unreasonable delay"
    period = describe_period(rule.amount, rule.unit)
    clock = CLOCK_WORDS.get(rule.clock_start or "discovery", "discovery")
    if rule.kind == "fixed":
        return f"{period} after {clock}"
    return f"without unreasonable delay, max {period} after {clock}"


def describe_notice(rule: NoticeRule) -> str:
    """Return a notice rule in words: kind, recipient, threshold, deadline."""
    count = f">={rule.min_affected}"
    if rule.max_affected is not None:
        count += f" and <={rule.max_affected}"
    if rule.count_scope == "per_residence":
        count += " per state"
    kind = KIND_WORDS[rule.recipient_kind]
    return f"{kind} {rule.recipient} {count} ({describe_deadline(rule.deadline)})"


def _confidence_list(rulebook: Rulebook) -> str:
    lines = [
        f"- **{law.id}** ({law.confidence}): {law.confidence_reason}"
        for law in rulebook
        if law.confidence != "high"
    ]
    return "\n".join(lines) + "\n"


def _zone_list(rulebook: Rulebook) -> str:
    lines = []
    for law in rulebook:
        note = f" {law.time_zone_note}" if law.time_zone_note else ""
        lines.append(f"- {law.id}: `{law.time_zone}`.{note}")
    return "\n".join(lines) + "\n"


def _assessment_schema_text() -> str:
    text = resources.files(__package__).joinpath("assessment.schema.json")
    return json.dumps(json.loads(text.read_text()), indent=2) + "\n"


def law_summary(law: Law) -> list[tuple[str, str]]:
    """Return (label, value) rows describing ``law`` for ``rules show``."""
    notice = law.individual_notice
    rows = [
        ("id", law.id),
        ("name", law.name),
        ("citation", law.citation),
        ("version", law.version),
        ("sha256", law.sha256),
        ("origin", f"{law.origin} ({law.path})"),
        ("effective", law.effective_date.isoformat()),
        ("reviewed", f"{law.last_reviewed.isoformat()} by {law.reviewer}"),
        ("confidence", f"{law.confidence}: {law.confidence_reason}"),
        ("time zone", law.time_zone),
        (
            "individual deadline",
            describe_deadline(notice.deadline) if notice else "none",
        ),
    ]
    rows += [("notice", describe_notice(rule)) for rule in law.notices]
    rows += [("combination", item.label) for item in law.combinations]
    if notice:
        rows.append(("required content", ", ".join(notice.required_content) or "-"))
        rows.append(("forbidden content", ", ".join(notice.forbidden_content) or "-"))
    return rows
