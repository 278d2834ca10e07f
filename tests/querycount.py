"""Count the SQL statements a block runs: a page must cost the same whatever the data size.

    with count_queries() as queries:
        client.get("/staff/bases/1")
    assert len(queries) == ...

It wraps the live database's `execute_sql`, the one door every peewee query goes through, so it sees
what the app runs (no mocks: the queries still reach the database).
"""
from contextlib import contextmanager

from portal.db import db


@contextmanager
def count_queries():
    """Yield the list of SQL statements run inside the block (in order, with their text)."""
    database = db.obj
    had_own = "execute_sql" in vars(database)
    original = database.execute_sql
    statements: list[str] = []

    def counting(sql, *args, **kwargs):
        statements.append(sql)
        return original(sql, *args, **kwargs)

    database.execute_sql = counting
    try:
        yield statements
    finally:
        if had_own:
            database.execute_sql = original
        else:
            del database.execute_sql
