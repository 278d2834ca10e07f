"""Mentoring formats (5.1), their curators appointed by the director's order (4.3, 2.7) and each format's
programme (2.3, 5.2, 5.4): what has to exist before anyone is proposed or paired.

The coordinator adds and closes formats and appoints curators; the programme is the curator's to write
(2.7: the curator designs the programme of their form), and the coordinator's too. A format is never
deleted: closing it keeps its bases, pairs and history, it only stops new pairing.
"""
import re
from collections import defaultdict
from datetime import date, timedelta

from peewee import IntegrityError, fn

from portal.db import atomic_write, is_sqlite
from portal.formatting import ru_date
from portal.ids import parse_id
from portal.models import (
    Account, Acknowledgement, BaseMembership, Meeting, MentoringFormat, Mentorship, Person, Programme, RoleGrant,
)
from portal.models.people import PERSON_KINDS
from portal.services import NotAllowed, ServiceError, accounts, audit
from portal.services.bases import member_kinds
from portal.services.pairing import programme_of
from portal.services.people import login_for
from portal.services.staff import StaffScope

KIND_TITLES = dict(PERSON_KINDS)
KIND_PLURALS = {"student": "обучающиеся", "staff": "сотрудники школы", "parent": "родители",
                "external": "внешние участники"}
# 4.8 names mentors of every kind; 4.6–4.7 name only students and teachers as mentees.
MENTOR_KINDS = tuple(PERSON_KINDS)
MENTEE_KINDS = tuple((code, title) for code, title in PERSON_KINDS if code in ("student", "staff"))
# 2.7: a curator is a member of staff or a person from a partner organisation.
CURATOR_KINDS = ("staff", "external")
# Pairs whose meetings must stay inside the programme's period.
RUNNING_PAIRS = ("active", "suspended")
ONGOING_PAIRS = ("proposed", "chosen", "confirmed", "in_order", "active", "suspended")

MAX_NAME = 100
MAX_DESCRIPTION = 2000
MAX_TITLE = 200
MAX_PROGRAMME_TEXT = 5000
MAX_ORDER_NUMBER = 50
PROGRAMME_TEXTS = (("title", MAX_TITLE, True), ("goals", MAX_PROGRAMME_TEXT, False),
                   ("expected_results", MAX_PROGRAMME_TEXT, False))
# Where the programme was presented (5.2), in the prepositional case for «представлена на …».
PRESENTATIONS = (
    ("presented_student_conference_on", "ученической конференции"),
    ("presented_teachers_council_on", "педагогическом совете"),
    ("presented_parents_council_on", "родительском совете"),
)
PROGRAMME_FIELDS = tuple(name for name, _, _ in PROGRAMME_TEXTS) + ("starts_on", "ends_on") + tuple(
    name for name, _ in PRESENTATIONS)

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAKS = re.compile(r"[\r\n\t]")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
RU_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


# --- small checks ------------------------------------------------------------------------------------

def _coordinator(scope: StaffScope) -> None:
    if not scope.is_coordinator:
        raise NotAllowed("Формы наставничества ведёт координатор.")


def _text(value, field: str, limit: int, *, required: bool = False, one_line: bool = False) -> str:
    value = (value if isinstance(value, str) else "").strip()
    if CONTROL_CHARS.search(value) or (one_line and LINE_BREAKS.search(value)):
        raise ServiceError("Текст содержит недопустимые символы.", field=field)
    if required and not value:
        raise ServiceError("Заполните это поле.", field=field)
    if len(value) > limit:
        raise ServiceError(f"Не длиннее {limit} символов.", field=field)
    return value


