"""The web UI in a real browser: Debian's Chromium driven by Playwright (no browser download)
against a real `homeport serve` on the embedded models. Log in, chat with the embedded model and
see the streamed answer and its route, upload documents (picker, folder, drag and drop) and see
them ingested, ask a question that cites them, view the dashboards with data, edit routing
rules, log in with a password, verify the audit chain; at 360 px wide and with the keyboard.

HOMEPORT_SCREENSHOTS=docs/screenshots .venv/bin/pytest tests/web/test_browser.py refreshes the
README's screenshots."""

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
SHOTS = os.environ.get("HOMEPORT_SCREENSHOTS")
ANSWER_S = 90_000  # ms: the embedded model on 2 busy cores

HANDBOOK = """# Staff handbook

## Parental leave

Employees receive sixteen weeks of paid parental leave, taken within a year of the birth.

## Bicycles

Bicycles are parked in the basement garage behind the blue door.
"""


async def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("web"), env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start(timeout=120)
    yield proc
    assert proc.stop() == 0, proc.output()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        yield b
        await b.close()


async def new_page(browser: Browser, width: int = 1280, height: int = 800) -> Page:
    page = await browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors  # type: ignore[attr-defined]
    return page


async def log_in(page: Page, server: ServerProcess, key: str = ADMIN_KEY) -> None:
    await page.goto(f"{server.url}/")
    await expect(page).to_have_url(f"{server.url}/login")
    await page.get_by_label("API key").fill(key)
    await page.get_by_role("button", name="Log in", exact=True).click()
    await expect(page.get_by_role("textbox", name="Message")).to_be_visible()
    # the page's scripts handle Enter and Send: a key pressed before they run is lost
    await page.wait_for_load_state("load")


async def ask(page: Page, question: str) -> None:
    answers = await page.locator(".msg.assistant").count()
    await page.get_by_role("textbox", name="Message").fill(question)
    await page.get_by_role("button", name="Send").click()
    answer = page.locator(".msg.assistant").nth(answers)
    await expect(answer.locator(".route")).to_contain_text("ran on", timeout=ANSWER_S)
    await expect(page.get_by_role("button", name="Send")).to_be_enabled(timeout=ANSWER_S)


async def test_chat_with_the_embedded_model(server: ServerProcess, browser: Browser) -> None:
    page = await new_page(browser)
    await page.goto(f"{server.url}/login")
    await shot(page, "login")
    await log_in(page, server)
    await page.get_by_role("combobox", name="Model").select_option("local")
    await ask(page, "Say hello to the hospital staff in one short sentence.")
    answer = page.locator(".msg.assistant").last
    await expect(answer.locator(".content")).not_to_be_empty()
    route = answer.locator(".route")
    await expect(route).to_contain_text("Local")
    await expect(route).to_contain_text("ran on local/")
    await expect(route).to_contain_text("sensitivity public")
    assert "/c/" in page.url  # the conversation is kept and named in the address
    first = await answer.locator(".content").inner_text()
    await expect(page.get_by_role("navigation", name="Conversations")
                 .get_by_role("link", name="Say hello")).to_be_visible()
    await shot(page, "chat")
    # regenerate replaces the answer; a reload shows the kept conversation and its route
    await page.get_by_role("button", name="Regenerate").click()
    await expect(page.get_by_role("button", name="Send")).to_be_enabled(timeout=ANSWER_S)
    await expect(page.locator(".msg.assistant")).to_have_count(1)
    await page.reload()
    await expect(page.locator(".msg.user")).to_have_count(1)
    await expect(page.locator(".msg.assistant .route")).to_contain_text("Local")
    assert first and not page.errors  # type: ignore[attr-defined]


