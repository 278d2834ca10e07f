"""Orders that are not about pairs (4.1, s10): the introduction of the target model, the «Школа наставников»,
the final event of the year.

Each is drafted from the portal's own data — the school's details, its formats of mentorship, the coordinator
and the curators of the formats — plus the few fields the coordinator types (kept as JSON in Order.details).
A draft is edited freely; it is registered, frozen and printed by the same path as the pairs order
(registration.py), and a registered order is never edited.
"""
import json
from dataclasses import dataclass
from datetime import date

from portal.db import atomic_write
from portal.ids import parse_id
from portal.models import Account, MentoringFormat, Order, Person, RoleGrant, School
from portal.models.mentorship import ORDER_KINDS
from portal.services import NotAllowed, ServiceError, audit, training, years
from portal.services.bases import CONTROL_CHARS
from portal.services.staff import StaffScope
from portal.services.orders.reading import _locked_draft, _require_coordinator

KIND_TITLES = dict(ORDER_KINDS)
# The kinds drafted from typed fields, in the order the orders page offers them.
TYPED_KINDS = ("introduction", "school_of_mentors", "final_event")
# Whom the coordinator may name (the head of the «Школа наставников», the responsible for the final event):
# the school's staff and partners (2.7), as the roadmap names its responsible.
STAFF_KINDS = ("staff", "external")
MAX_LINE = 300
MAX_TEXT = 4000
MAX_RESPONSIBLE = 10

BASIS = ("В соответствии с распоряжением Министерства просвещения Российской Федерации от 25 декабря 2019 г. "
         "№ Р-145 «Об утверждении методологии (целевой модели) наставничества обучающихся для организаций, "
         "осуществляющих образовательную деятельность по общеобразовательным, дополнительным "
         "общеобразовательным и программам среднего профессионального образования, в том числе с применением "
         "лучших практик обмена опытом между обучающимися»")


@dataclass(frozen=True)
class Field:
    """One typed field of an order: `kind` is line, text (several lines), date, year, person or people."""
    name: str
    label: str
    kind: str
    required: bool = True
    hint: str = ""


FIELDS = {
    "introduction": (
        Field("school_year", "Учебный год", "year"),
        Field("starts_on", "Дата начала внедрения целевой модели", "date"),
        Field("basis", "Основание (начало приказа «В соответствии с …»)", "text",
              hint="Заполнено по распоряжению Минпросвещения России № Р-145; дополните при необходимости."),
    ),
    "school_of_mentors": (
        Field("school_year", "Учебный год", "year"),
        Field("head", "Руководитель «Школы наставников»", "person"),
        Field("programme", "Программа обучения наставников", "text",
              hint="Темы занятий, каждая с новой строки. Программы и группы из раздела «Школа наставников» войдут в приказ сами."),
        Field("schedule", "График занятий", "text", hint="Дата и тема занятия, каждое с новой строки."),
    ),
    "final_event": (
        Field("school_year", "Учебный год", "year"),
        Field("event_on", "Дата проведения", "date"),
        Field("starts_at", "Время начала", "line", required=False, hint="Например, 14:00."),
        Field("place", "Место проведения", "line", hint="Например, актовый зал школы."),
        Field("programme", "Программа мероприятия", "text", hint="Пункты программы, каждый с новой строки."),
        Field("responsible", "Ответственные за подготовку и проведение", "people"),
    ),
}
_REQUIRED = {
    "school_year": "Выберите учебный год.",
    "starts_on": "Укажите дату начала внедрения.",
    "basis": "Укажите основание приказа.",
    "head": "Выберите руководителя «Школы наставников» из списка сотрудников школы.",
    "programme": "Заполните программу.",
    "schedule": "Заполните график занятий.",
    "event_on": "Укажите дату проведения мероприятия.",
    "place": "Укажите место проведения.",
    "responsible": "Выберите ответственных из списка сотрудников школы.",
}


def fields_of(kind: str) -> tuple[Field, ...]:
    return FIELDS.get(kind, ())


