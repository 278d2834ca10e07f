"""Reading pairs for the orders and pairs pages, gathered by format and mentor; who may touch an order."""
import re
from dataclasses import dataclass, field
from datetime import date

from peewee import JOIN

from portal.db import is_sqlite
from portal.models import MentoringFormat, Mentorship, MentorshipMember, Order, Person, Programme, SchoolClass
from portal.models.mentorship import MENTORSHIP_STATES, ORDER_KINDS, ORDER_STATUSES, PROPOSAL_STATUSES
from portal.services import NotAllowed, ServiceError
from portal.services import consent as consents
from portal.services.staff import StaffScope


PAIRS_TITLE = dict(ORDER_KINDS)["pairs"]
KIND_TITLES = dict(ORDER_KINDS)
# The kinds the portal drafts: all of s10's. Orders listing pairs: the pairs order and the order of changes.
ALL_KINDS = ("pairs", "appointment", "introduction", "school_of_mentors", "final_event", "changes")
PAIR_KINDS = ("pairs", "changes")
ORDER_STATUS_TITLES = dict(ORDER_STATUSES)
PROPOSAL_STATUS_TITLES = dict(PROPOSAL_STATUSES)
STATE_TITLES = dict(MENTORSHIP_STATES)
FROZEN = ("Приказ зарегистрирован и больше не изменяется. Исправление вносится новым приказом: "
          "кнопка «Внести изменения».")
MAX_PAIRS = 500
_ID = re.compile(r"\d{1,9}", re.ASCII)

# The pairs list's filter: «current» hides pairs that are over.
PAIR_FILTERS = {
    "current": ("chosen", "confirmed", "in_order", "active", "suspended"),
    "waiting": ("chosen", "confirmed", "in_order"),
    "active": ("active", "suspended"),
    "over": ("completed", "ended", "cancelled", "carried"),
    "all": tuple(code for code, _ in MENTORSHIP_STATES),
}


Mentor = Person.alias()
MentorClass = SchoolClass.alias()


# --- reading pairs ---------------------------------------------------------------------------------

def class_of(person: Person) -> str:
    """A student's class; never loads the class for a person whose query did not join it."""
    return person.school_class.name if person.school_class_id else ""


def _pairs(*where):
    """Pairs with their format and mentor (with the mentor's class) joined: one query."""
    return (Mentorship.select(Mentorship, MentoringFormat, Mentor, MentorClass)
            .join(MentoringFormat).switch(Mentorship)
            .join(Mentor, on=(Mentorship.mentor == Mentor.id), attr="mentor")
            .join(MentorClass, JOIN.LEFT_OUTER, on=(Mentor.school_class == MentorClass.id), attr="school_class")
            .where(*where))


def _members(current_only: bool = True):
    query = (MentorshipMember.select(MentorshipMember, Person, SchoolClass).join(Person)
             .join(SchoolClass, JOIN.LEFT_OUTER).order_by(Person.surname, Person.first_name, Person.id))
    return query.where(MentorshipMember.left_at.is_null()) if current_only else query


def _with_members(query) -> list[Mentorship]:
    """The pairs and their current mentees: two queries whatever the number of pairs."""
    return list(query.prefetch(_members()))


def mentees_of(mentorship: Mentorship) -> list[Person]:
    return [member.mentee for member in mentorship.members]


def pair_label(mentorship: Mentorship) -> str:
    """«Петрова А. С. — Иванов П. С., Сидоров К. Л.» for messages."""
    return f"{mentorship.mentor.short_name} — {', '.join(p.short_name for p in mentees_of(mentorship))}"


def _gate(pairs) -> dict:
    """The consent gate for every mentor and mentee of these pairs, in one query."""
    people = [(p.mentor, "mentor") for p in pairs] + [(m, "mentee") for p in pairs for m in mentees_of(p)]
    return consents.participation_gate(people) if people else {}


def _blocked(pair: Mentorship, gate: dict) -> list[Person]:
    """Who of the pair may not take part today (no valid consent)."""
    people = [(pair.mentor, "mentor")] + [(m, "mentee") for m in mentees_of(pair)]
    return [person for person, base in people if not gate.get((person.id, base), False)]


