"""Fixtures in the manner of Flask's tutorial: a migrated schema built once, copied for every test."""
import os
import re
import shutil
from datetime import date
from urllib.parse import urlparse, urlunparse

import pytest
from flask import Flask
from jinja2 import BytecodeCache
from peewee import AutoField, IntegrityError, SqliteDatabase
from werkzeug.routing import Rule

from portal import create_app
from portal.config import TestConfig
from portal.documents import pdf
from portal.db import database_from_url, db, release_connections
from portal.models import MODELS

pytest_plugins = ["tests.factories", "tests.clause_plugin"]

PG_URL = os.environ.get("TEST_DATABASE_URL")
# `make test` runs the suite in parallel (pytest-xdist): each worker, gw0, gw1…, tests on its own database.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
HX_HEADERS_RE = re.compile(r"<body[^>]*hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'")
ERROR_RE = re.compile(r'<p class="error[^"]*"[^>]*>(.*?)</p>', re.S)
CYRILLIC_RE = re.compile("[А-Яа-яЁё]")


class TemplatesCompiledOnce(BytecodeCache):
    """Jinja's bytecode cache is keyed by the template's name and checked against its source, so every
    app of the suite can share one in memory."""

    def __init__(self):
        self.code = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="session", autouse=True)
def apps_share_compiled_code():
    """Every test makes its own app, and each app would compile its ~250 URL rules' builders (werkzeug
    writes Python source for each) and every template it renders afresh: more than half of a short
    test's time. A builder's code depends only on the rule's text, defaults and map settings, and takes
    the rule as its first argument, so one compiled function serves the same rule in every app; the
    templates' code is shared through Jinja's bytecode cache."""
    compile_builder = Rule._compile_builder
    compiled = {}

    def once(rule, append_unknown=True):
        key = (rule.rule, rule.subdomain, rule.host, rule.map.host_matching, rule.merge_slashes,
               repr(sorted((rule.defaults or {}).items())), append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(rule, append_unknown)
        return compiled[key]

    jinja_options = Flask.jinja_options
    Rule._compile_builder = once
    Flask.jinja_options = {**jinja_options, "bytecode_cache": TemplatesCompiledOnce()}
    yield
    Rule._compile_builder = compile_builder
    Flask.jinja_options = jinja_options


def _migrate(url: str) -> None:
    from portal import schema
    db.initialize(database_from_url(url))
    with db.connection_context():
        schema.upgrade()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> str:
    """Every migration applied once to an empty SQLite file; tests get a copy."""
    path = tmp_path_factory.mktemp("schema") / "portal.db"
    _migrate(f"sqlite:///{path}")
    database = db.obj
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)") if not database.is_closed() else None
    return str(path)


def pg_admin(statement: str, *identifiers: str) -> None:
    """Run CREATE/DROP DATABASE (not allowed inside a transaction) on TEST_DATABASE_URL's server."""
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(PG_URL)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL(statement).format(*map(sql.Identifier, identifiers)))
    finally:
        connection.close()