def details(order: Order) -> dict:
    """The typed fields of an order as stored (JSON); {} for a pairs order."""
    try:
        value = json.loads(order.details or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def candidates(school_id: int) -> list[Person]:
    """Whom an order may name: the school's staff and partners (Person.to_choose)."""
    return list(Person.to_choose(school_id, STAFF_KINDS))


def year_choices(today: date | None = None) -> list[int]:
    """The current school year, the next one (an order is often drafted in the summer for September) and the last
    one (an order of the year just over, typed late)."""
    year = years.school_year(today or date.today())
    return [year, year + 1, year - 1]


def defaults(kind: str, today: date | None = None) -> dict:
    """What a new draft's form starts with."""
    year = years.school_year(today or date.today())
    values = {"school_year": year}
    if kind == "introduction":
        values["basis"] = BASIS
    return values


# --- checking what the coordinator typed -----------------------------------------------------------

def _text(value, field: str, limit: int, lines: bool) -> str:
    value = value if isinstance(value, str) else ""
    if lines:
        value = "\n".join(" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")).strip()
        while "\n\n\n" in value:
            value = value.replace("\n\n\n", "\n\n")
    else:
        value = " ".join(value.split())
    if CONTROL_CHARS.search(value.replace("\n", " ")):
        raise ServiceError("Текст содержит недопустимые символы.", field=field)
    if len(value) > limit:
        raise ServiceError(f"Не длиннее {limit} символов.", field=field)
    return value


def _checked(scope: StaffScope, kind: str, raw: dict, today: date | None = None) -> dict:
    """Each typed field checked, with the Russian message beside the field that is wrong; JSON-ready."""
    people = {p.id: p for p in candidates(scope.school_id)}
    clean: dict = {}
    for spec in fields_of(kind):
        value = raw.get(spec.name)
        if spec.kind in ("line", "text"):
            value = _text(value, spec.name, MAX_LINE if spec.kind == "line" else MAX_TEXT, spec.kind == "text")
            empty = not value
        elif spec.kind == "date":
            if isinstance(value, str) and value:
                try:
                    value = date.fromisoformat(value)
                except ValueError:
                    raise ServiceError("Укажите дату в виде ДД.ММ.ГГГГ.", field=spec.name) from None
            if value is not None and not isinstance(value, date):
                raise ServiceError("Укажите дату в виде ДД.ММ.ГГГГ.", field=spec.name)
            if value is not None and not date(2000, 1, 1) <= value <= date(2100, 12, 31):
                raise ServiceError("Укажите дату между 2000 и 2100 годами.", field=spec.name)
            empty = value is None
            value = value.isoformat() if value else ""
        elif spec.kind == "year":
            year = parse_id(value) if value not in (None, "") else None
            if year is not None and year not in year_choices(today):
                raise ServiceError("Выберите учебный год из списка.", field=spec.name)
            empty, value = year is None, year
        elif spec.kind == "person":
            person_id = parse_id(value) if value not in (None, "") else None
            if person_id is not None and person_id not in people:
                raise ServiceError("Выберите сотрудника из списка.", field=spec.name)
            empty, value = person_id is None, person_id
        else:  # people
            values = value if isinstance(value, (list, tuple)) else [value] if value else []
            ids = list(dict.fromkeys(parse_id(v) for v in values if v not in (None, "")))
            if any(i is None or i not in people for i in ids):
                raise ServiceError("Выберите сотрудников из списка.", field=spec.name)
            if len(ids) > MAX_RESPONSIBLE:
                raise ServiceError(f"Не больше {MAX_RESPONSIBLE} ответственных.", field=spec.name)
            empty, value = not ids, ids
        if spec.required and empty:
            raise ServiceError(_REQUIRED.get(spec.name, "Заполните это поле."), field=spec.name)
        clean[spec.name] = value
    return clean


# --- drafting and editing --------------------------------------------------------------------------

