"""The roadmap of introducing the target model (дорожная карта внедрения целевой модели, 3.2, s10).

The coordinator keeps it: fills it with the typical roadmap when the school's is empty, adds, edits, marks and
deletes events. Curators read their school's roadmap (and download it); participants never see it. Every change
is one function here that checks the coordinator role and writes the audit record in the same transaction.

«Просрочено» is not stored: an event is overdue when it is not done and its deadline has passed
(RoadmapEvent.is_overdue), so the dashboard and the pages agree with the calendar without anyone updating rows.
"""
from dataclasses import dataclass
from datetime import date

from peewee import JOIN

from portal.db import atomic_write, is_sqlite
from portal.ids import parse_id
from portal.models import IssuedDocument, Person, RoadmapEvent, School, StoredFile
from portal.models.base import utcnow
from portal.models.roadmap import OVERDUE_TITLE, SECTIONS, STATUSES
from portal.services import NotAllowed, ServiceError, audit, issued, uploads, years
from portal.services.bases import CONTROL_CHARS
from portal.services.staff import StaffScope

SECTION_TITLES = dict(SECTIONS)
STATUS_TITLES = dict(STATUSES) | {"overdue": OVERDUE_TITLE}
MAX_TITLE = 300
MAX_RESPONSIBLE = 200
MAX_NOTE = 2000
# Who may be named responsible from the roster: the school's staff and partners (2.7), not pupils or parents.
RESPONSIBLE_KINDS = ("staff", "external")
# Documents that prove an event: the school's orders (s10).
EVIDENCE_KINDS = ("order",)
# Evidence uploads: scans, and the Office files an event produces (a presentation, a report, a table).
EVIDENCE_FILES = ("pdf", "docx", "xlsx", "pptx", "jpeg", "png")


@dataclass(frozen=True)
class Typical:
    """One event of the typical roadmap: a deadline as (month, day) of the school year, its task of 3.2."""
    month: int
    day: int
    section: str
    title: str
    responsible: str


# The typical roadmap of a school year (3.2; 4.1, 4.3, 4.4, 5.2, 6.2–6.4; s10), September to August.
TYPICAL = (
    Typical(9, 5, "roadmap", "Приказ о внедрении целевой модели наставничества (п. 4.1 Положения)", "директор"),
    Typical(9, 10, "staffing", "Приказ о назначении координатора и кураторов целевой модели наставничества "
                               "(п. 4.3 Положения)", "директор"),
    Typical(9, 15, "roadmap", "Утверждение дорожной карты внедрения целевой модели наставничества", "координатор"),
    Typical(9, 30, "programmes", "Разработка программ наставничества по формам наставничества (п. 5.1 Положения)",
            "кураторы"),
    Typical(10, 10, "records", "Формирование базы наставляемых (пп. 4.4–4.7 Положения)",
            "кураторы, классные руководители"),
    Typical(10, 15, "records", "Формирование базы наставников (п. 4.8 Положения)", "кураторы"),
    Typical(10, 20, "programmes", "Представление программ наставничества на ученической конференции "
                                  "(п. 5.2 Положения)", "кураторы"),
    Typical(10, 25, "programmes", "Представление программ наставничества на педагогическом совете "
                                  "(п. 5.2 Положения)", "координатор"),
    Typical(10, 30, "programmes", "Представление программ наставничества на родительском совете "
                                  "(п. 5.2 Положения)", "координатор, классные руководители"),
    Typical(11, 10, "staffing", "Обучение наставников в «Школе наставников»", "координатор"),
    Typical(11, 15, "programmes", "Формирование наставнических пар и групп", "кураторы"),
    Typical(11, 25, "roadmap", "Приказ «Об утверждении наставников и наставнических пар/групп»", "директор"),
    Typical(1, 31, "monitoring", "Промежуточный мониторинг реализации программ наставничества (п. 6.4 Положения)",
            "кураторы, наставники"),
    Typical(5, 15, "monitoring", "Итоговый мониторинг реализации и эффективности программ наставничества "
                                 "(пп. 6.2–6.4 Положения)", "кураторы, наставники"),
    Typical(5, 25, "roadmap", "Итоговое мероприятие: презентация результатов, награждение лучших наставников "
                              "(приказ «О проведении итогового мероприятия»)", "координатор"),
    Typical(6, 20, "databases", "Отчёт о реализации целевой модели наставничества за учебный год; пополнение базы "
                                "программ и лучших практик", "координатор"),
)


