"""Mentoring formats (5.1): added, renamed, closed to new pairing or opened again, never deleted."""
from collections import defaultdict

from peewee import IntegrityError, fn

from portal.db import atomic_write
from portal.models import Account, Acknowledgement, BaseMembership, MentoringFormat, Mentorship, Person, RoleGrant
from portal.services import ServiceError, audit
from portal.services.bases import member_kinds
from portal.services.orders import appointment
from portal.services.staff import StaffScope
from portal.services.programmes.checks import (
    KIND_PLURALS, MAX_DESCRIPTION, MAX_NAME, MENTEE_KINDS, MENTOR_KINDS, ONGOING_PAIRS, PRESENTATIONS, _coordinator,
    _newest_programmes, _text,
)


# --- formats (5.1) ----------------------------------------------------------------------------------

def kinds_text(fmt: MentoringFormat, base: str) -> str:
    """Who may be in a base of the format, the way bases.member_kinds admits them."""
    return ", ".join(KIND_PLURALS.get(kind, kind) for kind in member_kinds(fmt, base))


def formats_overview(scope: StaffScope) -> list[dict]:
    """Every format of the school with its curators (and their orders), the appointments waiting for their order,
    programme and counts, in seven queries."""
    _coordinator(scope)
    formats = list(MentoringFormat.of_school(scope.school_id))
    ids = [f.id for f in formats]
    curators = defaultdict(list)
    for grant in (RoleGrant.select(RoleGrant, Account, Person).join(Account).join(Person)
                  .where((RoleGrant.role == "curator") & RoleGrant.mentoring_format.in_(ids))
                  .order_by(Person.surname, Person.first_name, RoleGrant.id)):
        curators[grant.mentoring_format_id].append(grant)
    programmes = _newest_programmes(ids)
    members = defaultdict(int)
    for format_id, base, status, n in (
            BaseMembership.select(BaseMembership.mentoring_format, BaseMembership.base, BaseMembership.status,
                                  fn.COUNT(BaseMembership.id))
            .where(BaseMembership.mentoring_format.in_(ids) & (BaseMembership.status != "left"))
            .group_by(BaseMembership.mentoring_format, BaseMembership.base, BaseMembership.status).tuples()):
        members[(format_id, base, status)] = n
    pairs = defaultdict(int)
    for format_id, status, n in (Mentorship.select(Mentorship.mentoring_format, Mentorship.status,
                                                   fn.COUNT(Mentorship.id))
                                 .where(Mentorship.mentoring_format.in_(ids))
                                 .group_by(Mentorship.mentoring_format, Mentorship.status).tuples()):
        pairs[(format_id, status)] = n
    acknowledged = dict(Acknowledgement.select(Acknowledgement.programme, fn.COUNT(Acknowledgement.id))
                        .where(Acknowledgement.programme.in_([p.id for p in programmes.values()]))
                        .group_by(Acknowledgement.programme).tuples())
    waiting = appointment.waiting(scope.school_id)
    rows = []
    for f in formats:
        programme = programmes.get(f.id)
        rows.append({
            "format": f, "curators": curators[f.id], "waiting": waiting.get(f.id, []), "programme": programme,
            "presented": [(where, getattr(programme, name)) for name, where in PRESENTATIONS
                          if programme is not None and getattr(programme, name)],
            "acknowledged": acknowledged.get(programme.id, 0) if programme else 0,
            "mentor_kinds": kinds_text(f, "mentor"), "mentee_kinds": kinds_text(f, "mentee"),
            "members": {(base, status): members[(f.id, base, status)]
                        for base in ("mentor", "mentee") for status in ("active", "awaiting_consent")},
            "pairs_active": pairs[(f.id, "active")],
            "pairs_ongoing": sum(pairs[(f.id, status)] for status in ONGOING_PAIRS),
        })
    return rows


def format_of_school(scope: StaffScope, format_id: int) -> MentoringFormat:
    _coordinator(scope)
    return scope.check_format(format_id)


