"""Complaints about a pair's work and the assessment of a mentor's work (s6, s8; DECISIONS.md "Voice, support,
training, motivation").

A mentee, a mentee's parent (for their child, as representative — s8), a curator of the pair's form or the
coordinator files a complaint about a pair. The pair's mentor reads every complaint about their pairs — the text,
the date and the complainant's ROLE; the complainant's name only when the complainant allowed it — and writes one
explanation; the coordinator decides (upheld, not upheld, action taken) with a text the complainant and the mentor
read. Ending the pair is not done here: the coordinator's decision page links to the pair's «Завершить досрочно»
(services/ending.py), the school-year rules' one door.

Who reads a complaint: the pair's mentor, the person who filed it and the child it was filed for, the confirmed
parents of a minor complainant, the curators of the pair's form and the coordinator. Anyone else — another mentor
included — meets «not found» (`readable`). Every change is one function here that checks who may do it and writes
the change, the audit record (no text: it outlives destruction) and the notifications in one transaction.
"""
from dataclasses import dataclass
from datetime import date

from peewee import JOIN, fn

from portal import names
from portal.db import atomic_write, lock_row
from portal.ids import parse_id
from portal.models import (
    Account, Complaint, Guardianship, MentoringFormat, Mentorship, MentorshipMember, Person, RoleGrant,
)
from portal.models.base import utcnow
from portal.models.voice import COMPLAINANT_ROLES, COMPLAINT_OUTCOMES, COMPLAINT_STATES
from portal.services import NotAllowed, ServiceError, audit, notifications, representation, results
from portal.services.bases import checked_text
from portal.services.staff import StaffScope

ROLE_TITLES = dict(COMPLAINANT_ROLES)
STATE_TITLES = dict(COMPLAINT_STATES)
OUTCOME_TITLES = dict(COMPLAINT_OUTCOMES)
FILER_ROLES = tuple(ROLE_TITLES)
# Everyone who has a part in complaints: those who file them and the mentor they are about.
ROLES = FILER_ROLES + ("mentor",)
# Pairs that have worked (or work now): what a complaint may be about.
COMPLAINABLE = ("active", "suspended", "completed", "ended", "carried")
MAX_TEXT = 4000
NOT_FOUND = "Нет такой жалобы."


def role_to_file_as(held: list[str], current: str | None) -> str | None:
    """The role a person files in: the one they act in now, else the first of theirs that may file."""
    if current in FILER_ROLES and current in held:
        return current
    return next((role for role in held if role in FILER_ROLES), None)


def _text(value, field: str, limit: int, empty: str) -> str:
    """A complaint's texts keep their lines (services.bases.checked_text)."""
    return checked_text(value, field, limit, empty, lines=True)


def _children(parent_id: int) -> list[int]:
    """The confirmed children the parent represents in complaints (s8: services.representation — minors only, so
    a child who has turned 18 files and reads their own): one query."""
    today = date.today()
    return [child.id for child in Person.select(Person.id, Person.birth_date, Person.destroyed_at)
            .join(Guardianship, on=(Guardianship.child == Person.id))
            .where((Guardianship.parent == parent_id) & Guardianship.confirmed_at.is_null(False)
                   & Person.destroyed_at.is_null())
            if representation.acts_for(child, "complain", today)]


def _minor_parents(person_ids) -> list[int]:
    """The confirmed parents of those of these people who are minors today: one query."""
    today = date.today()
    child = Person.alias()
    return list(dict.fromkeys(
        parent for parent, birth in Guardianship.select(Guardianship.parent, child.birth_date)
        .join(child, on=(Guardianship.child == child.id))
        .where(Guardianship.child.in_([p for p in person_ids if p]) & Guardianship.confirmed_at.is_null(False)).tuples()
        if birth is not None and Person(birth_date=birth).is_minor(today)))


def _coordinators(school_id: int) -> list[int]:
    return [row[0] for row in Account.select(Account.person).join(RoleGrant)
            .where((RoleGrant.role == "coordinator") & (Account.school == school_id)
                   & (Account.is_active == True)).tuples()]  # noqa: E712


# --- the pairs one may complain about ----------------------------------------------------------------------

@dataclass(frozen=True)
class PairChoice:
    """One pair in the complaint form: its id, what the form shows, and the child a parent files for."""
    key: str
    mentorship_id: int
    child_id: int | None
    title: str


