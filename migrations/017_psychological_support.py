"""Psychological support (s6, s8; DECISIONS.md, "Voice, support, training, motivation"): the requests mentors,
mentees and parents send to the school's psychologists, and the psychologists' notes on them.

The role «psychologist» is a RoleGrant like any other: roles are not constrained in the schema, so only the
two new tables are added, in place on both backends.
"""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class SupportRequest(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'],
                                    on_delete='CASCADE')
        asked_by = pw.ForeignKeyField(column_name='asked_by_id', field='id', model=migrator.orm['person'],
                                      on_delete='CASCADE')
        about = pw.ForeignKeyField(column_name='about_id', field='id', model=migrator.orm['person'],
                                   on_delete='CASCADE')
        asked_as = pw.CharField(max_length=10)
        mentoring_format = pw.ForeignKeyField(column_name='mentoring_format_id', field='id',
                                              model=migrator.orm['mentoring_format'], null=True,
                                              on_delete='SET NULL')
        topic = pw.TextField(default="")
        contact = pw.CharField(max_length=300, default="")
        parents_see = pw.BooleanField(default=False)
        status = pw.CharField(index=True, max_length=10, default="new")
        asked_at = pw.DateTimeField()
        contacted_at = pw.DateTimeField(null=True)
        closed_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "support_request"
            legacy_table_names = False
            indexes = [(('school', 'status', 'asked_at'), False)]

    @migrator.create_model
    class SupportNote(pw.Model):
        id = pw.AutoField()
        request = pw.ForeignKeyField(column_name='request_id', field='id', model=migrator.orm['support_request'],
                                     on_delete='CASCADE')
        author = pw.ForeignKeyField(column_name='author_id', field='id', model=migrator.orm['person'], null=True,
                                    on_delete='SET NULL')
        kind = pw.CharField(max_length=10)
        text = pw.TextField(default="")
        at = pw.DateTimeField()

        class Meta:
            table_name = "support_note"
            legacy_table_names = False


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("support_note")
    migrator.remove_model("support_request")
