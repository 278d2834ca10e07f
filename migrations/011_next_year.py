"""The next school year (DECISIONS.md, "The school year"): a programme may be a draft, and a pair carried
into the new year's programme links to the one it continues.

`programme.published_at` is NULL on a draft. Every programme written before this migration was in force
at once, so each is marked published at its creation time. `mentorship.carried_from` points at last
year's pair; the state «carried» needs no schema change (the status column has no constraint on values).
Both columns are nullable, so both backends add them in place.
"""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("programme", published_at=pw.DateTimeField(null=True))
    migrator.sql("UPDATE programme SET published_at = created_at")
    migrator.add_fields(
        "mentorship",
        carried_from=pw.ForeignKeyField(column_name="carried_from_id", field="id", model=migrator.orm["mentorship"],
                                        null=True, on_delete="RESTRICT"),
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("mentorship", "carried_from")
    migrator.remove_fields("programme", "published_at")