def create(scope: StaffScope, kind: str, raw: dict, ip: str = "", today: date | None = None) -> Order:
    """A new draft of an order of this kind from the typed fields; nothing is saved when a field is wrong."""
    _require_coordinator(scope)
    if kind not in TYPED_KINDS:
        raise NotAllowed("Нет такого вида приказа.")
    clean = _checked(scope, kind, raw, today)
    with atomic_write():
        order = Order.create(school=scope.school_id, kind=kind, title=KIND_TITLES[kind], created_by=scope.person,
                             details=json.dumps(clean, ensure_ascii=False))
        audit.record("order.drafted", actor=scope.person, obj=order, school=scope.school_id, ip=ip, kind=kind)
    return order


def update(scope: StaffScope, order_id: int, raw: dict, ip: str = "", today: date | None = None) -> Order:
    """The draft's typed fields changed; a registered order is refused (it is what the director signed)."""
    with atomic_write():
        order = _locked_draft(scope, order_id, kinds=TYPED_KINDS)
        clean = _checked(scope, order.kind, raw, today)
        Order.update(details=json.dumps(clean, ensure_ascii=False)).where(
            (Order.id == order.id) & (Order.status == "draft")).execute()
        audit.record("order.edited", actor=scope.person, obj=order, school=scope.school_id, ip=ip,
                     fields=sorted(k for k, v in clean.items() if details(order).get(k) != v))
    return Order.get_by_id(order.id)


def delete(scope: StaffScope, order_id: int, ip: str = "") -> None:
    with atomic_write():
        order = _locked_draft(scope, order_id, kinds=TYPED_KINDS)
        audit.record("order.deleted", actor=scope.person, obj=order, school=scope.school_id, ip=ip, kind=order.kind)
        order.delete_instance()


# --- what the printed order says -------------------------------------------------------------------

def coordinator_of(order: Order) -> Person | None:
    """Who prepared the order (the coordinator, a deputy head); else the school's first coordinator."""
    person = Person.get_or_none(Person.id == order.created_by_id) if order.created_by_id else None
    if person is None:
        person = (Person.select().join(Account).join(RoleGrant)
                  .where((Account.school == order.school_id) & (RoleGrant.role == "coordinator"))
                  .order_by(Account.id).first())
    return person


def curators_by_format(school_id: int) -> list[dict]:
    """The school's active formats, each with its curators (4.3): two queries."""
    formats = list(MentoringFormat.select().where((MentoringFormat.school == school_id) & MentoringFormat.is_active)
                   .order_by(MentoringFormat.id))
    curators: dict[int, list[Person]] = {}
    for grant in (RoleGrant.select(RoleGrant, Account, Person).join(Account).join(Person)
                  .where((Account.school == school_id) & (RoleGrant.role == "curator")
                         & RoleGrant.mentoring_format.is_null(False) & Person.destroyed_at.is_null())
                  .order_by(Person.surname, Person.first_name, Person.id)):
        curators.setdefault(grant.mentoring_format_id, []).append(grant.account.person)
    return [{"format": f, "curators": curators.get(f.id, [])} for f in formats]


def document_data(order: Order) -> dict:
    """Everything the kind's template needs, from the order's typed fields and today's data of the school."""
    values = details(order)
    people_ids = [values.get("head")] + list(values.get("responsible") or [])
    people = {p.id: p for p in Person.select().where(Person.id.in_([i for i in people_ids if i]))} \
        if any(people_ids) else {}
    year = values.get("school_year")
    return {
        "order": order, "school": School.get_by_id(order.school_id), "values": values,
        "school_year": years.label(year) if year else "", "year": years.short_label(year) if year else "____/__", "formats": curators_by_format(order.school_id),
        "coordinator": coordinator_of(order), "head": people.get(values.get("head")),
        "responsible": [people[i] for i in values.get("responsible") or [] if i in people],
        "dates": {name: date.fromisoformat(v) for name, v in values.items()
                  if name in ("starts_on", "event_on") and isinstance(v, str) and v},
        "corrected": None,
        # The «Школа наставников» as the portal holds it: programmes with their topics, groups and schedules.
        "training": training.for_order(order.school_id, year) if order.kind == "school_of_mentors" else [],
    }
