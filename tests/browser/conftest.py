"""A real Chromium (Debian's, driven by Playwright) against `hubflow.web` served by uvicorn:
the server, the browser, axe-core for accessibility, and screenshots to look at."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy.orm import Session, sessionmaker

from plumbing.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(database_url: str, tmp_path: Path, sessions: sessionmaker[Session]) -> Iterator[str]:
    with serving(database_url, tmp_path) as base:
        yield base


@contextmanager
def serving(database_url: str, folder: Path, **env: str) -> Iterator[str]:
    """The web app under uvicorn on a free port, against `database_url`, with `env` added
    to its environment (HUBFLOW_CAMPAIGN_FILE, say); its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "HUBFLOW_DATABASE_URL": database_url,
        "HUBFLOW_BASE_URL": base,
        "HUBFLOW_OUTBOX_DIR": str(folder / "outbox"),
        "PYTHONPATH": str(ROOT),
        **env,
    }
    os.environ["HUBFLOW_BASE_URL"] = base
    get_settings.cache_clear()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "hubflow.web.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=environment,
        cwd=folder,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: scripts/test installs Debian's chromium package")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).parent / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def context(browser: Browser, viewport: dict[str, int]) -> BrowserContext:
    """A fresh browser profile at `viewport`; CSP bypassed only so axe-core can be injected
    (the pages themselves run no script)."""
    return browser.new_context(viewport=viewport, bypass_csp=True)  # type: ignore[arg-type]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds wrong on the page as it is now (every rule it runs by default,
    colour contrast and target size included): id, impact and the elements."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: scripts/test installs it (npm ci in tests/browser)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                resultTypes: ['violations'],
                rules: {'target-size': {enabled: true}, 'color-contrast': {enabled: true}},
            });
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
        }"""
    )
    return list(result)


NARROW = {"width": 360, "height": 740}


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)  # type: ignore[index]


def look_at(browser: Browser, base: str, pages: dict[str, str]) -> tuple[Page, Page]:
    """Each page on a phone and a laptop (a screenshot, axe-core clean) and at 360 px
    (nothing scrolls sideways); the phone's and the laptop's tabs, for more."""
    phone = context(browser, PHONE).new_page()
    laptop = context(browser, LAPTOP).new_page()
    narrow = context(browser, NARROW).new_page()
    for name, path in pages.items():
        for page in (phone, laptop):
            page.goto(f"{base}{path}")
            screenshot(page, name)
            assert axe_violations(page) == [], (name, page.viewport_size)
        narrow.goto(f"{base}{path}")
        no_sideways_scroll(narrow)
    return phone, laptop


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot under tests/browser/screenshots/ (ignored by git)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    size = page.viewport_size or LAPTOP
    path = SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def looked_at(page: Page, name: str) -> None:
    """The page as it is now photographed and axe-core clean at both sizes, left at the
    size it had."""
    first = page.viewport_size
    for size in (LAPTOP, PHONE) if first == PHONE else (PHONE, LAPTOP):
        page.set_viewport_size(size)
        screenshot(page, name)
        assert axe_violations(page) == [], (name, size)


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/staff/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/staff")
