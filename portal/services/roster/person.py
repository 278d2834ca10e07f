"""One person's data, the same rules for the staff member's form and for a row of a class list; adding
one person to the roster."""
import re
from datetime import date

from portal.db import atomic_write, lock_row
from portal.models import Person, School, SchoolClass
from portal.models.people import PERSON_KINDS
from portal.services import ServiceError, audit
from portal.services.staff import StaffScope


STUDENT_AGES = (5, 25)
KIND_TITLES = dict(PERSON_KINDS)
KIND_WORDS = {
    **{word: "student" for word in ("обучающийся", "обучающаяся", "ученик", "ученица", "учащийся", "учащаяся")},
    **{word: "staff" for word in ("сотрудник", "сотрудник школы", "педагог", "учитель")},
    **{word: "parent" for word in ("родитель", "законный представитель", "родитель (законный представитель)")},
    **{word: "external" for word in ("внешний участник", "внешний")},
    **{code: code for code, _ in PERSON_KINDS},
}
SEX_WORDS = {"м": "m", "муж": "m", "мужской": "m", "m": "m", "ж": "f", "жен": "f", "женский": "f", "f": "f"}

NAME_RE = re.compile(r"^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё'’ .\-]*$")
CLASS_RE = re.compile(r"^(1[01]|[1-9])\s*[-‐–]?\s*([А-Яа-яЁё])$")
DMY_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+0?0:00(?::00)?)?$")
ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
PHONE_RE = re.compile(r"^[0-9+()\-. ]+$")
# One address, nothing else: no display name, no list (a mail header would take «Иван <a@b.ru>, c@d.ru»).
EMAIL_RE = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
        lock_row(School, scope.school_id)
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
