"""A class list imported all or nothing: `plan_import` validates every row without writing,
`commit_import` validates again under the roster lock and writes everything in one transaction, in bulk."""
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from portal.db import atomic_write, lock_row
from portal.models import BaseMembership, Guardianship, Person, School, SchoolClass
from portal.models.base import utcnow
from portal.models.bases import BASES
from portal.models.people import PERSON_KINDS
from portal.services import NotAllowed, ServiceError, audit
from portal.services.staff import StaffScope
from portal.services.roster.person import (
    CONTROL_RE, _as_date, _described, _name, _phone, _phone_key, _sex, _text, clean_person,
    person_key,
)
from portal.services.roster.reading import read_rows


MAX_FILE_BYTES = 2 * 1024 * 1024
CHUNK = 500
BASE_TITLES = dict(BASES)


class ImportRefused(Exception):
    """A class list with bad rows: every problem, each with its line number; nothing was imported.

    Not a ServiceError: the answer is the whole list of problems, not one message beside a field."""

    def __init__(self, problems: list[str]):
        super().__init__("В файле есть ошибки: ничего не импортировано.")
        self.problems = problems


# --- class lists ----------------------------------------------------------------------------------

@dataclass
class ImportRow:
    line: int
    person: dict
    class_name: str | None
    parent: dict | None = None          # a parent to create, or None
    parent_key: tuple | None = None     # key into the plan's parents
    parent_reused: bool = False


@dataclass
class ImportPlan:
    """What a file would do, as the preview shows it; `problems` non-empty means it imports nothing."""
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    new_classes: list[str] = field(default_factory=list)
    new_parents: dict[tuple, dict] = field(default_factory=dict)
    reused_parents: dict[tuple, int] = field(default_factory=dict)
    unused_columns: list[str] = field(default_factory=list)
    format_name: str = ""
    base: str = ""
    sha256: str = ""

    @property
    def by_kind(self) -> list[tuple[str, int]]:
        counts = Counter(row.person["kind"] for row in self.rows)
        return [(title, counts[code]) for code, title in PERSON_KINDS if counts[code]]

    @property
    def links(self) -> int:
        return sum(1 for row in self.rows if row.parent_key)


def _check_nomination(scope: StaffScope, format_id, base):
    """The same rule as bases.nominate: only a format inside the scope (else NotAllowed → 404)."""
    if format_id in (None, ""):
        return None
    try:
        fmt = scope.check_format(int(format_id))
    except (TypeError, ValueError):
        raise NotAllowed("Нет такой формы наставничества.") from None
    if base not in BASE_TITLES:
        raise ServiceError("Выберите базу: наставников или наставляемых.", field="base")
    return fmt


def plan_import(scope: StaffScope, data: bytes, format_id=None, base: str = "") -> ImportPlan:
    """Validate every row against the file and the roster, write nothing. A fixed number of queries:
    the school's people (duplicates and parents to reuse) and its classes, once each."""
    if len(data) > MAX_FILE_BYTES:
        raise ServiceError("Файл больше 2 МБ: разделите список на части.", field="file")
    fmt = _check_nomination(scope, format_id, base)
    fields, unused, rows = read_rows(data)
    plan = ImportPlan(unused_columns=unused, format_name=fmt.name if fmt else "", base=base if fmt else "",
                      sha256=hashlib.sha256(data).hexdigest())
    roster, known_parents = set(), {}
    people = (Person.select(Person.id, Person.kind, Person.surname, Person.first_name, Person.patronymic,
                            Person.birth_date, Person.phone)
              .where((Person.school == scope.school_id) & Person.destroyed_at.is_null()).tuples())
    for pid, kind, surname, first_name, patronymic, born, phone in people:
        roster.add(person_key(surname, first_name, patronymic, _as_date(born)))
        if kind != "student" and _phone_key(phone):  # reused by name AND phone only, never by name alone
            known_parents[person_key(surname, first_name, patronymic, _phone_key(phone))] = pid
    existing_classes = {name for (name,) in SchoolClass.select(SchoolClass.name)
                        .where(SchoolClass.school == scope.school_id).tuples()}
    seen: dict[tuple, int] = {}
    today = date.today()
    for line, cells in rows:
        raw = {name: cells[i] for i, name in enumerate(fields) if name and i < len(cells)}
        problems = []
        if len(cells) > len(fields) and any(c.strip() for c in cells[len(fields):]):
            problems.append(("file", "значений больше, чем столбцов в первой строке — проверьте разделитель "
                                     "и кавычки"))
        values, class_name, person_problems = clean_person({k: v for k, v in raw.items()
                                                             if not k.startswith("parent_")}, today)
        problems += person_problems
        parent, parent_problems = _clean_parent(raw, values.get("kind"))
        problems += parent_problems
        if not problems:
            key = person_key(values["surname"], values["first_name"], values["patronymic"], values["birth_date"])
            if key in seen:
                problems.append(("", f"такой человек уже есть в списке (строка {seen[key]})"))
            elif key in roster:
                problems.append(("", f"{_described(values)} уже есть в школе"))
            seen.setdefault(key, line)
        if problems:
            plan.problems += [f"Строка {line}: {phrase}" for _, phrase in problems]
            continue
        row = ImportRow(line=line, person=values, class_name=class_name)
        if parent:
            row.parent_key = person_key(parent["surname"], parent["first_name"], parent["patronymic"],
                                        _phone_key(parent["phone"]))
            if row.parent_key in known_parents:
                plan.reused_parents[row.parent_key] = known_parents[row.parent_key]
                row.parent_reused = True
            else:
                plan.new_parents.setdefault(row.parent_key, parent)
            row.parent = parent
        plan.rows.append(row)
    plan.classes = sorted({r.class_name for r in plan.rows if r.class_name}, key=_class_order)
    plan.new_classes = [name for name in plan.classes if name not in existing_classes]
    if not plan.rows and not plan.problems:
        plan.problems.append("В файле нет ни одной строки с людьми: только заголовки.")
    return plan


