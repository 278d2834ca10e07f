"""Psychological support (s6, s8; DECISIONS.md, "Voice, support, training, motivation").

A mentor, a mentee or a parent (for themself or for their child) asks the school's psychologists for support.
The psychologist records a contact (new → contacted) and closes the request with a note. The request is read by
the psychologists, the person who asked, the person it is for and — when that person was under 15 on the day of
asking — their confirmed parents: under 15 a child is helped with a parent's knowledge (the age at which the law
lets a child consent to help alone, 323-ФЗ art. 54), so those parents are told of it too. Nobody else reads a
request: staff, the mentor of the pair and the class teacher meet «not found» (`request_for`), and the
coordinator gets counts by month and form only (`counts`). The psychologist's notes never leave this module
except inside a `SupportView` built for a psychologist.

Every change is one function here that checks who may do it and writes the change, the audit record (which
names no text) and the notification in one transaction.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import date

from peewee import JOIN, IntegrityError

from portal.db import atomic_write, lock_row
from portal.ids import parse_id
from portal.models import (
    Account, BaseMembership, Guardianship, MentoringFormat, Person, RoleGrant, SupportNote, SupportRequest,
)
from portal.models.base import utcnow
from portal.models.support import ASKED_AS, STATES
from portal.services import NotAllowed, ServiceError, accounts, audit, notifications, representation, years
from portal.services import bases as base_rules
from portal.services import staff_grants
from portal.services.staff import StaffScope

ROLE = "psychologist"
ASKING_ROLES = ("mentor", "mentee", "parent")
STATE_TITLES = dict(STATES)
ASKED_AS_TITLES = dict(ASKED_AS)
# Under this age on the day of asking, the person's confirmed parents see the request and are told of it.
PARENTS_KNOW_UNDER = 15
MAX_TOPIC = 2000
MAX_CONTACT = 300
MAX_NOTE = 4000
PSYCHOLOGIST_KINDS = ("staff", "external")
# The psychologist's list: «open» (new and contacted) first, as their work is.
FILTERS = (("open", "в работе"), ("new", "новые"), ("contacted", "психолог связался"), ("closed", "закрытые"),
           ("all", "все"))
FILTER_STATES = {"open": ("new", "contacted"), "new": ("new",), "contacted": ("contacted",), "closed": ("closed",),
                 "all": tuple(STATE_TITLES)}
MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь",
          "декабрь")


def is_psychologist(account: Account) -> bool:
    return account.has_role(ROLE)


def _psychologist(account: Account) -> None:
    if not is_psychologist(account):
        raise NotAllowed("Раздел для педагогов-психологов.")


def may_ask(account: Account) -> bool:
    return any(account.has_role(role) for role in ASKING_ROLES)


def _clean(value, field_name: str, limit: int) -> str:
    """A note keeps its lines (services.bases.checked_text)."""
    return base_rules.checked_text(value, field_name, limit, lines=True)


def _confirmed_children(person_id: int):
    return (Guardianship.select(Guardianship.child)
            .where((Guardianship.parent == person_id) & Guardianship.confirmed_at.is_null(False)))


def _confirmed_parents(person_id: int) -> list[int]:
    return [row[0] for row in Guardianship.select(Guardianship.parent)
            .where((Guardianship.child == person_id) & Guardianship.confirmed_at.is_null(False)).tuples()]


# --- asking ----------------------------------------------------------------------------------------------

def whom_for(account: Account) -> list[Person]:
    """Whom the account may ask for: themself, and (a parent) each confirmed child who is a minor."""
    if not may_ask(account):
        raise NotAllowed("Просить о поддержке могут наставники, наставляемые и родители.")
    people = [account.person]
    if account.has_role("parent"):
        today = date.today()
        people += [child for child in Person.select().where(Person.id.in_(_confirmed_children(account.person_id))
                                                            & Person.destroyed_at.is_null())
                   .order_by(Person.surname, Person.first_name, Person.id)
                   if representation.acts_for(child, "ask_support", today)]
    return people


def parents_would_see(person: Person, day: date | None = None) -> bool:
    age = person.age_on(day or date.today())
    return age is not None and age < PARENTS_KNOW_UNDER


def _format_of(person_id: int, base: str) -> int | None:
    """The form the person takes part in, on the side they ask from: their newest base row that is not left."""
    return (BaseMembership.select(BaseMembership.mentoring_format)
            .where((BaseMembership.person == person_id) & (BaseMembership.base == base)
                   & (BaseMembership.status != "left"))
            .order_by(BaseMembership.id.desc()).limit(1).scalar())


def _psychologists(school_id: int) -> list[int]:
    return [row[0] for row in Account.select(Account.person).join(RoleGrant)
            .where((Account.school == school_id) & (RoleGrant.role == ROLE) & (Account.is_active == True))  # noqa: E712
            .tuples()]


def has_psychologist(school_id: int) -> bool:
    """Whether anyone reads the school's requests yet: the form says so when nobody does."""
    return (Account.select().join(RoleGrant)
            .where((Account.school == school_id) & (RoleGrant.role == ROLE) & (Account.is_active == True))  # noqa: E712
            .exists())


