"""The registry of documents that govern mentorship (s10): one list of the regulation, the school's target model,
the roadmap, every director's order with its state, and the other documents the portal issued.

Who reads what: every logged-in person reads the regulation and the target model (they are the rules everyone
works by); the coordinator reads everything; a curator reads the roadmap and the orders that concern their forms
— an order with pairs of their formats, and the orders with no pairs at all (the introduction, the appointments,
the final event). The other issued documents (consents, agreements, reports) name people of every form, so only
the coordinator opens their lists. Every download leaves an audit record.

The target model is the school's own document, so the portal keeps the file the coordinator uploads: each upload
is a new version with its date, uploader and note, and the older versions stay downloadable.
"""
import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from peewee import JOIN, fn

from portal.db import atomic_write, lock_row
from portal.models import (
    Consent, FinalReport, IssuedDocument, Mentorship, Order, OrderItem, Person, School, StoredFile, TargetModelVersion,
)
from portal.models.mentorship import ORDER_KINDS
from portal.regulation import TEXT as REGULATION_TEXT
from portal.regulation import regulation_sections
from portal.services import NotAllowed, ServiceError, audit, issued, roadmap, uploads
from portal.services.bases import CONTROL_CHARS
from portal.services.orders import freeze_late
from portal.services.staff import StaffScope, scope_for

ORDER_KIND_TITLES = dict(ORDER_KINDS)
# The target model is a text the school approved: a PDF of the signed copy, or the Word file it was written in.
TARGET_MODEL_FILES = ("pdf", "docx")
MAX_NOTE = 1000
# Issued documents listed in their own section; orders are listed by kind with their state instead.
OTHER_KINDS = tuple(code for code, _ in issued.KIND_TITLES.items() if code != "order")
# The newest this many of a kind on its list page: the counts on the registry say how many there are in all.
LIST_LIMIT = 500
# Kinds whose orders list pairs (OrderItem): a curator reads such an order when it holds a pair of their forms.
PAIR_KINDS = ("pairs", "changes")


@dataclass(frozen=True)
class Reader:
    """Whoever opens the registry: `scope` is None for a participant (mentor, mentee, parent, class teacher)."""
    person: Person
    school_id: int
    scope: StaffScope | None

    @property
    def is_coordinator(self) -> bool:
        return self.scope is not None and self.scope.is_coordinator

    @property
    def is_staff(self) -> bool:
        return self.scope is not None


def reader_for(account) -> Reader:
    try:
        scope = scope_for(account)
    except NotAllowed:
        scope = None
    return Reader(person=account.person, school_id=account.school_id, scope=scope)


# --- the regulation ------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def regulation() -> dict:
    """The portal's own copy of the regulation: its title and the version of the text — the first twelve signs of
    its SHA-256, so two copies are told apart whoever edited them."""
    sections = regulation_sections()
    digest = hashlib.sha256(REGULATION_TEXT.read_bytes()).hexdigest()
    return {"title": _sentence_case(sections[0][0]), "version": digest[:12]}


