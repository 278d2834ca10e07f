"""Orders of every kind of s10 (4.1, s10): the fields the coordinator types for an order, and the scan of the
signed paper.

`details` holds the typed fields of an order that is not about pairs (the introduction of the target model,
the «Школа наставников», the final event) as JSON text; '' for the pairs orders, whose content is their rows.
`scan` is the scan of the signed order attached at registration (DECISIONS.md, "Uploads"). Both are added in
place on both backends: the NOT NULL column carries a database-level default (see 010)."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        "order",
        allow_not_null=True,
        details=pw.TextField(default="", constraints=[pw.SQL("DEFAULT ''")]),
        scan=pw.ForeignKeyField(column_name='scan_id', field='id', model=migrator.orm['stored_file'], null=True,
                                on_delete='RESTRICT'),
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("order", "details", "scan")
