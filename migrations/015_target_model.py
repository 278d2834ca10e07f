"""The registry of documents (s10): the school's target model of mentorship as uploaded files, one row per
version. A new table, so an existing database upgrades in place on both backends."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class TargetModelVersion(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'],
                                    on_delete='CASCADE')
        number = pw.IntegerField()
        file = pw.ForeignKeyField(column_name='file_id', field='id', model=migrator.orm['stored_file'],
                                  on_delete='RESTRICT')
        note = pw.TextField(default="")

        class Meta:
            table_name = "target_model_version"
            legacy_table_names = False
            indexes = [(('school', 'number'), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("target_model_version")
