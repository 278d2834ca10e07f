"""Recognition (s9, s6): school events and their participants, school competitions with nominations and the
jury's places, the certificates and letters issued for them, and nominations to outside contests.

New tables only, so an existing database upgrades in place on both backends. The two new kinds of issued
document («award», «thanks_letter») are model choices, not a database constraint: nothing to migrate there."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class SchoolEvent(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'],
                                    on_delete='CASCADE')
        kind = pw.CharField(max_length=12)
        title = pw.CharField(max_length=300)
        held_on = pw.DateField()
        place = pw.CharField(max_length=300, default="")
        programme = pw.TextField(default="")
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['person'],
                                        null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "school_event"
            legacy_table_names = False
            indexes = [(('school', 'held_on'), False)]

    @migrator.create_model
    class EventParticipant(pw.Model):
        id = pw.AutoField()
        event = pw.ForeignKeyField(column_name='event_id', field='id', model=migrator.orm['school_event'],
                                   on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'],
                                    on_delete='CASCADE')
        added_at = pw.DateTimeField()

        class Meta:
            table_name = "event_participant"
            legacy_table_names = False
            indexes = [(('event', 'person'), True)]

    @migrator.create_model
    class Competition(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'],
                                    on_delete='CASCADE')
        kind = pw.CharField(max_length=16)
        year = pw.IntegerField()
        event = pw.ForeignKeyField(column_name='event_id', field='id', model=migrator.orm['school_event'],
                                   null=True, on_delete='SET NULL')
        status = pw.CharField(max_length=10, default="open")
        decided_by = pw.ForeignKeyField(column_name='decided_by_id', field='id', model=migrator.orm['person'],
                                        null=True, on_delete='SET NULL')
        decided_at = pw.DateTimeField(null=True)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['person'],
                                        null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "competition"
            legacy_table_names = False
            indexes = [(('school', 'kind', 'year'), True)]

    @migrator.create_model
    class Nomination(pw.Model):
        id = pw.AutoField()
        competition = pw.ForeignKeyField(column_name='competition_id', field='id', model=migrator.orm['competition'],
                                         on_delete='CASCADE')
        nominee = pw.ForeignKeyField(column_name='nominee_id', field='id', model=migrator.orm['person'],
                                     on_delete='CASCADE')
        nominated_by = pw.ForeignKeyField(column_name='nominated_by_id', field='id', model=migrator.orm['person'],
                                          null=True, on_delete='SET NULL')
        nominator_role = pw.CharField(max_length=12)
        reason = pw.TextField()
        place = pw.IntegerField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "nomination"
            legacy_table_names = False
            indexes = [(('competition', 'nominee'), True)]

    @migrator.create_model
    class AwardDocument(pw.Model):
        id = pw.AutoField()
        nomination = pw.ForeignKeyField(column_name='nomination_id', field='id', model=migrator.orm['nomination'],
                                        on_delete='RESTRICT')
        document = pw.ForeignKeyField(column_name='document_id', field='id', model=migrator.orm['issued_document'],
                                      unique=True, on_delete='RESTRICT')
        recipient = pw.ForeignKeyField(column_name='recipient_id', field='id', model=migrator.orm['person'],
                                       on_delete='RESTRICT')

        class Meta:
            table_name = "award_document"
            legacy_table_names = False

    @migrator.create_model
    class ContestNomination(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'],
                                    on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'],
                                    on_delete='CASCADE')
        level = pw.CharField(max_length=10)
        contest = pw.CharField(max_length=300)
        year = pw.IntegerField()
        outcome = pw.CharField(max_length=12, default="pending")
        recorded_by = pw.ForeignKeyField(column_name='recorded_by_id', field='id', model=migrator.orm['person'],
                                         null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "contest_nomination"
            legacy_table_names = False
            indexes = [(('school', 'year'), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in ("contest_nomination", "award_document", "nomination", "competition", "event_participant",
                  "school_event"):
        migrator.remove_model(table)
