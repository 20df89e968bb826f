"""The ``tocsin rules`` group: list, show, check, review and assess law files.

Every command reads the bundled law files plus the operator folder given by
``--laws-dir`` or ``TOCSIN_LAWS_DIR``. None of them touches the database.

``tocsin rules review --mark ID --reviewer NAME`` records a review by
writing a copy of the law file into the operator folder with new
``last_reviewed``, ``reviewer`` and ``version`` lines; bundled files are
never edited in place. Without an operator folder it prints the lines to
change instead.
"""

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TextIO

import click

from tocsin.jurisdictions.docs import law_summary, render_markdown
from tocsin.jurisdictions.engine import assess
from tocsin.jurisdictions.errors import AssessmentInputError, LawFileError
from tocsin.jurisdictions.lawfile import mark_reviewed_text
from tocsin.jurisdictions.results import Assessment
from tocsin.jurisdictions.rulebook import (
    REVIEW_PERIOD_DAYS,
    Rulebook,
    find_citation_problems,
    find_review_problems,
    load_rulebook,
)
from tocsin.jurisdictions.scenario import parse_scenario

DEFAULT_DOC_PATH = Path("docs/jurisdictions.md")

laws_dir_option = click.option(
    "--laws-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="TOCSIN_LAWS_DIR",
    default=None,
    help="Operator folder of law files that add to or replace bundled ones "
    "(default: $TOCSIN_LAWS_DIR).",
)
today_option = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date to check review ages against, YYYY-MM-DD (default: today, UTC).",
)


def _load(laws_dir: Path | None) -> Rulebook:
    try:
        return load_rulebook(laws_dir)
    except LawFileError as error:
        raise click.ClickException(str(error)) from None


def _today(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.datetime.now(dt.UTC).date()


@click.group(name="rules")
def rules() -> None:
    """List, check, review and apply breach-notification law files."""


@rules.command(name="list")
@laws_dir_option
def list_laws(laws_dir: Path | None) -> None:
    """Print one line per law: id, confidence, review date, version, origin."""
    rulebook = _load(laws_dir)
    for law in rulebook:
        click.echo(
            f"{law.id:<18} {law.confidence:<7} {law.last_reviewed}  "
            f"{law.version:<28} {law.origin:<9} {law.name}"
        )


@rules.command(name="show")
@click.argument("law_id")
@laws_dir_option
def show_law(law_id: str, laws_dir: Path | None) -> None:
    """Print the rules of one law, e.g. US-MA."""
    rulebook = _load(laws_dir)
    try:
        law = rulebook.law(law_id.upper())
    except LawFileError as error:
        raise click.ClickException(str(error)) from None
    for label, value in law_summary(law):
        click.echo(f"{label:<20} {value}")


@rules.command(name="check")
@laws_dir_option
@today_option
def check_laws(laws_dir: Path | None, today: dt.datetime | None) -> None:
    """Validate every law file: schema, citations and review age.

    Exits with status 1 and one message per problem, naming the file and
    the fix.
    """
    rulebook = _load(laws_dir)
    problems = find_citation_problems(rulebook)
    problems += find_review_problems(rulebook, _today(today))
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo(f"{len(rulebook.laws)} law files valid")


@rules.command(name="review")
@laws_dir_option
@today_option
@click.option(
    "--within",
    type=int,
    default=30,
    show_default=True,
    help="Also list files whose review falls due within this many days.",
)
@click.option("--mark", "mark_id", default=None, help="Law id to mark reviewed.")
@click.option("--reviewer", default=None, help="Name of the reviewer, with --mark.")
def review_laws(
    laws_dir: Path | None,
    today: dt.datetime | None,
    within: int,
    mark_id: str | None,
    reviewer: str | None,
) -> None:
    """List law files due for review, or mark one reviewed with --mark."""
    rulebook = _load(laws_dir)
    on = _today(today)
    if mark_id:
        _mark_reviewed(rulebook, mark_id.upper(), reviewer, on, laws_dir)
        return
    due = [
        law
        for law in rulebook
        if (on - law.last_reviewed).days > REVIEW_PERIOD_DAYS - within
    ]
    for law in due:
        due_on = law.last_reviewed + dt.timedelta(days=REVIEW_PERIOD_DAYS)
        state = "overdue" if due_on < on else "due"
        click.echo(f"{law.id:<18} {state:<8} review by {due_on}  ({law.path})")
    if not due:
        click.echo(f"no law file is due for review within {within} days")


def _mark_reviewed(
    rulebook: Rulebook,
    law_id: str,
    reviewer: str | None,
    on: dt.date,
    laws_dir: Path | None,
) -> None:
    if not reviewer:
        raise click.UsageError("--mark needs --reviewer NAME")
    try:
        law = rulebook.law(law_id)
        text = mark_reviewed_text(Path(law.path).read_text(), on, reviewer)
    except LawFileError as error:
        raise click.ClickException(str(error)) from None
    if laws_dir is None:
        click.echo(
            f"No operator folder given. In {law.path} set:\n"
            f"  last_reviewed: {on}\n  reviewer: {json.dumps(reviewer)}\n"
            f"  version: {law.version.split('+reviewed.')[0]}+reviewed.{on}"
        )
        return
    target = laws_dir / f"{law.id}.yaml"
    target.write_text(text)
    _load(laws_dir)
    click.echo(f"marked {law.id} reviewed on {on}; wrote {target}")


@rules.command(name="assess")
@click.argument("scenario", type=click.File("r"))
@laws_dir_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output as a readable table or as the assessment JSON.",
)
def assess_scenario(
    scenario: TextIO, laws_dir: Path | None, output_format: str
) -> None:
    """Assess a scenario JSON file (or - for stdin) and print obligations."""
    rulebook = _load(laws_dir)
    try:
        incident, groups = parse_scenario(json.load(scenario))
    except json.JSONDecodeError as error:
        raise click.ClickException(
            f"scenario is not valid JSON (line {error.lineno}); fix the syntax"
        ) from None
    except AssessmentInputError as error:
        raise click.ClickException(str(error)) from None
    assessment = assess(rulebook, incident, groups)
    if output_format == "json":
        click.echo(json.dumps(assessment.to_json(), indent=2))
    else:
        click.echo(format_table(assessment))