def ask(account: Account, about_id, topic, contact, acting_as: str | None = None, ip: str = "") -> SupportRequest:
    """A request for support, for the asker or (a parent) for their minor child.

    `acting_as` is the role the person is acting in (the menu's); a person holding several asks as that one.
    The psychologists are told at once; a child under 15 asking themself has their confirmed parents told too.
    A second request while the first still waits for the psychologist is refused: it would only be read twice."""
    people = whom_for(account)
    about_id = parse_id(about_id) if about_id not in (None, "") else account.person_id
    about = next((p for p in people if p.id == about_id), None)
    if about is None:
        raise ServiceError("Выберите, для кого нужна поддержка, из списка.", field="about")
    topic = _clean(topic, "topic", MAX_TOPIC)
    contact = _clean(contact, "contact", MAX_CONTACT)
    if about.id != account.person_id:
        asked_as = "parent"
    else:
        held = [role for role in ASKING_ROLES if account.has_role(role)]
        asked_as = acting_as if acting_as in held else held[0]
    base = "mentor" if asked_as == "mentor" else "mentee"
    with atomic_write():
        lock_row(Person, about.id)  # a double submit makes one request (SQLite: the IMMEDIATE transaction serialises)
        waiting = SupportRequest.select().where((SupportRequest.asked_by == account.person_id)
                                                & (SupportRequest.about == about.id)
                                                & (SupportRequest.status == "new")).exists()
        if waiting:
            raise ServiceError("Ваша просьба уже отправлена и ждёт психолога: он свяжется с вами.")
        request = SupportRequest.create(
            school=account.school_id, asked_by=account.person_id, about=about.id, asked_as=asked_as,
            mentoring_format=_format_of(about.id, base),
            topic=topic, contact=contact, parents_see=parents_would_see(about))
        # The text stays out of the audit trail: it is private and the trail outlives destruction.
        audit.record("support.asked", actor=account.person, obj=request, school=account.school_id, ip=ip,
                     about=about.id, asked_as=asked_as)
        notifications.notify(_psychologists(account.school_id), "support.requested", obj=request)
        if request.parents_see and about.id == account.person_id:
            notifications.notify([p for p in _confirmed_parents(about.id) if p != account.person_id],
                                 "support.child_asked", obj=request, details=about.full_name)
    return request


# --- reading ---------------------------------------------------------------------------------------------

def _with_people():
    asker, about = Person.alias(), Person.alias()
    return (SupportRequest.select(SupportRequest, asker, about, MentoringFormat)
            .join(asker, on=(SupportRequest.asked_by == asker.id), attr="asker")
            .switch(SupportRequest).join(about, on=(SupportRequest.about == about.id), attr="subject")
            .switch(SupportRequest).join(MentoringFormat, join_type=JOIN.LEFT_OUTER,
                                         on=(SupportRequest.mentoring_format == MentoringFormat.id),
                                         attr="fmt"))


def _readable_by(person_id: int):
    """The asker's own requests, those about them, and those of their children that parents see."""
    parents_see = SupportRequest.parents_see == True  # noqa: E712
    return ((SupportRequest.asked_by == person_id) | (SupportRequest.about == person_id)
            | (parents_see & SupportRequest.about.in_(_confirmed_children(person_id))))


def my_requests(account: Account) -> list[SupportRequest]:
    """«Мои обращения»: newest first, with who asked and for whom, in one query."""
    if not may_ask(account):
        raise NotAllowed("Просить о поддержке могут наставники, наставляемые и родители.")
    return list(_with_people().where(_readable_by(account.person_id))
                .order_by(SupportRequest.asked_at.desc(), SupportRequest.id.desc()))


