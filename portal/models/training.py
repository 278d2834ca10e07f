"""«Школа наставников» (s10, s6, 3.2; DECISIONS.md "Voice, support, training, motivation"): the school's own
training of its mentors and curators, and the courses they took elsewhere.

A programme (title, hours, topics, materials, the share of sessions to attend for completion) runs in groups;
a group has a trainer and a schedule of sessions, people enrolled in it and their attendance per session.
Completion by the programme's rule gives a certificate, an issued document (services/issued.py) the
enrolment points to. An external course (a federal programme) is recorded by the person with the scan of
its certificate, uploaded through services/uploads.py.
"""
from peewee import (BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField)

from portal.models.base import BaseModel, utcnow
from portal.models.documents import IssuedDocument
from portal.models.files import StoredFile
from portal.models.people import Person, School

DEFAULT_MIN_ATTENDANCE = 75  # per cent of a group's sessions attended to complete the programme


class TrainingProgramme(BaseModel):
    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    title = CharField(max_length=200)
    hours = IntegerField()
    topics = TextField(default="")  # one topic a line
    min_attendance = IntegerField(default=DEFAULT_MIN_ATTENDANCE)
    created_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)


class TrainingMaterial(BaseModel):
    programme = ForeignKeyField(TrainingProgramme, backref="materials", on_delete="CASCADE")
    file = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")
    added_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    added_at = DateTimeField(default=utcnow)


class TrainingGroup(BaseModel):
    programme = ForeignKeyField(TrainingProgramme, backref="groups", on_delete="CASCADE")
    title = CharField(max_length=200)
    trainer = ForeignKeyField(Person, backref="+", on_delete="RESTRICT")
    # Open: a mentor or curator may enrol themself; closed: only the coordinator enrols.
    is_open = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)


class TrainingSession(BaseModel):
    group = ForeignKeyField(TrainingGroup, backref="sessions", on_delete="CASCADE")
    held_on = DateField()
    starts_at = CharField(max_length=5, default="")  # «15:00»
    place = CharField(max_length=200, default="")
    topic = CharField(max_length=300, default="")

    class Meta:
        indexes = ((("group", "held_on"), False),)


class TrainingEnrolment(BaseModel):
    group = ForeignKeyField(TrainingGroup, backref="enrolments", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    enrolled_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    enrolled_at = DateTimeField(default=utcnow)
    # The certificate issued on completion (kind «training_certificate»).
    certificate = ForeignKeyField(IssuedDocument, null=True, unique=True, backref="+", on_delete="RESTRICT")

    class Meta:
        indexes = ((("group", "person"), True),)


class TrainingAttendance(BaseModel):
    session = ForeignKeyField(TrainingSession, backref="attendance", on_delete="CASCADE")
    enrolment = ForeignKeyField(TrainingEnrolment, backref="attendance", on_delete="CASCADE")
    present = BooleanField(default=False)
    marked_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    marked_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("session", "enrolment"), True),)


class ExternalCourse(BaseModel):
    """A course taken outside the school (a federal programme), with the scan of its certificate."""

    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    title = CharField(max_length=300)
    provider = CharField(max_length=300)
    hours = IntegerField()
    completed_on = DateField()
    certificate = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")
    recorded_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    recorded_at = DateTimeField(default=utcnow)
