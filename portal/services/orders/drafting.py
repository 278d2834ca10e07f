"""The orders page and drafting: confirmed pairs put into a draft, taken out, merged into a group."""
from peewee import JOIN, fn

from portal.db import atomic_write
from portal.models import Appointment, Mentorship, MentorshipMember, Order, OrderItem, Proposal
from portal.models.base import utcnow
from portal.names import full_name
from portal.services import NotAllowed, ServiceError, audit
from portal.services.staff import StaffScope
from portal.services.orders.reading import (
    ALL_KINDS, PAIR_KINDS, PAIRS_TITLE, _blocked, _by_format, _gate, _ids, _in_scope, _locked_draft, _ordering, _pairs,
    _require_coordinator, _with_members, order_of, pair_label, year_over, year_over_words,
)


MERGED_REASON = "объединена в группу"


# --- the orders page -------------------------------------------------------------------------------

def orders(scope: StaffScope) -> list[Order]:
    """Drafts and registered orders of every kind, newest first, each with its number of pairs: two queries."""
    _require_coordinator(scope)
    Corrected = Order.alias()
    rows = list(Order.select(Order, Corrected)
                .join(Corrected, JOIN.LEFT_OUTER, on=(Order.corrects == Corrected.id), attr="corrected")
                .where((Order.school == scope.school_id) & Order.kind.in_(ALL_KINDS))
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
    """An order with its pairs gathered into groups; a draft also gets the pairs it could take. An order of
    another kind has no pairs: its page shows its typed fields (kinds.py)."""
    order = order_of(scope, order_id, ALL_KINDS)
    pairs = _order_pairs(order) if order.kind in PAIR_KINDS else []
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
        "ready": ready_pairs(scope) if is_draft and order.kind in PAIR_KINDS else [],
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
    over = year_over(pairs)
    if over is not None:
        raise ServiceError(year_over_words(over), field="mentorships")
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
    """Confirmed pairs into a draft of the pairs order, or into an order of changes as newly formed pairs."""
    with atomic_write():
        order = _locked_draft(scope, order_id, PAIR_KINDS)
        pairs = _add(scope, order, mentorship_ids, ip)
        audit.record("order.pairs_added", actor=scope.person, obj=order, school=scope.school_id, ip=ip,
                     mentorships=[p.id for p in pairs])
    return order


def remove_pair(scope: StaffScope, order_id: int, mentorship_id: int, ip: str = "") -> Mentorship:
    """The pair leaves the draft and waits for the next order again (a pair cancelled meanwhile stays so; a change
    taken out of an order of changes waits for the next one)."""
    with atomic_write():
        order = _locked_draft(scope, order_id, PAIR_KINDS)
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
    """A draft nobody signed goes away; its pairs (a pairs order's) wait for the next order."""
    with atomic_write():
        order = _locked_draft(scope, order_id, ALL_KINDS)
        ids = [row[0] for row in OrderItem.select(OrderItem.mentorship).where(OrderItem.order == order).tuples()]
        OrderItem.delete().where(OrderItem.order == order).execute()
        Appointment.delete().where(Appointment.order == order).execute()  # its appointments grant nothing
        _back_to_confirmed(scope, ids, order, ip)
        audit.record("order.deleted", actor=scope.person, obj=order, school=scope.school_id, ip=ip, mentorships=ids)
        order.delete_instance()


def merge_group(scope: StaffScope, order_id: int, mentorship_id: int, ip: str = "") -> Mentorship:
    """One mentor's separate pairs of one format in this draft become one group (4.13: «пары/группы»).

    The oldest pair keeps its id and history; the others give it their mentees and proposals and are
    cancelled as «объединена в группу», so nothing is deleted and every step stays traceable. In an order of changes
    only its newly formed pairs (waiting for the order) merge."""
    with atomic_write():
        order = _locked_draft(scope, order_id, PAIR_KINDS)
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