@dataclass(frozen=True)
class SupportView:
    """One request as its reader may see it: the notes only when the reader is a psychologist."""

    request: SupportRequest
    for_psychologist: bool
    notes: tuple = ()


def request_for(account: Account, request_id) -> SupportView:
    """The request, for a psychologist of the school or one of the people who may read it; anyone else —
    the coordinator, a curator, the mentor of the pair, a class teacher — gets «not found»."""
    request_id = parse_id(request_id)
    if request_id is None:
        raise NotAllowed("Нет такого обращения.")
    query = _with_people().where((SupportRequest.id == request_id) & (SupportRequest.school == account.school_id))
    if is_psychologist(account):
        found = query.first()
        if found is None:
            raise NotAllowed("Нет такого обращения.")
        notes = tuple(SupportNote.select(SupportNote, Person)
                      .join(Person, join_type=JOIN.LEFT_OUTER, on=(SupportNote.author == Person.id), attr="writer")
                      .where(SupportNote.request == found.id).order_by(SupportNote.at, SupportNote.id))
        return SupportView(found, True, notes)
    found = query.where(_readable_by(account.person_id)).first() if may_ask(account) else None
    if found is None:
        raise NotAllowed("Нет такого обращения.")
    return SupportView(found, False)


def incoming(account: Account, which: str = "open") -> list[SupportRequest]:
    """The psychologist's list of the school's requests, oldest waiting first, in one query."""
    _psychologist(account)
    states = FILTER_STATES.get(which, FILTER_STATES["open"])
    return list(_with_people().where((SupportRequest.school == account.school_id)
                                     & SupportRequest.status.in_(list(states)))
                .order_by(SupportRequest.asked_at, SupportRequest.id))


# --- the psychologist's changes ----------------------------------------------------------------------------

# state -> the states it may move to
MOVES = {"new": ("contacted", "closed"), "contacted": ("contacted", "closed"), "closed": ()}


def _move(account: Account, request_id, to: str, note: str, ip: str) -> SupportRequest:
    """Every change of a request: only a psychologist of the school, only along MOVES; the note, the audit record
    and the asker's notification in one transaction. A contact on a new request is the request taken up."""
    _psychologist(account)
    view = request_for(account, request_id)
    request = view.request
    if to not in MOVES[request.status]:
        raise ServiceError("Обращение уже закрыто." if request.status == "closed" else "Так изменить обращение нельзя.")
    now = utcnow()
    fields = {"status": to}
    if to == "contacted" and request.contacted_at is None:
        fields["contacted_at"] = now
    if to == "closed":
        fields["closed_at"] = now
    with atomic_write():
        moved = (SupportRequest.update(**fields)
                 .where((SupportRequest.id == request.id) & (SupportRequest.status == request.status)).execute())
        if not moved:  # another psychologist changed it a moment ago
            raise ServiceError("Обращение только что изменилось. Обновите страницу.")
        SupportNote.create(request=request.id, author=account.person_id,
                           kind="close" if to == "closed" else "contact", text=note, at=now)
        audit.record(f"support.{'closed' if to == 'closed' else 'contacted'}", actor=account.person, obj=request,
                     school=account.school_id, ip=ip, was=request.status)
        if request.status == "new" and to == "contacted":
            notifications.notify([request.asked_by_id], "support.taken_up", obj=request)
    for name, value in fields.items():
        setattr(request, name, value)
    return request


def record_contact(account: Account, request_id, note, ip: str = "") -> SupportRequest:
    """The psychologist got in touch (or tried to): the first contact takes the request up and tells the asker."""
    return _move(account, request_id, "contacted", _clean(note, "note", MAX_NOTE), ip)


def close(account: Account, request_id, note, ip: str = "") -> SupportRequest:
    """Closed with a note for the psychologists (what was done, what was agreed)."""
    note = _clean(note, "note", MAX_NOTE)
    if not note:
        raise ServiceError("Напишите заметку о закрытии: её увидят только психологи.", field="note")
    return _move(account, request_id, "closed", note, ip)


# --- the coordinator: counts only -------------------------------------------------------------------------

