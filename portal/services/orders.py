"""The director's order on pairs and groups (4.1, 4.13, s10), and every pair's history.

A pair becomes active only when the order approving it is registered with the number and date the
director signed on paper; until then it is «в проекте приказа» and no meeting can be logged. A
registered order is the record of what the director signed, so nothing here changes one: a
correction is a new order pointing at it. Orders are the coordinator's (4.2); the pairs pages are
for the coordinator and the format's curator.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from peewee import JOIN, IntegrityError, fn

from portal.db import atomic_write, is_sqlite
from portal.documents.order import order_html
from portal.documents.pdf import render_pdf
from portal.formatting import SCHOOL_TZ, ru_short_date
from portal.models import (
    Account, AuditEvent, MentoringFormat, Mentorship, MentorshipMember, Order, OrderItem, Person, Proposal, RoleGrant,
    School, SchoolClass,
)
from portal.models.base import utcnow
from portal.models.mentorship import (
    MENTORSHIP_STATES, ORDER_KINDS, ORDER_STATUSES, PROPOSAL_STATUSES, order_number_key,
)
from portal.names import full_name
from portal.services import NotAllowed, ServiceError, audit, issued
from portal.services import consent as consents
from portal.services.staff import StaffScope

PAIRS_TITLE = dict(ORDER_KINDS)["pairs"]
ORDER_STATUS_TITLES = dict(ORDER_STATUSES)
PROPOSAL_STATUS_TITLES = dict(PROPOSAL_STATUSES)
STATE_TITLES = dict(MENTORSHIP_STATES)
FROZEN = ("Приказ зарегистрирован и больше не изменяется. Исправление вносится новым приказом: "
          "кнопка «Внести изменения».")
MERGED_REASON = "объединена в группу"
MAX_NUMBER = 50
MAX_PAIRS = 500
HISTORY_LIMIT = 200
_ID = re.compile(r"\d{1,9}", re.ASCII)
_NUMBER_SIGN = re.compile(r"^(№|N|No\.?)\s*", re.IGNORECASE)

# The pairs list's filter: «current» hides pairs that are over.
PAIR_FILTERS = {
    "current": ("chosen", "confirmed", "in_order", "active", "suspended"),
    "waiting": ("chosen", "confirmed", "in_order"),
    "active": ("active", "suspended"),
    "over": ("completed", "cancelled"),
    "all": tuple(code for code, _ in MENTORSHIP_STATES),
}


Mentor = Person.alias()
MentorClass = SchoolClass.alias()


# --- reading pairs ---------------------------------------------------------------------------------

def class_of(person: Person) -> str:
    """A student's class; never loads the class for a person whose query did not join it."""
    return person.school_class.name if person.school_class_id else ""


def _pairs(*where):
    """Pairs with their format and mentor (with the mentor's class) joined: one query."""
    return (Mentorship.select(Mentorship, MentoringFormat, Mentor, MentorClass)
            .join(MentoringFormat).switch(Mentorship)
            .join(Mentor, on=(Mentorship.mentor == Mentor.id), attr="mentor")
            .join(MentorClass, JOIN.LEFT_OUTER, on=(Mentor.school_class == MentorClass.id), attr="school_class")
            .where(*where))


def _members(current_only: bool = True):
    query = (MentorshipMember.select(MentorshipMember, Person, SchoolClass).join(Person)
             .join(SchoolClass, JOIN.LEFT_OUTER).order_by(Person.surname, Person.first_name, Person.id))
    return query.where(MentorshipMember.left_at.is_null()) if current_only else query


def _with_members(query) -> list[Mentorship]:
    """The pairs and their current mentees: two queries whatever the number of pairs."""
    return list(query.prefetch(_members()))


def mentees_of(mentorship: Mentorship) -> list[Person]:
    return [member.mentee for member in mentorship.members]


def pair_label(mentorship: Mentorship) -> str:
    """«Петрова А. С. — Иванов П. С., Сидоров К. Л.» for messages."""
    return f"{mentorship.mentor.short_name} — {', '.join(p.short_name for p in mentees_of(mentorship))}"


