"""Participants' proposals (s6, s8, s9): one table of proposals on the mentorship work and the school's
development, with the coordinator's answer and the author's agreement to publish.

A new table, so an existing database upgrades in place on both backends."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class ImprovementProposal(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'],
                                    on_delete='CASCADE')
        author = pw.ForeignKeyField(column_name='author_id', field='id', model=migrator.orm['person'],
                                    on_delete='CASCADE')
        author_role = pw.CharField(max_length=12)
        on_behalf_of = pw.ForeignKeyField(column_name='on_behalf_of_id', field='id', model=migrator.orm['person'],
                                          null=True, on_delete='CASCADE')
        topic = pw.CharField(max_length=12)
        mentoring_format = pw.ForeignKeyField(column_name='mentoring_format_id', field='id',
                                              model=migrator.orm['mentoring_format'], null=True,
                                              on_delete='SET NULL')
        text = pw.TextField()
        attachment = pw.ForeignKeyField(column_name='attachment_id', field='id', model=migrator.orm['stored_file'],
                                        null=True, on_delete='SET NULL')
        publish_agreed = pw.BooleanField(default=False)
        status = pw.CharField(max_length=10, default="new")
        answer = pw.TextField(default="")
        answered_by = pw.ForeignKeyField(column_name='answered_by_id', field='id', model=migrator.orm['person'],
                                         null=True, on_delete='SET NULL')
        answered_at = pw.DateTimeField(null=True)
        published_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "improvement_proposal"
            legacy_table_names = False
            indexes = [(('school', 'status'), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("improvement_proposal")
