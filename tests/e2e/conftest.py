"""A real headless Chromium (Debian's package) driven by Playwright against the live server.

No browser download happens: Playwright launches /usr/bin/chromium. axe-core comes from the
npm registry (tests/e2e/package.json) and is injected into pages for accessibility checks.
Screenshots of the main pages are written to docs/screenshots/.
"""

import os
from pathlib import Path

import pytest

E2E_DIR = Path(__file__).resolve().parent
SCREENSHOTS = E2E_DIR.parent.parent / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; Django's live server and ORM
# calls from the test body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (own cookies) at a given width; Chinese by default."""
    contexts = []

    def make(width=1280, height=900, locale="zh-CN"):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale=locale,
            extra_http_headers={"Accept-Language": "zh-Hans,zh;q=0.9"},
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base = live_server.url
        return page

    yield make
    for context in contexts:
        context.close()


def login(page, username, password="demo-2026"):
    page.goto(page.base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core in the page; return the violations of the given impacts."""
    # Evaluated through the driver, not added as a <script>: the pages' content security
    # policy (scripts from our own static files only) stays on during the test.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def assert_fits_width(page):
    """Nothing cut off: the page does not scroll sideways, every control is on screen."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"page scrolls sideways by {overflow}px"
    offscreen = page.evaluate(
        """() => [...document.querySelectorAll('a, button, input, select, textarea')]
            .filter(e => e.offsetParent !== null && !e.closest('.trap') && !e.matches('.skip'))
            .filter(e => { const r = e.getBoundingClientRect();
                           return r.right > window.innerWidth + 1 || r.left < -1; })
            .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert not offscreen, offscreen
