"""Browser test harness: Playwright (sync API) driving Debian's chromium against the live server.

Every document a browser test loads is checked with axe-core (tests/assets/axe.min.js): a
serious or critical violation fails the test, with the rules and elements listed.

    @pytest.mark.browser
    def test_something(page, live_server):
        page.goto(live_server.url + "/")      # axe runs on every page load automatically
        page.get_by_label("E-Mail").fill(...)

Checks run before and after each navigating action and at the end of the test; use
`page.axe_check()` to check the current DOM again, e.g. after an htmx swap.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM must be allowed here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
AXE_SOURCE = (Path(__file__).resolve().parent.parent / "assets" / "axe.min.js").read_text()
BLOCKING_IMPACTS = ("serious", "critical")
AXE_RUN = """async (again) => {
  if (window.__axeChecked && !again) return null;
  window.__axeChecked = true;
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""


# One Playwright driver and one chromium per test session, shared by every module that uses
# these fixtures (other test packages import them into their modules, which makes pytest create
# separate fixture copies: they must not start a second driver inside the running event loop).
_shared: dict = {"users": 0, "manager": None, "playwright": None, "browser": None}


def _acquire():
    from playwright.sync_api import sync_playwright

    if _shared["playwright"] is None:
        manager = sync_playwright()
        _shared["manager"] = manager
        _shared["playwright"] = manager.start()
    _shared["users"] += 1
    return _shared["playwright"]


def _release():
    _shared["users"] -= 1
    if _shared["users"] <= 0 and _shared["playwright"] is not None:
        if _shared["browser"] is not None:
            _shared["browser"].close()
            _shared["browser"] = None
        _shared["playwright"].stop()
        _shared["playwright"] = None
        _shared["manager"] = None
        _shared["users"] = 0


@pytest.fixture(scope="session")
def _playwright():
    playwright = _acquire()
    yield playwright
    _release()


@pytest.fixture(scope="session")
def browser(_playwright):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: apt-get install chromium (see .ci/run)")
    if _shared["browser"] is None or not _shared["browser"].is_connected():
        _shared["browser"] = _playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
    return _shared["browser"]


class AxeRecorder:
    """Runs axe-core on each document a page shows and collects blocking violations.

    Checks run in the test's own flow (no event-handler greenlets): before and after every
    Playwright action that can navigate (goto, click, press, check, select_option, ...), and
    at the end of the test. A document is checked once (marked in the page).
    """

    def __init__(self, page):
        self.page = page
        self.checked: list[str] = []
        self.findings: list[str] = []
        self._busy = False

    def check(self, *, again: bool = True) -> list[dict]:
        """Run axe on the current document (again=False: only if it was not checked yet)."""
        page = self.page
        if self._busy or page.is_closed() or page.url.startswith(("about:", "data:")):
            return []
        self._busy = True
        try:
            if not page.evaluate("() => typeof window.axe !== 'undefined'"):
                page.evaluate(AXE_SOURCE)
            found = page.evaluate(AXE_RUN, again)
        finally:
            self._busy = False
        if found is None:
            return []
        url = page.url
        self.checked.append(url)
        violations = [v for v in found if v["impact"] in BLOCKING_IMPACTS]
        for v in violations:
            self.findings.append(
                f"{url}: [{v['impact']}] {v['id']}: {v['help']} -> " + ", ".join(v["nodes"])
            )
        return violations

    def settle_and_check(self) -> None:
        from playwright.sync_api import Error

        if self._busy or self.page.is_closed():
            return
        try:
            self.page.wait_for_load_state("load")
            self.check(again=False)
        except Error:
            pass  # navigated on or closed meanwhile; the next document gets its own check


_recorders: dict[int, AxeRecorder] = {}
_NAVIGATING_ACTIONS = {
    "Page": [
        "goto",
        "reload",
        "go_back",
        "go_forward",
        "click",
        "dblclick",
        "tap",
        "press",
        "check",
        "uncheck",
        "select_option",
        "set_checked",
        "dispatch_event",
    ],
    "Locator": [
        "click",
        "dblclick",
        "tap",
        "press",
        "check",
        "uncheck",
        "select_option",
        "set_checked",
        "dispatch_event",
    ],
}


def _wrap(method, page_of):
    def wrapper(self, *args, **kwargs):
        recorder = _recorders.get(id(page_of(self)))
        if recorder is not None:
            recorder.settle_and_check()
        result = method(self, *args, **kwargs)
        if recorder is not None:
            recorder.settle_and_check()
        return result

    wrapper.__wrapped__ = method
    return wrapper


_hooks: dict = {"users": 0, "saved": []}


@pytest.fixture(scope="session")
def _axe_hooks():
    """Hook axe checks around Playwright's navigating actions (once, however often imported)."""
    from playwright.sync_api import Locator, Page

    if _hooks["users"] == 0:
        classes = {"Page": (Page, lambda page: page), "Locator": (Locator, lambda loc: loc.page)}
        for class_name, names in _NAVIGATING_ACTIONS.items():
            cls, page_of = classes[class_name]
            for name in names:
                original = getattr(cls, name)
                _hooks["saved"].append((cls, name, original))
                setattr(cls, name, _wrap(original, page_of))
    _hooks["users"] += 1
    yield
    _hooks["users"] -= 1
    if _hooks["users"] == 0:
        for cls, name, original in _hooks["saved"]:
            setattr(cls, name, original)
        _hooks["saved"].clear()


@pytest.fixture
def page(browser, live_server, _axe_hooks):
    """A fresh browser page (German locale, base URL = live server); axe checks every page."""
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    recorder = AxeRecorder(page)
    _recorders[id(page)] = recorder
    page.axe_check = recorder.check
    page.axe = recorder
    try:
        yield page
        recorder.settle_and_check()
    finally:
        _recorders.pop(id(page), None)
        context.close()
    if recorder.findings:
        pytest.fail(
            "axe-core found serious/critical accessibility violations:\n"
            + "\n".join(recorder.findings),
            pytrace=False,
        )


@pytest.fixture
def login_as(page, live_server):
    """login_as(user): give the browser page a logged-in session without the login form."""

    def login(user):
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        return user

    return login
