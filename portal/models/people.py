"""The school and its roster: everyone the school already knows under the education law."""
from dataclasses import dataclass
from datetime import date

from peewee import (
    SQL, BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, TextField,
)

from portal.models.base import BaseModel, utcnow

SEX_CHOICES = (("m", "мужской"), ("f", "женский"))
# How the coordinator's counts name each kind («Обучающихся: 30»).
PERSON_KIND_COUNTS = {"student": "обучающихся", "staff": "сотрудников школы", "parent": "родителей",
                      "external": "внешних участников"}
PERSON_KINDS = (
    ("student", "обучающийся"),
    ("staff", "сотрудник школы"),
    ("parent", "родитель (законный представитель)"),
    ("external", "внешний участник"),
)
ADULT_AGE = 18


class NameAndAge:
    """How a person is named and whether they are a minor — one definition for the model and for the light
    rows (PersonRow) that pages over whole bases read as tuples instead of building model instances."""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.first_name, self.patronymic) if p)

    @property
    def short_name(self) -> str:
        """«Иванова А. С.» — how Russian school documents name people in tables."""
        initials = "".join(f"{p[0]}. " for p in (self.first_name, self.patronymic) if p)
        return f"{self.surname} {initials}".strip()

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    def is_minor(self, day: date | None = None) -> bool:
        """Minority is computed on the day: at 18 a student signs for themself."""
        age = self.age_on(day or date.today())
        return age is not None and age < ADULT_AGE


@dataclass(frozen=True)
class PersonRow(NameAndAge):
    id: int
    surname: str
    first_name: str
    patronymic: str = ""
    birth_date: date | None = None


class School(BaseModel):
    name = CharField(max_length=200)
    short_name = CharField(max_length=100)
    address = CharField(max_length=300, default="")
    director_name = CharField(max_length=200, default="")
    # A demo database carries the shared demo password; a real school never does.
    is_demo = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)
    # Set by the coordinator: every coordinator and curator account must have a second factor (TOTP).
    # A database-level default, so migration 003 adds the column in place (see Account.totp_secret).
    staff_totp_required = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])


class SchoolClass(BaseModel):
    school = ForeignKeyField(School, backref="classes", on_delete="CASCADE")
    name = CharField(max_length=10)

    class Meta:
        indexes = ((("school", "name"), True),)


class Person(NameAndAge, BaseModel):
    school = ForeignKeyField(School, backref="people", on_delete="CASCADE")
    kind = CharField(max_length=10, choices=PERSON_KINDS, index=True)
    surname = CharField(max_length=100)
    first_name = CharField(max_length=100)
    patronymic = CharField(max_length=100, default="")
    sex = CharField(max_length=1, choices=SEX_CHOICES)
    birth_date = DateField(null=True)
    school_class = ForeignKeyField(SchoolClass, null=True, backref="students", on_delete="SET NULL")
    position = CharField(max_length=200, default="")
    organisation = CharField(max_length=200, default="")
    phone = CharField(max_length=50, default="")
    email = CharField(max_length=200, default="")
    # The person turned mailed notifications off (the inbox's setting, or the link in a mail).
    mail_off = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    created_at = DateTimeField(default=utcnow)
    # Set when the data are destroyed after a withdrawal; the row stays as a pseudonymous id.
    destroyed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("school", "surname", "first_name"), False),)

    @classmethod
    def of_school(cls, school):
        return cls.select().where(cls.school == school)

    @classmethod
    def to_choose(cls, school, kinds):
        """The school's people of these kinds whose data are not destroyed, by name: whom staff may pick for a
        role or a task (a curator, a class teacher, the one responsible for an event)."""
        return (cls.select().where((cls.school == school) & cls.kind.in_(list(kinds)) & cls.destroyed_at.is_null())
                .order_by(cls.surname, cls.first_name, cls.patronymic, cls.id))


GUARDIANSHIP_STATUSES = (
    ("pending", "ожидает подтверждения"),
    ("confirmed", "подтверждена"),
    ("rejected", "отклонена"),
    ("removed", "снята"),
)


class Guardianship(BaseModel):
    """A parent's authority over a child, created or confirmed by staff, never self-declared.

    Only `confirmed_at` makes a link count (signing, the parent's view of the child, the parent role):
    every reader checks it, so a link a curator asked for stays «pending» with `confirmed_at` NULL and
    gives nothing until the coordinator confirms it with the document seen (DECISIONS.md, "Who may
    change whom"). `status` tells the rows without `confirmed_at` apart: waiting, rejected or removed.
    """

    parent = ForeignKeyField(Person, backref="children_links", on_delete="CASCADE")
    child = ForeignKeyField(Person, backref="guardian_links", on_delete="CASCADE")
    basis = CharField(max_length=200, default="родитель")
    confirmed_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    confirmed_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    # Database-level defaults, so migration 005 adds the columns in place (see School.staff_totp_required).
    status = CharField(max_length=10, choices=GUARDIANSHIP_STATUSES, default="confirmed",
                       constraints=[SQL("DEFAULT 'confirmed'")])
    # The document the confirming staff member saw («свидетельство о рождении II-ГР № 654321»).
    document = CharField(max_length=300, default="", constraints=[SQL("DEFAULT ''")])
    requested_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    requested_at = DateTimeField(null=True)
    # Why the coordinator rejected a curator's request.
    rejection_reason = CharField(max_length=300, default="", constraints=[SQL("DEFAULT ''")])

    class Meta:
        indexes = ((("parent", "child"), True),)
