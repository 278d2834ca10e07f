"""The roadmap of introducing the target model (3.2, s10): one table of events per school.

A new table, so an existing database upgrades in place on both backends. «Просрочено» is not a column: it is
computed from the deadline and the status (portal/models/roadmap.py)."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class RoadmapEvent(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'],
                                    on_delete='CASCADE')
        section = pw.CharField(max_length=20)
        title = pw.CharField(max_length=300)
        responsible = pw.ForeignKeyField(column_name='responsible_id', field='id', model=migrator.orm['person'],
                                         null=True, on_delete='SET NULL')
        responsible_text = pw.CharField(max_length=200, default="")
        due_on = pw.DateField()
        status = pw.CharField(max_length=12, default="planned")
        done_at = pw.DateTimeField(null=True)
        document = pw.ForeignKeyField(column_name='document_id', field='id', model=migrator.orm['issued_document'],
                                      null=True, on_delete='SET NULL')
        evidence_file = pw.ForeignKeyField(column_name='evidence_file_id', field='id',
                                           model=migrator.orm['stored_file'], null=True, on_delete='SET NULL')
        note = pw.TextField(default="")
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "roadmap_event"
            legacy_table_names = False
            indexes = [(('school', 'due_on'), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("roadmap_event")
