"""Class teachers build the bases too (4.5; DECISIONS.md, "The school year").

The coordinator grants a staff member the class-teacher role for one or more classes. A class teacher sees the
pupils of their classes and proposes a pupil for a base of a format that takes students, with one category of
the base's closed list (4.6 for mentees) and a note. The format's curator (or the coordinator) accepts — which
nominates the pupil through `bases.nominate`, exactly as a curator's own nomination, consent asked — or
declines with a reason the class teacher reads. A class teacher sees nothing of pairs, meetings or answers:
this module hands them their pupils and their own proposals, nothing else.

Every change is one function here: it checks who may do it, changes the rows and writes the audit record and the
notification in one transaction.
"""
from dataclasses import dataclass

from peewee import JOIN, IntegrityError, fn

from portal.db import atomic_write, lock_row
from portal.ids import parse_id
from portal.models import (
    Account, BaseMembership, BaseProposal, MentoringFormat, Person, RoleGrant, SchoolClass,
)
from portal.models.base import utcnow
from portal.models.bases import CATEGORY_TITLES, PROPOSAL_STATES  # noqa: F401 (the lists name categories)
from portal.services import NotAllowed, ServiceError, accounts, audit, notifications
from portal.services import bases as base_rules
from portal.services import staff_grants
from portal.services.staff import StaffScope

ROLE = "class_teacher"
STATE_TITLES = dict(PROPOSAL_STATES)
MAX_NOTE = base_rules.MAX_TEXT
MAX_REASON = 1000
# Who may hold the grant: a teacher of the school, i.e. a staff member of the roster.
TEACHER_KINDS = ("staff",)
IN_BASE = {"mentor": "базе наставников", "mentee": "базе наставляемых"}  # «уже в …»


@dataclass(frozen=True)
class ClassTeacherScope:
    """What a class teacher reaches: the pupils of the classes they hold the grant for, and their own proposals."""

    person: Person
    school_id: int
    class_ids: frozenset[int]

    def pupils_query(self):
        return (Person.select(Person, SchoolClass).join(SchoolClass)
                .where((Person.school == self.school_id) & (Person.kind == "student")
                       & Person.school_class.in_(list(self.class_ids)) & Person.destroyed_at.is_null()))


def scope_of(account: Account) -> ClassTeacherScope:
    """The class teacher's reach; an account without the grant is outside the area (views answer 403)."""
    if not account.has_role(ROLE):
        raise NotAllowed("Раздел для классных руководителей.")
    class_ids = frozenset(row[0] for row in RoleGrant.select(RoleGrant.school_class)
                          .where((RoleGrant.account == account.id) & (RoleGrant.role == ROLE)
                                 & RoleGrant.school_class.is_null(False)).tuples())
    return ClassTeacherScope(person=account.person, school_id=account.school_id, class_ids=class_ids)


# --- the class teacher's side --------------------------------------------------------------------------

# «5А» before «10Б», as the roster lists classes (people.classes_of).
CLASS_ORDER = (fn.LENGTH(SchoolClass.name), SchoolClass.name)


def classes_of(scope: ClassTeacherScope) -> list[SchoolClass]:
    return list(SchoolClass.select().where(SchoolClass.id.in_(list(scope.class_ids))).order_by(*CLASS_ORDER))


def pupils(scope: ClassTeacherScope) -> list[Person]:
    """The pupils of the teacher's classes, class by class, in one query."""
    return list(scope.pupils_query().order_by(*CLASS_ORDER, Person.surname, Person.first_name, Person.patronymic,
                                              Person.id))


def pupil(scope: ClassTeacherScope, person_id) -> Person:
    """A pupil of the teacher's classes; anyone else (another class, another school) is «not found»."""
    person_id = parse_id(person_id)
    found = scope.pupils_query().where(Person.id == person_id).first() if person_id is not None else None
    if found is None:
        raise NotAllowed("Нет такого ученика.")
    return found


def open_formats(school_id: int) -> list[MentoringFormat]:
    """Open formats with a base a pupil may join: students as mentees or as mentors."""
    return list(MentoringFormat.select()
                .where((MentoringFormat.school == school_id) & (MentoringFormat.is_active == True)  # noqa: E712
                       & ((MentoringFormat.mentee_kind == "student") | (MentoringFormat.mentor_kind == "student")))
                .order_by(MentoringFormat.id))