def _sentence_case(title: str) -> str:
    """«ПОЛОЖЕНИЕ О НАСТАВНИЧЕСТВЕ В МОУ СОШ № 62» → «Положение о наставничестве в МОУ СОШ № 62»: the capitals
    kept for the short words that are abbreviations (МОУ, СОШ), not for the prepositions."""
    words = [w if 2 <= len(w) <= 4 and w.isalpha() and w.isupper() else w.lower() for w in title.split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


# --- the target model ----------------------------------------------------------------------------------------

def target_model_versions(school_id: int) -> list[TargetModelVersion]:
    """Every version, the newest first, with its file and who uploaded it: one query."""
    return list(TargetModelVersion.select(TargetModelVersion, StoredFile, Person)
                .join(StoredFile).join(Person, JOIN.LEFT_OUTER, on=(StoredFile.uploaded_by == Person.id))
                .where(TargetModelVersion.school == school_id)
                .order_by(TargetModelVersion.number.desc()))


def upload_target_model(scope: StaffScope, name: str, data: bytes | None, note: str = "",
                        ip: str = "") -> TargetModelVersion:
    """A new version of the school's target model: the coordinator's alone. A refused file (wrong kind, too big,
    none) changes nothing; the very file of the current version again (a double click) is refused, not a second
    version; the next number is taken under the school's lock, so two uploads at once never share a number."""
    if not scope.is_coordinator:
        raise NotAllowed("Целевую модель загружает координатор.")
    if note is not None and not isinstance(note, str):  # a file posted under the note's name
        raise ServiceError("Примечание — это текст: напишите его, а не прикладывайте файл.", field="note")
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        raise ServiceError(f"Примечание — не длиннее {MAX_NOTE} символов.", field="note")
    if CONTROL_CHARS.search(note):
        raise ServiceError("В примечании есть недопустимые символы.", field="note")
    with atomic_write():
        lock_row(School, scope.school_id)  # SQLite: the IMMEDIATE transaction already serialises writers
        last = (TargetModelVersion.select(TargetModelVersion.number, StoredFile.sha256).join(StoredFile)
                .where(TargetModelVersion.school == scope.school_id)
                .order_by(TargetModelVersion.number.desc()).first())
        if last is not None and data and hashlib.sha256(data).hexdigest() == last.file.sha256:
            raise ServiceError(f"Этот файл уже загружен: это действующая редакция {last.number}.", field="file")
        stored = uploads.store(scope.school_id, scope.person, name, data, allowed=TARGET_MODEL_FILES,
                               ip=ip, purpose="target_model")
        number = (last.number if last is not None else 0) + 1
        version = TargetModelVersion.create(school=scope.school_id, number=number, file=stored, note=note)
        audit.record("target_model.uploaded", actor=scope.person, obj=version, school=scope.school_id, ip=ip,
                     number=version.number, file=stored.id, name=stored.name, sha256=stored.sha256,
                     size=stored.size, note=note)
    return version


def target_model_file(reader: Reader, version_id, ip: str = "") -> uploads.Download:
    """One version's file for anyone of the school (another school's is «not found»); the download is audited."""
    version = (TargetModelVersion.select(TargetModelVersion, StoredFile).join(StoredFile)
               .where((TargetModelVersion.id == version_id) & (TargetModelVersion.school == reader.school_id))
               .first())
    if version is None:
        raise NotAllowed("Нет такой редакции целевой модели.")
    return uploads.hand_out(version.file, reader.person, ip=ip, action="target_model.downloaded", obj=version,
                            number=version.number)


# --- orders ----------------------------------------------------------------------------------------------------

@dataclass
class OrderEntry:
    """One order as the registry shows it: its state, what it changes and what changed it, its frozen document."""
    order: Order
    document: IssuedDocument | None = None
    changes: Order | None = None                           # the order this one corrects (`corrects`)
    changed_by: list = field(default_factory=list)         # registered orders that correct this one
    opens: bool = True                                      # this reader may download its PDF

    @property
    def state(self) -> str:
        order = self.order
        if order.status != "registered":
            return "проект"
        text = f"зарегистрирован, № {order.number}"
        return text + (f" от {order.dated_on:%d.%m.%Y}" if order.dated_on else "")


def _orders(school_id: int) -> list[OrderEntry]:
    """The school's orders with their frozen documents: one query, however many orders. Within a kind the drafts
    come first (they wait for the director), then the registered ones, the newest first."""
    rows = (Order.select(Order, IssuedDocument.id, IssuedDocument.code)
            .join(IssuedDocument, JOIN.LEFT_OUTER, on=(IssuedDocument.order == Order.id), attr="frozen")
            .where(Order.school == school_id).order_by(Order.id.desc()))
    entries = {row.id: OrderEntry(row, row.frozen if getattr(row, "frozen", None) and row.frozen.id else None)
               for row in rows}
    for entry in entries.values():
        target = entries.get(entry.order.corrects_id)
        if target is not None:
            entry.changes = target.order
            if entry.order.status == "registered":
                target.changed_by.append(entry.order)
    return sorted(entries.values(), key=lambda e: (e.order.status == "registered",
                                                   -(e.order.dated_on or date.min).toordinal(), -e.order.id))


def _curators_orders(scope: StaffScope, entries: list[OrderEntry]) -> list[OrderEntry]:
    """The orders a curator reads: those holding a pair of their forms, and those that list no pairs at all
    (one query). An order that also lists another form's pairs names that form's children, so the curator
    sees it listed but does not open its PDF (`opens` False): that one is the coordinator's."""
    concerning, outside, listing_pairs = set(), set(), set()
    for order_id, format_id in (OrderItem.select(OrderItem.order, Mentorship.mentoring_format).join(Mentorship)
                                .join_from(OrderItem, Order).where(Order.school == scope.school_id)
                                .distinct().tuples()):
        listing_pairs.add(order_id)
        (concerning if format_id in scope.format_ids else outside).add(order_id)
    found = [e for e in entries if e.order.id in concerning
             or (e.order.id not in listing_pairs and e.order.kind not in PAIR_KINDS)]
    for entry in found:
        entry.opens = entry.order.id not in outside
    return found


def orders_by_kind(scope: StaffScope) -> list[dict]:
    """Every kind of ORDER_KINDS in its order, each with the orders this staff member reads (maybe none)."""
    entries = _orders(scope.school_id)
    if not scope.is_coordinator:
        entries = _curators_orders(scope, entries)
    kinds = {code: [] for code, _ in ORDER_KINDS}
    for entry in entries:
        kinds.setdefault(entry.order.kind, []).append(entry)
    return [{"kind": code, "title": ORDER_KIND_TITLES.get(code, code), "orders": rows} for code, rows in kinds.items()]


def _readable_order(reader: Reader, order_id) -> Order:
    """An order of the school this reader may see; anything else is «not found»."""
    if reader.scope is None:
        raise NotAllowed("Нет такого приказа.")
    entries = _orders(reader.school_id)
    if not reader.is_coordinator:
        entries = _curators_orders(reader.scope, entries)
    found = next((e.order for e in entries if e.order.id == order_id and e.opens), None)
    if found is None:
        raise NotAllowed("Нет такого приказа.")
    return found


def order_pdf(reader: Reader, order_id, ip: str = "") -> tuple[IssuedDocument, bytes]:
    """A registered order as it was frozen at registration — the same PDF the coordinator prints — for whoever
    reads it in the registry; a draft has no frozen document yet («not found» here: it prints on its own page)."""
    order = _readable_order(reader, order_id)
    if order.status != "registered":
        raise NotAllowed("Проект приказа ещё не зарегистрирован.")
    document = issued.of(order=order.id)
    if document is None and order.kind == "pairs":  # registered before documents were frozen
        with atomic_write():
            document = issued.of(order=order.id) or freeze_late(order)
    if document is None:
        raise NotAllowed("Документ приказа не найден.")
    data = issued.pdf_bytes(document)
    with atomic_write():
        audit.record("document.downloaded", actor=reader.person, obj=document, school=reader.school_id, ip=ip,
                     kind=document.kind, code=document.code, order=order.id)
    return document, data


# --- the other issued documents ------------------------------------------------------------------------------

def other_counts(school_id: int) -> list[dict]:
    """How many documents of each other kind the school issued, and the newest date: one query."""
    found = {kind: (count, last) for kind, count, last in
             IssuedDocument.select(IssuedDocument.kind, fn.COUNT(IssuedDocument.id), fn.MAX(IssuedDocument.issued_at))
             .where((IssuedDocument.school == school_id) & IssuedDocument.kind.in_(OTHER_KINDS))
             .group_by(IssuedDocument.kind).tuples()}
    return [{"kind": kind, "title": issued.KIND_TITLES[kind], "count": found.get(kind, (0, None))[0],
             "last": found.get(kind, (0, None))[1]} for kind in OTHER_KINDS]


def _coordinator(reader: Reader) -> StaffScope:
    if not reader.is_coordinator:
        raise NotAllowed("Список выданных документов ведёт координатор.")
    return reader.scope


def issued_list(reader: Reader, kind: str) -> list[IssuedDocument]:
    """The newest LIST_LIMIT documents of one kind, each with the person it concerns — the agreement's mentor,
    the consent's subject, the report's author — as `whom`: one query."""
    _coordinator(reader)
    if kind not in OTHER_KINDS:
        raise NotAllowed("Нет таких документов.")
    whom = fn.COALESCE(IssuedDocument.person, Consent.subject, FinalReport.written_by)
    return list(IssuedDocument.select(*issued.SUMMARY_FIELDS, Person)
                .join_from(IssuedDocument, Consent, JOIN.LEFT_OUTER, on=(IssuedDocument.consent == Consent.id))
                .join_from(IssuedDocument, FinalReport, JOIN.LEFT_OUTER, on=(IssuedDocument.report == FinalReport.id))
                .join_from(IssuedDocument, Person, JOIN.LEFT_OUTER, on=(Person.id == whom), attr="whom")
                .where((IssuedDocument.school == reader.school_id) & (IssuedDocument.kind == kind))
                .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc()).limit(LIST_LIMIT))