def parse_date(value, field: str, *, required: bool) -> date | None:
    """A date typed as the browser's date field sends it (ГГГГ-ММ-ДД) or by hand (ДД.ММ.ГГГГ)."""
    if isinstance(value, date):
        return value
    text = (value if isinstance(value, str) else "").strip()
    if not text:
        if required:
            raise ServiceError("Укажите дату.", field=field)
        return None
    if match := ISO_DATE.match(text):
        year, month, day = match.groups()
    elif match := RU_DATE.match(text):
        day, month, year = match.groups()
    else:
        raise ServiceError("Дата — в виде ДД.ММ.ГГГГ, например 01.09.2026.", field=field)
    try:
        parsed = date(int(year), int(month), int(day))
    except ValueError:
        raise ServiceError(f"Такой даты нет: {text[:20]}.", field=field) from None
    if not EARLIEST <= parsed <= LATEST:
        raise ServiceError("Проверьте год.", field=field)
    return parsed


def last_day(starts_on: date) -> date:
    """5.4: a programme runs at most 12 months, so it ends by the day before its start's anniversary."""
    try:
        anniversary = starts_on.replace(year=starts_on.year + 1)
    except ValueError:  # 29 February
        anniversary = date(starts_on.year + 1, 3, 1)
    return anniversary - timedelta(days=1)


def _newest_programmes(format_ids) -> dict[int, Programme]:
    """Each format's current programme in one query, the same one pairing.programme_of picks."""
    newest = {}
    for p in (Programme.select().where(Programme.mentoring_format.in_(list(format_ids)))
              .order_by(Programme.starts_on, Programme.id)):
        newest[p.mentoring_format_id] = p
    return newest


# --- formats (5.1) ----------------------------------------------------------------------------------

def kinds_text(fmt: MentoringFormat, base: str) -> str:
    """Who may be in a base of the format, the way bases.member_kinds admits them."""
    return ", ".join(KIND_PLURALS.get(kind, kind) for kind in member_kinds(fmt, base))


