"""Complaints about a pair's work (s6, s8): the complaint, the mentor's explanation and the coordinator's decision.

A new table, so an existing database upgrades in place on both backends."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Complaint(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'],
                                    on_delete='CASCADE')
        mentorship = pw.ForeignKeyField(column_name='mentorship_id', field='id', model=migrator.orm['mentorship'],
                                        on_delete='CASCADE')
        filed_by = pw.ForeignKeyField(column_name='filed_by_id', field='id', model=migrator.orm['person'],
                                      on_delete='CASCADE')
        filed_as = pw.CharField(max_length=12)
        on_behalf_of = pw.ForeignKeyField(column_name='on_behalf_of_id', field='id', model=migrator.orm['person'],
                                          null=True, on_delete='CASCADE')
        text = pw.TextField()
        name_shown = pw.BooleanField(default=False)
        status = pw.CharField(max_length=10, default="filed")
        explanation = pw.TextField(default="")
        explained_at = pw.DateTimeField(null=True)
        outcome = pw.CharField(max_length=12, default="")
        decision = pw.TextField(default="")
        decided_by = pw.ForeignKeyField(column_name='decided_by_id', field='id', model=migrator.orm['person'],
                                        null=True, on_delete='SET NULL')
        decided_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "complaint"
            legacy_table_names = False
            indexes = [(('school', 'status'), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("complaint")