def student_bases(fmt: MentoringFormat) -> list[str]:
    """The bases of a format that take students (member_kinds says who fits each base)."""
    return [base for base in ("mentee", "mentor") if "student" in base_rules.member_kinds(fmt, base)]


def categories_for_pupils(base: str) -> tuple[tuple[str, str], ...]:
    """The closed list a pupil's proposal takes its category from: 4.6 for a mentee, 4.8 for a mentor."""
    return base_rules.categories_for(base, Person(kind="student"))


def _clean(value, field_name: str, limit: int) -> str:
    """A note keeps its lines (services.bases.checked_text)."""
    return base_rules.checked_text(value, field_name, limit, lines=True)


def _curators_of(fmt: MentoringFormat) -> list[int]:
    """Who hears of a new proposal: the format's curators, or the coordinators where it has none yet."""
    curators = [row[0] for row in Account.select(Account.person).join(RoleGrant)
                .where((RoleGrant.role == "curator") & (RoleGrant.mentoring_format == fmt)).tuples()]
    if curators:
        return curators
    return [row[0] for row in Account.select(Account.person).join(RoleGrant)
            .where((Account.school == fmt.school_id) & (RoleGrant.role == "coordinator")).tuples()]


def propose(scope: ClassTeacherScope, person_id, format_id, base, category, note, ip: str = "") -> BaseProposal:
    """4.5: a pupil of the teacher's class proposed for a base, waiting for the format's curator.

    Refused, with the field it concerns, when the format takes no students in that base, the category is not of
    the base's closed list (4.6, 4.8), or the pupil is already in the base or already proposed and waiting."""
    person = pupil(scope, person_id)
    format_id = parse_id(format_id)
    fmt = next((f for f in open_formats(scope.school_id) if f.id == format_id), None)
    if fmt is None:
        raise ServiceError("Выберите форму наставничества из списка.", field="mentoring_format")
    if base not in student_bases(fmt):
        raise ServiceError(f"В форме «{fmt.name}» ученики не входят в эту базу.", field="base")
    if category not in {code for code, _ in categories_for_pupils(base)}:
        raise ServiceError("Выберите категорию из перечня для выбранной базы (п. 4.6 Положения для наставляемых, "
                           "п. 4.8 — для наставников).", field="category")
    note = _clean(note, "note", MAX_NOTE)
    with atomic_write():
        lock_row(Person, person.id)  # a double submit makes one proposal (SQLite: the IMMEDIATE transaction serialises)
        in_base = BaseMembership.select().where(
            (BaseMembership.mentoring_format == fmt) & (BaseMembership.person == person)
            & (BaseMembership.base == base) & (BaseMembership.status != "left")).exists()
        if in_base:
            raise ServiceError(f"{person.full_name} уже в {IN_BASE[base]} формы «{fmt.name}».", field="base")
        if _pending(fmt, person, base).exists():
            raise ServiceError(f"{person.full_name} уже предложен(а) в эту базу; предложение ждёт куратора.",
                               field="base")
        proposal = BaseProposal.create(mentoring_format=fmt, person=person, base=base, category=category, note=note,
                                       proposed_by=scope.person)
        # The category stays out of the audit trail: it is sensitive and the trail outlives destruction.
        audit.record("base_proposal.made", actor=scope.person, obj=proposal, school=scope.school_id, ip=ip,
                     person=person.id, format=fmt.id, base=base)
        notifications.notify(_curators_of(fmt), "base_proposal.made", obj=proposal,
                             details=f"{person.full_name}, {person.school_class.name} — «{fmt.name}»")
    return proposal


def _pending(fmt, person, base):
    return BaseProposal.select().where((BaseProposal.mentoring_format == fmt) & (BaseProposal.person == person)
                                       & (BaseProposal.base == base) & (BaseProposal.status == "pending"))


def proposals_of(scope: ClassTeacherScope) -> list[BaseProposal]:
    """The teacher's own proposals of pupils still in their classes, newest first, with the pupil and the format,
    in one query: a class taken away, or a pupil moved to another class, is out of sight at once."""
    return list(BaseProposal.select(BaseProposal, Person, MentoringFormat)
                .join(Person, on=(BaseProposal.person == Person.id)).switch(BaseProposal).join(MentoringFormat)
                .where((BaseProposal.proposed_by == scope.person)
                       & Person.school_class.in_(list(scope.class_ids)))
                .order_by(BaseProposal.proposed_at.desc(), BaseProposal.id.desc()))


