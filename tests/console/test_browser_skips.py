from pathlib import Path

import pytest

from tests.console import browser


def test_missing_chromium_names_apt_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    assert browser.missing_browser_requirement() == (
        "needs Debian's Chromium: apt-get install -y chromium"
    )


def test_missing_playwright_names_pip_pin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", Path(__file__))
    monkeypatch.setattr(browser.importlib.util, "find_spec", lambda name: None)
    assert browser.missing_browser_requirement() == (
        "needs the playwright package: pip install playwright==1.65.2"
    )


def test_missing_axe_names_npm_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(browser, "AXE_SCRIPT", tmp_path / "axe.min.js")
    assert browser.missing_axe() == (
        "needs axe-core: run `npm install` in the repository root"
    )
