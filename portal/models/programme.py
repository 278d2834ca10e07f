"""Mentoring formats (5.1), their programmes (2.3, 5.2, 5.4) and the participants' acknowledgements (4.12)."""
from peewee import (
    BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, TextField,
)

from portal.models.base import BaseModel, KeptSelect, utcnow
from portal.models.people import Person, School

MAX_PROGRAMME_MONTHS = 12


class MentoringFormat(BaseModel):
    """«Форма наставничества»: the role situation a pair works in."""

    school = ForeignKeyField(School, backref="formats", on_delete="CASCADE")
    name = CharField(max_length=100)
    description = TextField(default="")
    # Which roster kinds may be mentors and mentees in this format.
    mentor_kind = CharField(max_length=10, default="student")
    mentee_kind = CharField(max_length=10, default="student")
    is_active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("school", "name"), True),)

    @classmethod
    def of_school(cls, school):
        return cls.select().where(cls.school == school).order_by(cls.id)


class Programme(BaseModel):
    mentoring_format = ForeignKeyField(MentoringFormat, backref="programmes", on_delete="CASCADE")
    title = CharField(max_length=200)
    goals = TextField(default="")
    expected_results = TextField(default="")
    starts_on = DateField()
    ends_on = DateField()
    # Where the programme was presented (5.2).
    presented_student_conference_on = DateField(null=True)
    presented_teachers_council_on = DateField(null=True)
    presented_parents_council_on = DateField(null=True)
    created_at = DateTimeField(default=utcnow)
    # NULL while the next year's programme is a draft: participants neither see it nor pair under it
    # until staff publish it (DECISIONS.md, "The school year"). A format's first programme is in force
    # as soon as it is written, hence the default; only services.school_year makes drafts.
    published_at = DateTimeField(null=True, default=utcnow)

    @classmethod
    def published(cls):
        """Programmes participants may read and pair under; the current one is the newest of a format's."""
        return cls.select().where(cls.published_at.is_null(False))

    @classmethod
    def current(cls, format_id: int):
        """The format's programme in force: the newest published one (a draft never is)."""
        return (cls.published().where(cls.mentoring_format == format_id)
                .order_by(cls.starts_on.desc(), cls.id.desc()).first())

    @classmethod
    def current_of(cls, format_ids) -> dict:
        """Each format's programme in force, in one query: the same one `current` picks."""
        newest = {}
        for p, in _CURRENT_OF.models(list(format_ids)):
            newest[p.mentoring_format_id] = p
        return newest

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


# Every participant's pages ask it (the choice screen, the home page): its text is kept (models.base.KeptSelect).
_CURRENT_OF = KeptSelect(lambda format_ids: Programme.published().where(Programme.mentoring_format.in_(format_ids))
                         .order_by(Programme.starts_on, Programme.id))


class Acknowledgement(BaseModel):
    """«Ознакомлен»: a person has read a programme (4.12) — pairing refuses without it."""

    person = ForeignKeyField(Person, backref="acknowledgements", on_delete="CASCADE")
    programme = ForeignKeyField(Programme, backref="acknowledgements", on_delete="CASCADE")
    acknowledged_at = DateTimeField(default=utcnow)
    ip = CharField(max_length=45, default="")

    class Meta:
        indexes = ((("person", "programme"), True),)
