"""Uploads (DECISIONS.md, "Uploads"): the files people upload, and the first use of them — the external
mentor's cooperation agreement as signed on paper (4.14), with its number, date and scan."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class StoredFile(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'],
                                    on_delete='CASCADE')
        kind = pw.CharField(max_length=10)
        name = pw.CharField(max_length=200)
        stored_as = pw.CharField(max_length=64, unique=True)
        size = pw.IntegerField()
        sha256 = pw.CharField(max_length=64)
        uploaded_by = pw.ForeignKeyField(column_name='uploaded_by_id', field='id', model=migrator.orm['person'],
                                         null=True, on_delete='SET NULL')
        uploaded_at = pw.DateTimeField()

        class Meta:
            table_name = "stored_file"
            legacy_table_names = False

    @migrator.create_model
    class SignedAgreement(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'],
                                    on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'],
                                    on_delete='CASCADE')
        number = pw.CharField(max_length=50)
        signed_on = pw.DateField()
        scan = pw.ForeignKeyField(column_name='scan_id', field='id', model=migrator.orm['stored_file'],
                                  on_delete='RESTRICT')
        recorded_by = pw.ForeignKeyField(column_name='recorded_by_id', field='id', model=migrator.orm['person'],
                                         null=True, on_delete='SET NULL')
        recorded_at = pw.DateTimeField()

        class Meta:
            table_name = "signed_agreement"
            legacy_table_names = False


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("signed_agreement")
    migrator.remove_model("stored_file")
