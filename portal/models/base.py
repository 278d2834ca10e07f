"""The base model every table shares: one database proxy, snake_case table names."""
from datetime import datetime, timezone

from peewee import Model

from portal.db import db


def utcnow() -> datetime:
    """Naive UTC, the same on SQLite and PostgreSQL; pages convert to Moscow time."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class ConstantSql:
    """One statement whose text never changes, written once per database instead of rebuilt by the query
    builder on every call: for the few queries every request runs (the session's account, the header's
    unread count), where building the string costs more than running it.

    `build(database)` returns the text with `database.param` as the placeholder (SQLite «?», PostgreSQL
    «%s»); it is called once per database object and kept. The statement still goes through
    `db.execute_sql`, the one door every query takes (the query-count tests see it)."""

    def __init__(self, build):
        self._build = build
        self._kept: tuple[object, str] | None = None  # (database, text)

    def execute(self, params: tuple):
        database = db.obj
        kept = self._kept
        if kept is None or kept[0] is not database:
            kept = self._kept = (database, self._build(database))
        return db.execute_sql(kept[1], params)


def column_list(model, alias: str) -> str:
    """Every column of a model in its field order, qualified by the alias: the select list for `from_row`."""
    return ", ".join(f'{alias}."{field.column_name}"' for field in model._meta.sorted_fields)


def from_row(model, values):
    """A model instance from the values of `column_list(model, …)`, each converted as a select converts it
    (`python_value`: dates parsed, booleans made bool)."""
    fields = model._meta.sorted_fields
    return model(**{field.name: field.python_value(value) for field, value in zip(fields, values)})
