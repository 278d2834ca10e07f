"""Browser tests: Debian's Chromium through Playwright against the portal served live on 127.0.0.1.

`live_server` serves a fresh copy of the migrated database (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set, exactly like the `database_url` fixture) with the demo school loaded.
`portal.db.db` is one global proxy, so that server's app is the only app an e2e test may create:
never combine `live_server` with the `app`/`client` fixtures. A test reads the database through the
same proxy (`with db.connection_context(): ...`).

`page` is a fresh context (ru-RU) on one session-wide Chromium; its base URL is the live server, so
tests write `page.goto("/login")`. A test fails when the page logs a CSP violation, a JS error or a
console error, or when a script, stylesheet or image fails to load (see BrowserProblems).
"""
import os
import re
import threading

import pytest
from werkzeug.serving import make_server

from portal import create_app, demo
from portal.config import TestConfig
from portal.db import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 10_000

# Chromium's own line for an HTTP error status; the response listener judges those more precisely
# (a 422 form answer is expected, a 404 script is not).
STATUS_LINE = re.compile(r"^Failed to load resource: the server responded with a status of \d{3}")
# Watches CSP violations from inside the page; init scripts and bindings are not subject to the CSP.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__e2eCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} `
                           + `at ${e.sourceFile || document.URL}:${e.lineNumber}`);
});
"""


try:
    import playwright.sync_api  # noqa: F401  (requirements-dev.txt)
    PLAYWRIGHT = True
except ImportError:
    PLAYWRIGHT = False
    if not os.environ.get("CI"):
        # Locally the test modules are left out; under CI their import error fails the run.
        collect_ignore_glob = ["test_*.py"]


def pytest_report_header(config):
    consequence = "browser tests fail (CI)" if os.environ.get("CI") else "browser tests skipped"
    if not PLAYWRIGHT:
        return "e2e: the playwright package is missing: " + (
            consequence if os.environ.get("CI") else "browser tests not collected")
    if not os.path.exists(CHROMIUM):
        return f"e2e: {CHROMIUM} is missing: {consequence}"
    return None


def _unavailable(reason: str):
    """Locally a missing browser skips the e2e tests; under CI (env CI set) it fails them."""
    if os.environ.get("CI"):
        pytest.fail(f"e2e tests cannot run: {reason}. CI must run them: install Debian's chromium "
                    f"(apt-get install chromium) and requirements-dev.txt.", pytrace=False)
    pytest.skip(f"e2e: {reason} (under CI this is a failure)")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(database_url, tmp_path):
    """The portal with the demo school, served by werkzeug in a daemon thread; yields its base URL."""

    class Config(TestConfig):
        DATABASE_URL = database_url
        INSTANCE_PATH = tmp_path
        SESSION_COOKIE_SECURE = False  # plain http on 127.0.0.1, whatever the environment says
        # As in production: browser flows change data only through the services, whose audit events
        # renew the dashboard's kept figures — the monitoring flow proves it.
        DASHBOARD_CACHE = True
        PUBLIC_CACHE = True  # the public pages kept between requests, renewed by any audited change
        JOURNAL_CACHE = True  # likewise the mentor's pair page data

    app = create_app(Config)
    with db.connection_context():
        demo.load()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll keeps shutdown() from waiting the default half second after every test.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        if not db.is_closed():
            db.close()


class BrowserProblems:
    """Everything a page complained about; the test fails if the list is not empty."""

    def __init__(self, context):
        self.context = context
        self.items: list[str] = []
        context.expose_binding("__e2eCspViolation", lambda source, text: self.items.append(f"CSP: {text}"))
        context.add_init_script(CSP_WATCH)
        context.on("page", self.watch)

    def watch(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.items.append(f"JS error on {page.url}: {error}"))
        page.on("response", self._response)
        page.on("requestfailed", self._request_failed)

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text:
            self.items.append(f"CSP ({message.type}): {text}")
        elif message.type == "error" and not STATUS_LINE.match(text):
            where = message.location.get("url", "")
            self.items.append(f"console error{f' at {where}' if where else ''}: {text}")

    def _response(self, response):
        kind = response.request.resource_type
        # A page or an htmx answer may be a 4xx on purpose (422: the form with its errors; 403, 404).
        if response.status >= 500 or (response.status >= 400 and kind not in ("document", "xhr", "fetch")):
            self.items.append(f"HTTP {response.status} for {kind} {response.url}")

    def _request_failed(self, request):
        failure = request.failure or ""
        if "ERR_ABORTED" in failure:
            return  # the page navigated away while this was loading (a 404 or CSP block reads otherwise)
        self.items.append(f"request failed: {request.resource_type} {request.url}: {failure}")

    def flush(self):
        """Let events the browser has already sent arrive: one round trip per open page."""
        for page in self.context.pages:
            try:
                page.evaluate("0")
            except Exception:  # a page closing or navigating; its events are in already
                pass

    def take(self) -> list[str]:
        items, self.items = self.items, []
        return items


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server, locale="ru-RU", timezone_id="Europe/Moscow")
    context.set_default_timeout(TIMEOUT_MS)
    problems = BrowserProblems(context)
    request.node.e2e_problems = problems
    page = context.new_page()
    yield page
    problems.flush()
    context.close()
    late = problems.take()
    if late:
        pytest.fail("the browser reported after the test:\n  " + "\n  ".join(late), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail the test itself (not its teardown) when its pages reported problems."""
    problems = getattr(item, "e2e_problems", None)
    try:
        result = yield
    except BaseException:
        if problems is not None:
            problems.flush()
            found = problems.take()
            if found:
                item.add_report_section("call", "browser problems", "\n".join(found))
        raise
    if problems is not None:
        problems.flush()
        found = problems.take()
        if found:
            raise AssertionError("the browser reported problems:\n  " + "\n  ".join(found))
    return result


@pytest.fixture
def new_page(browser, live_server):
    """Another person at another computer: a context of its own, its browser problems failing the test."""
    opened = []

    def open_page():
        context = browser.new_context(base_url=live_server, locale="ru-RU", timezone_id="Europe/Moscow")
        context.set_default_timeout(TIMEOUT_MS)
        opened.append((context, BrowserProblems(context)))
        return context.new_page()

    yield open_page
    found = []
    for context, problems in opened:
        problems.flush()
        context.close()
        found += problems.take()
    if found:
        pytest.fail("the browser reported problems:\n  " + "\n  ".join(found), pytrace=False)