@dataclass
class Group:
    """One mentor in one format: a pair, or a group when several mentees are listed (4.13)."""

    mentoring_format: MentoringFormat
    mentor: Person
    pairs: list = field(default_factory=list)

    @property
    def mentees(self) -> list[Person]:
        return [m for pair in self.pairs for m in mentees_of(pair)]

    @property
    def mergeable(self) -> bool:
        """Several separate pairs of one mentor in a draft can become one group."""
        return len(self.pairs) > 1 and all(p.status == "in_order" for p in self.pairs)


def _by_format(pairs) -> list[dict]:
    """Pairs in the order given, gathered by format and, within a format, by mentor."""
    formats: dict[int, dict] = {}
    for pair in pairs:
        entry = formats.setdefault(pair.mentoring_format_id, {"format": pair.mentoring_format, "groups": {},
                                                                "pairs": []})
        entry["pairs"].append(pair)
        group = entry["groups"].setdefault(pair.mentor_id, Group(pair.mentoring_format, pair.mentor))
        group.pairs.append(pair)
    return [{"format": e["format"], "pairs": e["pairs"], "groups": list(e["groups"].values())}
            for e in formats.values()]


def _ordering():
    return (MentoringFormat.id, Mentor.surname, Mentor.first_name, Mentor.id, Mentorship.created_at, Mentorship.id)


# --- who may, and which order ----------------------------------------------------------------------

def _require_coordinator(scope: StaffScope) -> None:
    """Orders are the coordinator's: the deputy director prepares what the director signs (4.2)."""
    if not scope.is_coordinator:
        raise NotAllowed("Приказы готовит координатор.")


def order_of(scope: StaffScope, order_id: int, kinds=("pairs",)) -> Order:
    """The school's order of one of these kinds (the pairs order by default: its pairs' actions), else 404."""
    _require_coordinator(scope)
    order = Order.get_or_none((Order.id == order_id) & (Order.school == scope.school_id) & Order.kind.in_(kinds))
    if order is None:
        raise NotAllowed("Нет такого приказа.")
    return order


def school_draft(school_id: int, kind: str) -> Order | None:
    """The school's open draft of an order that joins changes as they happen (appointments, changes to pairs): the
    oldest, should there be several."""
    return (Order.select().where((Order.school == school_id) & (Order.kind == kind) & (Order.status == "draft"))
            .order_by(Order.id).first())


def _locked_draft(scope: StaffScope, order_id: int, kinds=("pairs",)) -> Order:
    """Inside a write transaction: the draft, locked so a registration and an edit cannot interleave."""
    order = order_of(scope, order_id, kinds)
    if not is_sqlite():  # SQLite's IMMEDIATE transaction already holds the write lock
        order = Order.select().where(Order.id == order.id).for_update().get()
    if order.status != "draft":
        raise ServiceError(FROZEN)
    return order


def _in_scope(scope: StaffScope):
    return Mentorship.mentoring_format.in_(list(scope.format_ids))


def _ids(values) -> list[int]:
    """Ticked pair ids as the browser sent them; anything that is not an id is dropped."""
    ids = [int(v) for v in values or () if isinstance(v, str) and _ID.fullmatch(v)]
    return list(dict.fromkeys(ids))[:MAX_PAIRS]


def period_over(programme, today: date | None = None):
    """The one rule of a year's end (5.4): a programme's period is over once its last day has passed.
    Given a programme, the answer; given the model `Programme`, the same rule as a condition for a query."""
    return programme.ends_on < (today or date.today())


def year_over(pairs, today: date | None = None) -> Mentorship | None:
    """The first of these pairs whose programme's period is over (one query): its year can log nothing more,
    so no order approves it — it is carried into the next year's programme instead (5.4)."""
    ids = {p.programme_id for p in pairs if p.programme_id is not None}
    ended = {pid for (pid,) in Programme.select(Programme.id).where(
        Programme.id.in_(list(ids)) & period_over(Programme, today)).tuples()} if ids else set()
    return next((p for p in pairs if p.programme_id in ended), None)


def year_over_words(pair: Mentorship) -> str:
    return (f"Пара {pair_label(pair)}: срок её программы истёк. Перенесите пару в программу нового учебного года "
            "на странице программы формы — тогда её можно будет включить в приказ.")