def _coordinator(scope: StaffScope) -> None:
    if not scope.is_coordinator:
        raise NotAllowed("Дорожную карту ведёт координатор.")


def _query(school_id: int):
    """Events of one school with their responsible person and evidence: one query, however many events."""
    responsible = Person.alias()
    return (RoadmapEvent.select(RoadmapEvent, responsible, IssuedDocument.id, IssuedDocument.title,
                                IssuedDocument.number, IssuedDocument.issued_at, StoredFile.id, StoredFile.name,
                                StoredFile.kind)
            .join_from(RoadmapEvent, responsible, JOIN.LEFT_OUTER, on=(RoadmapEvent.responsible == responsible.id),
                       attr="responsible")
            .join_from(RoadmapEvent, IssuedDocument, JOIN.LEFT_OUTER, attr="document")
            .join_from(RoadmapEvent, StoredFile, JOIN.LEFT_OUTER, attr="evidence_file")
            .where(RoadmapEvent.school == school_id))


def events(scope: StaffScope) -> list[RoadmapEvent]:
    """The school's roadmap by deadline; the coordinator and every curator of the school read it."""
    return list(_query(scope.school_id).order_by(RoadmapEvent.due_on, RoadmapEvent.id))


def event(scope: StaffScope, event_id) -> RoadmapEvent:
    """One event of the scope's school; another school's (or none) is «not found»."""
    event_id = parse_id(event_id)
    found = _query(scope.school_id).where(RoadmapEvent.id == event_id).first() if event_id is not None else None
    if found is None:
        raise NotAllowed("Нет такого мероприятия.")
    return found


def responsible_of(row: RoadmapEvent) -> str:
    """The person's name and the words, as the table shows them: «Иванова Анна Петровна, кураторы»."""
    parts = []
    if row.responsible_id is not None and row.responsible is not None:
        parts.append(row.responsible.full_name)
    if row.responsible_text:
        parts.append(row.responsible_text)
    return ", ".join(parts) or "—"


def candidates(scope: StaffScope) -> list[Person]:
    """Who may be named responsible: the school's staff and external partners on the roster."""
    _coordinator(scope)
    return list(Person.to_choose(scope.school_id, RESPONSIBLE_KINDS))


def documents(scope: StaffScope) -> list[IssuedDocument]:
    """The school's issued orders an event may point at as its evidence, the newest first."""
    _coordinator(scope)
    return list(IssuedDocument.select(IssuedDocument.id, IssuedDocument.title, IssuedDocument.number,
                                      IssuedDocument.issued_at)
                .where((IssuedDocument.school == scope.school_id) & IssuedDocument.kind.in_(EVIDENCE_KINDS)
                       & IssuedDocument.erased_at.is_null())
                .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc()))


def document_label(document: IssuedDocument) -> str:
    number = f" № {document.number}" if document.number else ""
    return f"{document.title}{number} от {document.issued_at:%d.%m.%Y}"


# --- the typical roadmap ------------------------------------------------------------------------------------

def typical_dates(year: int) -> list[date]:
    """The deadlines of the typical events in the school year starting in September of `year`."""
    return [date(year if t.month >= years.FIRST_MONTH else year + 1, t.month, t.day) for t in TYPICAL]


def typical_year(today: date) -> int:
    """The school year the typical roadmap is made for: the current one, or — once its last typical deadline has
    passed (the summer) — the coming one, so a school starting in July does not begin with a year of overdue
    events."""
    year = years.school_year(today)
    return year + 1 if typical_dates(year)[-1] < today else year


