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
