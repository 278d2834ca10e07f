"""Proposals, mentorships (pairs and groups), their members and the director's orders (4.13, s8, s10)."""
import re

from peewee import (
    SQL, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField,
)

from portal.models.base import BaseModel, utcnow
from portal.models.files import StoredFile
from portal.models.people import Person, School
from portal.models.programme import MentoringFormat, Programme

MENTORSHIP_STATES = (
    ("proposed", "предложена"),
    ("chosen", "выбран наставник"),
    ("confirmed", "подтверждена наставником"),
    ("in_order", "в проекте приказа"),
    ("active", "действует"),
    ("completed", "завершена"),
    ("cancelled", "отменена"),
    ("suspended", "приостановлена"),
    ("ended", "досрочно завершена"),
    ("carried", "продолжена в новом учебном году"),
)
STATE_TITLES = dict(MENTORSHIP_STATES)
# Why staff end a pair early or cancel it (DECISIONS.md, "The school year"): a short list plus free text.
END_REASONS = (
    ("mentee_request", "по просьбе наставляемого"),
    ("mentor_request", "по просьбе наставника"),
    ("parent_request", "по просьбе родителя (законного представителя)"),
    ("left_school", "выбытие из школы"),
    ("period_over", "истёк срок программы"),
    ("incompatibility", "несовместимость участников пары"),
    ("other", "другая причина"),
)
END_REASON_TITLES = dict(END_REASONS)
PROPOSAL_STATUSES = (
    ("open", "предложен"),
    ("chosen", "выбран"),
    ("declined", "отклонён"),
    ("withdrawn", "отозван"),
    ("ended", "пара прекращена"),
)
ORDER_KINDS = (
    ("pairs", "Об утверждении наставников и наставнических пар/групп"),
    ("appointment", "О назначении координатора и кураторов"),
    ("introduction", "О внедрении целевой модели наставничества"),
    ("school_of_mentors", "Об организации «Школы наставников»"),
    ("final_event", "О проведении итогового мероприятия"),
    ("changes", "О внесении изменений в состав наставнических пар"),
)
ORDER_STATUSES = (("draft", "проект"), ("registered", "зарегистрирован"))

# How two order numbers are compared (DECISIONS.md: unique per school and calendar year, «N-од»):
# «№ 52-од», « 52-ОД », «52 – од» and «52-oд» with a Latin «o» are one number on paper, so one key.
# migrations/007_order_number_year.py keeps a frozen copy of these rules for the rows it fills.
_NUMBER_SIGN = re.compile(r"^(№|N|No\.?)\s*", re.IGNORECASE)
_NUMBER_FOLD = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "ё": "е",
                              **dict(zip("aceopxykmhtb", "асеорхукмнтв"))})


def order_number_key(number: str | None) -> str | None:
    """The number as compared for uniqueness: no sign, no spaces, one case, one dash, Cyrillic look-alikes."""
    text = _NUMBER_SIGN.sub("", " ".join((number or "").split()))
    key = "".join(text.split()).casefold().translate(_NUMBER_FOLD)
    return key or None


class Order(BaseModel):
    """A director's order: drafted here, signed on paper, registered by number and date, then frozen."""

    school = ForeignKeyField(School, backref="orders", on_delete="CASCADE")
    kind = CharField(max_length=20, choices=ORDER_KINDS)
    title = CharField(max_length=300)
    status = CharField(max_length=10, choices=ORDER_STATUSES, default="draft")
    number = CharField(max_length=50, null=True)
    dated_on = DateField(null=True)
    corrects = ForeignKeyField("self", null=True, backref="corrections", on_delete="RESTRICT")
    created_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)
    registered_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    registered_at = DateTimeField(null=True)
    # The number as compared and the calendar year of its date: one number per school and year, held by
    # the database too, so two registrations at the same moment cannot both take it. NULL on drafts, and
    # on the later rows of a number registered twice in a year before 007 (see that migration).
    number_key = CharField(max_length=200, null=True)
    number_year = IntegerField(null=True)
    # The fields the coordinator typed for an order not about pairs (services/orders/kinds.py), as JSON text;
    # '' for a pairs order. The scan of the signed paper, attached at registration (migration 014).
    details = TextField(default="", constraints=[SQL("DEFAULT ''")])
    scan = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="RESTRICT")

    class Meta:
        indexes = ((("school", "number_year", "number_key"), True),)

    def save(self, *args, **kwargs):
        """A row created through the model (the demo, fixtures) gets the key from its number and date;
        registration (services/orders.py) sets both in its UPDATE."""
        if self.get_id() is None and self.number and self.number_key is None:
            self.number_key = order_number_key(self.number)
            self.number_year = self.dated_on.year if self.dated_on else None
        return super().save(*args, **kwargs)


