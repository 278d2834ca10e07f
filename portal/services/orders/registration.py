"""Registration and corrections: the number and date the director signed, the frozen order and its PDF."""
import re
from datetime import date, datetime

from peewee import IntegrityError

from portal.db import atomic_write
from portal.documents.docx import html_to_docx
from portal.documents.order import kind_order_html, order_html
from portal.documents.pdf import render_pdf
from portal.formatting import SCHOOL_TZ, ru_short_date
from portal.models import Account, Mentorship, MentorshipMember, Order, Person, RoleGrant, School, StoredFile
from portal.models.base import utcnow
from portal.models.mentorship import order_number_key
from portal.names import full_name
from portal.services import NotAllowed, ServiceError, audit, issued, notifications, uploads
from portal.services.staff import StaffScope
from portal.services.orders.reading import (
    ALL_KINDS, PAIR_KINDS, _blocked, _by_format, _gate, _locked_draft, _require_coordinator, order_of, pair_label, year_over,
    year_over_words,
)
from portal.services.orders import appointment, changes
from portal.services.orders import kinds as typed
from portal.services.orders.drafting import _order_pairs


MAX_NUMBER = 50
_NUMBER_SIGN = re.compile(r"^(№|N|No\.?)\s*", re.IGNORECASE)


# --- registration and corrections ------------------------------------------------------------------

def school_today() -> date:
    """The school's calendar day (Moscow), which is what the director wrote on the order."""
    return datetime.now(SCHOOL_TZ).date()


def clean_number(number: str | None) -> str:
    """«№ 12-о» and «12-о» are one number: the sign and extra spaces are dropped."""
    return _NUMBER_SIGN.sub("", " ".join((number or "").split()))


def _holder_of(school_id: int, number: str, dated_on: date, exclude_id: int | None = None) -> Order | None:
    """The order of this school that already took the number this calendar year (DECISIONS.md: «N-од»
    is unique per school and year; «52-од» and « 52-ОД » are one number)."""
    query = Order.select().where((Order.school == school_id) & (Order.number_year == dated_on.year)
                                 & (Order.number_key == order_number_key(number)))
    if exclude_id is not None:
        query = query.where(Order.id != exclude_id)
    return query.order_by(Order.dated_on, Order.id).first()


def _number_taken(holder: Order) -> ServiceError:
    return ServiceError(f"Этот номер уже занят: приказ № {holder.number} от {ru_short_date(holder.dated_on)} "
                        "уже зарегистрирован, а номер приказа в школе не повторяется в течение календарного года. "
                        "Проверьте номер на подписанном экземпляре.", field="number")