def formats_overview(scope: StaffScope) -> list[dict]:
    """Every format of the school with its curators (and their orders), programme and counts, in six queries."""
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
    rows = []
    for f in formats:
        programme = programmes.get(f.id)
        rows.append({
            "format": f, "curators": curators[f.id], "programme": programme,
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


# --- curators appointed by order (4.3, 2.7) ----------------------------------------------------------

def curator_candidates(scope: StaffScope) -> list[tuple[Person, bool]]:
    """Staff and partner-organisation people of the roster, each with whether they have an account."""
    _coordinator(scope)
    people = list(Person.select().where((Person.school == scope.school_id) & Person.kind.in_(CURATOR_KINDS)
                                        & Person.destroyed_at.is_null())
                  .order_by(Person.surname, Person.first_name, Person.patronymic, Person.id))
    with_account = {row[0] for row in Account.select(Account.person)
                    .where(Account.school == scope.school_id).tuples()}
    return [(p, p.id in with_account) for p in people]


def appoint_curator(scope: StaffScope, format_id: int, person_id, order_number, order_date,
                    ip: str = "", today: date | None = None) -> tuple[RoleGrant, Account]:
    """4.3: a curator is appointed by the director's order, so its number and date are part of the grant.

    A person without an account gets one here (the curator role alone gives nothing to invite them
    to otherwise); they log in once staff print an invitation from their card.
    """
    fmt = format_of_school(scope, format_id)
    if not fmt.is_active:
        raise ServiceError("Форма закрыта. Чтобы назначить куратора, откройте её снова.")
    person_id = parse_id(person_id)
    if person_id is None:
        raise ServiceError("Выберите человека из списка.", field="person")
    person = scope.roster_person(person_id)
    if person.destroyed_at is not None or person.kind not in CURATOR_KINDS:
        raise ServiceError("Куратором назначают сотрудника школы или представителя организации-партнёра "
                           "(п. 2.7 Положения).", field="person")
    number = _text(order_number, "order_number", MAX_ORDER_NUMBER, one_line=True)
    if not number:
        raise ServiceError("Укажите номер приказа директора о назначении куратора (п. 4.3 Положения).",
                           field="order_number")
    dated = parse_date(order_date, "order_date", required=False)
    if dated is None:
        raise ServiceError("Укажите дату приказа директора о назначении куратора (п. 4.3 Положения).",
                           field="order_date")
    if dated > (today or date.today()):
        raise ServiceError("Дата приказа ещё не наступила: укажите дату, которой директор подписал приказ.",
                           field="order_date")
    try:
        with atomic_write():
            account = Account.get_or_none(Account.person == person)
            if account is None:
                account = accounts.create_account(scope.person, person, login_for(person), ip=ip)
            elif RoleGrant.select().where((RoleGrant.account == account) & (RoleGrant.role == "curator")
                                          & (RoleGrant.mentoring_format == fmt)).exists():
                raise ServiceError(f"{person.full_name} уже куратор формы «{fmt.name}».", field="person")
            grant = accounts.grant_role(scope.person, account, "curator", fmt, ip=ip,
                                        order_number=number, order_date=dated)
            audit.record("curator.appointed", actor=scope.person, obj=fmt, ip=ip, person=person.id,
                         account=account.id, order_number=number, order_date=dated.isoformat())
    except IntegrityError:  # two coordinators appointing the same person at the same moment
        raise ServiceError("Назначение только что изменилось. Обновите страницу и повторите.") from None
    account.person = person
    return grant, account


def curator_grant(scope: StaffScope, grant_id: int) -> RoleGrant:
    """One curator appointment of this school, with the person and the format."""
    _coordinator(scope)
    grant = (RoleGrant.select(RoleGrant, Account, Person, MentoringFormat)
             .join(Account).join(Person).switch(RoleGrant).join(MentoringFormat)
             .where((RoleGrant.id == grant_id) & (RoleGrant.role == "curator")
                    & (MentoringFormat.school == scope.school_id)).first())
    if grant is None:
        raise NotAllowed("Нет такого назначения.")
    return grant


def remove_curator(scope: StaffScope, grant_id: int, ip: str = "") -> RoleGrant:
    """The curator loses the format at once; the appointment stays in the audit trail with its order."""
    grant = curator_grant(scope, grant_id)
    with atomic_write():
        if RoleGrant.delete().where(RoleGrant.id == grant.id).execute():
            audit.record("curator.removed", actor=scope.person, obj=grant.mentoring_format, ip=ip,
                         person=grant.account.person_id, account=grant.account_id,
                         order_number=grant.order_number, order_date=grant.order_date)
    return grant


# --- programmes (2.3, 2.7, 5.2, 5.4) ----------------------------------------------------------------

def programme_of_format(scope: StaffScope, format_id: int) -> tuple[MentoringFormat, Programme | None, int]:
    """The format in reach, its current programme and how many have acknowledged it."""
    fmt = scope.check_format(format_id)
    programme = programme_of(fmt.id)
    acknowledged = Acknowledgement.select().where(Acknowledgement.programme == programme).count() \
        if programme is not None else 0
    return fmt, programme, acknowledged


def programmes_in_scope(scope: StaffScope) -> list[dict]:
    """The formats a staff member reaches, each with its current programme, in two queries."""
    formats = list(scope.formats())
    programmes = _newest_programmes(f.id for f in formats)
    return [{"format": f, "programme": programmes.get(f.id)} for f in formats]


def _checked_programme(data: dict) -> dict:
    values = {name: _text(data.get(name), name, limit, required=required, one_line=name == "title")
              for name, limit, required in PROGRAMME_TEXTS}
    starts = parse_date(data.get("starts_on"), "starts_on", required=True)
    ends = parse_date(data.get("ends_on"), "ends_on", required=True)
    if ends < starts:
        raise ServiceError("Окончание программы раньше её начала.", field="ends_on")
    if ends > last_day(starts):
        raise ServiceError(f"Программа длится не больше 12 месяцев (п. 5.4 Положения): при начале "
                           f"{ru_date(starts)} она заканчивается не позже {ru_date(last_day(starts))}.",
                           field="ends_on")
    values.update(starts_on=starts, ends_on=ends)
    for name, where in PRESENTATIONS:
        day = parse_date(data.get(name), name, required=False)
        if day is not None and day > ends:
            raise ServiceError(f"Представить программу на {where} нужно не позже её окончания "
                               f"({ru_date(ends)}).", field=name)
        values[name] = day
    return values


def _check_period(fmt: MentoringFormat, programme: Programme, starts: date, ends: date) -> None:
    """A new period must still hold the pairs already working by it and every meeting logged."""
    shortened = starts > programme.starts_on or ends < programme.ends_on
    if shortened and Mentorship.select().where((Mentorship.mentoring_format == fmt)
                                               & Mentorship.status.in_(RUNNING_PAIRS)).exists():
        raise ServiceError("Срок нельзя сократить: в форме есть действующие пары, и их встречи должны остаться "
                           "в сроке программы.", field="ends_on" if ends < programme.ends_on else "starts_on")
    outside = (Meeting.select(Meeting.held_on).join(Mentorship)
               .where((Mentorship.mentoring_format == fmt)
                      & ((Mentorship.programme == programme) | Mentorship.programme.is_null())
                      & ((Meeting.held_on < starts) | (Meeting.held_on > ends)))
               .order_by(Meeting.held_on).first())
    if outside is not None:
        raise ServiceError(f"Встреча {ru_date(outside.held_on)} оказалась бы вне срока программы: "
                           "срок должен охватывать все записанные встречи.",
                           field="starts_on" if outside.held_on < starts else "ends_on")


def save_programme(scope: StaffScope, format_id: int, data: dict, ip: str = "") -> Programme:
    """Write the format's programme: the first one, or changes to the current one (audited field by field)."""
    fmt = scope.check_format(format_id)
    values = _checked_programme(data)
    with atomic_write():
        if not is_sqlite():  # two first saves at once make one programme (SQLite: IMMEDIATE already serialises)
            list(MentoringFormat.select(MentoringFormat.id).where(MentoringFormat.id == fmt.id).for_update())
        programme = programme_of(fmt.id)
        if programme is None:
            programme = Programme.create(mentoring_format=fmt, **values)
            audit.record("programme.created", actor=scope.person, obj=programme, school=scope.school_id, ip=ip,
                         format=fmt.id, title=values["title"], starts_on=values["starts_on"],
                         ends_on=values["ends_on"])
            return programme
        changed = [name for name in PROGRAMME_FIELDS if getattr(programme, name) != values[name]]
        if not changed:
            return programme
        _check_period(fmt, programme, values["starts_on"], values["ends_on"])
        Programme.update(**values).where(Programme.id == programme.id).execute()
        # Names of the changed fields, and the dates (the texts are the programme's own history).
        audit.record("programme.updated", actor=scope.person, obj=programme, school=scope.school_id, ip=ip,
                     format=fmt.id, changed=changed,
                     **{name: [getattr(programme, name), values[name]] for name in changed
                        if name not in ("title", "goals", "expected_results")})
    return Programme.get_by_id(programme.id)


def for_participant(person: Person) -> list[dict]:
    """Per format the person is in a base of (not left): its programme and the person's «ознакомлен».

    Three queries whatever the number of formats; «acknowledged» means what pairing.has_acknowledged
    means, so the reading page and the pairing refusal agree.
    """
    rows: dict[int, dict] = {}
    for m in (BaseMembership.select(BaseMembership, MentoringFormat).join(MentoringFormat)
              .where((BaseMembership.person == person) & (BaseMembership.status != "left"))
              .order_by(MentoringFormat.id, BaseMembership.base)):
        row = rows.setdefault(m.mentoring_format_id, {"format": m.mentoring_format, "bases": [], "programme": None,
                                                      "acknowledged": False, "acknowledged_at": None})
        row["bases"].append(m.base)
    if not rows:
        return []
    for format_id, programme in _newest_programmes(rows).items():
        rows[format_id]["programme"] = programme
    by_programme = {row["programme"].id: row for row in rows.values() if row["programme"] is not None}
    for ack in Acknowledgement.select().where((Acknowledgement.person == person)
                                              & Acknowledgement.programme.in_(list(by_programme))):
        by_programme[ack.programme_id].update(acknowledged=True, acknowledged_at=ack.acknowledged_at)
    return list(rows.values())