# --- the curator's side --------------------------------------------------------------------------------

def incoming(staff: StaffScope, status: str = "pending") -> list[BaseProposal]:
    """Proposals for the formats in reach (the coordinator: all), with pupil, class, format and proposer."""
    proposer = Person.alias()
    query = (BaseProposal.select(BaseProposal, Person, SchoolClass, MentoringFormat, proposer)
             .join(Person, on=(BaseProposal.person == Person.id)).join(SchoolClass, join_type=JOIN.LEFT_OUTER)
             .switch(BaseProposal).join(MentoringFormat)
             .switch(BaseProposal).join(proposer, join_type=JOIN.LEFT_OUTER, on=(BaseProposal.proposed_by == proposer.id),
                                        attr="proposer")
             .where(BaseProposal.mentoring_format.in_(list(staff.format_ids))))
    if status in STATE_TITLES:
        query = query.where(BaseProposal.status == status)
    return list(query.order_by(BaseProposal.proposed_at.desc(), BaseProposal.id.desc()))


def pending_count(staff: StaffScope) -> int:
    return (BaseProposal.select(fn.COUNT(BaseProposal.id))
            .where(BaseProposal.mentoring_format.in_(list(staff.format_ids)) & (BaseProposal.status == "pending"))
            .scalar())


def proposal_for(staff: StaffScope, proposal_id) -> BaseProposal:
    """One proposal of a format in reach, with its pupil and format; anything else is «not found»."""
    proposal_id = parse_id(proposal_id)
    found = (BaseProposal.select(BaseProposal, Person, MentoringFormat)
             .join(Person, on=(BaseProposal.person == Person.id)).switch(BaseProposal).join(MentoringFormat)
             .where(BaseProposal.id == proposal_id).first()) if proposal_id is not None else None
    if found is None or found.mentoring_format_id not in staff.format_ids:
        raise NotAllowed("Нет такого предложения.")
    return found


def _teacher_of(proposal: BaseProposal) -> list[int]:
    """Who hears of the decision: the proposer while the pupil is still in one of their classes (an ex-teacher
    of the class learns nothing more about its pupils)."""
    if proposal.proposed_by_id is None or proposal.person.school_class_id is None:
        return []
    holds = (RoleGrant.select().join(Account)
             .where((Account.person == proposal.proposed_by_id) & (RoleGrant.role == "class_teacher")
                    & (RoleGrant.school_class == proposal.person.school_class_id)).exists())
    return [proposal.proposed_by_id] if holds else []


def _decide(proposal: BaseProposal, staff: StaffScope, status: str, **fields) -> None:
    """Close a pending proposal; a second click (or another curator first) finds it decided and changes nothing."""
    decided = (BaseProposal.update(status=status, decided_by=staff.person, decided_at=utcnow(), **fields)
               .where((BaseProposal.id == proposal.id) & (BaseProposal.status == "pending")).execute())
    if not decided:
        raise ServiceError("Предложение уже рассмотрено.")


def accept(staff: StaffScope, proposal_id, ip: str = "") -> BaseMembership:
    """The curator accepts: the pupil is nominated through `bases.nominate` — «ожидает согласия» with the
    consent asked, as any nomination — with the proposal's category, all in one transaction. The note was
    written to the curator and stays on the proposal: «что нужно» and «чем может помочь» are read by other
    participants (a pupil mentor, mentees choosing), so the pupil and the curator write those themselves."""
    proposal = proposal_for(staff, proposal_id)
    if proposal.status != "pending":
        raise ServiceError("Предложение уже рассмотрено.")
    try:
        with atomic_write():
            membership = base_rules.nominate(staff, proposal.mentoring_format, proposal.person_id, proposal.base,
                                             categories=[proposal.category], ip=ip)
            _decide(proposal, staff, "accepted", membership=membership)
            audit.record("base_proposal.accepted", actor=staff.person, obj=proposal, school=staff.school_id, ip=ip,
                         membership=membership.id)
            notifications.notify(_teacher_of(proposal), "base_proposal.accepted", obj=proposal,
                                 details=f"{proposal.person.full_name} — «{proposal.mentoring_format.name}»")
    except IntegrityError:  # two curators accepting at the same moment
        raise ServiceError("Предложение только что изменилось. Обновите страницу.") from None
    return membership