def register(scope: StaffScope, order_id: int, number: str, dated_on: date | None, ip: str = "",
             today: date | None = None, scan_name: str = "", scan: bytes | None = None) -> Order:
    """The director signed the draft on paper: its number and date are recorded (with the scan of the signed
    paper when one is given: PDF, JPEG or PNG) and the order is frozen. A pairs order's pairs become active
    only now (4.13); and only pairs that still wait for the order, with every participant's consent."""
    _require_coordinator(scope)
    number = clean_number(number)
    if not number:
        raise ServiceError("Укажите номер приказа, как он записан на подписанном экземпляре.", field="number")
    if len(number) > MAX_NUMBER or any(ord(ch) < 32 or ord(ch) == 127 for ch in number):
        raise ServiceError(f"Номер — не длиннее {MAX_NUMBER} символов, без служебных знаков.", field="number")
    if dated_on is None:
        raise ServiceError("Укажите дату приказа.", field="dated_on")
    if dated_on > (today or school_today()):
        raise ServiceError("Дата приказа не может быть позже сегодняшнего дня: укажите дату, которой "
                           "директор подписал приказ.", field="dated_on")
    if dated_on.year < 2000:
        raise ServiceError("Проверьте дату приказа.", field="dated_on")
    try:
        with atomic_write():
            order = _locked_draft(scope, order_id, ALL_KINDS)
            holder = _holder_of(scope.school_id, number, dated_on, exclude_id=order.id)
            if holder is not None:
                raise _number_taken(holder)
            if order.kind not in PAIR_KINDS:
                return _register_typed(scope, order, number, dated_on, ip, scan_name, scan)
            stored = uploads.store(scope.school_id, scope.person, scan_name, scan, allowed=uploads.SCANS,
                                   field="scan", ip=ip, purpose="order_scan") if scan else None
            listed = _order_pairs(order)
            if not listed:
                raise ServiceError("В приказе нет ни одной пары: добавьте пары или удалите проект.")
            # An order of changes also records pairs ended early or carried (changes.py); only its new pairs start.
            recorded = changes.recorded(order, listed) if order.kind == "changes" else set()
            pairs = [p for p in listed if p.id not in recorded]
            for pair in pairs:
                if pair.status != "in_order":
                    raise ServiceError(f"Пара {pair_label(pair)}: {pair.status_title}. Уберите её из проекта "
                                       "приказа и распечатайте его заново.")
            over = year_over(pairs, today or school_today())
            if over is not None:
                raise ServiceError(year_over_words(over))
            gate = _gate(pairs)
            for pair in pairs:
                blocked = _blocked(pair, gate)
                if blocked:
                    raise ServiceError(f"{full_name(blocked[0])}: нет действующего согласия на обработку "
                                       f"персональных данных. Уберите пару {pair_label(pair)} из проекта приказа "
                                       "и распечатайте его заново.")
            now = utcnow()
            Order.update(status="registered", number=number, dated_on=dated_on, registered_by=scope.person,
                         registered_at=now, number_key=order_number_key(number), number_year=dated_on.year,
                         scan=stored).where((Order.id == order.id) & (Order.status == "draft")).execute()
            ids = [p.id for p in pairs]
            Mentorship.update(status="active", status_changed_at=now).where(
                Mentorship.id.in_(ids) & (Mentorship.status == "in_order")).execute()
            audit.record("order.registered", actor=scope.person, obj=order, school=scope.school_id, ip=ip,
                         number=number, dated_on=dated_on.isoformat(), mentorships=ids,
                         changes=sorted(recorded), scan=stored.sha256 if stored else None)
            for pair in pairs:
                audit.record("mentorship.activated", actor=scope.person, obj=pair, school=scope.school_id, ip=ip,
                             order=order.id, number=number, dated_on=dated_on.isoformat())
            _freeze(Order.get_by_id(order.id), actor=scope.person, ip=ip)  # registration freezes the order
            _tell_members(pairs, number, dated_on)
    except IntegrityError:  # another registration took the number a moment ago (the unique index holds it)
        holder = _holder_of(scope.school_id, number, dated_on, exclude_id=order_id)
        if holder is not None:
            raise _number_taken(holder) from None
        raise ServiceError("Приказ не зарегистрирован: его только что изменили. Обновите страницу и "
                           "попробуйте снова.") from None
    return Order.get_by_id(order_id)


def _register_typed(scope: StaffScope, order: Order, number: str, dated_on: date, ip: str, scan_name: str,
                    scan: bytes | None) -> Order:
    """An order not about pairs (kinds.py, appointment.py): its typed fields must be complete (an appointment order's
    curators are granted), then it is registered and frozen."""
    if order.kind == appointment.KIND:  # those it appoints are granted now, with its number and date
        appointment.register_locked(scope, order, number, dated_on, ip)
    try:
        typed._checked(scope, order.kind, typed.details(order))
    except ServiceError as refusal:
        raise ServiceError(f"Проект приказа заполнен не полностью: {refusal.message} Исправьте проект и "
                           "распечатайте его заново.") from None
    stored = uploads.store(scope.school_id, scope.person, scan_name, scan, allowed=uploads.SCANS,
                           field="scan", ip=ip, purpose="order_scan") if scan else None
    Order.update(status="registered", number=number, dated_on=dated_on, registered_by=scope.person,
                 registered_at=utcnow(), number_key=order_number_key(number), number_year=dated_on.year,
                 scan=stored).where((Order.id == order.id) & (Order.status == "draft")).execute()
    audit.record("order.registered", actor=scope.person, obj=order, school=scope.school_id, ip=ip, kind=order.kind,
                 number=number, dated_on=dated_on.isoformat(), scan=stored.sha256 if stored else None)
    _freeze(Order.get_by_id(order.id), actor=scope.person, ip=ip)
    if order.kind == appointment.KIND:  # a new coordinator relieves the one the frozen text names
        appointment.relieve_locked(scope, order, number, ip)
    return Order.get_by_id(order.id)