def _checked_name(scope: StaffScope, name, exclude_id: int | None = None) -> str:
    name = " ".join(_text(name, "name", MAX_NAME, required=True, one_line=True).split())
    # Compared in Python: SQLite's lower() leaves Cyrillic as it is.
    taken = {n.casefold() for fid, n in MentoringFormat.select(MentoringFormat.id, MentoringFormat.name)
             .where(MentoringFormat.school == scope.school_id).tuples() if fid != exclude_id}
    if name.casefold() in taken:
        raise ServiceError(f"Форма «{name}» уже есть.", field="name")
    return name


def create_format(scope: StaffScope, name, description, mentor_kind, mentee_kind, ip: str = "") -> MentoringFormat:
    """5.1: «и другие, которые добавит координатор»."""
    _coordinator(scope)
    description = _text(description, "description", MAX_DESCRIPTION)
    if mentor_kind not in dict(MENTOR_KINDS):
        raise ServiceError("Выберите, кто будет наставниками.", field="mentor_kind")
    if mentee_kind not in dict(MENTEE_KINDS):
        raise ServiceError("Наставляемыми бывают обучающиеся или педагоги (п. 4.6, 4.7 Положения).",
                           field="mentee_kind")
    try:
        with atomic_write():
            name = _checked_name(scope, name)
            fmt = MentoringFormat.create(school=scope.school_id, name=name, description=description,
                                         mentor_kind=mentor_kind, mentee_kind=mentee_kind)
            audit.record("format.created", actor=scope.person, obj=fmt, ip=ip, name=name, mentor_kind=mentor_kind,
                         mentee_kind=mentee_kind)
    except IntegrityError:  # the same name added twice at the same moment
        raise ServiceError(f"Форма «{name}» уже есть.", field="name") from None
    return fmt


def update_format(scope: StaffScope, format_id: int, name, description, ip: str = "") -> MentoringFormat:
    """Name and description only: who may be in the bases stays as the bases were built."""
    fmt = format_of_school(scope, format_id)
    description = _text(description, "description", MAX_DESCRIPTION)
    try:
        with atomic_write():
            name = _checked_name(scope, name, exclude_id=fmt.id)
            changed = [field for field, value in (("name", name), ("description", description))
                       if getattr(fmt, field) != value]
            if changed:
                MentoringFormat.update(name=name, description=description).where(
                    MentoringFormat.id == fmt.id).execute()
                audit.record("format.updated", actor=scope.person, obj=fmt, ip=ip, changed=changed,
                             name_before=fmt.name, name=name)
    except IntegrityError:
        raise ServiceError(f"Форма «{name}» уже есть.", field="name") from None
    return MentoringFormat.get_by_id(fmt.id)


def format_summary(scope: StaffScope, format_id: int) -> dict:
    """What closing a format touches: the pairs that go on and the people in its bases."""
    fmt = format_of_school(scope, format_id)
    return {"format": fmt,
            "pairs": Mentorship.select().where((Mentorship.mentoring_format == fmt)
                                               & Mentorship.status.in_(ONGOING_PAIRS)).count(),
            "members": BaseMembership.select().where((BaseMembership.mentoring_format == fmt)
                                                     & (BaseMembership.status != "left")).count()}


def set_active(scope: StaffScope, format_id: int, active: bool, ip: str = "") -> MentoringFormat:
    """Close a format to new pairing, or open it again; a repeated click changes nothing."""
    fmt = format_of_school(scope, format_id)
    with atomic_write():
        changed = (MentoringFormat.update(is_active=active)
                   .where((MentoringFormat.id == fmt.id) & (MentoringFormat.is_active != active)).execute())
        if changed:
            audit.record("format.activated" if active else "format.deactivated", actor=scope.person, obj=fmt, ip=ip)
    return MentoringFormat.get_by_id(fmt.id)
