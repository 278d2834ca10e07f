"""Notifications (DECISIONS.md, "Notifications and running for real"): each person's inbox, the outbox the
mail worker reads, and the person's choice to get no mail.

`person.mail_off` carries a database-level default and is added in place (see 003 and 005: a rebuild
of the person table on SQLite would trip over every row that points at people).
"""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("person", allow_not_null=True,
                        mail_off=pw.BooleanField(default=False, constraints=[pw.SQL("DEFAULT FALSE")]))

    @migrator.create_model
    class Notification(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'],
                                    on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'],
                                    on_delete='CASCADE')
        kind = pw.CharField(max_length=40)
        title = pw.CharField(max_length=200)
        details = pw.CharField(max_length=300, default="")
        object_type = pw.CharField(max_length=50, default="")
        object_id = pw.IntegerField(null=True)
        created_at = pw.DateTimeField()
        read_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "notification"
            legacy_table_names = False
            indexes = [(('person', 'read_at'), False), (('person', 'created_at'), False)]

    @migrator.create_model
    class OutboxMail(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'],
                                    on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'],
                                    on_delete='CASCADE')
        notification = pw.ForeignKeyField(column_name='notification_id', field='id',
                                          model=migrator.orm['notification'], on_delete='CASCADE')
        created_at = pw.DateTimeField()
        attempts = pw.IntegerField(default=0)
        next_attempt_at = pw.DateTimeField(index=True)
        sent_at = pw.DateTimeField(null=True, index=True)
        dropped_at = pw.DateTimeField(null=True)
        last_error = pw.CharField(max_length=300, default="")

        class Meta:
            table_name = "outbox_mail"
            legacy_table_names = False


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("outbox_mail")
    migrator.remove_model("notification")
    migrator.remove_fields("person", "mail_off")