def format_table(assessment: Assessment) -> str:
    """Return the assessment as plain-text tables for a terminal."""
    lines = ["PEOPLE", f"{'group':<14} {'place':<8} {'law':<18} {'owed':<5} due by"]
    for result in assessment.person_results:
        due = result.due_by.isoformat() if result.due_by else "-"
        lines.append(
            f"{result.key:<14} {result.jurisdiction_id:<8} {result.law_id:<18} "
            f"{'yes' if result.owed else 'no':<5} {due}"
        )
        lines.append(f"    {result.reason}")
        if result.residence_note:
            lines.append(f"    review: {result.residence_note}")
    lines += ["", "NOTICES", f"{'law':<18} {'kind':<26} {'count':>7} {'min':>6} owed"]
    for notice in assessment.regulator_notices:
        lines.append(
            f"{notice.law_id:<18} {notice.recipient_kind:<26} "
            f"{notice.affected_count:>7} {notice.threshold:>6} "
            f"{'yes' if notice.owed else 'no'}"
        )
        lines.append(f"    {notice.recipient}: {notice.reason}")
        if notice.deadline_text:
            lines.append(f"    due: {notice.deadline_text}")
    lines += ["", "COMPANY RULES"]
    for rule in assessment.company_rules:
        lines.append(f"{rule.law_id:<18} {rule.reason}")
    return "\n".join(lines)


@rules.command(name="doc")
@laws_dir_option
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DOC_PATH,
    show_default=True,
    help="Markdown file to write.",
)
@click.option("--check", is_flag=True, help="Exit 1 if the file is out of date.")
def write_doc(laws_dir: Path | None, output: Path, check: bool) -> None:
    """Write the jurisdictions reference page generated from the law files."""
    text = render_markdown(_load(laws_dir))
    if check:
        if not output.exists() or output.read_text() != text:
            raise click.ClickException(
                f"{output} is out of date; run 'tocsin rules doc --output {output}'"
            )
        click.echo(f"{output} is up to date")
        return
    output.write_text(text)
    click.echo(f"wrote {output}")


COMMANDS: list[click.Command] = [rules]