async def test_stop_ends_an_answer_early(server: ServerProcess, browser: Browser) -> None:
    page = await new_page(browser)
    await log_in(page, server)
    await page.get_by_role("textbox", name="Message").fill(
        "Write a very long story about a lighthouse keeper, with many chapters.")
    await page.keyboard.press("Enter")  # Enter sends
    stop = page.get_by_role("button", name="Stop")
    await expect(stop).to_be_visible()
    await expect(page.locator(".msg.assistant .content")).not_to_be_empty(timeout=ANSWER_S)
    await stop.click()
    await expect(page.get_by_role("alert")).to_contain_text("Stopped")
    await expect(page.get_by_role("button", name="Regenerate")).to_be_visible()


async def test_upload_documents_and_ask_a_question_that_cites_them(
        server: ServerProcess, browser: Browser, tmp_path: Path) -> None:
    page = await new_page(browser)
    await log_in(page, server)
    await page.get_by_role("link", name="Knowledge").click()
    await page.get_by_label("Name").fill("handbook")
    await page.get_by_label("Sensitivity").select_option("internal")
    await page.get_by_role("button", name="Create").click()
    await expect(page.get_by_role("heading", name="handbook")).to_be_visible()
    # a file from the picker
    (tmp_path / "handbook.md").write_text(HANDBOOK)
    await page.locator("#pick-files").set_input_files(tmp_path / "handbook.md")
    await expect(page.locator(".job .job-status").first).to_have_text("done", timeout=ANSWER_S)
    await expect(page.get_by_role("rowheader", name="handbook.md")).to_be_visible()
    # a folder (its path kept; an unsupported file in it skipped)
    folder = tmp_path / "faq"
    folder.mkdir()
    (folder / "canteen.txt").write_text("The canteen opens at eight and closes at three.")
    (folder / "logo.png").write_bytes(b"\x89PNG")
    await page.locator("#pick-folder").set_input_files(folder)
    await expect(page.get_by_role("status").filter(has_text="1 skipped")).to_be_visible()
    await expect(page.get_by_role("rowheader", name="faq/canteen.txt")).to_be_visible(
        timeout=ANSWER_S)
    # a file dropped on the zone
    await page.evaluate("""() => {
        const dt = new DataTransfer();
        dt.items.add(new File(["Visitors sign in at the front desk."], "visitors.md"));
        document.getElementById("dropzone").dispatchEvent(
            new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
    }""")
    await expect(page.get_by_role("rowheader", name="visitors.md")).to_be_visible(
        timeout=ANSWER_S)
    await page.get_by_label("Query").fill("parental leave")
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator("#results")).to_contain_text("sixteen weeks")
    await shot(page, "knowledge")
    # a question that cites it
    await page.get_by_role("link", name="Chat").click()
    await page.get_by_role("combobox", name="Model").select_option("local")
    await page.get_by_text("Knowledge bases", exact=True).click()
    await page.get_by_label("handbook").check()
    await ask(page, "How many weeks of parental leave do employees get?")
    answer = page.locator(".msg.assistant").last
    sources = answer.get_by_role("list", name="Sources")
    await expect(sources).to_contain_text("handbook.md")
    await sources.get_by_role("button").first.click()
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_contain_text("sixteen weeks")
    await shot(page, "chat-citations")
    await dialog.get_by_role("button", name="Close").click()
    await expect(dialog).to_be_hidden()
    assert not page.errors  # type: ignore[attr-defined]


async def test_dashboards_with_data_and_the_audit_chain(server: ServerProcess,
                                                        browser: Browser) -> None:
    for text in ("first", "second", "third"):  # ledger rows from the embedded embedder
        r = httpx.post(f"{server.url}/v1/embeddings", json={"model": "local-embed", "input": text},
                       headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=60)
        assert r.status_code == 200
    server.cli("teams", "create", "oncology", "--budget", "10")  # an audited admin action
    page = await new_page(browser)
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
    await shot(page, "providers")
    await page.get_by_role("link", name="Audit").click()
    await expect(page.get_by_role("cell", name="create_team oncology")).to_be_visible()
    await page.get_by_role("button", name="Verify the chain").click()
    await expect(page.locator("#verify-result")).to_contain_text("Intact")
    await shot(page, "audit")