def _gate(pairs) -> dict:
    """The consent gate for every mentor and mentee of these pairs, in one query."""
    people = [(p.mentor, "mentor") for p in pairs] + [(m, "mentee") for p in pairs for m in mentees_of(p)]
    return consents.participation_gate(people) if people else {}


def _blocked(pair: Mentorship, gate: dict) -> list[Person]:
    """Who of the pair may not take part today (no valid consent)."""
    people = [(pair.mentor, "mentor")] + [(m, "mentee") for m in mentees_of(pair)]
    return [person for person, base in people if not gate.get((person.id, base), False)]


@dataclass
class Group:
    """One mentor in one format: a pair, or a group when several mentees are listed (4.13)."""

    mentoring_format: MentoringFormat
    mentor: Person
    pairs: list = field(default_factory=list)

    @property
    def mentees(self) -> list[Person]:
        return [m for pair in self.pairs for m in mentees_of(pair)]

    @property
    def mergeable(self) -> bool:
        """Several separate pairs of one mentor in a draft can become one group."""
        return len(self.pairs) > 1 and all(p.status == "in_order" for p in self.pairs)


def _by_format(pairs) -> list[dict]:
    """Pairs in the order given, gathered by format and, within a format, by mentor."""
    formats: dict[int, dict] = {}
    for pair in pairs:
        entry = formats.setdefault(pair.mentoring_format_id, {"format": pair.mentoring_format, "groups": {},
                                                                "pairs": []})
        entry["pairs"].append(pair)
        group = entry["groups"].setdefault(pair.mentor_id, Group(pair.mentoring_format, pair.mentor))
        group.pairs.append(pair)
    return [{"format": e["format"], "pairs": e["pairs"], "groups": list(e["groups"].values())}
            for e in formats.values()]


def _ordering():
    return (MentoringFormat.id, Mentor.surname, Mentor.first_name, Mentor.id, Mentorship.created_at, Mentorship.id)


# --- who may, and which order ----------------------------------------------------------------------

def _require_coordinator(scope: StaffScope) -> None:
    """Orders are the coordinator's: the deputy director prepares what the director signs (4.2)."""
    if not scope.is_coordinator:
        raise NotAllowed("Приказы готовит координатор.")


def order_of(scope: StaffScope, order_id: int) -> Order:
    _require_coordinator(scope)
    order = Order.get_or_none((Order.id == order_id) & (Order.school == scope.school_id) & (Order.kind == "pairs"))
    if order is None:
        raise NotAllowed("Нет такого приказа.")
    return order


def _locked_draft(scope: StaffScope, order_id: int) -> Order:
    """Inside a write transaction: the draft, locked so a registration and an edit cannot interleave."""
    order = order_of(scope, order_id)
    if not is_sqlite():  # SQLite's IMMEDIATE transaction already holds the write lock
        order = Order.select().where(Order.id == order.id).for_update().get()
    if order.status != "draft":
        raise ServiceError(FROZEN)
    return order


def _in_scope(scope: StaffScope):
    return Mentorship.mentoring_format.in_(list(scope.format_ids))


def _ids(values) -> list[int]:
    """Ticked pair ids as the browser sent them; anything that is not an id is dropped."""
    ids = [int(v) for v in values or () if isinstance(v, str) and _ID.fullmatch(v)]
    return list(dict.fromkeys(ids))[:MAX_PAIRS]


# --- the orders page -------------------------------------------------------------------------------

def orders(scope: StaffScope) -> list[Order]:
    """Drafts and registered orders, newest first, each with its number of pairs: two queries."""
    _require_coordinator(scope)
    Corrected = Order.alias()
    rows = list(Order.select(Order, Corrected)
                .join(Corrected, JOIN.LEFT_OUTER, on=(Order.corrects == Corrected.id), attr="corrected")
                .where((Order.school == scope.school_id) & (Order.kind == "pairs"))
                .order_by(Order.created_at.desc(), Order.id.desc()))
    counts = dict(OrderItem.select(OrderItem.order, fn.COUNT(OrderItem.id)).join(Order)
                  .where(Order.school == scope.school_id).group_by(OrderItem.order).tuples())
    for order in rows:
        order.pair_count = counts.get(order.id, 0)
        if not order.corrects_id:
            order.corrected = None
    return rows


