"""Serving for real, on the web side: the trusted proxy, the facts services.serving judges, the warnings
logged once (at start-up, or at the first request that shows them)."""
from dataclasses import dataclass, field

from flask import current_app, request
from peewee import PeeweeException
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.db import db, release_connections
from portal.models import School
from portal.services import serving

FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
             "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX")


class TrustedProxy:
    """X-Forwarded-* believed only from the proxy: a request whose peer is one of `proxies` goes through
    ProxyFix (one hop: the client's address, the scheme and the host nginx saw); anyone else's
    X-Forwarded-* headers are dropped, so a client cannot choose its address for the login limits."""

    def __init__(self, app, proxies):
        self.app = app
        self.proxies = frozenset(proxies)
        self.fixed = ProxyFix(app, x_for=1, x_proto=1, x_host=1)

    def __call__(self, environ, start_response):
        if environ.get("REMOTE_ADDR") in self.proxies:
            return self.fixed(environ, start_response)
        for header in FORWARDED:
            environ.pop(header, None)
        return self.app(environ, start_response)


@dataclass
class State:
    migrations: list[str]                       # the migration files this code ships: the head
    demo_school: bool = False                   # seen at start-up
    https_seen: bool = False                    # a trusted proxy said HTTPS (this process)
    logged: set[str] = field(default_factory=set)


def _state(app) -> State:
    return app.extensions["serving"]


def init_app(app) -> None:
    from portal import schema

    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = TrustedProxy(app.wsgi_app, app.config["TRUSTED_PROXIES"])
    state = app.extensions["serving"] = State(migrations=schema.shipped())
    if _production(app):
        state.demo_school = _holds_demo_school()
    _log(app, serving.warnings(_facts(app, state.demo_school)))

    @app.before_request
    def https_behind_the_proxy():
        """Warn once when the proxy says HTTPS and the session cookie may still travel without it."""
        if request.is_secure and not state.https_seen:
            state.https_seen = True
            _log(app, serving.warnings(_facts(app, state.demo_school)))


def _production(app) -> bool:
    return bool(app.config["PRODUCTION"]) and not app.debug and not app.testing


def _holds_demo_school() -> bool:
    """At start-up, before any request: a database not reachable or not migrated yet holds no demo."""
    try:
        with db.connection_context():
            return School.select().where(School.is_demo == True).exists()  # noqa: E712
    except PeeweeException:
        return False
    finally:
        release_connections()


def _facts(app, demo_school: bool) -> serving.Facts:
    config = app.config
    return serving.Facts(
        production=_production(app), demo_school=demo_school, cookie_secure=bool(config["SESSION_COOKIE_SECURE"]),
        https_seen=_state(app).https_seen, workers=int(config["WORKERS"]),
        limiter_storage=str(config["RATELIMIT_STORAGE_URI"]), limiter_used=bool(config.get("RATELIMIT_ENABLED", True)))


def _log(app, found) -> None:
    state = _state(app)
    for warning in found:
        if warning.code not in state.logged:
            state.logged.add(warning.code)
            app.logger.warning("НЕБЕЗОПАСНАЯ НАСТРОЙКА (%s): %s", warning.setting, warning.text)


def unsafe_settings(school) -> list[serving.UnsafeSetting]:
    """For the coordinator's home page: the warnings for their school's database, as this process sees it."""
    return serving.warnings(_facts(current_app, bool(school.is_demo)))


def health() -> str | None:
    return serving.health(_state(current_app).migrations)
