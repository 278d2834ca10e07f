"""The two bases of a format (4.4, 4.9): staff nominate roster people; consent makes them active (4.10)."""
import re
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import JOIN, IntegrityError, fn

from portal.db import atomic_write
from portal.models import (
    Account, BaseMembership, MembershipCategory, MentoringFormat, Mentorship, MentorshipMember, Person, Proposal,
    SchoolClass,
)
from portal.models.base import utcnow
from portal.models.bases import (
    BASES, MEMBER_STATUSES, MENTOR_CATEGORIES, STUDENT_MENTEE_CATEGORIES, TEACHER_MENTEE_CATEGORIES,
)
from portal.models.people import PERSON_KINDS
from portal.services import NotAllowed, ServiceError, accounts, asking, audit
from portal.services import consent as consents
from portal.services.staff import StaffScope

BASE_TITLES = dict(BASES)
BASE_ACCUSATIVE = {"mentor": "базу наставников", "mentee": "базу наставляемых"}  # «добавить в …»
STATUS_TITLES = dict(MEMBER_STATUSES)
KIND_TITLES = dict(PERSON_KINDS)
# The list filter: «current» (the default) hides those who left, «all» shows everyone.
STATUS_FILTERS = {
    "current": ("awaiting_consent", "active"),
    "awaiting_consent": ("awaiting_consent",),
    "active": ("active",),
    "left": ("left",),
    "all": ("awaiting_consent", "active", "left"),
}
MAX_CAPACITY = 10
MAX_TEXT = 1000
MAX_OTHER_TEXT = 200
# Free text may hold line breaks, never other control characters (PostgreSQL refuses NUL outright).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Pairs that still bind a person to the format: removal from the base waits until they end.
OPEN_PAIR_STATES = ("proposed", "chosen", "confirmed", "in_order", "active", "suspended")


def categories_for(base: str, person: Person) -> tuple[tuple[str, str], ...]:
    """The closed list of 4.6–4.8 that applies: students and teachers are different mentees."""
    if base == "mentor":
        return MENTOR_CATEGORIES
    return STUDENT_MENTEE_CATEGORIES if person.kind == "student" else TEACHER_MENTEE_CATEGORIES


def categories_of_base(fmt: MentoringFormat, base: str) -> tuple[tuple[str, str], ...]:
    """The list a base's form offers: a format's mentees are all of one kind (students or teachers)."""
    if base == "mentor":
        return MENTOR_CATEGORIES
    return STUDENT_MENTEE_CATEGORIES if fmt.mentee_kind == "student" else TEACHER_MENTEE_CATEGORIES


def member_kinds(fmt: MentoringFormat, base: str) -> tuple[str, ...]:
    """Roster kinds that fit a base. 4.8 names parents, alumni, company people and veterans as mentors:
    wherever staff may mentor, so may parents and people from outside the school."""
    if base == "mentee":
        return (fmt.mentee_kind,)
    if fmt.mentor_kind == "staff":
        return ("staff", "parent", "external")
    return (fmt.mentor_kind,)


def require_open(fmt: MentoringFormat) -> None:
    """A closed format keeps its history but takes no new members, proposals or pairs."""
    if not fmt.is_active:
        raise ServiceError(f"Форма «{fmt.name}» закрыта координатором: новых участников и пар в ней нет.")


def _format_in(scope: StaffScope, fmt) -> MentoringFormat:
    """A format (or its id) inside the scope; a format already fetched costs no second query."""
    if isinstance(fmt, MentoringFormat):
        if fmt.id not in scope.format_ids:
            raise NotAllowed("Нет такой формы наставничества.")
        return fmt
    return scope.check_format(fmt)


def checked_text(value, field: str, limit: int, required: str | None = None, lines: bool = False) -> str:
    """A typed text as services keep it: spaces collapsed (with `lines`, only trimmed, so a note keeps its lines),
    control characters refused, `required` the message when it is empty, no longer than `limit`."""
    value = value if isinstance(value, str) else ""
    value = value.strip() if lines else " ".join(value.split())
    if CONTROL_CHARS.search(value):
        raise ServiceError("Текст содержит недопустимые символы.", field=field)
    if required and not value:
        raise ServiceError(required, field=field)
    if len(value) > limit:
        raise ServiceError(f"Не длиннее {limit} символов.", field=field)
    return value


