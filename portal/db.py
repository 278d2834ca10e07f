"""One database proxy for the whole app: SQLite by default, PostgreSQL when the URL says so."""
from urllib.parse import urlparse

from peewee import DatabaseProxy, SqliteDatabase
from playhouse.pool import PooledPostgresqlDatabase

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
}


def database_from_url(url: str):
    """Build the peewee database for a URL; SQLite gets WAL and foreign keys, PostgreSQL a pool."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///"):]
        # timeout is in seconds: writers wait for each other instead of failing at once.
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10)
    if parsed.scheme in ("postgres", "postgresql"):
        return PooledPostgresqlDatabase(
            parsed.path.lstrip("/"),
            user=parsed.username,
            password=parsed.password,
            host=parsed.hostname,
            port=parsed.port or 5432,
            max_connections=20,
            stale_timeout=300,
        )
    raise ValueError(f"Неподдерживаемая база данных: {parsed.scheme}")


def is_sqlite() -> bool:
    return isinstance(db.obj, SqliteDatabase)


def atomic_write():
    """A transaction that takes the write lock at once on SQLite, so guarded limits hold."""
    if is_sqlite():
        return db.obj.atomic("IMMEDIATE")
    return db.atomic()


def lock_row(model, row_id: int) -> None:
    """Inside `atomic_write`: hold one row's lock until the transaction ends, so two writers that check and then
    write through that row take turns (`SELECT … FOR UPDATE`; SQLite's IMMEDIATE transaction already
    serialises every writer)."""
    if not is_sqlite():
        list(model.select(model.id).where(model.id == row_id).for_update())


def init_app(app, connects_itself=lambda: False):
    """`connects_itself()` is true for a request that opens the connection itself (/healthz answers 503,
    not 500, when it fails)."""
    database = database_from_url(app.config["DATABASE_URL"])
    db.initialize(database)

    @app.before_request
    def _connect():
        if connects_itself():
            return
        db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not db.is_closed():
            db.close()