def issued_pdf(reader: Reader, document_id, ip: str = "") -> tuple[IssuedDocument, bytes]:
    """One issued document's PDF (the frozen one) for the coordinator; the download is audited."""
    _coordinator(reader)
    document = IssuedDocument.get_or_none((IssuedDocument.id == document_id)
                                          & (IssuedDocument.school == reader.school_id)
                                          & IssuedDocument.kind.in_(OTHER_KINDS))
    if document is None:
        raise NotAllowed("Нет такого документа.")
    data = issued.pdf_bytes(document)
    with atomic_write():
        audit.record("document.downloaded", actor=reader.person, obj=document, school=reader.school_id, ip=ip,
                     kind=document.kind, code=document.code)
    return document, data


# --- the page --------------------------------------------------------------------------------------------------

def page(reader: Reader, today: date | None = None) -> dict:
    """Everything the registry shows this reader, in a fixed number of queries whatever the school holds."""
    data = {"regulation": regulation(), "versions": target_model_versions(reader.school_id),
            "roadmap": None, "orders": [], "others": []}
    if reader.scope is not None:
        data["roadmap"] = roadmap.summary(roadmap.events(reader.scope), today or date.today())
        data["orders"] = orders_by_kind(reader.scope)
    if reader.is_coordinator:
        data["others"] = other_counts(reader.school_id)
    return data