def _clean_text(value: str, field_name: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if CONTROL_CHARS.search(value):
        raise ServiceError("Текст содержит недопустимые символы.", field=field_name)
    if len(value) > limit:
        raise ServiceError(f"Не длиннее {limit} символов.", field=field_name)
    return value


def _checked(base: str, person: Person, categories, other_text: str, needs: str, can_help_with: str,
             capacity) -> dict:
    """Categories only from the person's own closed list; «другое» only with its text (4.7)."""
    codes = list(dict.fromkeys(categories or ()))
    allowed = {code for code, _ in categories_for(base, person)}
    if set(codes) - allowed:
        raise ServiceError("Эта категория не относится к выбранной базе.", field="categories")
    other_text = _clean_text(other_text, "other_text", MAX_OTHER_TEXT) if "other" in allowed else ""
    if other_text and "other" not in codes:
        codes.append("other")
    if "other" in codes and not other_text:
        raise ServiceError("Опишите категорию «другое».", field="other_text")
    try:
        capacity = int(capacity if capacity not in (None, "") else 1)
    except (TypeError, ValueError):
        raise ServiceError("Укажите число.", field="capacity") from None
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ServiceError(f"Число наставляемых — от 1 до {MAX_CAPACITY}.", field="capacity")
    return {"codes": codes, "other_text": other_text, "needs": _clean_text(needs, "needs"),
            "can_help_with": _clean_text(can_help_with, "can_help_with"),
            "capacity": capacity if base == "mentor" else 1}


def _write_categories(membership: BaseMembership, codes, other_text: str) -> None:
    MembershipCategory.delete().where(MembershipCategory.membership == membership).execute()
    for code in codes:
        MembershipCategory.create(membership=membership, code=code, other_text=other_text if code == "other" else "")


def nominate(scope: StaffScope, format_id, person_id: int, base: str, *, categories=(), other_text: str = "",
             needs: str = "", can_help_with: str = "", capacity: int = 1, ip: str = "") -> BaseMembership:
    """Put a roster person into a base «ожидает согласия», or active at once if their consent is already valid."""
    fmt = _format_in(scope, format_id)
    require_open(fmt)
    person = scope.roster_person(person_id)
    if person.destroyed_at is not None:
        raise NotAllowed("Нет такого человека.")
    if base not in BASE_TITLES:
        raise ServiceError("Выберите базу.", field="base")
    if person.kind not in member_kinds(fmt, base):
        raise ServiceError(f"В {BASE_ACCUSATIVE[base]} формы «{fmt.name}» не входят люди вида "
                           f"«{KIND_TITLES.get(person.kind, person.kind)}».", field="person")
    data = _checked(base, person, categories, other_text, needs, can_help_with, capacity)
    try:
        with atomic_write():
            existing = BaseMembership.get_or_none((BaseMembership.mentoring_format == fmt)
                                                  & (BaseMembership.person == person) & (BaseMembership.base == base))
            if existing is not None and existing.status != "left":
                raise ServiceError(f"{person.full_name} уже в этой базе.", field="person")
            status = "active" if consents.may_take_part(person, base) else "awaiting_consent"
            fields = {"status": status, "needs": data["needs"], "can_help_with": data["can_help_with"],
                      "capacity": data["capacity"], "nominated_by": scope.person, "nominated_at": utcnow(),
                      "left_at": None}
            if existing is not None:  # 4.9: someone who left comes back on the same row
                BaseMembership.update(**fields).where(BaseMembership.id == existing.id).execute()
                membership = BaseMembership.get_by_id(existing.id)
            else:
                membership = BaseMembership.create(mentoring_format=fmt, person=person, base=base, **fields)
            _write_categories(membership, data["codes"], data["other_text"])
            account = Account.get_or_none(Account.person == person)
            if account is not None:  # the base decides the role: a mentor-base member may use the mentor area
                accounts.grant_role(scope.person, account, base, ip=ip)
            audit.record("base.nominated", actor=scope.person, obj=membership, ip=ip, person=person.id, base=base,
                         format=fmt.id, status=status)
            # What the nomination asks of people: the consent (of the parents, for a minor), the programme.
            if status == "awaiting_consent":
                asking.ask_consent(person, fmt, base)
            asking.ask_acknowledgement([membership])
    except IntegrityError:  # the same person nominated twice at the same moment
        raise ServiceError(f"{person.full_name} уже в этой базе.", field="person") from None
    membership.person = person
    membership.mentoring_format = fmt
    return membership


# --- reading the bases ---------------------------------------------------------------------------

def overview(scope: StaffScope) -> list[dict]:
    """The formats in reach, each with both bases counted by status, in two queries."""
    formats = list(scope.formats())
    counts = defaultdict(int)
    for format_id, base, status, n in (
            BaseMembership.select(BaseMembership.mentoring_format, BaseMembership.base, BaseMembership.status,
                                  fn.COUNT(BaseMembership.id))
            .where(BaseMembership.mentoring_format.in_([f.id for f in formats]))
            .group_by(BaseMembership.mentoring_format, BaseMembership.base, BaseMembership.status).tuples()):
        counts[(format_id, base, status)] = n
    return [{"format": f, "counts": {(base, status): counts[(f.id, base, status)]
                                     for base in BASE_TITLES for status in STATUS_TITLES}}
            for f in formats]


@dataclass
class MemberRow:
    membership: BaseMembership          # person and their class joined
    allowed: bool                       # the consent gate's answer today
    consent_needed: str                 # whose consent is missing when not allowed
    categories: list = field(default_factory=list)  # empty unless the viewer may see them


def members(scope: StaffScope, format_id, status: str = "current", surname: str = "") -> dict[str, list]:
    """Both bases of a format as rows, in a fixed number of queries whatever their size.

    The surname search runs in Python: SQLite's LIKE folds case for Latin letters only, and the
    format's members are read in one query anyway.
    """
    fmt = _format_in(scope, format_id)
    statuses = STATUS_FILTERS.get(status, STATUS_FILTERS["current"])
    query = (BaseMembership.select(BaseMembership, Person, SchoolClass)
             .join(Person).join(SchoolClass, JOIN.LEFT_OUTER)
             .where((BaseMembership.mentoring_format == fmt) & BaseMembership.status.in_(statuses))
             .order_by(Person.surname, Person.first_name, Person.patronymic, BaseMembership.id))
    needle = (surname or "").strip().casefold()
    found = [m for m in query if needle in m.person.surname.casefold()]
    gate = consents.participation_gate((m.person, m.base) for m in found)
    shown = defaultdict(list)
    if found and scope.sees_categories(fmt.id):
        for category in (MembershipCategory.select(MembershipCategory).join(BaseMembership)
                         .where(BaseMembership.mentoring_format == fmt).order_by(MembershipCategory.id)):
            shown[category.membership_id].append(category)
    rows = {base: [] for base in BASE_TITLES}
    for m in found:
        needed = "parent" if consents.required_kind(m.person, m.base) != "adult_self" else "self"
        rows[m.base].append(MemberRow(m, gate[(m.person.id, m.base)], needed, shown[m.id]))
    return rows


def candidates(scope: StaffScope, format_id, base: str) -> list[Person]:
    """Roster people who fit the base and are not in it now (those who left may come back)."""
    fmt = _format_in(scope, format_id)
    inside = BaseMembership.select(BaseMembership.person).where(
        (BaseMembership.mentoring_format == fmt) & (BaseMembership.base == base) & (BaseMembership.status != "left"))
    return list(Person.select(Person, SchoolClass).join(SchoolClass, JOIN.LEFT_OUTER)
                .where((Person.school == scope.school_id) & Person.kind.in_(member_kinds(fmt, base))
                       & Person.destroyed_at.is_null() & Person.id.not_in(inside))
                .order_by(Person.surname, Person.first_name, Person.patronymic))


def member(scope: StaffScope, membership_id: int) -> BaseMembership:
    """One membership of a format in reach, with its person and format; anything else is «not found»."""
    found = (BaseMembership.select(BaseMembership, Person, MentoringFormat)
             .join(Person).switch(BaseMembership).join(MentoringFormat)
             .where(BaseMembership.id == membership_id).first())
    if found is None or found.mentoring_format_id not in scope.format_ids:
        raise NotAllowed("Нет такого участника базы.")
    return found


def member_categories(scope: StaffScope, membership: BaseMembership) -> list[MembershipCategory]:
    if not scope.sees_categories(membership.mentoring_format_id):
        return []
    return list(MembershipCategory.select().where(MembershipCategory.membership == membership)
                .order_by(MembershipCategory.id))


# --- changing a member ---------------------------------------------------------------------------

def update_member(scope: StaffScope, membership_id: int, *, categories=(), other_text: str = "",
                  needs: str | None = None, can_help_with: str | None = None, capacity: int | None = None,
                  ip: str = "") -> BaseMembership:
    """4.9: a member's categories, needs and capacity change with the school's needs (None: left as it is)."""
    membership = member(scope, membership_id)
    if membership.status == "left":
        raise ServiceError("Участник выбыл из базы: чтобы изменить данные, сначала добавьте его снова.")
    data = _checked(membership.base, membership.person, categories, other_text,
                    membership.needs if needs is None else needs,
                    membership.can_help_with if can_help_with is None else can_help_with,
                    membership.capacity if capacity is None else capacity)
    before = {"categories": sorted((c.code, c.other_text) for c in member_categories(scope, membership)),
              "needs": membership.needs, "can_help_with": membership.can_help_with, "capacity": membership.capacity}
    after = {"categories": sorted((c, data["other_text"] if c == "other" else "") for c in data["codes"]),
             "needs": data["needs"], "can_help_with": data["can_help_with"], "capacity": data["capacity"]}
    changed = [name for name in before if before[name] != after[name]]
    if not changed:
        return membership
    with atomic_write():
        BaseMembership.update(needs=data["needs"], can_help_with=data["can_help_with"],
                              capacity=data["capacity"]).where(BaseMembership.id == membership.id).execute()
        _write_categories(membership, data["codes"], data["other_text"])
        # Only the names of what changed: categories are sensitive and the audit trail outlives destruction.
        audit.record("base.member_updated", actor=scope.person, obj=membership, ip=ip, changed=changed)
    return member(scope, membership.id)


def open_pairs(membership: BaseMembership):
    """The member's pairs in this format that have not ended."""
    person = membership.person_id
    in_format = (Mentorship.mentoring_format == membership.mentoring_format_id) & Mentorship.status.in_(
        OPEN_PAIR_STATES)
    if membership.base == "mentor":
        return Mentorship.select().where(in_format & (Mentorship.mentor == person))
    as_mentee = MentorshipMember.select(MentorshipMember.mentorship).where(
        (MentorshipMember.mentee == person) & MentorshipMember.left_at.is_null())
    return Mentorship.select().where(in_format & Mentorship.id.in_(as_mentee))


def remove_member(scope: StaffScope, membership_id: int, ip: str = "", end_reason: str | None = None,
                  end_text: str = "") -> BaseMembership:
    """4.9: the member leaves the base («выбыл»); the row stays as history and they may come back.

    A member still in a pair of the form: with `end_reason` the pairs end (or are cancelled) in the same
    transaction as the removal (services/ending.py); without it the removal is refused and nothing changes."""
    from portal.services import ending  # ending reads pairs through orders, which lead back here

    membership = member(scope, membership_id)
    if end_reason is not None:
        end_reason, end_text = ending.check_reason(end_reason, end_text)
    with atomic_write():
        running = list(open_pairs(membership))
        if running and end_reason is None:
            raise ServiceError(f"{membership.person.full_name} состоит в наставнической паре этой формы: "
                               "сначала завершите или отмените пару.")
        for pair in running:
            pair = ending.pair_in_scope(scope, pair.id)
            if membership.base == "mentee":  # a group goes on without them; their own pair ends
                ending.leave_group_locked(scope, pair, membership.person_id, end_reason, end_text, ip)
            else:
                ending.end_locked(scope, pair, end_reason, end_text, ip)
        left = (BaseMembership.update(status="left", left_at=utcnow())
                .where((BaseMembership.id == membership.id) & (BaseMembership.status != "left")).execute())
        if left:  # a second click finds them already out and changes nothing
            side = Proposal.mentor if membership.base == "mentor" else Proposal.mentee
            Proposal.update(status="withdrawn").where(
                (Proposal.mentoring_format == membership.mentoring_format_id) & (side == membership.person_id)
                & (Proposal.status == "open")).execute()
            audit.record("base.member_removed", actor=scope.person, obj=membership, ip=ip,
                         person=membership.person_id, base=membership.base, format=membership.mentoring_format_id)
    return member(scope, membership.id)
