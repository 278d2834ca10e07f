"""Running for real: the proxy's health check and the settings that are unsafe where the portal serves.

The web layer gathers the facts (the app's configuration, what gunicorn said, what a request showed)
and passes them in; the rules of what is healthy and what deserves a warning live here
(DECISIONS.md «Notifications and running for real»)."""
from dataclasses import dataclass

from peewee import PeeweeException

from portal.db import db

MIGRATION_TABLE = "migratehistory"


def health(migrations: list[str]) -> str | None:
    """None when the database answers and every migration in `migrations` (the files the code ships,
    listed once at start-up) is applied; otherwise a short reason for the proxy's log.

    One query: the migration history. A database that cannot be reached fails at the connection."""
    try:
        db.connect(reuse_if_open=True)
    except PeeweeException:
        return "database unreachable"
    try:
        done = {row[0] for row in db.execute_sql(f'SELECT name FROM "{MIGRATION_TABLE}"')}
    except PeeweeException:
        _rollback()
        return "database not migrated"
    pending = [name for name in migrations if name not in done]
    if pending:
        return f"migrations pending: {', '.join(pending)}"
    return None


def _rollback() -> None:
    """A failed statement leaves PostgreSQL's transaction aborted: end it before the pool takes the
    connection back."""
    try:
        db.rollback()
    except PeeweeException:
        pass


# --- settings that are unsafe where the portal serves -------------------------------------------------

@dataclass(frozen=True)
class Facts:
    production: bool          # served by the production config (gunicorn), neither debug nor testing
    demo_school: bool         # the database holds the demo school with its shared password
    cookie_secure: bool       # SESSION_COOKIE_SECURE
    https_seen: bool          # a trusted proxy said a request came over HTTPS (X-Forwarded-Proto)
    workers: int              # gunicorn worker processes
    limiter_storage: str      # RATELIMIT_STORAGE_URI
    limiter_used: bool        # Flask-Limiter limits some routes (/verify) and is enabled


@dataclass(frozen=True)
class UnsafeSetting:
    code: str
    setting: str              # the environment variable or step that fixes it
    text: str                 # Russian, for the log and the coordinator's home page


DEMO = UnsafeSetting(
    "demo_database", "DATABASE_URL",
    "Портал работает в боевом режиме на демонстрационной базе: у её учётных записей общий пароль "
    "«demo-nastavnik». Для настоящей школы создайте новую базу (flask create-school).")
COOKIE = UnsafeSetting(
    "cookie_not_secure", "SESSION_COOKIE_SECURE",
    "Портал открыт по HTTPS, но SESSION_COOKIE_SECURE не включён: cookie сеанса может уйти по "
    "незащищённому соединению. Задайте SESSION_COOKIE_SECURE=1 и перезапустите портал.")
LIMITS = UnsafeSetting(
    "limits_not_shared", "RATELIMIT_STORAGE_URI",
    "Несколько процессов gunicorn хранят ограничение частоты запросов (проверка документов /verify) "
    "каждый в своей памяти (memory://), и каждый считает отдельно. Задайте общее хранилище: "
    "RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379.")


def warnings(facts: Facts) -> list[UnsafeSetting]:
    """What an administrator must fix, most dangerous first; empty when nothing is unsafe."""
    found = []
    if facts.production and facts.demo_school:
        found.append(DEMO)
    if facts.https_seen and not facts.cookie_secure:
        found.append(COOKIE)
    if facts.workers > 1 and facts.limiter_used and facts.limiter_storage.startswith("memory://"):
        found.append(LIMITS)
    return found