def ready_pairs(scope: StaffScope) -> list[dict]:
    """Pairs the mentor has confirmed that are in no order yet, by format, with who lacks consent."""
    _require_coordinator(scope)
    pairs = _with_members(_pairs(_in_scope(scope), Mentorship.status == "confirmed").order_by(*_ordering()))
    gate = _gate(pairs)
    for pair in pairs:
        pair.blocked = _blocked(pair, gate)
    return _by_format(pairs)


def _order_pairs(order: Order) -> list[Mentorship]:
    return _with_members(_pairs(Mentorship.id.in_(OrderItem.select(OrderItem.mentorship)
                                                  .where(OrderItem.order == order))).order_by(*_ordering()))


def order_page(scope: StaffScope, order_id: int) -> dict:
    """An order with its pairs gathered into groups; a draft also gets the pairs it could take."""
    order = order_of(scope, order_id)
    pairs = _order_pairs(order)
    is_draft = order.status == "draft"
    gate = _gate(pairs) if is_draft else {}
    for pair in pairs:
        pair.blocked = _blocked(pair, gate) if is_draft else []
    return {
        "order": order,
        "formats": _by_format(pairs),
        "pair_count": len(pairs),
        "corrected": Order.get_by_id(order.corrects_id) if order.corrects_id else None,
        "corrections": list(Order.select().where(Order.corrects == order).order_by(Order.created_at)),
        "ready": ready_pairs(scope) if is_draft else [],
    }


# --- drafting --------------------------------------------------------------------------------------

def _add(scope: StaffScope, order: Order, mentorship_ids, ip: str) -> list[Mentorship]:
    """Put confirmed pairs into the draft (4.13: only pairs both sides agreed to, consent still valid)."""
    ids = _ids(mentorship_ids)
    if not ids:
        raise ServiceError("Отметьте пары, которые войдут в приказ.", field="mentorships")
    pairs = _with_members(_pairs(_in_scope(scope), Mentorship.id.in_(ids)).order_by(*_ordering()))
    if len(pairs) != len(ids):
        raise NotAllowed("Нет такой пары.")
    for pair in pairs:
        if pair.status != "confirmed":
            raise ServiceError(f"Пара {pair_label(pair)}: {pair.status_title}. В приказ включаются только пары, "
                               "подтверждённые наставником и ещё не вошедшие в приказ.", field="mentorships")
    gate = _gate(pairs)
    for pair in pairs:
        blocked = _blocked(pair, gate)
        if blocked:
            raise ServiceError(f"{full_name(blocked[0])}: нет действующего согласия на обработку персональных "
                               f"данных — пару {pair_label(pair)} нельзя включить в приказ.", field="mentorships")
    changed = (Mentorship.update(status="in_order", status_changed_at=utcnow())
               .where(Mentorship.id.in_(ids) & (Mentorship.status == "confirmed")).execute())
    if changed != len(ids):
        raise ServiceError("Пары только что изменились. Обновите страницу и отметьте их снова.", field="mentorships")
    for pair in pairs:
        OrderItem.create(order=order, mentorship=pair)
        audit.record("mentorship.in_order", actor=scope.person, obj=pair, school=scope.school_id, ip=ip,
                     order=order.id)
    return pairs


def create_draft(scope: StaffScope, mentorship_ids, ip: str = "") -> Order:
    """A new draft of «Об утверждении наставников и наставнических пар/групп» with the ticked pairs."""
    _require_coordinator(scope)
    with atomic_write():
        order = Order.create(school=scope.school_id, kind="pairs", title=PAIRS_TITLE, created_by=scope.person)
        pairs = _add(scope, order, mentorship_ids, ip)
        audit.record("order.drafted", actor=scope.person, obj=order, school=scope.school_id, ip=ip,
                     mentorships=[p.id for p in pairs])
    return order


def add_pairs(scope: StaffScope, order_id: int, mentorship_ids, ip: str = "") -> Order:
    with atomic_write():
        order = _locked_draft(scope, order_id)
        pairs = _add(scope, order, mentorship_ids, ip)
        audit.record("order.pairs_added", actor=scope.person, obj=order, school=scope.school_id, ip=ip,
                     mentorships=[p.id for p in pairs])
    return order