def attach_scan(scope: StaffScope, order_id: int, scan_name: str, scan: bytes | None, ip: str = "") -> Order:
    """The scan of the signed paper, for a registered order that has none yet; it changes nothing in the order's
    text (the frozen document stays as it is), and a scan once attached stays."""
    with atomic_write():
        order = order_of(scope, order_id, ALL_KINDS)
        if order.status != "registered":
            raise ServiceError("Скан прикладывается к подписанному приказу: сначала зарегистрируйте его номер "
                               "и дату.", field="scan")
        if order.scan_id is not None:
            raise ServiceError("Скан подписанного приказа уже приложен.", field="scan")
        stored = uploads.store(scope.school_id, scope.person, scan_name, scan, allowed=uploads.SCANS, field="scan",
                               ip=ip, purpose="order_scan")
        Order.update(scan=stored).where((Order.id == order.id) & Order.scan.is_null()).execute()
        audit.record("order.scan_attached", actor=scope.person, obj=order, school=scope.school_id, ip=ip,
                     scan=stored.id, sha256=stored.sha256)
    return Order.get_by_id(order.id)


def order_scan(scope: StaffScope, order_id: int, ip: str = "") -> uploads.Download:
    """The scan of the signed order, for the coordinator; handed out audited, as every stored file is."""
    order = order_of(scope, order_id, ALL_KINDS)
    if order.scan_id is None:
        raise NotAllowed("Скан не приложен.")
    return uploads.hand_out(StoredFile.get_by_id(order.scan_id), scope.person, ip=ip,
                            action="order.scan_downloaded", obj=order)


def _tell_members(pairs, number: str, dated_on: date) -> None:
    """order.registered for the mentor and the mentees of each pair the order activates: their work begins."""
    mentees: dict[int, list[int]] = {}
    for mentorship_id, mentee_id in (MentorshipMember.select(MentorshipMember.mentorship, MentorshipMember.mentee)
                                     .where(MentorshipMember.mentorship.in_([p.id for p in pairs])
                                            & MentorshipMember.left_at.is_null()).tuples()):
        mentees.setdefault(mentorship_id, []).append(mentee_id)
    details = f"Приказ № {number} от {ru_short_date(dated_on)}"
    for pair in pairs:
        notifications.notify([pair.mentor_id, *mentees.get(pair.id, [])], "order.registered", obj=pair,
                             details=details)


def correction_title(order: Order) -> str:
    return f"О внесении изменений в приказ от {ru_short_date(order.dated_on)} № {order.number}"


def start_correction(scope: StaffScope, order_id: int, ip: str = "") -> Order:
    """A registered order is never edited: its correction is a new draft that points at it.

    A second click finds the correction already started rather than making another."""
    with atomic_write():
        order = order_of(scope, order_id)  # orders of changes to the other kinds come with their own issue
        if order.status != "registered":
            raise ServiceError("Проект приказа исправляется сам; изменения вносятся только в зарегистрированный приказ.")
        existing = (Order.select().where((Order.corrects == order) & (Order.status == "draft"))
                    .order_by(Order.id).first())
        if existing is not None:
            return existing
        correction = Order.create(school=scope.school_id, kind="pairs", title=correction_title(order),
                                  corrects=order, created_by=scope.person)
        audit.record("order.correction_drafted", actor=scope.person, obj=correction, school=scope.school_id, ip=ip,
                     corrects=order.id)
    return correction


