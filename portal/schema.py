"""Schema changes only through migrations/: an existing school's database upgrades in place."""
from peewee_migrate import Router

from portal.config import ROOT
from portal.db import db

MIGRATIONS_DIR = ROOT / "migrations"


def router() -> Router:
    return Router(db, migrate_dir=MIGRATIONS_DIR, ignore=["basemodel"])


def upgrade() -> list[str]:
    """Apply every migration not yet applied; returns their names."""
    r = router()
    todo = list(r.diff)
    r.run()
    return todo


def pending() -> list[str]:
    return list(router().diff)


def shipped() -> list[str]:
    """The migrations this code ships, from the files alone (no query): the schema's head."""
    return list(router().todo)