def remove_pair(scope: StaffScope, order_id: int, mentorship_id: int, ip: str = "") -> Mentorship:
    """The pair leaves the draft and waits for the next order again (a pair cancelled meanwhile stays so)."""
    with atomic_write():
        order = _locked_draft(scope, order_id)
        item = OrderItem.get_or_none((OrderItem.order == order) & (OrderItem.mentorship == mentorship_id))
        if item is None:
            raise NotAllowed("Этой пары нет в приказе.")
        item.delete_instance()
        _back_to_confirmed(scope, [mentorship_id], order, ip)
    return Mentorship.get_by_id(mentorship_id)


def _back_to_confirmed(scope: StaffScope, ids, order: Order, ip: str) -> None:
    ids = list(ids)
    (Mentorship.update(status="confirmed", status_changed_at=utcnow())
     .where(Mentorship.id.in_(ids) & (Mentorship.status == "in_order")).execute())
    for mentorship_id in ids:
        audit.record("mentorship.removed_from_order", actor=scope.person, obj=Mentorship(id=mentorship_id),
                     school=scope.school_id, ip=ip, order=order.id)


def delete_draft(scope: StaffScope, order_id: int, ip: str = "") -> None:
    """A draft nobody signed goes away; its pairs wait for the next order."""
    with atomic_write():
        order = _locked_draft(scope, order_id)
        ids = [row[0] for row in OrderItem.select(OrderItem.mentorship).where(OrderItem.order == order).tuples()]
        OrderItem.delete().where(OrderItem.order == order).execute()
        _back_to_confirmed(scope, ids, order, ip)
        audit.record("order.deleted", actor=scope.person, obj=order, school=scope.school_id, ip=ip, mentorships=ids)
        order.delete_instance()


