"""The demo's data folder contains no sample contact detail in plaintext.

``tocsin demo`` runs the real commands on the bundled sample data with a
worker and a local SMTP server. The sample's emails, phones, customer ids,
surnames and street addresses are then searched for in every file the demo
left in its data folder, and in what it printed.
"""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tocsin.testing.canary import find_markers

SAMPLE_PEOPLE = 50
# Shorter values, such as "Smith" or "Lee", also occur inside unrelated
# text, which would make the search report leaks that are not there.
MIN_MARKER_CHARS = 8


def affected_customer_rows() -> list[dict[str, str]]:
    """Return the sample customers named in the sample findings, in order."""
    with (SAMPLES / "findings.csv").open(newline="") as findings:
        rows = list(csv.DictReader(findings))
    keys = {row["customer_id"] for row in rows} | {row["email"] for row in rows}
    keys.discard("")
    with (SAMPLES / "shopify_customers.csv").open(newline="") as customers:
        return [
            row
            for row in csv.DictReader(customers)
            if row["Customer ID"] in keys or row["Email"] in keys
        ]


def sample_markers() -> list[str]:
    """Return contact values of the first affected sample customers."""
    markers = []
    for row in affected_customer_rows()[:SAMPLE_PEOPLE]:
        digits = "".join(c for c in row["Phone"] if c.isdigit())
        values = [
            row["Email"],
            row["Customer ID"],
            row["Last Name"],
            row["Default Address Address1"],
            f"+{digits}" if digits else "",
        ]
        markers += [value for value in values if len(value) >= MIN_MARKER_CHARS]
    return markers


# About 90 s on a shared two-core machine, of which the demo itself took 84 s.
@pytest.mark.slow
@pytest.mark.sqlite_only
def test_demo_leaves_no_contact_detail_on_disk(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    markers = sample_markers()

    done = subprocess.run(
        [sys.executable, "-m", "tocsin.cli", "demo", "--home", str(home)],
        capture_output=True,
        timeout=600,
        check=False,
    )
    files = sorted(path for path in home.rglob("*") if path.is_file())

    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert len(markers) >= 3 * SAMPLE_PEOPLE
    assert home / "tocsin.sqlite3" in files
    assert home / "report.html" in files
    leaks = find_markers([*files, done.stdout, done.stderr], markers)
    assert leaks == [], "sample contact details found:\n" + "\n".join(leaks)