def fill_typical(scope: StaffScope, today: date | None = None, ip: str = "") -> list[RoadmapEvent]:
    """The typical roadmap for the current school year, offered while the school's roadmap is empty: some
    fifteen events from the regulation's tasks, every one editable afterwards. One transaction, one audit record;
    refused once the roadmap holds anything (a double click makes one roadmap, not two)."""
    _coordinator(scope)
    year = typical_year(today or date.today())
    with atomic_write():
        if not is_sqlite():  # two clicks at once make one roadmap (SQLite: the IMMEDIATE transaction serialises)
            list(School.select(School.id).where(School.id == scope.school_id).for_update())
        if RoadmapEvent.select().where(RoadmapEvent.school == scope.school_id).exists():
            raise ServiceError("Дорожная карта уже заполнена: добавляйте и изменяйте мероприятия по одному.")
        now = utcnow()
        rows = [dict(school=scope.school_id, section=t.section, title=t.title, responsible_text=t.responsible,
                     due_on=due, status="planned", note="", created_at=now, updated_at=now)
                for t, due in zip(TYPICAL, typical_dates(year))]
        RoadmapEvent.insert_many(rows).execute()
        audit.record("roadmap.filled", actor=scope.person, obj=School(id=scope.school_id), school=scope.school_id,
                     ip=ip, events=len(rows), school_year=years.label(year))
    return events(scope)


# --- one event ------------------------------------------------------------------------------------------------

@dataclass
class EventData:
    """What the coordinator's form hands over, unchecked: the service checks every field."""
    section: str = ""
    title: str = ""
    responsible_id: str | int | None = None
    responsible_text: str = ""
    due_on: date | None = None
    due_invalid: bool = False   # the form could not read the date (its message is already beside the field)
    status: str = "planned"
    document_id: str | int | None = None
    note: str = ""
    file_name: str = ""
    file_data: bytes | None = None
    drop_file: bool = False


def _text(value, field: str, limit: int, required: str | None = None, lines: bool = False) -> str:
    """Spaces collapsed (a note keeps its lines); control characters refused."""
    value = value if isinstance(value, str) else ""
    value = value.strip() if lines else " ".join(value.split())
    if CONTROL_CHARS.search(value):
        raise ServiceError("Текст содержит недопустимые символы.", field=field)
    if required and not value:
        raise ServiceError(required, field=field)
    if len(value) > limit:
        raise ServiceError(f"Не длиннее {limit} символов.", field=field)
    return value


checked_text = _text  # the same rule for any typed text of another area (services.recognition)


def _checked(scope: StaffScope, data: EventData) -> dict:
    """The fields of an event, each checked, with the Russian message beside the field that is wrong."""
    if data.section not in SECTION_TITLES:
        raise ServiceError("Выберите задачу из перечня п. 3.2 Положения.", field="section")
    title = _text(data.title, "title", MAX_TITLE, required="Назовите мероприятие.")
    responsible = None
    if data.responsible_id not in (None, ""):
        responsible_id = parse_id(data.responsible_id)
        responsible = next((p for p in candidates(scope) if p.id == responsible_id), None)
        if responsible is None:
            raise ServiceError("Выберите ответственного из списка сотрудников школы.", field="responsible")
    responsible_text = _text(data.responsible_text, "responsible_text", MAX_RESPONSIBLE)
    if responsible is None and not responsible_text:
        raise ServiceError("Укажите ответственного: выберите сотрудника или впишите, кто отвечает.",
                           field="responsible_text")
    if data.due_on is None:
        if data.due_invalid:
            raise ServiceError("Укажите дату в виде ДД.ММ.ГГГГ.", field="due_on")
        raise ServiceError("Укажите срок.", field="due_on")
    if not date(2000, 1, 1) <= data.due_on <= date(2100, 12, 31):
        raise ServiceError("Укажите срок между 2000 и 2100 годами.", field="due_on")
    if data.status not in dict(STATUSES):
        raise ServiceError("Выберите состояние из списка.", field="status")
    document = None
    if data.document_id not in (None, ""):
        document_id = parse_id(data.document_id)
        document = next((d for d in documents(scope) if d.id == document_id), None)
        if document is None:
            raise ServiceError("Выберите приказ из списка выданных школой.", field="document")
    note = _text(data.note, "note", MAX_NOTE, lines=True)
    return dict(section=data.section, title=title, responsible=responsible, responsible_text=responsible_text,
                due_on=data.due_on, status=data.status, document=document, note=note)


