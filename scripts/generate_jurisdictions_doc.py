"""Write docs/jurisdictions.md from the bundled law files.

Run from the repository root: ``python scripts/generate_jurisdictions_doc.py``.
It produces the same page as ``tocsin rules doc`` without setting up Django.
"""

from pathlib import Path

from tocsin.jurisdictions.docs import render_markdown
from tocsin.jurisdictions.rulebook import load_rulebook

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "jurisdictions.md"


def main() -> None:
    """Render the page from the bundled law files and write it."""
    DOC_PATH.write_text(render_markdown(load_rulebook()))
    print(f"wrote {DOC_PATH}")


if __name__ == "__main__":
    main()
