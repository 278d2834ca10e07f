"""«Школа наставников» (s10, s6, 3.2): training programmes with their materials, groups with a trainer and a
schedule of sessions, enrolments with attendance and the certificate issued on completion, and the external
courses people took elsewhere with the scan of their certificate.

Seven new tables, so an existing database upgrades in place on both backends."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    def fk(name, table, **kw):
        return pw.ForeignKeyField(column_name=f'{name}_id', field='id', model=migrator.orm[table], **kw)

    @migrator.create_model
    class TrainingProgramme(pw.Model):
        id = pw.AutoField()
        school = fk('school', 'school', on_delete='CASCADE')
        title = pw.CharField(max_length=200)
        hours = pw.IntegerField()
        topics = pw.TextField(default="")
        min_attendance = pw.IntegerField(default=75)
        created_by = fk('created_by', 'person', null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "training_programme"
            legacy_table_names = False

    @migrator.create_model
    class TrainingMaterial(pw.Model):
        id = pw.AutoField()
        programme = fk('programme', 'training_programme', on_delete='CASCADE')
        file = fk('file', 'stored_file', on_delete='RESTRICT')
        added_by = fk('added_by', 'person', null=True, on_delete='SET NULL')
        added_at = pw.DateTimeField()

        class Meta:
            table_name = "training_material"
            legacy_table_names = False

    @migrator.create_model
    class TrainingGroup(pw.Model):
        id = pw.AutoField()
        programme = fk('programme', 'training_programme', on_delete='CASCADE')
        title = pw.CharField(max_length=200)
        trainer = fk('trainer', 'person', on_delete='RESTRICT')
        is_open = pw.BooleanField(default=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "training_group"
            legacy_table_names = False

    @migrator.create_model
    class TrainingSession(pw.Model):
        id = pw.AutoField()
        group = fk('group', 'training_group', on_delete='CASCADE')
        held_on = pw.DateField()
        starts_at = pw.CharField(max_length=5, default="")
        place = pw.CharField(max_length=200, default="")
        topic = pw.CharField(max_length=300, default="")

        class Meta:
            table_name = "training_session"
            legacy_table_names = False
            indexes = [(('group', 'held_on'), False)]

    @migrator.create_model
    class TrainingEnrolment(pw.Model):
        id = pw.AutoField()
        group = fk('group', 'training_group', on_delete='CASCADE')
        person = fk('person', 'person', on_delete='CASCADE')
        enrolled_by = fk('enrolled_by', 'person', null=True, on_delete='SET NULL')
        enrolled_at = pw.DateTimeField()
        certificate = fk('certificate', 'issued_document', null=True, unique=True, on_delete='RESTRICT')

        class Meta:
            table_name = "training_enrolment"
            legacy_table_names = False
            indexes = [(('group', 'person'), True)]

    @migrator.create_model
    class TrainingAttendance(pw.Model):
        id = pw.AutoField()
        session = fk('session', 'training_session', on_delete='CASCADE')
        enrolment = fk('enrolment', 'training_enrolment', on_delete='CASCADE')
        present = pw.BooleanField(default=False)
        marked_by = fk('marked_by', 'person', null=True, on_delete='SET NULL')
        marked_at = pw.DateTimeField()

        class Meta:
            table_name = "training_attendance"
            legacy_table_names = False
            indexes = [(('session', 'enrolment'), True)]

    @migrator.create_model
    class ExternalCourse(pw.Model):
        id = pw.AutoField()
        school = fk('school', 'school', on_delete='CASCADE')
        person = fk('person', 'person', on_delete='CASCADE')
        title = pw.CharField(max_length=300)
        provider = pw.CharField(max_length=300)
        hours = pw.IntegerField()
        completed_on = pw.DateField()
        certificate = fk('certificate', 'stored_file', on_delete='RESTRICT')
        recorded_by = fk('recorded_by', 'person', null=True, on_delete='SET NULL')
        recorded_at = pw.DateTimeField()

        class Meta:
            table_name = "external_course"
            legacy_table_names = False


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in ("external_course", "training_attendance", "training_enrolment", "training_session",
                  "training_group", "training_material", "training_programme"):
        migrator.remove_model(table)
