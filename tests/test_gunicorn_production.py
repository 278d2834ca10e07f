"""The CI check of production serving: the project's own gunicorn.conf.py serving wsgi:app, configured from the
environment as deploy/nastavnik.service configures it, answers the proxy's /healthz, lets a person log in,
logs one line per request and warns of the unsafe settings it runs with."""
import time

import pytest

from portal import demo
from portal.models import Account
from portal.services import accounts, serving
from tests.gunicorn_server import Browser, serve_production

pytestmark = pytest.mark.quality("security")


def _log_once(path, line: str, timeout: float = 10) -> str:
    """The log once `line` is in it: gunicorn writes the access line after the answer has gone."""
    deadline = time.monotonic() + timeout
    while line not in (log := path.read_text(errors="replace")) and time.monotonic() < deadline:
        time.sleep(0.1)
    return log


def test_the_production_config_serves_health_and_a_login(app, conn, database_url, tmp_path):
    demo.load()
    accounts.acknowledge_regulation(Account.get(Account.login == "coordinator"))
    conn.close()
    env = {"DATABASE_URL": database_url, "PORTAL_INSTANCE": str(tmp_path), "SECRET_KEY": "ci-secret-key",
           "WEB_CONCURRENCY": "2", "SESSION_COOKIE_SECURE": "0", "RATELIMIT_STORAGE_URI": "memory://",
           "TRUSTED_PROXIES": "127.0.0.1"}
    with serve_production(env, tmp_path) as served:
        browser = Browser(served["base"])
        assert browser.request("/healthz") == (200, "ok\n")

        status, page = browser.post_login("coordinator", demo.PASSWORD)
        assert status == 200 and "<h1>Школа в целом</h1>" in page
        # Served for real on the demo database, by two workers with limits in memory: the page says so.
        assert serving.DEMO.text in page and serving.LIMITS.text in page

        # The client nginx names is the one logged, one line per request.
        browser.request("/healthz", headers={"X-Forwarded-For": "203.0.113.9"})
        log = _log_once(served["log"], '203.0.113.9 "GET /healthz')
        assert log.count('"GET /healthz HTTP/1.1" 200') == 2
        assert '\n203.0.113.9 "GET /healthz HTTP/1.1" 200 3 ' in log
        assert "НЕБЕЗОПАСНАЯ НАСТРОЙКА (DATABASE_URL)" in log
        assert "НЕБЕЗОПАСНАЯ НАСТРОЙКА (RATELIMIT_STORAGE_URI)" in log