async def test_teams_users_and_routing_rules(server: ServerProcess, browser: Browser) -> None:
    page = await new_page(browser)
    await log_in(page, server)
    await page.get_by_role("link", name="Teams").click()
    await page.get_by_label("Team", exact=True).first.fill("radiology")
    await page.get_by_label("Budget per period").fill("50")
    await page.get_by_label("Requests/min", exact=True).fill("120")
    await page.get_by_role("button", name="Save team").click()
    await expect(page.get_by_role("rowheader", name="radiology")).to_be_visible()
    await expect(page.get_by_role("cell", name="50/month")).to_be_visible()
    await page.get_by_label("Username").fill("dr.grey")
    await page.get_by_label("Password", exact=True).fill("a long enough password")
    await page.get_by_label("Team of the user").fill("radiology")
    await page.get_by_role("button", name="Create user").click()
    await expect(page.get_by_role("rowheader", name="dr.grey")).to_be_visible()
    await shot(page, "teams")
    # routing rules: a mistake is explained, a valid edit applies
    await page.get_by_role("link", name="Routing").click()
    rules = page.get_by_label("Rules (YAML, a list)")
    await rules.fill("- name: secrets\n  when: {entities: [API_KEYS]}\n  route: [local]\n")
    await page.get_by_role("button", name="Check").click()
    await expect(page.locator("#rules-check")).to_contain_text("rules.0.when.entities")
    await rules.fill("- name: secrets-stay-home\n  when: {entities: [API_KEY]}\n"
                     "  route: [local]\n")
    await page.get_by_role("button", name="Save rules").click()
    await expect(page.get_by_role("rowheader", name="secrets-stay-home")).to_be_visible()
    await expect(page.get_by_text("Saved version 1")).to_be_visible()
    await shot(page, "routing")
    # the new user logs in with the password and chats
    await page.get_by_role("button", name="Log out").click()
    await page.get_by_label("Username").fill("dr.grey")
    await page.get_by_label("Password").fill("a long enough password")
    await page.get_by_role("button", name="Log in with password").click()
    await expect(page.get_by_role("textbox", name="Message")).to_be_visible()
    await expect(page.get_by_role("link", name="Teams")).to_have_count(0)  # a member
    await page.get_by_role("link", name="Account").click()
    await expect(page.get_by_text("dr.grey")).to_be_visible()
    assert not page.errors  # type: ignore[attr-defined]


async def test_a_wrong_key_says_what_to_do(server: ServerProcess, browser: Browser) -> None:
    page = await new_page(browser)
    await page.goto(f"{server.url}/login")
    await page.get_by_label("API key").fill("hp-wrong")
    await page.get_by_role("button", name="Log in", exact=True).click()
    await expect(page.get_by_role("alert")).to_contain_text("not valid")


async def test_narrow_screen_and_keyboard_only(server: ServerProcess, browser: Browser) -> None:
    page = await new_page(browser, 360, 740)
    await page.goto(f"{server.url}/login")
    await page.keyboard.type(ADMIN_KEY)  # the key field has focus
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("textbox", name="Message")).to_be_visible()
    await shot(page, "chat-narrow")
    for path in ("/", "/knowledge", "/usage", "/breakeven", "/audit", "/teams", "/routing",
                 "/providers", "/account"):
        await page.goto(f"{server.url}{path}")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, path  # nothing forces horizontal scrolling of the page
    await page.goto(f"{server.url}/")
    await page.keyboard.press("Tab")  # the skip link comes first
    await expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    await page.keyboard.press("Enter")
    for _ in range(40):  # tab through to the message box and send with Enter
        if await page.evaluate("document.activeElement.id") == "prompt":
            break
        await page.keyboard.press("Tab")
    await page.keyboard.type("Hello")
    await page.keyboard.press("Enter")
    await expect(page.locator(".msg.user .content")).to_have_text("Hello")
    await expect(page.locator(".msg.assistant .route")).to_contain_text("ran on",
                                                                       timeout=ANSWER_S)