def document(scope: StaffScope, order_id: int) -> dict:
    """What the printed order says: the school, the pairs by format and mentor, who controls it."""
    return _document_data(order_of(scope, order_id, ALL_KINDS))


def _freeze(order: Order, actor: Person | None = None, ip: str = "", late: bool = False):
    """The registered order as the director signed it, frozen in the registration's transaction (DECISIONS.md
    «What a signed document is»): later changes of names, classes or the school's details change nothing."""
    data = _document_data(order)
    return issued.issue(school_id=order.school_id, kind="order", title=f"Приказ «{order.title}»", number=order.number,
                        issued_at=order.registered_at, actor=actor, ip=ip, frozen_late=late, order=order.id,
                        render=lambda verification: _html(order, dict(data, verification=verification)))


def _html(order: Order, data: dict) -> str:
    return order_html(data) if order.kind == "pairs" else kind_order_html(data)


def _frozen(order: Order):
    """The registered order's issued document; one registered before documents were frozen is frozen now."""
    frozen = issued.of(order=order.id)
    if frozen is None:
        with atomic_write():
            frozen = issued.of(order=order.id) or freeze_late(order)
    return frozen


def freeze_late(order: Order):
    """An order registered before documents were frozen: frozen from what it renders today, marked so."""
    return _freeze(order, late=True)


def order_pdf(scope: StaffScope, order_id: int) -> bytes:
    """A draft prints from today's data (it is what the director is about to sign); a registered order is
    always the PDF of its frozen document."""
    order = order_of(scope, order_id, ALL_KINDS)
    if order.status != "registered":
        return render_pdf(_html(order, _document_data(order)))
    return issued.pdf_bytes(_frozen(order))


def order_preview(scope: StaffScope, order_id: int) -> str:
    """The order's text for its page, as it prints: a draft's from today's data, a registered order's from its
    frozen HTML (the body only; the documents' templates are autoescaped, so it is safe to show as it is)."""
    order = order_of(scope, order_id, ALL_KINDS)
    if order.status == "registered":
        frozen = issued.of(order=order.id)
        html = frozen.html if frozen is not None and frozen.html else ""
    else:
        html = _html(order, _document_data(order))
    start, end = html.find("<body>"), html.rfind("</body>")
    return html[start + len("<body>"):end] if start >= 0 and end > start else ""


def order_docx(scope: StaffScope, order_id: int) -> bytes:
    """The same order as a Word document (schools print on their letterhead and edit in Word), made from the
    same HTML as the PDF: a draft's from today's data, a registered order's from its frozen HTML."""
    order = order_of(scope, order_id, ALL_KINDS)
    if order.status != "registered":
        return html_to_docx(_html(order, _document_data(order)), title=order.title)
    frozen = _frozen(order)
    if frozen.erased_at is not None or not frozen.html:
        raise NotAllowed("Документ уничтожен вместе с персональными данными.")
    return html_to_docx(frozen.html, title=order.title)


def _document_data(order: Order) -> dict:
    if order.kind == appointment.KIND:
        return appointment.document_data(order)
    if order.kind == "changes":
        return changes.document_data(order, _order_pairs(order))
    if order.kind != "pairs":
        return typed.document_data(order)
    formats = _by_format(_order_pairs(order))
    mentors = list({g.mentor.id: g.mentor for f in formats for g in f["groups"]}.values())
    controller = Person.get_or_none(Person.id == order.created_by_id) if order.created_by_id else None
    if controller is None:  # drafted outside the portal's pages: the school's first coordinator (its deputy head)
        controller = (Person.select().join(Account).join(RoleGrant)
                      .where((Account.school == order.school_id) & (RoleGrant.role == "coordinator"))
                      .order_by(Account.id).first())
    return {"order": order, "school": School.get_by_id(order.school_id), "formats": formats, "mentors": mentors,
            "corrected": Order.get_by_id(order.corrects_id) if order.corrects_id else None,
            "controller": controller}