class Mentorship(BaseModel):
    """A pair or a group: one mentor, one or more mentees, one format."""

    mentoring_format = ForeignKeyField(MentoringFormat, backref="mentorships", on_delete="RESTRICT")
    programme = ForeignKeyField(Programme, null=True, backref="mentorships", on_delete="RESTRICT")
    mentor = ForeignKeyField(Person, backref="mentorships_as_mentor", on_delete="RESTRICT")
    status = CharField(max_length=10, choices=MENTORSHIP_STATES, default="proposed", index=True)
    created_at = DateTimeField(default=utcnow)
    status_changed_at = DateTimeField(default=utcnow)
    ended_reason = TextField(default="")
    # Why a pair ended early or was cancelled by staff: a code of services/ending.py's END_REASONS ('' before).
    end_reason = CharField(max_length=20, default="", constraints=[SQL("DEFAULT ''")])
    # The last year's pair this one continues (DECISIONS.md, "The school year": its history linked).
    carried_from = ForeignKeyField("self", null=True, backref="carried_into", on_delete="RESTRICT")

    @property
    def status_title(self) -> str:
        if self.status == "ended" and self.end_reason == "period_over":
            return "завершена по истечении срока программы"  # not «досрочно»: its year simply ran out
        return STATE_TITLES[self.status]

    @property
    def end_reason_title(self) -> str:
        """The reason from the short list, or '' for a pair nobody ended through it."""
        return END_REASON_TITLES.get(self.end_reason, "")


class MentorshipMember(BaseModel):
    mentorship = ForeignKeyField(Mentorship, backref="members", on_delete="CASCADE")
    mentee = ForeignKeyField(Person, backref="mentorships_as_mentee", on_delete="RESTRICT")
    joined_at = DateTimeField(default=utcnow)
    left_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("mentorship", "mentee"), True),)


class OrderItem(BaseModel):
    order = ForeignKeyField(Order, backref="items", on_delete="CASCADE")
    mentorship = ForeignKeyField(Mentorship, backref="order_items", on_delete="RESTRICT")

    class Meta:
        indexes = ((("order", "mentorship"), True),)


APPOINTED_ROLES = (("coordinator", "координатор"), ("curator", "куратор"))


class Appointment(BaseModel):
    """A curator of a format, or the new coordinator, appointed by the director's order (4.3): listed in a draft
    «О назначении координатора и кураторов», it becomes a RoleGrant only when that order is registered; until then
    it waits for the order. A coordinator's appointment names no format."""

    order = ForeignKeyField(Order, backref="appointments", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    role = CharField(max_length=12, choices=APPOINTED_ROLES, default="curator")
    mentoring_format = ForeignKeyField(MentoringFormat, null=True, backref="+", on_delete="CASCADE")
    created_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("order", "person", "mentoring_format"), True),)


class Proposal(BaseModel):
    """A mentor candidate the curator offered a mentee (s8: the mentee chooses among them)."""

    mentoring_format = ForeignKeyField(MentoringFormat, backref="proposals", on_delete="CASCADE")
    mentee = ForeignKeyField(Person, backref="proposals_received", on_delete="CASCADE")
    mentor = ForeignKeyField(Person, backref="proposals_as_mentor", on_delete="CASCADE")
    proposed_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    proposed_at = DateTimeField(default=utcnow)
    rank = IntegerField(default=0)
    reason = TextField(default="")
    status = CharField(max_length=10, choices=PROPOSAL_STATUSES, default="open")
    mentorship = ForeignKeyField(Mentorship, null=True, backref="proposals", on_delete="SET NULL")

    class Meta:
        indexes = ((("mentoring_format", "mentee", "mentor"), True),)
