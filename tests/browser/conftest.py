"""Playwright on the system's Chromium, with axe-core from the npm registry."""

import os
import shutil
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
AXE_PATH = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IN_CI = os.environ.get("CI", "").lower() == "true"
DEMO_PASSWORD = "demo-portal-2026"
DEMO_ACCOUNTS = {
    "practitioner": "practitioner@example.org",
    "facilitator": "facilitator@example.org",
    "executive": "executive@example.org",
    "administrator": "admin@example.org",
    "statewide_chair": "stella.statewide@example.org",
    "lead": "lead@example.org",
}


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"Browser tests must run in CI: {reason}")
    pytest.skip(reason)


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    return path if Path(path).exists() else shutil.which("chromium")


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_PATH.exists():
        _unavailable("axe-core is missing: run `npm ci` (make test does it when npm is present).")
    return AXE_PATH.read_text()


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        _unavailable(
            "Chromium not found: install it (Debian: `apt-get install chromium`) "
            "or set CHROMIUM_PATH."
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the Django ORM calls that
    # tests make between browser steps are still synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            page.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()


@pytest.fixture
def demo_data(transactional_db, kept_demo):
    kept_demo.seed()


def menu_link(page, menu: str, link: str):
    """A link in one of the main menu's drop-downs, after opening it as a person would."""
    nav = page.get_by_role("navigation", name="Main")
    nav.locator("summary", has_text=menu).click()
    return nav.get_by_role("link", name=link)


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def axe_violations(page, axe_source: str) -> list[str]:
    # A click that follows a link returns once the next page starts to load: audit that page
    # when it has loaded, not the one it replaces.
    page.wait_for_load_state()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(
            n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
            for n in v["nodes"][:5]
        )
        for v in result["violations"]
    ]
