"""The two bases per format (4.4): who takes part as mentor or mentee, and in which categories."""
from peewee import (
    CharField, DateTimeField, ForeignKeyField, IntegerField, TextField,
)

from portal.models.base import BaseModel, utcnow
from portal.models.people import Person
from portal.models.programme import MentoringFormat

BASES = (("mentor", "база наставников"), ("mentee", "база наставляемых"))
PROPOSAL_STATES = (
    ("pending", "на рассмотрении"),
    ("accepted", "принято"),
    ("declined", "отклонено"),
)
MEMBER_STATUSES = (
    ("awaiting_consent", "ожидает согласия"),
    ("active", "участвует"),
    ("left", "выбыл"),
)

# Closed lists of the regulation, in its own words (4.6–4.8).
STUDENT_MENTEE_CATEGORIES = (
    ("gifted", "выдающиеся способности"),
    ("low_results", "неудовлетворительные образовательные результаты"),
    ("disability", "ограниченные возможности здоровья"),
    ("hardship", "трудная жизненная ситуация"),
    ("behaviour", "проблемы с поведением"),
    ("detached", "не принимают участие в жизни школы, отстранены от коллектива"),
)
TEACHER_MENTEE_CATEGORIES = (
    ("young_specialist", "молодой специалист"),
    ("burnout", "эмоциональное выгорание / хроническая усталость"),
    ("adaptation", "адаптация на новом месте работы"),
    ("digital", "освоение цифровых навыков / ИКТ-компетенций"),
    ("other", "другое"),
)
MENTOR_CATEGORIES = (
    ("student", "обучающийся"),
    ("teacher", "педагог / специалист"),
    ("parent", "родитель (активный участник родительского совета)"),
    ("alumnus", "выпускник"),
    ("employee", "сотрудник предприятия"),
    ("entrepreneur", "предприниматель / общественный деятель"),
    ("veteran", "ветеран педагогического труда"),
)
CATEGORY_TITLES = dict(STUDENT_MENTEE_CATEGORIES + TEACHER_MENTEE_CATEGORIES + MENTOR_CATEGORIES)


class BaseMembership(BaseModel):
    mentoring_format = ForeignKeyField(MentoringFormat, backref="memberships", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="memberships", on_delete="CASCADE")
    base = CharField(max_length=10, choices=BASES)
    status = CharField(max_length=20, choices=MEMBER_STATUSES, default="awaiting_consent", index=True)
    can_help_with = TextField(default="")
    needs = TextField(default="")
    self_description = TextField(default="")
    # How many mentees a mentor takes at once.
    capacity = IntegerField(default=1)
    nominated_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    nominated_at = DateTimeField(default=utcnow)
    left_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("mentoring_format", "person", "base"), True),)


class MembershipCategory(BaseModel):
    membership = ForeignKeyField(BaseMembership, backref="categories", on_delete="CASCADE")
    code = CharField(max_length=20)
    # Free text for teachers' «другое» (the regulation's «и т.д.»).
    other_text = CharField(max_length=200, default="")

    class Meta:
        indexes = ((("membership", "code"), True),)

    @property
    def title(self) -> str:
        return self.other_text if self.code == "other" and self.other_text else CATEGORY_TITLES[self.code]


class BaseProposal(BaseModel):
    """A class teacher's proposal of a pupil for a base (4.5): the format's curator (or the coordinator) accepts
    it, which nominates the pupil as staff do, or declines it with a reason the class teacher reads.

    The category is one code of the base's closed list (4.6 for student mentees); the note is the class
    teacher's words about the pupil. A decided proposal stays as history."""

    mentoring_format = ForeignKeyField(MentoringFormat, backref="base_proposals", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="base_proposals", on_delete="CASCADE")
    base = CharField(max_length=10, choices=BASES)
    category = CharField(max_length=20)
    note = TextField(default="")
    proposed_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    proposed_at = DateTimeField(default=utcnow)
    status = CharField(max_length=10, choices=PROPOSAL_STATES, default="pending", index=True)
    decided_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    decided_at = DateTimeField(null=True)
    reason = TextField(default="")
    # The base row an accepted proposal made (or brought back).
    membership = ForeignKeyField(BaseMembership, null=True, on_delete="SET NULL", backref="+")