def pairs_to_complain_about(person: Person, role: str | None, scope: StaffScope | None = None) -> list[PairChoice]:
    """The pairs `person` may complain about in `role`: a mentee's own, a parent's children's, the pairs of a
    curator's forms, every pair of the school for the coordinator. Two queries whatever the number."""
    mentor = Person.alias()
    query = (Mentorship.select(Mentorship, mentor, MentoringFormat, MentorshipMember, Person)
             .join(mentor, on=(Mentorship.mentor == mentor.id), attr="mentor")
             .switch(Mentorship).join(MentoringFormat)
             .switch(Mentorship).join(MentorshipMember).join(Person, on=(MentorshipMember.mentee == Person.id))
             .where(Mentorship.status.in_(list(COMPLAINABLE)) & (MentoringFormat.school == person.school_id)))
    if role == "mentee":
        query = query.where(MentorshipMember.mentee == person.id)
    elif role == "parent":
        query = query.where(MentorshipMember.mentee.in_(_children(person.id) or [0]))
    elif role in ("curator", "coordinator") and scope is not None:
        query = query.where(Mentorship.mentoring_format.in_(list(scope.format_ids) or [0]))
    else:
        return []
    choices: dict[str, PairChoice] = {}
    for pair in query.order_by(mentor.surname, Mentorship.id, Person.surname, Person.first_name, Person.id):
        mentee = pair.mentorshipmember.mentee
        child = mentee.id if role == "parent" else None
        key = f"{pair.id}-{child}" if child else str(pair.id)
        if key in choices:
            if role in ("curator", "coordinator"):  # a group: name its mentees together
                first = choices[key]
                choices[key] = PairChoice(key, pair.id, None, f"{first.title}, {mentee.short_name}")
            continue
        prefix = f"за {names.short_name(mentee, 'accusative')}: " if role == "parent" else ""
        choices[key] = PairChoice(key, pair.id, child, f"{prefix}наставник {pair.mentor.short_name}, "
                                                        f"«{pair.mentoring_format.name}» — {mentee.short_name}")
    return list(choices.values())


# --- filing ------------------------------------------------------------------------------------------------

def file(person: Person, role: str | None, pair_key, text, name_shown: bool, scope: StaffScope | None = None,
         ip: str = "") -> Complaint:
    """A complaint about one of the pairs `pairs_to_complain_about` offers; the mentor and the coordinators are
    told at once — the mentor of the complainant's role only, unless the complainant allowed their name.
    The same complaint sent twice (a double submit) is the one already filed: nothing is filed or told again."""
    if role not in FILER_ROLES:
        raise NotAllowed("Жалобы подают наставляемые, родители, кураторы и координатор.")
    choice = next((c for c in pairs_to_complain_about(person, role, scope) if c.key == str(pair_key or "")), None)
    if choice is None:
        raise ServiceError("Выберите пару из списка.", field="pair")
    text = _text(text, "text", MAX_TEXT, "Опишите, на что вы жалуетесь.")
    with atomic_write():
        lock_row(Mentorship, choice.mentorship_id)  # two posts of one form take turns (SQLite: IMMEDIATE already)
        pair = Mentorship.get_by_id(choice.mentorship_id)
        same = Complaint.get_or_none((Complaint.mentorship == pair.id) & (Complaint.filed_by == person.id)
                                     & (Complaint.on_behalf_of == choice.child_id) & (Complaint.text == text)
                                     & (Complaint.status == "filed"))
        if same is not None:
            return same
        complaint = Complaint.create(school=person.school_id, mentorship=pair.id, filed_by=person.id, filed_as=role,
                                     on_behalf_of=choice.child_id, text=text, name_shown=bool(name_shown))
        audit.record("complaint.filed", actor=person, obj=complaint, school=person.school_id, ip=ip, role=role,
                     mentorship=pair.id, child=choice.child_id, name_shown=complaint.name_shown)
        notifications.notify([pair.mentor_id] + _coordinators(person.school_id), "complaint.filed", obj=complaint,
                             details=f"Заявитель — {ROLE_TITLES[role]}")
    return complaint


# --- reading -----------------------------------------------------------------------------------------------