def pg_database_beside(suffix: str) -> tuple[str, str]:
    """A new, empty database on TEST_DATABASE_URL's server, named after its database (`.ci/run` drops what a
    cut-short run leaves of `<name>_…`): its name and URL; the caller drops it."""
    name = f"{urlparse(PG_URL).path.lstrip('/')[:30]}_{suffix}"
    pg_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
    pg_admin("CREATE DATABASE {}", name)
    return name, urlunparse(urlparse(PG_URL)._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def migrated_postgres():
    """TEST_DATABASE_URL's database migrated afresh; a parallel worker makes its own beside it and drops
    it at the end, since every test empties the tables of the one database it shares with its worker."""
    if not PG_URL:
        yield None
        return
    if WORKER:
        own, url = pg_database_beside(WORKER)
    else:
        own, url = None, PG_URL
        database = database_from_url(url)
        with database.connection_context():
            database.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        database.close_all()
    _migrate(url)
    yield url
    if own:
        if not db.is_closed():
            db.close()
        db.obj.close_all()
        pg_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", own)


def _truncate_postgres():
    """Empty every table and restart the ids. DELETE in reverse dependency order takes ~10 ms on the
    few rows a test writes, where TRUNCATE of every table takes most of a second; TRUNCATE stays as
    the fallback should a foreign key ever point against MODELS' order."""
    tables = [m._meta.table_name for m in MODELS]
    with db.connection_context():
        try:
            with db.atomic():
                for table in reversed(tables):
                    db.execute_sql(f'DELETE FROM "{table}"')
        except IntegrityError:
            joined = ", ".join(f'"{t}"' for t in tables)
            db.execute_sql(f"TRUNCATE {joined} RESTART IDENTITY CASCADE")
            return
        serial = [(m._meta.table_name, m._meta.primary_key.column_name) for m in MODELS
                  if isinstance(m._meta.primary_key, AutoField)]
        db.execute_sql("SELECT setval(pg_get_serial_sequence(t, c), 1, false) FROM unnest(%s::text[], %s::text[]) "
                       "AS s(t, c) WHERE pg_get_serial_sequence(t, c) IS NOT NULL",
                       ([f'"{t}"' for t, _ in serial], [c for _, c in serial]))


@pytest.fixture
def database_url(tmp_path, migrated_sqlite, migrated_postgres):
    """A clean migrated database per test: a copied SQLite file, or PostgreSQL emptied after the test."""
    if migrated_postgres:
        yield migrated_postgres
        _truncate_postgres()
        db.obj.close_all()
    else:
        target = tmp_path / "portal.db"
        shutil.copy(migrated_sqlite, target)
        yield f"sqlite:///{target}"


@pytest.fixture
def app(database_url, tmp_path):
    class Config(TestConfig):
        DATABASE_URL = database_url
        INSTANCE_PATH = tmp_path

    application = create_app(Config)
    yield application
    if not db.is_closed():
        db.close()
    release_connections()  # the app's kept SQLite connections: no open file outlives its test


@pytest.fixture
def conn(app):
    """A connection for tests that touch models directly; requests close it, peewee reopens on demand."""
    db.connect(reuse_if_open=True)
    yield db
    if not db.is_closed():
        db.close()


class PortalClient:
    """A test client that carries the CSRF token the way a browser does: read from the last page."""

    def __init__(self, client):
        self.raw = client
        self.token = None

    def _remember(self, response):
        match = CSRF_RE.search(response.get_data(as_text=True)) if response.mimetype == "text/html" else None
        if match:
            self.token = match.group(1) or match.group(2)
        return response

    def get(self, url, **kw):
        return self._remember(self.raw.get(url, **kw))

    def post(self, url, data=None, csrf=True, htmx=False, **kw):
        data = dict(data or {})
        headers = dict(kw.pop("headers", {}))
        if csrf and self.token is None:
            self.get("/login")
        if csrf:
            data.setdefault("csrf_token", self.token)
        if htmx:
            headers.update({"HX-Request": "true"})
        return self._remember(self.raw.post(url, data=data, headers=headers, **kw))


@pytest.fixture
def client(app):
    return PortalClient(app.test_client())


@pytest.fixture
def login(client):
    """Log in through the form, as a person would, and land past the regulation acknowledgement."""

    def do(login_name, password="correct horse battery", acknowledge=True):
        response = client.post("/login", {"login": login_name, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)
        if acknowledge:
            client.get("/regulation/acknowledge")
            client.post("/regulation/acknowledge")
        return response
    return do


@pytest.fixture
def today():
    return date.today()


def error_messages(response) -> list[str]:
    """Every validation message on the page, beside a field or on top of the form."""
    return [m.strip() for m in ERROR_RE.findall(response.get_data(as_text=True))]


def field_errors(response, field: str) -> list[str]:
    """The messages shown beside one field (the macro gives them the id `<field>-error`)."""
    pattern = re.compile(rf'<p class="error" id="{re.escape(field)}-error">(.*?)</p>', re.S)
    return [m.strip() for m in pattern.findall(response.get_data(as_text=True))]


def is_russian(text: str) -> bool:
    return bool(CYRILLIC_RE.search(text))


def hx_csrf_token(response) -> str | None:
    """The token the base layout hands to htmx through `hx-headers` on <body>."""
    match = HX_HEADERS_RE.search(response.get_data(as_text=True))
    return match.group(1) if match else None


def is_sqlite_db() -> bool:
    return isinstance(db.obj, SqliteDatabase)


@pytest.fixture(params=pdf.available_engines())
def engine(request, app):
    """Each PDF test runs once per engine this machine has (DECISIONS.md, «PDF engine»)."""
    app.config["PDF_ENGINE"] = request.param
    pdf.init_app(app)
    yield request.param
    app.config["PDF_ENGINE"] = None
    pdf.init_app(app)
