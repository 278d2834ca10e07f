"""Psychological support (s6, s8; DECISIONS.md, "Voice, support, training, motivation").

A mentor, a mentee or a parent asks a school psychologist for support; the psychologist records a contact and
closes the request. The request is read only by psychologists, by the person who asked, by the person the
support is for and — when that person was under 15 on the day of asking — by their confirmed parents. The notes
are the psychologists' alone: no page but theirs ever reads SupportNote.
"""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

from portal.models.base import BaseModel, utcnow
from portal.models.people import Person, School
from portal.models.programme import MentoringFormat

STATES = (
    ("new", "новая"),
    ("contacted", "психолог связался"),
    ("closed", "закрыта"),
)
# The role the asker acted in: a parent may ask for themself or for their child.
ASKED_AS = (("mentor", "наставник"), ("mentee", "наставляемый"), ("parent", "родитель"))
NOTE_KINDS = (("contact", "контакт"), ("close", "закрытие"))


class SupportRequest(BaseModel):
    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    asked_by = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    # Whom the support is for: the asker, or the parent's child.
    about = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    asked_as = CharField(max_length=10, choices=ASKED_AS)
    # The form of the person's mentorship on the day of asking: what the coordinator's counts group by.
    mentoring_format = ForeignKeyField(MentoringFormat, null=True, backref="+", on_delete="SET NULL")
    topic = TextField(default="")
    contact = CharField(max_length=300, default="")
    # Fixed on the day of asking (the person was under 15): their confirmed parents see the request.
    parents_see = BooleanField(default=False)
    status = CharField(max_length=10, choices=STATES, default="new", index=True)
    asked_at = DateTimeField(default=utcnow)
    contacted_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("school", "status", "asked_at"), False),)


class SupportNote(BaseModel):
    """What the psychologist wrote at a contact or at closing; shown to psychologists only."""

    request = ForeignKeyField(SupportRequest, backref="notes", on_delete="CASCADE")
    author = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    kind = CharField(max_length=10, choices=NOTE_KINDS)
    text = TextField(default="")
    at = DateTimeField(default=utcnow)
