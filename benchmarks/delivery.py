"""Delivery benchmarks: letter rendering now, email sending to follow.

Run from the repository root:

    PYTHONPATH=src python benchmarks/delivery.py letters --count 100

``letters`` renders the same notice for ``count`` people twice: one PDF
per letter (``write_mail_batch``) and one combined PDF
(``write_combined_mail_batch``), and prints letters per second for each.
"""

import argparse
import logging
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocsin.settings")
os.environ.setdefault("TOCSIN_HOME", tempfile.mkdtemp(prefix="tocsin-bench-"))

NOTICE_HTML = (
    "<h1>Notice of data breach</h1>"
    + "<p>We are writing to tell you about an incident that may involve some "
    "of your personal information, what we are doing about it, and what you "
    "can do.</p>" * 12
)
ADDRESS = ["JANE DOE", "123 MAIN ST APT 4", "SPRINGFIELD IL 62701"]


def benchmark_letters(count: int, folder: Path) -> dict[str, float]:
    """Return letters per second for per-letter and combined batches."""
    from tocsin.delivery.postal import (
        LetterContent,
        build_letter,
        write_combined_mail_batch,
        write_mail_batch,
    )

    started = time.perf_counter()
    letters = [
        build_letter(ADDRESS, NOTICE_HTML, reference=f"R-{n}", country_code="US")
        for n in range(count)
    ]
    write_mail_batch(letters, folder / "separate.zip")
    separate = count / (time.perf_counter() - started)

    started = time.perf_counter()
    contents = [LetterContent(f"R-{n}", ADDRESS, NOTICE_HTML) for n in range(count)]
    write_combined_mail_batch(contents, folder / "combined.zip")
    combined = count / (time.perf_counter() - started)
    return {"separate_per_s": separate, "combined_per_s": combined}


def main() -> int:
    """Parse arguments, run the chosen benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", choices=["letters"])
    parser.add_argument("--count", type=int, default=100, help="letters to render")
    arguments = parser.parse_args()
    warnings.simplefilter("ignore")
    # Without HarfBuzz-Subset WeasyPrint warns once per PDF, which would
    # bury the figures; docs/performance.md records the missing library.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    import django

    django.setup()
    with tempfile.TemporaryDirectory() as folder:
        result = benchmark_letters(arguments.count, Path(folder))
    for name, value in result.items():
        print(f"{name}: {value:.1f}")
    ratio = result["combined_per_s"] / result["separate_per_s"]
    print(f"ratio combined/separate: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
