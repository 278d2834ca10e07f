"""The mentorship cycle (5.3–5.5, s5): plans, meetings by stage, confirmations, the final report."""
from peewee import (
    CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn,
)

from portal.models.base import BaseModel, utcnow
from portal.models.mentorship import Mentorship
from portal.models.people import Person

STAGES = (
    ("first", "первая, организационная встреча"),
    ("trial", "вторая, пробная рабочая встреча"),
    ("planning", "встреча-планирование"),
    ("regular", "регулярная встреча"),
    ("final", "заключительная встреча"),
)
MEETING_STATUSES = (("planned", "запланирована"), ("held", "проведена"))
MEETING_FORMATS = (("in_person", "очно"), ("online", "дистанционно"))
VERDICTS = (("confirmed", "подтверждена"), ("disputed", "оспорена"))


class Plan(BaseModel):
    """A version of the joint plan (s5, 5.5); a change is a new version needing both confirmations."""

    mentorship = ForeignKeyField(Mentorship, backref="plans", on_delete="CASCADE")
    version = IntegerField(default=1)
    goals = TextField(default="")
    planned_meetings = IntegerField(default=0)
    created_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)
    mentor_confirmed_at = DateTimeField(null=True)
    mentee_confirmed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("mentorship", "version"), True),)


class PlanTask(BaseModel):
    plan = ForeignKeyField(Plan, backref="tasks", on_delete="CASCADE")
    title = CharField(max_length=300)
    due_on = DateField(null=True)
    done_at = DateTimeField(null=True)


class Meeting(BaseModel):
    """A logged meeting; a correction is a new row pointing at the one it replaces."""

    mentorship = ForeignKeyField(Mentorship, backref="meetings", on_delete="CASCADE")
    stage = CharField(max_length=10, choices=STAGES)
    status = CharField(max_length=10, choices=MEETING_STATUSES, default="held")
    held_on = DateField()
    duration_minutes = IntegerField(default=45)
    format = CharField(max_length=10, choices=MEETING_FORMATS, default="in_person")
    topic = CharField(max_length=300, default="")
    notes = TextField(default="")
    next_steps = TextField(default="")
    logged_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    logged_at = DateTimeField(default=utcnow)
    supersedes = ForeignKeyField("self", null=True, unique=True, backref="corrections", on_delete="RESTRICT")

    class Meta:
        indexes = ((("mentorship", "held_on"), False),)

    @classmethod
    def is_current(cls):
        """No later correction supersedes it. NOT EXISTS probes the unique supersedes index row by row;
        NOT IN (SELECT supersedes …) read every superseded id in the database — a whole municipality's."""
        later = cls.alias()
        return ~fn.EXISTS(later.select(later.id).where(later.supersedes == cls.id))


class MeetingConfirmation(BaseModel):
    meeting = ForeignKeyField(Meeting, backref="confirmations", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    verdict = CharField(max_length=10, choices=VERDICTS)
    comment = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("meeting", "person"), True),)


class FinalReport(BaseModel):
    mentorship = ForeignKeyField(Mentorship, unique=True, backref="reports", on_delete="CASCADE")
    work_done = TextField(default="")
    results = TextField(default="")
    conclusions = TextField(default="")
    proposals = TextField(default="")
    written_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    written_at = DateTimeField(default=utcnow)
