"""Participants' voice (s6, s8, s9): proposals on improving the mentorship work or the school
(предложения по совершенствованию), put to the administration and answered by the coordinator.

A proposal records who wrote it and in which role; a parent writes for their child as representative
(s8), so the row names both the parent who acted and the child it is for. The coordinator moves it
new → under review → accepted / declined with an answer the author reads; an accepted proposal is shown
to every participant only while its author agrees (`publish_agreed`), which the author may change.
"""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

from portal.models.base import BaseModel, utcnow
from portal.models.files import StoredFile
from portal.models.mentorship import Mentorship
from portal.models.people import Person, School
from portal.models.programme import MentoringFormat

# What a proposal is about (s6, s8: the mentorship work; s9: the school's development).
PROPOSAL_TOPICS = (("mentorship", "совершенствование работы по наставничеству"),
                   ("school", "развитие школы"))
PROPOSAL_STATES = (("new", "новое"), ("review", "на рассмотрении"), ("accepted", "принято"),
                   ("declined", "отклонено"))
# The role in which the author wrote: what the coordinator and the published page show of them.
AUTHOR_ROLES = (("mentor", "наставник"), ("mentee", "наставляемый"), ("parent", "родитель наставляемого"),
                ("curator", "куратор"), ("coordinator", "координатор"))


class ImprovementProposal(BaseModel):
    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    author = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    author_role = CharField(max_length=12, choices=AUTHOR_ROLES)
    # The child a parent wrote for, as their representative (s8); empty when the author wrote for themself.
    on_behalf_of = ForeignKeyField(Person, null=True, backref="+", on_delete="CASCADE")
    topic = CharField(max_length=12, choices=PROPOSAL_TOPICS)
    # The form of mentoring it concerns, if the author named one.
    mentoring_format = ForeignKeyField(MentoringFormat, null=True, backref="+", on_delete="SET NULL")
    text = TextField()
    attachment = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="SET NULL")
    publish_agreed = BooleanField(default=False)
    status = CharField(max_length=10, choices=PROPOSAL_STATES, default="new")
    answer = TextField(default="")
    answered_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    answered_at = DateTimeField(null=True)
    # Set by the coordinator on an accepted proposal whose author agreed; cleared when either takes it back.
    published_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("school", "status"), False),)


# Complaints about a pair's work (s6, s8): who may file one, and what the coordinator decides.
COMPLAINANT_ROLES = (("mentee", "наставляемый"), ("parent", "родитель наставляемого"), ("curator", "куратор"),
                     ("coordinator", "координатор"))
COMPLAINT_STATES = (("filed", "подана"), ("explained", "наставник дал объяснение"), ("decided", "решение принято"))
COMPLAINT_OUTCOMES = (("upheld", "жалоба обоснована"), ("not_upheld", "жалоба не обоснована"),
                      ("action_taken", "приняты меры"))


class Complaint(BaseModel):
    """A complaint about a pair's work (s6): the mentor reads it — the complainant's role, and their name only when
    they allowed it (`name_shown`) — and writes an explanation; the coordinator decides. A parent files for their
    child as representative (s8): the row names both who acted and the child it is for."""
    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    mentorship = ForeignKeyField(Mentorship, backref="complaints", on_delete="CASCADE")
    filed_by = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    filed_as = CharField(max_length=12, choices=COMPLAINANT_ROLES)
    on_behalf_of = ForeignKeyField(Person, null=True, backref="+", on_delete="CASCADE")
    text = TextField()
    name_shown = BooleanField(default=False)
    status = CharField(max_length=10, choices=COMPLAINT_STATES, default="filed")
    explanation = TextField(default="")
    explained_at = DateTimeField(null=True)
    outcome = CharField(max_length=12, default="")
    decision = TextField(default="")
    decided_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    decided_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("school", "status"), False),)
