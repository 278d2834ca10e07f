"""A pair ended early or cancelled keeps the reason from the short list (DECISIONS.md, "The school year").

`end_reason` holds the code (the mentee's, the mentor's or the parent's request, leaving the school,
incompatibility, other); the free text stays in `ended_reason`, as before. The state «ended»
(«досрочно завершена») needs no schema change: the status column has no constraint on its values.

The NOT NULL column carries a database-level default and is added with allow_not_null, so both backends
add it in place (see 005). Existing rows get '' — no reason code was recorded for them.
"""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        "mentorship",
        allow_not_null=True,
        end_reason=pw.CharField(max_length=20, default="", constraints=[pw.SQL("DEFAULT ''")]),
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("mentorship", "end_reason")
