"""The roster (3.2): the school's people a page at a time, found by surname, kind or class; the titles
the people pages share and `clean`, the one way user input reaches a query."""
import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from peewee import JOIN, OP, Expression, fn

from portal.db import is_sqlite
from portal.models import Account, Person, SchoolClass
from portal.models.base import KeptSelect
from portal.models.bases import BASES, MEMBER_STATUSES
from portal.models.consent import CONSENT_KINDS
from portal.models.people import GUARDIANSHIP_STATUSES, PERSON_KINDS, NameAndAge
from portal.services.staff import StaffScope


PAGE_SIZE = 50
HISTORY_LIMIT = 50
KIND_TITLES = dict(PERSON_KINDS)
BASE_TITLES = dict(BASES)
MEMBER_STATUS_TITLES = dict(MEMBER_STATUSES)
CONSENT_TITLES = dict(CONSENT_KINDS)
GUARDIANSHIP_STATUS_TITLES = dict(GUARDIANSHIP_STATUSES)
# The grounds of a legal representative's authority, as a school writes them.
GUARDIAN_BASES = ("родитель", "опекун", "попечитель", "приёмный родитель")

# What the card's history says, in Russian; an action missing here is shown by its code.

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean(text: str | None, limit: int = 100) -> str:
    """User input for a query: control characters dropped (PostgreSQL refuses NUL), length bounded."""
    return _CONTROL.sub("", text or "").strip()[:limit]


# --- the roster ----------------------------------------------------------------------------------

@dataclass
class RosterPage:
    rows: list
    total: int
    page: int
    pages: int


@dataclass
class RosterRow(NameAndAge):
    """A roster row: what it shows (the name, the kind and sex for its wording, the birth date, the class, the
    login, whether the card opens for the reader), read from a tuple — a page of 50 built as three models'
    instances a row spent more on them than on the query."""
    id: int
    surname: str
    first_name: str
    patronymic: str
    kind: str
    sex: str
    birth_date: object
    class_name: str | None
    login: str | None
    reachable: bool


def _row(values, reachable: bool) -> RosterRow:
    """A RosterRow from the values of ROW_COLUMNS."""
    (person_id, surname, first_name, patronymic, kind, sex, birth_date, _, class_id, class_name, account_id,
     login) = values
    return RosterRow(person_id, surname, first_name, patronymic, kind, sex, birth_date,
                     class_name if class_id is not None else None, login if account_id is not None else None,
                     reachable)


def _spellings(text: str) -> list[str]:
    return sorted({text, text.capitalize(), "-".join(p.capitalize() for p in text.split("-"))})


def surname_matches(text: str):
    """Surname prefix, whatever case was typed: PostgreSQL's ILIKE folds Cyrillic, SQLite's LIKE only
    Latin, so the usual spellings («иван», «ИВАН») are tried as «Иван» too."""
    condition = None
    for variant in _spellings(text):
        part = Person.surname.startswith(variant)
        condition = part if condition is None else condition | part
    return condition


# Only what a row shows (the name, kind and sex for its wording, birth date, class, login): a page of
# 50 people built from every column of three tables spent more on instances than on the query.
ROW_COLUMNS = (Person.id, Person.surname, Person.first_name, Person.patronymic, Person.kind, Person.sex,
               Person.birth_date, Person.school_class, SchoolClass.id, SchoolClass.name, Account.id, Account.login)
ROW_ORDER = (Person.surname, Person.first_name, Person.patronymic, Person.id)


def _kept_roster(filters: tuple[bool, bool, bool]) -> tuple[KeptSelect, KeptSelect]:
    """The coordinator's search as kept selects (models.base.KeptSelect), one pair per set of filters
    (kind, class, surname ranges): the count and the page. Values: the school, the surname patterns, the
    ranges' bounds, the kind, the class, the offset."""
    if filters not in _ROSTER:
        by_kind, by_class, ranged = filters

        def where(school_id, patterns, bounds, *rest):
            condition = (Person.school == school_id) & Person.destroyed_at.is_null()
            if patterns:  # surname_matches, with each «Иван%» pattern handed in
                condition &= reduce(or_, [Expression(Person.surname, OP.ILIKE, p) for p in patterns])
            if ranged:  # _surname_ranges: the same people, found through the (school, surname) index
                condition &= reduce(or_, [(Person.surname >= bounds[i]) & (Person.surname < bounds[i + 1])
                                          for i in range(0, len(bounds), 2)])
            rest = list(rest)
            if by_kind:
                condition &= Person.kind == rest.pop(0)
            if by_class:
                condition &= Person.school_class == rest.pop(0)
            return condition

        _ROSTER[filters] = (
            KeptSelect(lambda *values: Person.select(fn.COUNT(Person.id)).where(where(*values))),
            KeptSelect(lambda *values: (Person.select(*ROW_COLUMNS).where(where(*values[:-1]))
                                        .join(SchoolClass, JOIN.LEFT_OUTER).switch(Person)
                                        .join(Account, JOIN.LEFT_OUTER, on=(Account.person == Person.id))
                                        .order_by(*ROW_ORDER).limit(PAGE_SIZE).offset(values[-1]))))
    return _ROSTER[filters]


