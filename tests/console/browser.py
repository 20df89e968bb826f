"""Helpers for the console's browser tests: Chromium, axe-core, keyboard.

Browser tests are marked ``browser`` and are skipped, with a message naming
what to install, when Debian's Chromium, the playwright package or
``node_modules/axe-core`` is missing.
"""

import importlib.util
import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MAX_TAB_PRESSES = 80


def missing_browser_requirement() -> str:
    """Return why browser tests cannot run here, or '' when they can."""
    if not CHROMIUM.exists():
        return "needs Debian's Chromium: apt-get install -y chromium"
    if importlib.util.find_spec("playwright") is None:
        return "needs the playwright package: pip install playwright==1.65.2"
    return ""


def missing_axe() -> str:
    """Return why axe-core checks cannot run here, or '' when they can."""
    if not AXE_SCRIPT.exists():
        return "needs axe-core: run `npm install` in the repository root"
    return ""


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Return axe-core's WCAG 2.2 A and AA violations on the current page.

    The page's context must bypass the Content-Security-Policy, because
    Playwright injects axe as an inline script.
    """
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "async (tags) => await axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return result["violations"]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """Return violations as readable text for an assertion message."""
    lines = []
    for violation in violations:
        targets = [node["target"] for node in violation["nodes"]]
        lines.append(f"{violation['id']}: {violation['help']} at {json.dumps(targets)}")
    return "\n".join(lines)


def tab_to(page: Any, selector: str) -> None:
    """Press Tab until the element matching ``selector`` has focus.

    Fails when it is not reached within ``MAX_TAB_PRESSES``, which means a
    keyboard user cannot reach it either.
    """
    for _ in range(MAX_TAB_PRESSES):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(selector) => document.activeElement !== null"
            " && document.activeElement.matches(selector)",
            selector,
        )
        if focused:
            return
    raise AssertionError(f"Tab never reached {selector!r}")