def save(scope: StaffScope, event_id, data: EventData, ip: str = "", today: date | None = None) -> RoadmapEvent:
    """Add an event (event_id None) or change one; an uploaded file becomes its evidence. Nothing is saved
    when any field is wrong."""
    _coordinator(scope)
    old = event(scope, event_id) if event_id is not None else None
    fields = _checked(scope, data)
    with atomic_write():
        if data.file_data:
            fields["evidence_file"] = uploads.store(scope.school_id, scope.person, data.file_name, data.file_data,
                                                    allowed=EVIDENCE_FILES, field="file", ip=ip, purpose="roadmap")
        elif data.drop_file:
            fields["evidence_file"] = None
        fields["done_at"] = _done_at(old, fields["status"])
        if old is None:
            row = RoadmapEvent.create(school=scope.school_id, **fields)
            action = "roadmap.event_added"
        else:
            fields["updated_at"] = utcnow()
            RoadmapEvent.update(**fields).where(RoadmapEvent.id == old.id).execute()
            row = RoadmapEvent.get_by_id(old.id)
            action = "roadmap.event_changed"
        audit.record(action, actor=scope.person, obj=row, school=scope.school_id, ip=ip, title=row.title,
                     section=row.section, due_on=row.due_on, status=row.status,
                     document=getattr(fields["document"], "id", None),
                     evidence_file=row.evidence_file_id)
    return row


def _done_at(old: RoadmapEvent | None, status: str):
    """When it was done: kept while it stays done, set when it becomes done, cleared when it is reopened."""
    if status != "done":
        return None
    if old is not None and old.status == "done" and old.done_at is not None:
        return old.done_at
    return utcnow()


def set_status(scope: StaffScope, event_id, status: str, ip: str = "") -> RoadmapEvent:
    """«Выполняется» or «выполнено» (or back to «запланировано») in one click."""
    _coordinator(scope)
    old = event(scope, event_id)
    if status not in dict(STATUSES):
        raise ServiceError("Выберите состояние из списка.", field="status")
    with atomic_write():
        RoadmapEvent.update(status=status, done_at=_done_at(old, status), updated_at=utcnow()).where(
            RoadmapEvent.id == old.id).execute()
        audit.record("roadmap.event_status", actor=scope.person, obj=old, school=scope.school_id, ip=ip,
                     title=old.title, was=old.status, status=status)
    return RoadmapEvent.get_by_id(old.id)


def delete(scope: StaffScope, event_id, ip: str = "") -> RoadmapEvent:
    """The event goes; its title, deadline and status stay in the audit trail. The evidence file stays stored."""
    _coordinator(scope)
    old = event(scope, event_id)
    with atomic_write():
        RoadmapEvent.delete().where(RoadmapEvent.id == old.id).execute()
        audit.record("roadmap.event_deleted", actor=scope.person, obj=old, school=scope.school_id, ip=ip,
                     title=old.title, section=old.section, due_on=old.due_on, status=old.status)
    return old


# --- evidence, the dashboard, the files ----------------------------------------------------------------------