def decline(staff: StaffScope, proposal_id, reason, ip: str = "") -> BaseProposal:
    """The curator declines with a reason the class teacher reads on their list."""
    proposal = proposal_for(staff, proposal_id)
    if proposal.status != "pending":
        raise ServiceError("Предложение уже рассмотрено.")
    reason = _clean(reason, "reason", MAX_REASON)
    if not reason:
        raise ServiceError("Укажите причину: её прочтёт классный руководитель.", field="reason")
    with atomic_write():
        _decide(proposal, staff, "declined", reason=reason)
        audit.record("base_proposal.declined", actor=staff.person, obj=proposal, school=staff.school_id, ip=ip)
        notifications.notify(_teacher_of(proposal), "base_proposal.declined", obj=proposal,
                             details=f"{proposal.person.full_name} — «{proposal.mentoring_format.name}»")
    return proposal_for(staff, proposal.id)


# --- the coordinator grants and removes the role -------------------------------------------------------

def _coordinator(staff: StaffScope) -> None:
    if not staff.is_coordinator:
        raise NotAllowed("Классных руководителей назначает координатор.")


def teacher_candidates(staff: StaffScope) -> list[Person]:
    _coordinator(staff)
    return list(Person.to_choose(staff.school_id, TEACHER_KINDS))


def grants(staff: StaffScope) -> list[RoleGrant]:
    """Every class-teacher grant of the school, class by class."""
    _coordinator(staff)
    return list(RoleGrant.select(RoleGrant, Account, Person, SchoolClass)
                .join(Account).join(Person).switch(RoleGrant).join(SchoolClass)
                .where((RoleGrant.role == ROLE) & (SchoolClass.school == staff.school_id))
                .order_by(*CLASS_ORDER, Person.surname, Person.first_name))


def grant(staff: StaffScope, person_id, class_id, ip: str = "") -> tuple[RoleGrant, Account]:
    """The coordinator makes a teacher the class teacher of a class; a teacher without an account gets one (they
    log in once staff print an invitation from their card), as a curator's appointment does."""
    _coordinator(staff)
    person = staff_grants.chosen_person(staff, person_id, TEACHER_KINDS)
    class_id = parse_id(class_id)
    school_class = SchoolClass.get_or_none((SchoolClass.id == class_id) & (SchoolClass.school == staff.school_id)) \
        if class_id is not None else None
    if school_class is None:
        raise ServiceError("Выберите класс из списка.", field="school_class")
    try:
        with atomic_write():
            account, new = staff_grants.account_for(staff, person, ip)
            if not new and RoleGrant.select().where((RoleGrant.account == account) & (RoleGrant.role == ROLE)
                                                    & (RoleGrant.school_class == school_class)).exists():
                raise ServiceError(f"{person.full_name} уже классный руководитель {school_class.name} класса.",
                                   field="school_class")
            granted = accounts.grant_role(staff.person, account, ROLE, school_class=school_class, ip=ip)
            audit.record("class_teacher.granted", actor=staff.person, obj=account, school=staff.school_id, ip=ip,
                         person=person.id, school_class=school_class.id)
    except IntegrityError:  # two coordinators granting the same class at the same moment
        raise ServiceError("Назначение только что изменилось. Обновите страницу и повторите.") from None
    account.person = person
    granted.school_class = school_class
    return granted, account


def class_teacher_grant(staff: StaffScope, grant_id) -> RoleGrant:
    _coordinator(staff)
    grant_id = parse_id(grant_id)
    found = (RoleGrant.select(RoleGrant, Account, Person, SchoolClass)
             .join(Account).join(Person).switch(RoleGrant).join(SchoolClass)
             .where((RoleGrant.id == grant_id) & (RoleGrant.role == ROLE)
                    & (SchoolClass.school == staff.school_id)).first()) if grant_id is not None else None
    if found is None:
        raise NotAllowed("Нет такого назначения.")
    return found


def remove_grant(staff: StaffScope, grant_id, ip: str = "") -> RoleGrant:
    """The teacher loses the class at once; their proposals stay (decided or waiting for the curator)."""
    found = class_teacher_grant(staff, grant_id)
    with atomic_write():
        return staff_grants.removed(staff, found, "class_teacher.removed", ip, school_class=found.school_class_id)