@dataclass(frozen=True)
class Counts:
    """Requests by month (rows, in the school year's order) and form (columns); nothing else of them."""

    year: int
    title: str               # «2026/27 учебный год»
    formats: list            # [(format id or None, name)]
    months: list             # [(label, {format id or None: count}, total)]
    total: int


def counts(staff: StaffScope, year: int | None = None) -> Counts:
    """The year's requests counted by month and form, in one query (plus one for the forms' names)."""
    if not staff.is_coordinator:
        raise NotAllowed("Сводку по обращениям видит координатор.")
    year = years.school_year(date.today()) if year is None else year
    start, end = years.window(year)
    counted = Counter()
    for asked_at, format_id in (SupportRequest.select(SupportRequest.asked_at, SupportRequest.mentoring_format)
                                .where((SupportRequest.school == staff.school_id)
                                       & (SupportRequest.asked_at >= start) & (SupportRequest.asked_at < end))
                                .tuples()):
        counted[(asked_at.year, asked_at.month, format_id)] += 1
    used = {format_id for _, _, format_id in counted}
    formats = [(f.id, f"«{f.name}»") for f in MentoringFormat.select(MentoringFormat.id, MentoringFormat.name)
               .where(MentoringFormat.school == staff.school_id).order_by(MentoringFormat.id)]
    if None in used:
        formats.append((None, "без формы"))
    months = []
    for index in range(12):
        month = (years.FIRST_MONTH - 1 + index) % 12 + 1
        calendar_year = year if month >= years.FIRST_MONTH else year + 1
        row = {format_id: counted[(calendar_year, month, format_id)] for format_id, _ in formats}
        if sum(row.values()):
            months.append((f"{MONTHS[month - 1]} {calendar_year}", row, sum(row.values())))
    return Counts(year, years.label(year), formats, months, sum(counted.values()))


# --- the coordinator grants and removes the role ------------------------------------------------------------

def _coordinator(staff: StaffScope) -> None:
    if not staff.is_coordinator:
        raise NotAllowed("Педагогов-психологов назначает координатор.")


def candidates(staff: StaffScope) -> list[Person]:
    _coordinator(staff)
    return list(Person.to_choose(staff.school_id, PSYCHOLOGIST_KINDS))


def grants(staff: StaffScope) -> list[RoleGrant]:
    _coordinator(staff)
    return list(RoleGrant.select(RoleGrant, Account, Person).join(Account).join(Person)
                .where((RoleGrant.role == ROLE) & (Account.school == staff.school_id))
                .order_by(Person.surname, Person.first_name, Person.id))


def grant(staff: StaffScope, person_id, ip: str = "") -> tuple[RoleGrant, Account]:
    """The coordinator makes a staff member (or an invited specialist) a psychologist; one without an account gets
    one, and logs in once staff print an invitation from their card, as a class teacher does."""
    _coordinator(staff)
    person = staff_grants.chosen_person(staff, person_id, PSYCHOLOGIST_KINDS)
    try:
        with atomic_write():
            account, new = staff_grants.account_for(staff, person, ip)
            if not new and RoleGrant.select().where((RoleGrant.account == account) & (RoleGrant.role == ROLE)).exists():
                raise ServiceError(f"{person.full_name} уже педагог-психолог в портале.", field="person")
            granted = accounts.grant_role(staff.person, account, ROLE, ip=ip)
            audit.record("psychologist.granted", actor=staff.person, obj=account, school=staff.school_id, ip=ip,
                         person=person.id)
    except IntegrityError:  # two coordinators granting at the same moment
        raise ServiceError("Назначение только что изменилось. Обновите страницу и повторите.") from None
    account.person = person
    return granted, account


def psychologist_grant(staff: StaffScope, grant_id) -> RoleGrant:
    _coordinator(staff)
    grant_id = parse_id(grant_id)
    found = (RoleGrant.select(RoleGrant, Account, Person).join(Account).join(Person)
             .where((RoleGrant.id == grant_id) & (RoleGrant.role == ROLE)
                    & (Account.school == staff.school_id)).first()) if grant_id is not None else None
    if found is None:
        raise NotAllowed("Нет такого назначения.")
    return found


def remove_grant(staff: StaffScope, grant_id, ip: str = "") -> RoleGrant:
    """The person stops reading requests at once; the requests and the notes stay for the other psychologists."""
    found = psychologist_grant(staff, grant_id)
    with atomic_write():
        return staff_grants.removed(staff, found, "psychologist.removed", ip)
