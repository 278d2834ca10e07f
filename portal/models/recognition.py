"""Recognition (s9, s6): school events, school competitions with nominations and a jury's decision, nominations
to outside contests, and the certificates and thank-you letters issued for a competition's places.

A school event (a festival, a forum, a conference of mentors) has a date, a place, a programme and the people
who took part. A competition is one of the school's three («Наставник года», «Лучшая пара», «Наставник +») for
a school year; the coordinator, a curator (for their forms) or the mentee's side (a mentee, or their parent)
nominates a mentor with a reason, and the coordinator records the jury's decision — a place per nomination —
once. The decision issues the documents (services/recognition.py): a «Лучший наставник» certificate for every
placed mentor and, for a mentor who is a pupil, a thank-you letter to each of their confirmed parents; each is
an issued document (DECISIONS.md «What a signed document is») linked here by AwardDocument, so a whole
competition or an event's competitions print as one PDF.
"""
from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from portal.models.base import BaseModel, utcnow
from portal.models.documents import IssuedDocument
from portal.models.people import Person, School

EVENT_KINDS = (("festival", "фестиваль наставников"), ("forum", "форум наставников"),
               ("conference", "конференция наставников"), ("other", "другое мероприятие"))
COMPETITION_KINDS = (("mentor_of_year", "Наставник года"), ("best_pair", "Лучшая пара"),
                     ("mentor_plus", "Наставник +"))
COMPETITION_STATES = (("open", "идёт выдвижение"), ("decided", "итоги подведены"))
# Who nominated: the coordinator, a curator, or the mentee's side (the mentee, or their parent).
NOMINATOR_ROLES = (("coordinator", "координатор"), ("curator", "куратор"), ("mentee", "наставляемый"),
                   ("parent", "родитель наставляемого"))
CONTEST_LEVELS = (("municipal", "муниципальный"), ("regional", "региональный"), ("federal", "федеральный"))
CONTEST_OUTCOMES = (("pending", "итоги не подведены"), ("participant", "участник"), ("prize", "призёр"),
                    ("winner", "победитель"))


class SchoolEvent(BaseModel):
    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=12, choices=EVENT_KINDS)
    title = CharField(max_length=300)
    held_on = DateField()
    place = CharField(max_length=300, default="")
    programme = TextField(default="")
    created_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("school", "held_on"), False),)


class EventParticipant(BaseModel):
    event = ForeignKeyField(SchoolEvent, backref="participants", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    added_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("event", "person"), True),)


class Competition(BaseModel):
    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=16, choices=COMPETITION_KINDS)
    # The school year, as its starting calendar year (services/years.py).
    year = IntegerField()
    # The event where the results are announced and the documents handed over, if any.
    event = ForeignKeyField(SchoolEvent, null=True, backref="competitions", on_delete="SET NULL")
    status = CharField(max_length=10, choices=COMPETITION_STATES, default="open")
    decided_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    decided_at = DateTimeField(null=True)
    created_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("school", "kind", "year"), True),)


class Nomination(BaseModel):
    competition = ForeignKeyField(Competition, backref="nominations", on_delete="CASCADE")
    nominee = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    nominated_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    nominator_role = CharField(max_length=12, choices=NOMINATOR_ROLES)
    reason = TextField()
    # The jury's decision: 1 the winner, 2 and 3 the prize places; empty for the others.
    place = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("competition", "nominee"), True),)


class AwardDocument(BaseModel):
    """A certificate (the nominee's) or a thank-you letter (to `recipient`, a parent) issued for a placed nomination."""

    nomination = ForeignKeyField(Nomination, backref="documents", on_delete="RESTRICT")
    document = ForeignKeyField(IssuedDocument, unique=True, backref="+", on_delete="RESTRICT")
    recipient = ForeignKeyField(Person, backref="+", on_delete="RESTRICT")


class ContestNomination(BaseModel):
    """A mentor put forward to a municipal, regional or federal contest, and what came of it."""

    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    level = CharField(max_length=10, choices=CONTEST_LEVELS)
    contest = CharField(max_length=300)
    year = IntegerField()
    outcome = CharField(max_length=12, choices=CONTEST_OUTCOMES, default="pending")
    recorded_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("school", "year"), False),)
