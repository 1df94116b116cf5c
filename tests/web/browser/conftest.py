"""Browser tests: Playwright drives Debian's chromium, headless, against pytest-django's
``live_server`` (SQLite under ``pytest -n 2``; PostgreSQL with ``ASYLON_TEST_DB=postgres``).

One browser per session (per xdist worker), a new browser context per test: no cookie, session
or language choice leaks from one test to the next. Playwright never downloads a browser here:
it launches the system's ``/usr/bin/chromium`` (``make install`` installs Debian's package).

Every test saves full-page screenshots under ``$ASYLON_TEST_OUTPUT/browser/`` (default
``test-output/browser/`` in the repository root), named ``<test>-<step>-<what>.png``; a test that
fails also leaves ``<test>-failed.png`` showing the page it failed on.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from asylon.web.accounts.models import Team, User

REPO_ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = os.environ.get("ASYLON_CHROMIUM", "/usr/bin/chromium")
# Headless, as root, without a display, a GPU or a big /dev/shm, and without phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--metrics-recording-only",
    "--mute-audio",
    "--no-first-run",
    "--no-proxy-server",
]
TIMEOUT_MS = 20_000  # generous: a loaded CI machine runs the rest of the suite beside it
expect.set_options(timeout=TIMEOUT_MS)
PASSWORD = "amber tram crosses the Moskva river"


def output_dir() -> Path:
    """Where screenshots and downloads go: ``$ASYLON_TEST_OUTPUT/browser``."""
    base = Path(os.environ.get("ASYLON_TEST_OUTPUT") or REPO_ROOT / "test-output")
    path = base / "browser"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _test_name(node: pytest.Item) -> str:
    name = getattr(node, "originalname", None) or node.name
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name.removeprefix("test_"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    """Keep each phase's report on the item, so the page fixture knows the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (make install, or "
            "apt-get install chromium), or set ASYLON_CHROMIUM to a chromium binary"
        )
    # Playwright's sync API keeps an asyncio event loop running in this thread for as long as it
    # is started, and Django refuses ORM calls from a thread with a running loop. The tests and
    # fixtures call the ORM synchronously, never from a coroutine, so the check is switched off
    # while the browser is up (for the rest of the worker's session) and restored after.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        # The first start on a fresh machine builds chromium's font and profile caches while
        # the other worker runs the suite: allow it two minutes (Playwright's default is 30 s).
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=120_000
        )
        try:
            yield launched
        finally:
            launched.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(
    browser: Browser, live_server: Any, transactional_db: None, request: pytest.FixtureRequest
) -> Iterator[Callable[[], Page]]:
    """Opens pages, each in a fresh browser context (own cookies) on the live server."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            accept_downloads=True,
            locale="en-GB",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    # let every request a page still has in flight finish before the database is flushed: the
    # live server would otherwise write into the flush (a foreign key then fails at its commit)
    for context in contexts:
        for open_page in context.pages:
            with contextlib.suppress(PlaywrightError):
                open_page.wait_for_load_state("networkidle", timeout=10_000)
    report = getattr(request.node, "report_call", None)
    for i, context in enumerate(contexts):
        if report is not None and report.failed:
            for page in context.pages:
                suffix = "" if i == 0 else f"-{i + 1}"
                page.screenshot(
                    path=output_dir() / f"{_test_name(request.node)}-failed{suffix}.png",
                    full_page=True,
                )
        context.close()


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """``shot(page, "03-appeal-deadline")`` saves a full-page PNG named after the test and step,
    checks that it is there and not empty, and returns its path."""
    prefix = _test_name(request.node)

    def take(page: Page, step: str) -> Path:
        path = output_dir() / f"{prefix}-{step}.png"
        path.unlink(missing_ok=True)
        page.screenshot(path=path, full_page=True)
        assert path.is_file() and path.stat().st_size > 0, path
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
        return path

    return take


@pytest.fixture
def staff(transactional_db: None) -> dict[str, User]:
    """A caseworker in Moscow and one in Berlin (different teams), with real passwords."""
    moscow = Team.objects.create(name="Moscow legal aid")
    berlin = Team.objects.create(name="Berlin counselling")
    return {
        "caseworker": User.objects.create_user(
            "cw-moscow", password=PASSWORD, team=moscow, role=User.Role.CASEWORKER
        ),
        "other_team": User.objects.create_user(
            "cw-berlin", password=PASSWORD, team=berlin, role=User.Role.CASEWORKER
        ),
    }


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real form at /en/accounts/login/ and land on the dashboard."""
    page.goto("/en/accounts/login/")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.locator("header")).to_contain_text(username)


@pytest.fixture
def logged_in(new_page: Callable[[], Page]) -> Generator[Callable[[User], Page]]:
    """``logged_in(user)``: a page in a fresh context, logged in as ``user``."""

    def make(user: User) -> Page:
        page = new_page()
        log_in(page, user.get_username())
        return page

    yield make
