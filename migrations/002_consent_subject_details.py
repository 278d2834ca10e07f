"""The subject's own document and address on a consent signed by a representative (152-ФЗ art. 9 p. 4)."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        "consent",
        subject_document=pw.TextField(default=""),
        subject_address=pw.TextField(default=""),
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("consent", "subject_document", "subject_address")