def _class_order(name: str) -> tuple[int, str]:
    return int(name[:-1]), name[-1]


def _clean_parent(raw: dict, child_kind: str | None) -> tuple[dict | None, list[tuple[str, str]]]:
    """The parent columns of a row: a parent (kind «родитель») or nothing, and the problems."""
    given = {key[len("parent_"):]: value for key, value in raw.items() if key.startswith("parent_")}
    if not any(_text(given, key) for key in given):
        return None, []
    problems: list[tuple[str, str]] = []
    if child_kind and child_kind != "student":
        return None, [("parent", "родитель указывается только для обучающегося")]
    for key, value in given.items():
        if CONTROL_RE.search(value or ""):
            return None, [("parent", "данные родителя содержат недопустимые символы")]
    patronymic = _name(given, "patronymic", "отчество родителя", None, problems)
    parent = {
        "kind": "parent",
        "surname": _name(given, "surname", "фамилия родителя", "не указана фамилия родителя", problems),
        "first_name": _name(given, "first_name", "имя родителя", "не указано имя родителя", problems),
        "patronymic": patronymic,
        # Unsaid sex follows the patronymic: «-на» is a woman's («Николаевна»), otherwise a man's.
        "sex": _sex(given, "sex", "пол родителя", problems, default="f" if patronymic.endswith("на") else "m"),
        "phone": _phone(given, "phone", "телефон родителя", problems),
    }
    return (None if problems else parent), problems


@dataclass
class ImportResult:
    people: int
    classes_created: int
    parents_created: int
    parents_reused: int
    guardianships: int
    nominated: int


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _insert_people(school_id: int, rows: list[dict], key_fields: tuple) -> dict[tuple, int]:
    """Bulk insert; the new ids come back keyed by the inserted values (RETURNING's row order is
    not promised, and the plan guarantees these values are unique)."""
    ids = {}
    returning = [Person.id] + [getattr(Person, name) for name in key_fields]
    for chunk in _chunks(rows):
        query = Person.insert_many([{"school": school_id, **row} for row in chunk]).returning(*returning).tuples()
        for pid, *values in query.execute():
            ids[tuple(str(_as_date(v)) if name == "birth_date" and v is not None else v
                      for name, v in zip(key_fields, values))] = pid
    return ids


def _exact(row: dict, key_fields: tuple) -> tuple:
    return tuple(str(row[name]) if name == "birth_date" and row[name] is not None else row[name]
                 for name in key_fields)


def commit_import(scope: StaffScope, data: bytes, format_id=None, base: str = "", ip: str = "") -> ImportResult:
    """Validate again under the roster lock, then write the whole file in one transaction: classes,
    people, parents, guardianship links confirmed by the importer, and — when a base was chosen —
    memberships «ожидает согласия» with the rules of bases.nominate. One audit event with the counts."""
    with atomic_write():
        lock_row(School, scope.school_id)
        plan = plan_import(scope, data, format_id, base)
        if plan.problems:
            raise ImportRefused(plan.problems)
        now = utcnow()
        if plan.new_classes:
            SchoolClass.insert_many([{"school": scope.school_id, "name": name} for name in plan.new_classes]).execute()
        class_ids = dict(SchoolClass.select(SchoolClass.name, SchoolClass.id)
                         .where(SchoolClass.school == scope.school_id).tuples())
        person_fields = ("surname", "first_name", "patronymic", "birth_date")
        people = [{**row.person, "school_class": class_ids.get(row.class_name), "created_at": now} for row in plan.rows]
        person_ids = _insert_people(scope.school_id, people, person_fields)
        parent_fields = ("surname", "first_name", "patronymic", "phone")
        new_parents = list(plan.new_parents.items())
        created = _insert_people(scope.school_id, [{**p, "created_at": now} for _, p in new_parents], parent_fields)
        parent_ids = {key: created[_exact(p, parent_fields)] for key, p in new_parents}
        parent_ids.update(plan.reused_parents)
        links, members = [], []
        link_state = ({"status": "confirmed", "confirmed_by": scope.person.id, "confirmed_at": now}
                      if scope.is_coordinator else
                      {"status": "pending", "requested_by": scope.person.id, "requested_at": now})
        for row, person in zip(plan.rows, people):
            pid = person_ids[_exact(person, person_fields)]
            if row.parent_key:
                # A curator's links wait for the coordinator like any other (DECISIONS.md, "Who may change whom").
                links.append({"parent": parent_ids[row.parent_key], "child": pid, "basis": "родитель",
                              "created_at": now, **link_state})
            if plan.format_name:
                # New people have signed nothing yet, so bases.nominate's rule gives «ожидает согласия».
                members.append({"mentoring_format": int(format_id), "person": pid, "base": base,
                                "status": "awaiting_consent", "nominated_by": scope.person.id, "nominated_at": now})
        for chunk in _chunks(links):
            Guardianship.insert_many(chunk).execute()
        for chunk in _chunks(members):
            BaseMembership.insert_many(chunk).execute()
        result = ImportResult(people=len(people), classes_created=len(plan.new_classes),
                              parents_created=len(new_parents), parents_reused=len(plan.reused_parents),
                              guardianships=len(links), nominated=len(members))
        audit.record("roster.imported", actor=scope.person, school=scope.school_id, ip=ip, sha256=plan.sha256,
                     by_kind=dict(Counter(p["kind"] for p in people)), format=int(format_id) if members else None,
                     base=base if members else None, **result.__dict__)
    return result
