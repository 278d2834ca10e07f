"""Issued documents (DECISIONS.md «What a signed document is»): the HTML frozen at issue, its SHA-256,
the PDF made from it once, and a verification code for `/verify/<code>`.

Only the table is created here. Existing consents, registered orders and final reports are frozen by
`portal.services.issued.freeze_missing()`, which `flask db-upgrade` runs right after the migrations in
the same command: the freezing renders with today's templates and models, and a migration that used
them would break as soon as a later migration changed a table they read (an upgrade from 005 to 007
would run 006 with 007's models against a database that lacks 007's columns). Those documents are
marked `frozen_late_at`: they hold what the rows rendered at the upgrade, not at their issue.
"""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class IssuedDocument(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'],
                                    on_delete='CASCADE')
        kind = pw.CharField(max_length=20)
        title = pw.CharField(max_length=300)
        number = pw.CharField(max_length=50, null=True)
        issued_at = pw.DateTimeField()
        issued_by = pw.ForeignKeyField(column_name='issued_by_id', field='id', model=migrator.orm['person'],
                                       null=True, on_delete='SET NULL')
        code = pw.CharField(max_length=16, unique=True)
        html = pw.TextField()
        html_sha256 = pw.CharField(max_length=64)
        pdf = pw.BlobField(null=True)
        pdf_sha256 = pw.CharField(max_length=64, null=True)
        pdf_at = pw.DateTimeField(null=True)
        frozen_late_at = pw.DateTimeField(null=True)
        erased_at = pw.DateTimeField(null=True)
        consent = pw.ForeignKeyField(column_name='consent_id', field='id', model=migrator.orm['consent'],
                                     null=True, on_delete='RESTRICT', unique=True)
        order = pw.ForeignKeyField(column_name='order_id', field='id', model=migrator.orm['order'], null=True,
                                   on_delete='RESTRICT', unique=True)
        report = pw.ForeignKeyField(column_name='report_id', field='id', model=migrator.orm['final_report'],
                                    null=True, on_delete='RESTRICT', unique=True)
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], null=True,
                                    on_delete='RESTRICT')

        class Meta:
            table_name = "issued_document"
            legacy_table_names = False
            indexes = [(('school', 'kind', 'issued_at'), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("issued_document")