def _query():
    """Complaints with their pair, form, mentor, the person who filed and the child filed for: one query."""
    mentor, filer, child = Person.alias(), Person.alias(), Person.alias()
    return (Complaint.select(Complaint, Mentorship, MentoringFormat, mentor, filer, child)
            .join_from(Complaint, Mentorship, attr="mentorship")
            .join_from(Mentorship, MentoringFormat, attr="mentoring_format")
            .join_from(Mentorship, mentor, on=(Mentorship.mentor == mentor.id), attr="mentor")
            .join_from(Complaint, filer, on=(Complaint.filed_by == filer.id), attr="filed_by")
            .join_from(Complaint, child, JOIN.LEFT_OUTER, on=(Complaint.on_behalf_of == child.id),
                       attr="on_behalf_of"))


def _with_mentees(complaints: list[Complaint]) -> list[Complaint]:
    """Each complaint's pair gets `.mentees` (its current mentees): one query for all of them."""
    ids = {c.mentorship_id for c in complaints}
    mentees: dict[int, list[Person]] = {i: [] for i in ids}
    if ids:
        for member in (MentorshipMember.select(MentorshipMember, Person).join(Person)
                       .where(MentorshipMember.mentorship.in_(list(ids)) & MentorshipMember.left_at.is_null())
                       .order_by(Person.surname, Person.first_name, Person.id)):
            mentees[member.mentorship_id].append(member.mentee)
    for complaint in complaints:
        complaint.mentorship.mentees = mentees[complaint.mentorship_id]
    return complaints


def _newest(query):
    return query.order_by(Complaint.created_at.desc(), Complaint.id.desc())


def _complainant_side(person_id: int):
    """Complaints the person filed, filed for them, or filed by or for their minor children."""
    condition = (Complaint.filed_by == person_id) | (Complaint.on_behalf_of == person_id)
    children = _children(person_id)
    if children:
        condition |= Complaint.filed_by.in_(children) | Complaint.on_behalf_of.in_(children)
    return condition


@dataclass(frozen=True)
class ComplaintView:
    """One complaint as its reader may see it. `shows_name`: whether the reader may see who complained."""
    complaint: Complaint
    as_mentor: bool
    as_complainant: bool
    as_staff: bool
    is_coordinator: bool

    @property
    def shows_name(self) -> bool:
        return self.as_complainant or self.as_staff or self.complaint.name_shown


def _staff_condition(scope: StaffScope | None):
    if scope is None:
        return None
    if scope.is_coordinator:
        return Complaint.school == scope.school_id
    return Mentorship.mentoring_format.in_(list(scope.format_ids) or [0])


def readable(person: Person, complaint_id, scope: StaffScope | None = None) -> ComplaintView:
    """The one fetcher: the pair's mentor, the complainant's side, the form's curators and the coordinator read a
    complaint; anyone else — another mentor, a parent of someone else's child — gets «not found»."""
    complaint_id = parse_id(complaint_id)
    if complaint_id is None:
        raise NotAllowed(NOT_FOUND)
    condition = (Mentorship.mentor == person.id) | _complainant_side(person.id)
    staff = _staff_condition(scope)
    if staff is not None:
        condition |= staff
    found = _query().where((Complaint.id == complaint_id) & (Complaint.school == person.school_id) & condition).first()
    if found is None:
        raise NotAllowed(NOT_FOUND)
    as_staff = scope is not None and (scope.is_coordinator or found.mentorship.mentoring_format_id in scope.format_ids)
    as_complainant = (found.filed_by_id == person.id or found.on_behalf_of_id == person.id
                      or bool({found.filed_by_id, found.on_behalf_of_id} & set(_children(person.id))))
    _with_mentees([found])
    return ComplaintView(found, found.mentorship.mentor_id == person.id, as_complainant, as_staff,
                         bool(scope and scope.is_coordinator))


def mine(person: Person) -> list[Complaint]:
    """The complainant's side: what the person filed, what was filed for them, and their minor children's."""
    return _with_mentees(list(_newest(_query().where(_complainant_side(person.id)))))


def about_me(person: Person) -> list[Complaint]:
    """Every complaint about the mentor's pairs, newest first: two queries whatever the number."""
    return _with_mentees(list(_newest(_query().where(Mentorship.mentor == person.id))))


@dataclass(frozen=True)
class Filters:
    state: str | None = None
    format_id: int | None = None

    def as_args(self) -> dict:
        return {"state": self.state or "", "format": self.format_id or ""}


