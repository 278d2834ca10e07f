"""The school's roster (4.4, 4.5, 4.9, 3.2): people added one by one or from the class lists that
Russian school systems export as CSV.

The roster is the school's own record (DECISIONS.md, "Roster vs bases"), so a class list may also
carry each child's parent: the link it creates is confirmed by the importing staff member, which is
what lets that parent sign for the child later. A file is all or nothing: `plan_import` validates
every row without writing, `commit_import` validates again under the roster lock and writes
everything in one transaction, in bulk, so 2,000 rows take seconds.
"""
import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from portal.db import atomic_write, is_sqlite
from portal.models import BaseMembership, Guardianship, Person, School, SchoolClass
from portal.models.base import utcnow
from portal.models.bases import BASES
from portal.models.people import PERSON_KINDS
from portal.services import NotAllowed, ServiceError, audit
from portal.services.staff import StaffScope

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
CHUNK = 500
STUDENT_AGES = (5, 25)
KIND_TITLES = dict(PERSON_KINDS)
BASE_TITLES = dict(BASES)

KIND_WORDS = {
    **{word: "student" for word in ("обучающийся", "обучающаяся", "ученик", "ученица", "учащийся", "учащаяся")},
    **{word: "staff" for word in ("сотрудник", "сотрудник школы", "педагог", "учитель")},
    **{word: "parent" for word in ("родитель", "законный представитель", "родитель (законный представитель)")},
    **{word: "external" for word in ("внешний участник", "внешний")},
    **{code: code for code, _ in PERSON_KINDS},
}
SEX_WORDS = {"м": "m", "муж": "m", "мужской": "m", "m": "m", "ж": "f", "жен": "f", "женский": "f", "f": "f"}

# Header (lower case, «ё» as «е») → field. The first four parent columns are what a class list
# exported from a school system usually carries.
COLUMNS = {
    "фамилия": "surname", "имя": "first_name", "отчество": "patronymic", "пол": "sex",
    "дата рождения": "birth_date", "класс": "school_class", "тип": "kind", "телефон": "phone",
    "email": "email", "e-mail": "email", "электронная почта": "email", "должность": "position",
    "организация": "organisation",
    "родитель: фамилия": "parent_surname", "родитель: имя": "parent_first_name",
    "родитель: отчество": "parent_patronymic", "родитель: пол": "parent_sex", "родитель: телефон": "parent_phone",
}
COLUMN_TITLES = {"surname": "Фамилия", "first_name": "Имя", "sex": "Пол"}
REQUIRED_COLUMNS = ("surname", "first_name", "sex")

