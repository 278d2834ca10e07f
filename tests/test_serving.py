"""Running for real (DECISIONS.md «Notifications and running for real»): the proxy's /healthz, the trusted
proxy, and the warnings about settings that are unsafe where the portal serves."""
import logging
from datetime import datetime
from dataclasses import replace

import pytest

from portal import create_app
from portal.config import TestConfig
from portal.db import db
from portal.models import School
from portal.services import serving
from tests.querycount import count_queries

pytestmark = pytest.mark.quality("security")

SAFE = serving.Facts(production=True, demo_school=False, cookie_secure=True, https_seen=True, workers=4,
                     limiter_storage="redis://127.0.0.1:6379", limiter_used=True)


def _app_on(tmp_path, url, **settings):
    class Config(TestConfig):
        DATABASE_URL = url
        INSTANCE_PATH = tmp_path

    for name, value in settings.items():
        setattr(Config, name, value)
    return create_app(Config)


# --- /healthz -----------------------------------------------------------------------------------------

def test_healthz_is_ok_on_a_migrated_database_in_one_query_without_a_cookie(app, client):
    client.raw.get("/healthz")  # the first request of a process may load what later ones reuse
    with count_queries() as queries:
        response = client.raw.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "ok\n"
    assert "Set-Cookie" not in response.headers
    assert len(queries) == 1, queries


def test_healthz_is_503_on_a_database_not_migrated(tmp_path):
    app = _app_on(tmp_path, f"sqlite:///{tmp_path / 'fresh.db'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "database not migrated\n"
    assert "Set-Cookie" not in response.headers


def test_healthz_is_503_while_a_migration_is_pending(app, client, conn):
    last = app.extensions["serving"].migrations[-1]
    db.execute_sql(f'DELETE FROM "migratehistory" WHERE name = {db.param}', (last,))
    db.close()
    try:
        response = client.raw.get("/healthz")
    finally:  # PostgreSQL's schema is shared by the whole run: the history row goes back
        db.connect(reuse_if_open=True)
        db.execute_sql(f'INSERT INTO "migratehistory" (name, migrated_at) VALUES ({db.param}, {db.param})',
                       (last, datetime.now()))
        db.close()
    assert response.status_code == 503
    assert response.get_data(as_text=True) == f"migrations pending: {last}\n"


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    app = _app_on(tmp_path, f"sqlite:///{tmp_path / 'no such directory' / 'portal.db'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "database unreachable\n"


# --- the proxy: X-Forwarded-* believed from it alone ----------------------------------------------------

@pytest.mark.parametrize("peer,address,secure", [("127.0.0.1", "203.0.113.7", True), ("198.51.100.1", "198.51.100.1", False)])
def test_forwarded_headers_are_believed_only_from_the_trusted_proxy(tmp_path, database_url, peer, address, secure):
    app = _app_on(tmp_path, database_url, TRUSTED_PROXIES=["127.0.0.1"])
    seen = {}

    @app.route("/_peer")
    def _peer():
        from flask import request
        seen.update(address=request.remote_addr, secure=request.is_secure)
        return "ok"

    app.test_client().get("/_peer", environ_base={"REMOTE_ADDR": peer},
                          headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    assert seen == {"address": address, "secure": secure}


# --- which settings are unsafe (services.serving.warnings) ---------------------------------------------

def test_a_safe_installation_has_no_warning():
    assert serving.warnings(SAFE) == []


def test_the_demo_database_is_unsafe_only_in_production():
    assert serving.warnings(replace(SAFE, demo_school=True)) == [serving.DEMO]
    assert serving.warnings(replace(SAFE, demo_school=True, production=False)) == []


def test_an_insecure_cookie_is_unsafe_once_the_proxy_says_https():
    assert serving.warnings(replace(SAFE, cookie_secure=False)) == [serving.COOKIE]
    assert serving.warnings(replace(SAFE, cookie_secure=False, https_seen=False)) == []


def test_limits_in_memory_are_unsafe_with_several_workers():
    in_memory = replace(SAFE, limiter_storage="memory://")
    assert serving.warnings(in_memory) == [serving.LIMITS]
    assert serving.warnings(replace(in_memory, workers=1)) == []
    assert serving.warnings(replace(in_memory, limiter_used=False)) == []


def test_every_warning_is_in_russian_and_names_its_setting():
    everything = serving.Facts(production=True, demo_school=True, cookie_secure=False, https_seen=True, workers=2,
                               limiter_storage="memory://", limiter_used=True)
    found = serving.warnings(everything)
    assert [w.code for w in found] == ["demo_database", "cookie_not_secure", "limits_not_shared"]
    for warning in found:
        assert warning.setting in warning.text or warning.code == "demo_database"


def test_unsafe_limits_are_logged_at_start_up(tmp_path, database_url, caplog):
    with caplog.at_level(logging.WARNING):
        _app_on(tmp_path, database_url, WORKERS=3)
    lines = [r.getMessage() for r in caplog.records if "НЕБЕЗОПАСНАЯ НАСТРОЙКА" in r.getMessage()]
    assert lines == [f"НЕБЕЗОПАСНАЯ НАСТРОЙКА (RATELIMIT_STORAGE_URI): {serving.LIMITS.text}"]


def test_an_insecure_cookie_behind_https_is_logged_once(app, client, caplog):
    with caplog.at_level(logging.WARNING):
        client.raw.get("/login")
        client.raw.get("/login", base_url="https://localhost")
        client.raw.get("/login", base_url="https://localhost")
    lines = [r.getMessage() for r in caplog.records if "НЕБЕЗОПАСНАЯ НАСТРОЙКА" in r.getMessage()]
    assert lines == [f"НЕБЕЗОПАСНАЯ НАСТРОЙКА (SESSION_COOKIE_SECURE): {serving.COOKIE.text}"]


# --- the coordinator's home says it too ----------------------------------------------------------------

def test_the_coordinators_home_shows_the_unsafe_settings(app, client, login_as, school):
    login_as("coordinator")
    page = client.get("/coordinator/").get_data(as_text=True)
    assert "Небезопасные настройки" not in page

    app.config["WORKERS"] = 3
    page = client.get("/coordinator/").get_data(as_text=True)
    assert "Небезопасные настройки" in page and serving.LIMITS.text in page
    assert serving.COOKIE.text not in page

    client.raw.get("/coordinator/", base_url="https://localhost")
    page = client.get("/coordinator/").get_data(as_text=True)
    assert serving.COOKIE.text in page


def test_the_coordinators_home_warns_of_the_demo_database_in_production(app, client, login_as, school):
    login_as("coordinator")
    School.update(is_demo=True).where(School.id == school.id).execute()
    assert serving.DEMO.text not in client.get("/coordinator/").get_data(as_text=True)
    app.config["PRODUCTION"] = True
    app.testing = False
    page = client.get("/coordinator/").get_data(as_text=True)
    assert serving.DEMO.text in page