def merge_group(scope: StaffScope, order_id: int, mentorship_id: int, ip: str = "") -> Mentorship:
    """One mentor's separate pairs of one format in this draft become one group (4.13: «пары/группы»).

    The oldest pair keeps its id and history; the others give it their mentees and proposals and are
    cancelled as «объединена в группу», so nothing is deleted and every step stays traceable."""
    with atomic_write():
        order = _locked_draft(scope, order_id)
        chosen = (Mentorship.select(Mentorship).join(OrderItem)
                  .where((OrderItem.order == order) & (Mentorship.id == mentorship_id)).first())
        if chosen is None:
            raise NotAllowed("Этой пары нет в приказе.")
        pairs = list(Mentorship.select(Mentorship).join(OrderItem)
                     .where((OrderItem.order == order) & (Mentorship.mentor == chosen.mentor_id)
                            & (Mentorship.mentoring_format == chosen.mentoring_format_id))
                     .order_by(Mentorship.created_at, Mentorship.id))
        if len(pairs) < 2:
            raise ServiceError("У этого наставника в приказе одна пара этой формы — объединять нечего.")
        if any(p.status != "in_order" for p in pairs):
            raise ServiceError("Объединить можно только пары, которые ждут приказа. Уберите отменённые пары из проекта.")
        target, others = pairs[0], [p.id for p in pairs[1:]]
        moved = [row[0] for row in MentorshipMember.select(MentorshipMember.mentee)
                 .where(MentorshipMember.mentorship.in_(others)).tuples()]
        now = utcnow()
        MentorshipMember.update(mentorship=target).where(MentorshipMember.mentorship.in_(others)).execute()
        Proposal.update(mentorship=target).where(Proposal.mentorship.in_(others)).execute()
        OrderItem.delete().where((OrderItem.order == order) & OrderItem.mentorship.in_(others)).execute()
        Mentorship.update(status="cancelled", status_changed_at=now, ended_reason=MERGED_REASON).where(
            Mentorship.id.in_(others)).execute()
        Mentorship.update(status_changed_at=now).where(Mentorship.id == target.id).execute()
        audit.record("mentorship.merged", actor=scope.person, obj=target, school=scope.school_id, ip=ip,
                     order=order.id, merged=others, mentees=moved)
        for other in others:
            audit.record("mentorship.merged_into", actor=scope.person, obj=Mentorship(id=other),
                         school=scope.school_id, ip=ip, order=order.id, into=target.id)
    return Mentorship.get_by_id(target.id)


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
             today: date | None = None) -> Order:
    """The director signed the draft on paper: its number and date are recorded and its pairs become active.

    Only now (4.13); and only pairs that still wait for the order, with every participant's consent."""
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
            order = _locked_draft(scope, order_id)
            holder = _holder_of(scope.school_id, number, dated_on, exclude_id=order.id)
            if holder is not None:
                raise _number_taken(holder)
            pairs = _order_pairs(order)
            if not pairs:
                raise ServiceError("В приказе нет ни одной пары: добавьте пары или удалите проект.")
            for pair in pairs:
                if pair.status != "in_order":
                    raise ServiceError(f"Пара {pair_label(pair)}: {pair.status_title}. Уберите её из проекта "
                                       "приказа и распечатайте его заново.")
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
                         ).where((Order.id == order.id) & (Order.status == "draft")).execute()
            ids = [p.id for p in pairs]
            Mentorship.update(status="active", status_changed_at=now).where(
                Mentorship.id.in_(ids) & (Mentorship.status == "in_order")).execute()
            audit.record("order.registered", actor=scope.person, obj=order, school=scope.school_id, ip=ip,
                         number=number, dated_on=dated_on.isoformat(), mentorships=ids)
            for pair in pairs:
                audit.record("mentorship.activated", actor=scope.person, obj=pair, school=scope.school_id, ip=ip,
                             order=order.id, number=number, dated_on=dated_on.isoformat())
            _freeze(Order.get_by_id(order.id), actor=scope.person, ip=ip)  # registration freezes the order
    except IntegrityError:  # another registration took the number a moment ago (the unique index holds it)
        holder = _holder_of(scope.school_id, number, dated_on, exclude_id=order_id)
        if holder is not None:
            raise _number_taken(holder) from None
        raise ServiceError("Приказ не зарегистрирован: его только что изменили. Обновите страницу и "
                           "попробуйте снова.") from None
    return Order.get_by_id(order_id)


def correction_title(order: Order) -> str:
    return f"О внесении изменений в приказ от {ru_short_date(order.dated_on)} № {order.number}"


def start_correction(scope: StaffScope, order_id: int, ip: str = "") -> Order:
    """A registered order is never edited: its correction is a new draft that points at it.

    A second click finds the correction already started rather than making another."""
    with atomic_write():
        order = order_of(scope, order_id)
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
    return _document_data(order_of(scope, order_id))


def _freeze(order: Order, actor: Person | None = None, ip: str = "", late: bool = False):
    """The registered order as the director signed it, frozen in the registration's transaction (DECISIONS.md
    «What a signed document is»): later changes of names, classes or the school's details change nothing."""
    data = _document_data(order)
    return issued.issue(school_id=order.school_id, kind="order", title=f"Приказ «{order.title}»", number=order.number,
                        issued_at=order.registered_at, actor=actor, ip=ip, frozen_late=late, order=order.id,
                        render=lambda verification: order_html(dict(data, verification=verification)))


def freeze_late(order: Order):
    """An order registered before documents were frozen: frozen from what it renders today, marked so."""
    return _freeze(order, late=True)


def order_pdf(scope: StaffScope, order_id: int) -> bytes:
    """A draft prints from today's data (it is what the director is about to sign); a registered order is
    always the PDF of its frozen document."""
    order = order_of(scope, order_id)
    if order.status != "registered":
        return render_pdf(order_html(_document_data(order)))
    frozen = issued.of(order=order.id)
    if frozen is None:
        with atomic_write():
            frozen = issued.of(order=order.id) or freeze_late(order)
    return issued.pdf_bytes(frozen)


def _document_data(order: Order) -> dict:
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


# --- pairs and their history (staff) ---------------------------------------------------------------

