"""A guardian link a curator makes waits for the coordinator (DECISIONS.md, "Who may change whom").

Until now a link either counted (`confirmed_at` set) or had been removed (`confirmed_at` NULL). A
curator's link now waits, unconfirmed, until the coordinator confirms it with the document seen, or
rejects it; `status` tells these apart, `document` keeps what the coordinator saw, `requested_by`
and `requested_at` who asked and when, `rejection_reason` why a request was turned down.

The NOT NULL columns carry database-level defaults and are added with allow_not_null, so both
backends add them in place (see 003: a table rebuild on SQLite would trip over the rows pointing at
the people). Existing rows become «confirmed» by the default; those without `confirmed_at` were
removed links, and are marked so here.
"""
import peewee as pw
from peewee_migrate import Migrator


def mark_removed(database):
    guardianship = pw.Table("guardianship", ("id", "confirmed_at", "status")).bind(database)
    guardianship.update(status="removed").where(guardianship.confirmed_at.is_null()).execute()


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        "guardianship",
        allow_not_null=True,
        status=pw.CharField(max_length=10, default="confirmed", constraints=[pw.SQL("DEFAULT 'confirmed'")]),
        document=pw.CharField(max_length=300, default="", constraints=[pw.SQL("DEFAULT ''")]),
        requested_by=pw.ForeignKeyField(column_name="requested_by_id", field="id", model=migrator.orm["person"],
                                        null=True, on_delete="SET NULL"),
        requested_at=pw.DateTimeField(null=True),
        rejection_reason=pw.CharField(max_length=300, default="", constraints=[pw.SQL("DEFAULT ''")]),
    )
    migrator.run(mark_removed, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("guardianship", "status", "document", "requested_by", "requested_at", "rejection_reason")
