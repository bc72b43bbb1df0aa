"""The web UI in a real browser: Debian's Chromium driven by Playwright (no browser download)
against a real `homeport serve`. Log in with an API key, open the audit page, verify the chain;
the same at 360 px wide; keyboard only."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.conftest import ADMIN_KEY
from tests.helpers import ServerProcess

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# HOMEPORT_SCREENSHOTS=docs/screenshots pytest tests/web/test_browser.py refreshes the README's
SHOTS = os.environ.get("HOMEPORT_SCREENSHOTS")


async def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("web"),
                         config="embedded: {chat: null}\n",
                         env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start()
    yield proc
    assert proc.stop() == 0, proc.output()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        await b.close()


async def log_in(page: Page, server: ServerProcess, key: str = ADMIN_KEY) -> None:
    await page.goto(f"{server.url}/")
    await expect(page).to_have_url(f"{server.url}/login")
    await page.get_by_label("API key").fill(key)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", name="Signed in")).to_be_visible()


async def test_log_in_and_verify_the_audit_chain(server: ServerProcess,
                                                 browser: Browser) -> None:
    server.cli("teams", "create", "oncology", "--budget", "10")  # an audited admin action
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await page.goto(f"{server.url}/login")
    await shot(page, "login")
    await log_in(page, server)
    await page.get_by_role("link", name="Audit").click()
    await expect(page.get_by_role("cell", name="create_team oncology")).to_be_visible()
    await page.get_by_role("button", name="Verify the chain").click()
    await expect(page.get_by_role("status")).to_contain_text("Intact")
    await shot(page, "audit")


async def test_usage_dashboard(server: ServerProcess, browser: Browser) -> None:
    for text in ("first", "second", "third"):  # ledger rows from the embedded embedder
        r = httpx.post(f"{server.url}/v1/embeddings", json={"model": "local-embed", "input": text},
                       headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=60)
        assert r.status_code == 200
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await log_in(page, server)
    await page.get_by_role("link", name="Usage").click()
    await expect(page.get_by_role("img", name="Requests, local and cloud")).to_be_visible()
    await page.get_by_label("Split by").select_option("model")
    await page.get_by_role("button", name="Show").click()
    await expect(page.get_by_role("rowheader", name="local-embed").first).to_be_visible()
    await shot(page, "usage")
    await page.get_by_role("link", name="Break-even").click()
    await expect(page.get_by_role("heading", name="Hardware profile")).to_be_visible()
    await shot(page, "breakeven")
    await page.get_by_role("link", name="Providers").click()
    await expect(page.get_by_role("rowheader", name="local-embed")).to_be_visible()
    await page.get_by_role("link", name="Teams").click()
    await page.get_by_label("Team", exact=True).first.fill("radiology")
    await page.get_by_label("Budget per period").fill("50")
    await page.get_by_label("Requests/min").fill("120")
    await page.get_by_role("button", name="Save team").click()
    await expect(page.get_by_role("rowheader", name="radiology")).to_be_visible()
    await expect(page.get_by_role("cell", name="50/month")).to_be_visible()
    await shot(page, "teams")


async def test_a_wrong_key_says_what_to_do(server: ServerProcess, browser: Browser) -> None:
    page = await browser.new_page()
    await page.goto(f"{server.url}/login")
    await page.get_by_label("API key").fill("hp-wrong")
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("alert")).to_contain_text("not valid")


async def test_narrow_screen_and_keyboard_only(server: ServerProcess, browser: Browser) -> None:
    page = await browser.new_page(viewport={"width": 360, "height": 740})
    await page.goto(f"{server.url}/login")
    await page.keyboard.type(ADMIN_KEY)  # the key field has focus
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Signed in")).to_be_visible()
    await page.goto(f"{server.url}/audit")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing forces horizontal scrolling of the page
    await page.keyboard.press("Tab")  # the skip link comes first
    await expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