def parse_filters(scope: StaffScope, state, format_arg) -> Filters:
    """Unknown or foreign values fall back to «all»: a filter never errors."""
    format_id = parse_id(format_arg)
    return Filters(state if state in STATE_TITLES else None, format_id if format_id in scope.format_ids else None)


def for_staff(scope: StaffScope, filters: Filters) -> list[Complaint]:
    """The coordinator's list of the school's complaints, a curator's of their forms, narrowed by state and form:
    two queries whatever the number."""
    query = _query().where((Complaint.school == scope.school_id) & _staff_condition(scope))
    if filters.state:
        query = query.where(Complaint.status == filters.state)
    if filters.format_id:
        query = query.where(Mentorship.mentoring_format == filters.format_id)
    return _with_mentees(list(_newest(query)))


def counts(scope: StaffScope) -> dict[str, int]:
    """How many complaints in reach stand in each state: one query."""
    found = dict(Complaint.select(Complaint.status, fn.COUNT(Complaint.id)).join(Mentorship)
                 .where((Complaint.school == scope.school_id) & _staff_condition(scope))
                 .group_by(Complaint.status).tuples())
    return {code: found.get(code, 0) for code in STATE_TITLES}


def satisfaction(person: Person) -> list[results.QuestionSummary]:
    """The mentees' satisfaction with this mentor, aggregated; a question with fewer than three answers is hidden
    (results.MIN_ABOUT)."""
    return results.about_person(person.id)


# --- changes -----------------------------------------------------------------------------------------------

def explain(person: Person, complaint_id, text, ip: str = "") -> Complaint:
    """The mentor's written explanation (one per complaint, before the decision); the coordinators are told."""
    view = readable(person, complaint_id)
    if not view.as_mentor:
        raise NotAllowed(NOT_FOUND)
    complaint = view.complaint
    if complaint.status != "filed":
        raise ServiceError("Объяснение уже дано." if complaint.status == "explained"
                           else "По жалобе уже принято решение.")
    text = _text(text, "explanation", MAX_TEXT, "Напишите объяснение.")
    now = utcnow()
    with atomic_write():
        changed = (Complaint.update(status="explained", explanation=text, explained_at=now)
                   .where((Complaint.id == complaint.id) & (Complaint.status == "filed")).execute())
        if not changed:
            raise ServiceError("Жалобу только что изменили. Обновите страницу.")
        audit.record("complaint.explained", actor=person, obj=complaint, school=complaint.school_id, ip=ip)
        notifications.notify(_coordinators(complaint.school_id), "complaint.explained", obj=complaint,
                             details=f"Наставник {person.short_name}")
    complaint.status, complaint.explanation, complaint.explained_at = "explained", text, now
    return complaint


def decide(scope: StaffScope, complaint_id, outcome, text, ip: str = "") -> Complaint:
    """The coordinator's decision, with or without the mentor's explanation (a mentor's silence does not hold the
    complaint up): the complainant, the parents of a minor complainant and the mentor are told."""
    if not scope.is_coordinator:
        raise NotAllowed("Решение по жалобе принимает координатор.")
    complaint = readable(scope.person, complaint_id, scope).complaint
    if complaint.status == "decided":
        raise ServiceError("По жалобе уже принято решение.")
    if outcome not in OUTCOME_TITLES:
        raise ServiceError("Выберите решение.", field="outcome")
    text = _text(text, "decision", MAX_TEXT, "Напишите решение: его прочтут заявитель и наставник.")
    now = utcnow()
    with atomic_write():
        changed = (Complaint.update(status="decided", outcome=outcome, decision=text, decided_by=scope.person.id,
                                    decided_at=now)
                   .where((Complaint.id == complaint.id) & (Complaint.status == complaint.status)).execute())
        if not changed:
            raise ServiceError("Жалобу только что изменили. Обновите страницу.")
        audit.record("complaint.decided", actor=scope.person, obj=complaint, school=scope.school_id, ip=ip,
                     outcome=outcome, was=complaint.status)
        complainants = [complaint.filed_by_id] + _minor_parents([complaint.filed_by_id, complaint.on_behalf_of_id])
        notifications.notify(list(dict.fromkeys([complaint.mentorship.mentor_id] + complainants)), "complaint.decided", obj=complaint,
                             details=OUTCOME_TITLES[outcome].capitalize())
    return readable(scope.person, complaint.id, scope).complaint