def pairs(scope: StaffScope, state: str = "current", format_id: int | None = None) -> list[Mentorship]:
    """The pairs of the formats in reach, the most recently changed first: two queries."""
    where = [_in_scope(scope), Mentorship.status.in_(PAIR_FILTERS.get(state, PAIR_FILTERS["current"]))]
    if format_id is not None:
        where.append(Mentorship.mentoring_format == format_id)
    return _with_members(_pairs(*where).order_by(Mentorship.status_changed_at.desc(), Mentorship.id.desc()))


def _describe(event: AuditEvent, proposals: dict) -> str:
    """A short note from the event's details: which order, which candidate, why."""
    details = event.details_dict
    if event.action in ("mentorship.activated",) and details.get("number"):
        return f"приказ от {ru_short_date(date.fromisoformat(details['dated_on']))} № {details['number']}"
    if event.object_type == "Proposal" and event.object_id in proposals:
        return f"кандидат: {proposals[event.object_id].mentor.short_name}"
    if details.get("reason"):
        return {"consent withdrawn": "отзыв согласия", "consent signed": "согласие подписано снова"}.get(
            details["reason"], details["reason"])
    return ""


def pair(scope: StaffScope, mentorship_id: int) -> dict:
    """A pair's card: members, state, its order, the proposals that led to it and its history.

    Seven queries whatever the history; a curator reaches only their own formats (else 404)."""
    found = _with_members(_pairs(Mentorship.id == mentorship_id, _in_scope(scope)))
    if not found:
        raise NotAllowed("Нет такой пары.")
    mentorship = found[0]
    members = list(_members(current_only=False).where(MentorshipMember.mentorship == mentorship))
    mentee_ids = MentorshipMember.select(MentorshipMember.mentee).where(MentorshipMember.mentorship == mentorship)
    Candidate = Person.alias()
    proposals = list(Proposal.select(Proposal, Candidate)
                     .join(Candidate, on=(Proposal.mentor == Candidate.id), attr="mentor")
                     .where((Proposal.mentoring_format == mentorship.mentoring_format_id)
                            & Proposal.mentee.in_(mentee_ids))
                     .order_by(Proposal.proposed_at, Proposal.id))
    mentee_names = {m.mentee_id: m.mentee for m in members}
    for proposal in proposals:
        proposal.mentee_person = mentee_names.get(proposal.mentee_id)
    orders_in = list(Order.select().join(OrderItem)
                     .where((OrderItem.mentorship == mentorship) & (Order.school == scope.school_id))
                     .order_by(Order.created_at))
    # A group keeps the history of the pairs merged into it.
    merged = [other for event in AuditEvent.select(AuditEvent.details).where(
        (AuditEvent.action == "mentorship.merged") & (AuditEvent.object_type == "Mentorship")
        & (AuditEvent.object_id == mentorship.id)) for other in event.details_dict.get("merged", [])]
    Actor = Person.alias()
    items = OrderItem.select(OrderItem.id).where(OrderItem.mentorship == mentorship)
    about = (((AuditEvent.object_type == "Mentorship") & (AuditEvent.object_id == mentorship.id))
             | ((AuditEvent.object_type == "Mentorship") & AuditEvent.object_id.in_(merged or [0])
                & (AuditEvent.action != "mentorship.merged_into"))
             | ((AuditEvent.object_type == "Proposal") & AuditEvent.object_id.in_([p.id for p in proposals] or [0]))
             | ((AuditEvent.object_type == "OrderItem") & AuditEvent.object_id.in_(items)))
    history = list(AuditEvent.select(AuditEvent, Actor)
                   .join(Actor, JOIN.LEFT_OUTER, on=(AuditEvent.actor == Actor.id), attr="actor")
                   .where((AuditEvent.school == scope.school_id) & about)
                   .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(HISTORY_LIMIT))
    by_id = {p.id: p for p in proposals}
    for event in history:
        if event.actor_id is None:
            event.actor = None
        event.title = audit.title_of(event.action)
        event.note = _describe(event, by_id)
    return {"pair": mentorship, "members": members, "proposals": proposals, "orders": orders_in,
            "history": history, "proposal_titles": PROPOSAL_STATUS_TITLES,
            "order_status_titles": ORDER_STATUS_TITLES}