NAME_RE = re.compile(r"^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё'’ .\-]*$")
CLASS_RE = re.compile(r"^(1[01]|[1-9])\s*[-‐–]?\s*([А-Яа-яЁё])$")
DMY_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+0?0:00(?::00)?)?$")
ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
PHONE_RE = re.compile(r"^[0-9+()\-. ]+$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

ENCODING_PROBLEM = ("Не удалось прочитать файл: сохраните список как CSV в кодировке UTF-8 или Windows-1251 "
                    "(в Excel: «Сохранить как» → «CSV (разделители — точки с запятой)»).")


class ImportRefused(Exception):
    """A class list with bad rows: every problem, each with its line number; nothing was imported.

    Not a ServiceError: the answer is the whole list of problems, not one message beside a field."""

    def __init__(self, problems: list[str]):
        super().__init__("В файле есть ошибки: ничего не импортировано.")
        self.problems = problems


# --- one person's data, the same rules for the form and for a row of a file ------------------------

def _text(raw: dict, key: str) -> str:
    value = raw.get(key)
    return " ".join(str(value).split()) if value is not None else ""


def _shown(value: str, limit: int = 40) -> str:
    """A bad value quoted back in a message, cut short so a pasted essay cannot flood the page."""
    return value if len(value) <= limit else value[:limit] + "…"


def _tidy_name(value: str) -> str:
    """A name typed in all capitals or all small letters (as some exports do) is capitalised."""
    if value.isupper() or value.islower():
        return "-".join(part[:1].upper() + part[1:].lower() for part in value.split("-"))
    return value


def _name(raw, key, what, missing, problems, limit=100) -> str:
    value = _text(raw, key)
    if not value:
        if missing:
            problems.append((key, missing))
    elif len(value) > limit:
        problems.append((key, f"{what} длиннее {limit} символов"))
    elif not NAME_RE.match(value):
        problems.append((key, f"{what} «{_shown(value)}» содержит недопустимые символы"))
    return _tidy_name(value)


def _sex(raw, key, what, problems, default=None) -> str | None:
    value = _text(raw, key).lower().rstrip(".")
    if not value:
        if default is None:
            problems.append((key, f"не указан {what}"))
        return default
    if value not in SEX_WORDS:
        problems.append((key, f"{what} «{_shown(value)}» не распознан: укажите «м» или «ж»"))
        return default
    return SEX_WORDS[value]


def _birth_date(raw, kind: str, today: date, problems) -> date | None:
    value = raw.get("birth_date")
    if isinstance(value, date):
        parsed, value = value, value.strftime("%d.%m.%Y")
    else:
        value = _text(raw, "birth_date")
        if not value:
            if kind == "student":
                problems.append(("birth_date", "не указана дата рождения"))
            return None
        dmy, iso = DMY_RE.match(value), ISO_RE.match(value)
        if not dmy and not iso:
            problems.append(("birth_date", f"дата рождения «{_shown(value)}» не в формате ДД.ММ.ГГГГ"))
            return None
        day, month, year = (int(x) for x in (dmy.groups() if dmy else reversed(iso.groups())))
        value = f"{day:02d}.{month:02d}.{year}"
        try:
            parsed = date(year, month, day)
        except ValueError:
            problems.append(("birth_date", f"дата рождения {value} не существует"))
            return None
    if parsed > today:
        problems.append(("birth_date", f"дата рождения {value} ещё не наступила"))
    elif parsed.year < 1900:
        problems.append(("birth_date", f"дата рождения {value} — слишком давно, проверьте год"))
    elif kind == "student":
        age = today.year - parsed.year - ((today.month, today.day) < (parsed.month, parsed.day))
        if not STUDENT_AGES[0] <= age <= STUDENT_AGES[1]:
            problems.append(("birth_date", f"по дате рождения {value} обучающемуся {age} лет — проверьте год"))
    return parsed


def _class_name(raw, kind: str, problems) -> str | None:
    value = _text(raw, "school_class")
    if not value:
        if kind == "student":
            problems.append(("school_class", "не указан класс"))
        return None
    if kind != "student":
        problems.append(("school_class", "класс указывается только для обучающихся"))
        return None
    match = CLASS_RE.match(value)
    if not match:
        problems.append(("school_class", f"класс «{_shown(value)}» не распознан: нужны число от 1 до 11 и буква, "
                                         "например 7Б"))
        return None
    return f"{match.group(1)}{match.group(2).upper()}"


def _phone(raw, key, what, problems) -> str:
    value = _text(raw, key)
    digits = re.sub(r"\D", "", value)
    if value and (len(value) > 50 or not PHONE_RE.match(value) or not 5 <= len(digits) <= 15):
        problems.append((key, f"{what} «{_shown(value)}» не похож на номер"))
    return value


def _plain(raw, key, what, problems, limit=200) -> str:
    value = _text(raw, key)
    if len(value) > limit:
        problems.append((key, f"{what} длиннее {limit} символов"))
    return value


def clean_person(raw: dict, today: date) -> tuple[dict, str | None, list[tuple[str, str]]]:
    """The Person fields, the class name and every problem as (field, phrase) — phrases read after
    «Строка 14: » in an import and as a sentence beside a form field."""
    problems: list[tuple[str, str]] = []
    for key, value in raw.items():
        if isinstance(value, str) and CONTROL_RE.search(value):
            problems.append((key, "значение содержит недопустимые символы"))
    if problems:
        return {}, None, problems
    kind_word = _text(raw, "kind").lower()
    kind = KIND_WORDS.get(kind_word) if kind_word else "student"
    if kind is None:
        problems.append(("kind", f"тип «{_shown(kind_word)}» не распознан: обучающийся, сотрудник, родитель или "
                                 "внешний участник"))
        kind = "student"  # the usual case, so the rest of the row is checked without noise
    values = {
        "kind": kind,
        "surname": _name(raw, "surname", "фамилия", "не указана фамилия", problems),
        "first_name": _name(raw, "first_name", "имя", "не указано имя", problems),
        "patronymic": _name(raw, "patronymic", "отчество", None, problems),
        "sex": _sex(raw, "sex", "пол", problems),
        "birth_date": _birth_date(raw, kind, today, problems),
        "position": _plain(raw, "position", "должность", problems),
        "organisation": _plain(raw, "organisation", "организация", problems),
        "phone": _phone(raw, "phone", "телефон", problems),
        "email": _plain(raw, "email", "адрес электронной почты", problems),
    }
    if values["email"] and not EMAIL_RE.match(values["email"]):
        problems.append(("email", f"адрес электронной почты «{_shown(values['email'])}» не похож на адрес"))
    return values, _class_name(raw, kind, problems), problems


def _fold(value: str | None) -> str:
    return " ".join((value or "").split()).casefold().replace("ё", "е")


def person_key(surname, first_name, patronymic, birth_date) -> tuple:
    """Who counts as the same person: the full name (letter case and «ё» aside) and the birth date."""
    return _fold(surname), _fold(first_name), _fold(patronymic), birth_date


def _phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return "7" + digits[1:] if len(digits) == 11 and digits[0] == "8" else digits


def _described(values: dict) -> str:
    name = " ".join(p for p in (values["surname"], values["first_name"], values["patronymic"]) if p)
    born = values["birth_date"]
    return f"{name}, {born.strftime('%d.%m.%Y')}" if born else name


def _sentence(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:] + "."


def _lock_roster(school_id: int) -> None:
    """Roster writers of one school queue up, so two of them cannot both pass the duplicate check
    (SQLite: the IMMEDIATE transaction already holds the write lock)."""
    if not is_sqlite():
        list(School.select(School.id).where(School.id == school_id).for_update())


def _as_date(value) -> date | None:
    """Dates from a bare tuples() query: PostgreSQL gives date objects, SQLite ISO strings."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def add_person(scope: StaffScope, data: dict, ip: str = "") -> Person:
    """One person of this school; a student needs a birth date (who is a minor is computed from it)
    and a class, which is created on first use."""
    values, class_name, problems = clean_person(data, date.today())
    if problems:
        key, phrase = problems[0]
        raise ServiceError(_sentence(phrase), field=key)
    with atomic_write():
        _lock_roster(scope.school_id)
        key = person_key(values["surname"], values["first_name"], values["patronymic"], values["birth_date"])
        same_birth = (Person.birth_date == values["birth_date"]) if values["birth_date"] else Person.birth_date.is_null()
        candidates = (Person.select(Person.surname, Person.first_name, Person.patronymic)
                      .where((Person.school == scope.school_id) & Person.destroyed_at.is_null() & same_birth).tuples())
        if any(person_key(*names, values["birth_date"]) == key for names in candidates):
            raise ServiceError(f"{_described(values)} уже есть в списке школы.", field="surname")
        school_class = None
        if class_name:
            school_class, _ = SchoolClass.get_or_create(school=scope.school_id, name=class_name)
        person = Person.create(school=scope.school_id, school_class=school_class, **values)
        audit.record("person.created", actor=scope.person, obj=person, school=scope.school_id, ip=ip,
                     kind=person.kind, school_class=class_name)
    return person


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


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) or Windows-1251; anything else is refused with a clear message."""
    if not data.strip():
        raise ServiceError("Файл пустой.", field="file")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ServiceError("Это файл Excel, а нужен CSV: в Excel выберите «Сохранить как» → «CSV (разделители — "
                           "точки с запятой)».", field="file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:  # UTF-16 or binary
        raise ServiceError(ENCODING_PROBLEM, field="file")
    for codec in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if CONTROL_RE.search(text):
            break
        return text, codec
    raise ServiceError(ENCODING_PROBLEM, field="file")


def _header_key(cell: str) -> str:
    key = " ".join(cell.replace("\ufeff", "").split()).casefold().replace("ё", "е").rstrip("*").strip()
    return re.sub(r"\s*:\s*", ": ", key)


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if first.count(";") >= first.count(",") and first.count(";") else ","


def read_rows(data: bytes) -> tuple[list[str | None], list[str], list[tuple[int, list[str]]]]:
    """The header mapped to fields (None for columns we don't use), unused column titles, and the
    non-empty data rows with the line each starts on."""
    text, codec = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows, last_line, header = [], 0, None
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = cells
                continue
            rows.append((start, cells))
            if len(rows) > MAX_ROWS:
                raise ServiceError("В файле больше 10 000 строк: разделите его на части.", field="file")
    except csv.Error:
        raise ServiceError(f"Строка {last_line + 1}: не удалось разобрать — проверьте кавычки.", field="file") from None
    if header is None:
        raise ServiceError("Файл пустой.", field="file")
    fields, unused = [], []
    for cell in header:
        name = COLUMNS.get(_header_key(cell))
        if name is not None and name in fields:
            raise ServiceError(f"Столбец «{cell.strip()}» встречается в первой строке дважды.", field="file")
        fields.append(name)
        if name is None and cell.strip():
            unused.append(cell.strip())
    missing = [COLUMN_TITLES[f] for f in REQUIRED_COLUMNS if f not in fields]
    if missing:
        if codec == "cp1251" and "фамилия" not in text.casefold():  # bytes that only look like cp1251
            raise ServiceError(ENCODING_PROBLEM, field="file")
        if "фио" in {_header_key(cell) for cell in header}:
            raise ServiceError("Фамилия, имя и отчество нужны в отдельных столбцах: «Фамилия», «Имя», «Отчество».",
                               field="file")
        raise ServiceError("В первой строке файла нет столбцов " + ", ".join(f"«{m}»" for m in missing)
                           + ". Первая строка — заголовки: Фамилия; Имя; Отчество; Пол; Дата рождения; Класс.",
                           field="file")
    return fields, unused, rows


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
        _lock_roster(scope.school_id)
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