def evidence(scope: StaffScope, event_id, ip: str = "") -> uploads.Download:
    """The event's evidence to download: the uploaded file, else the issued document's PDF; «not found» when
    it has none. The coordinator's only: an order is school-wide (the pairs order names every form's
    children), and a curator reads only their own forms' papers. Audited (uploads)."""
    if not scope.is_coordinator:
        raise NotAllowed("Нет такого документа.")
    row = event(scope, event_id)
    audit_as = dict(actor=scope.person, action="roadmap.evidence_downloaded", obj=row, ip=ip,
                    document=row.document_id)
    if row.evidence_file_id is not None:
        return uploads.hand_out(StoredFile.get_by_id(row.evidence_file_id), **audit_as)
    if row.document_id is not None:
        document = IssuedDocument.get_by_id(row.document_id)
        return uploads.audited(issued.pdf_bytes(document), f"document-{document.id}.pdf", "application/pdf",
                               school=scope.school_id, file=None, **audit_as)
    raise NotAllowed("У мероприятия нет подтверждающего документа.")


def overdue(school_id: int, today: date | None = None) -> list[dict]:
    """The school's overdue events, the oldest deadline first, each with who answers for it: one query."""
    today = today or date.today()
    found = (RoadmapEvent.select(RoadmapEvent.id, RoadmapEvent.title, RoadmapEvent.due_on,
                                 RoadmapEvent.responsible_text, Person.surname, Person.first_name, Person.patronymic)
             .join(Person, JOIN.LEFT_OUTER, on=(RoadmapEvent.responsible == Person.id))
             .where((RoadmapEvent.school == school_id) & (RoadmapEvent.status != "done")
                    & (RoadmapEvent.due_on < today))
             .order_by(RoadmapEvent.due_on, RoadmapEvent.id).tuples())
    return [{"id": event_id, "title": title, "due_on": due_on,
             "responsible": ", ".join(part for part in (" ".join(n for n in names if n), text) if part) or "—"}
            for event_id, title, due_on, text, *names in found]


def summary(rows: list[RoadmapEvent], today: date | None = None) -> dict:
    """How many events stand in each state (overdue counted apart from planned and in progress)."""
    today = today or date.today()
    counts = {code: 0 for code in STATUS_TITLES}
    for row in rows:
        counts[row.state(today)] += 1
    return {"total": len(rows), **counts}


HEADERS = ["№", "Задача (п. 3.2 Положения)", "Мероприятие", "Ответственный", "Срок", "Состояние",
           "Выполнено", "Подтверждающий документ", "Примечание"]


def _evidence_title(row: RoadmapEvent) -> str:
    if row.evidence_file_id is not None and row.evidence_file is not None:
        return f"файл «{row.evidence_file.name}»"
    if row.document_id is not None and row.document is not None:
        return document_label(row.document)
    return ""


def table(scope: StaffScope, today: date | None = None, found: list[RoadmapEvent] | None = None
          ) -> tuple[list[str], list[list]]:
    """The roadmap as rows of a table: the XLSX export and the PDF read the same rows."""
    today = today or date.today()
    rows = []
    for i, row in enumerate(events(scope) if found is None else found, start=1):
        rows.append([i, SECTION_TITLES[row.section], row.title, responsible_of(row), row.due_on,
                     STATUS_TITLES[row.state(today)], row.done_at,
                     _evidence_title(row), row.note])
    return HEADERS, rows


def record_download(scope: StaffScope, file_format: str, ip: str = "") -> None:
    with atomic_write():
        audit.record("export.downloaded", actor=scope.person, school=scope.school_id, ip=ip, what="roadmap",
                     file_format=file_format)


def document_data(scope: StaffScope, today: date | None = None) -> dict:
    """What the PDF lays out: the school, the date, the rows and the counts (portal.documents queries nothing)."""
    today = today or date.today()
    rows = events(scope)
    headers, table_rows = table(scope, today, rows)
    school = School.get_by_id(scope.school_id)
    return {"school": school.name, "today": today, "headers": headers, "rows": table_rows,
            "summary": summary(rows, today), "status_titles": STATUS_TITLES,
            "school_year": years.label(typical_year(today))}
