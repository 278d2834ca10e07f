"""One database proxy for the whole app: SQLite by default, PostgreSQL when the URL says so."""
from urllib.parse import urlparse

from peewee import DatabaseProxy, SqliteDatabase
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
}


def database_from_url(url: str, pooled: bool = False):
    """Build the peewee database for a URL; SQLite gets WAL and foreign keys, PostgreSQL a pool.

    `pooled` SQLite is the web app's: the first statement on a new SQLite connection parses the whole
    schema (≈0.8 ms, a third of an empty page), so the app keeps its connections open between requests
    (docs/performance.md). Scripts and tests that copy or replace the file use plain connections, which
    leave nothing open behind them."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///"):]
        # timeout is in seconds: writers wait for each other instead of failing at once.
        if pooled:
            # A pooled connection moves between a worker's threads, one request at a time. `timeout` is
            # then the wait for a free connection; SQLite's own wait for a lock is the busy_timeout pragma.
            return PooledSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10, check_same_thread=False,
                                        max_connections=20, stale_timeout=300)
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


def release_connections() -> None:
    """Close every kept connection: before a process forks (a preloaded gunicorn master must not hand one
    SQLite connection to every worker) and when an app is thrown away (tests)."""
    if hasattr(db.obj, "close_all"):
        db.obj.close_all()


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
    database = database_from_url(app.config["DATABASE_URL"], pooled=True)
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