_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _surname_ranges(spellings: list[str]) -> list[str]:
    """On SQLite, where a `LIKE` prefix cannot use an index, the bounds of the same prefixes as ranges
    («Ив» → «Ив» ≤ surname < «Иг»): the (school, surname) index then reads the matching people instead of the
    whole school. SQLite's LIKE folds the case of Latin letters only, so for a prefix with no Latin letter the
    range finds exactly what LIKE finds (it is added beside LIKE, never instead of it); with one, or on
    PostgreSQL (ILIKE folds every letter), no ranges. Flat: [low, high, low, high, …]."""
    if not is_sqlite() or any(_ASCII_LETTER.search(s) for s in spellings):
        return []
    return [bound for s in spellings for bound in (s, s[:-1] + chr(ord(s[-1]) + 1))]


_ROSTER: dict = {}
_LIKE_SPECIAL = re.compile(r"[%_\\]")


def _coordinator_roster(scope, surname: str, kind: str, class_id: int | None, page: int) -> RosterPage:
    spellings = _spellings(surname) if surname else []
    bounds = _surname_ranges(spellings)
    count, select = _kept_roster((bool(kind), bool(class_id), bool(bounds)))
    values = [scope.school_id, [f"{v}%" for v in spellings], bounds]
    values += [kind] if kind else []
    values += [class_id] if class_id else []
    total = count.tuples(*values)[0][0]
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page or 1), pages)
    rows = [_row(values, True) for values in select.tuples(*values, (page - 1) * PAGE_SIZE)]
    return RosterPage(rows=rows, total=total, page=page, pages=pages)


def roster(scope: StaffScope, *, surname: str = "", kind: str = "", class_id: int | None = None,
           page: int = 1) -> RosterPage:
    """The school's people (staff keep the roster school-wide), 50 a page, in two queries.

    A curator reads every name (they nominate new people to their bases from here), but each row says
    whether the person is within their circle: only those have a card for them (DECISIONS.md)."""
    surname, kind = clean(surname), kind if kind in KIND_TITLES else ""
    if scope.is_coordinator and not _LIKE_SPECIAL.search(surname) and isinstance(class_id, (int, type(None))):
        return _coordinator_roster(scope, surname, kind, class_id, page)
    query = Person.select().where((Person.school == scope.school_id) & Person.destroyed_at.is_null())
    surname = clean(surname)
    if surname:
        query = query.where(surname_matches(surname))
    if kind in KIND_TITLES:
        query = query.where(Person.kind == kind)
    if class_id:
        query = query.where(Person.school_class == class_id)
    total = query.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page or 1), pages)
    columns = list(ROW_COLUMNS)
    if not scope.is_coordinator:  # names stay school-wide; the card only for the curator's circle
        columns.append(Person.id.in_(scope.circle()).alias("reachable"))
    found = (query.select(*columns)
             .join(SchoolClass, JOIN.LEFT_OUTER).switch(Person)
             .join(Account, JOIN.LEFT_OUTER, on=(Account.person == Person.id))
             .order_by(*ROW_ORDER).paginate(page, PAGE_SIZE).tuples())
    rows = [_row(values[:len(ROW_COLUMNS)], scope.is_coordinator or bool(values[len(ROW_COLUMNS):] and values[-1]))
            for values in found]
    return RosterPage(rows=rows, total=total, page=page, pages=pages)


def classes_of(school_id: int) -> list[SchoolClass]:
    return list(SchoolClass.select().where(SchoolClass.school == school_id)
                .order_by(fn.LENGTH(SchoolClass.name), SchoolClass.name))


def parent_candidates(scope: StaffScope, surname: str, limit: int = 20) -> list[Person]:
    """Roster parents to pick for a child, by surname."""
    surname = clean(surname)
    if not surname:
        return []
    return list(Person.select()
                .where((Person.school == scope.school_id) & (Person.kind == "parent")
                       & Person.destroyed_at.is_null() & surname_matches(surname))
                .order_by(Person.surname, Person.first_name, Person.id).limit(limit))
