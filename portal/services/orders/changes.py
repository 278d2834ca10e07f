"""The order of changes «О внесении изменений в состав наставнических пар» (s10, 4.9, 4.13; DECISIONS.md "The school
year").

After the year's order approving pairs, the pairs change: some end early («досрочно завершена», with the reason and
the date) or are cancelled, some are carried into the next school year, new ones are formed. Every such change goes
into the next order of changes: the coordinator drafts it from the changes no order of changes lists yet, adds the
newly formed pairs the way the pairs order takes them (drafting._add), prints it, and registers it by the same path
as the pairs order (registration.register): its new pairs start work then, the changes it records stay as they are,
and the order is frozen. A change in a draft waits there; deleting the draft returns it to the list.
"""
from portal.db import atomic_write, lock_row
from portal.models import Mentorship, Order, OrderItem, School
from portal.models.mentorship import END_REASON_TITLES, ORDER_KINDS
from portal.services import ServiceError, audit
from portal.services.staff import StaffScope
from portal.services.orders.reading import (
    _in_scope, _pairs, _require_coordinator, _with_members, mentees_of, school_draft,
)
from portal.services.orders import kinds as typed

KIND = "changes"
TITLE = dict(ORDER_KINDS)[KIND]
RECORDED = ("ended", "carried", "cancelled")  # what an order of changes records without starting anything


def _approved(school_id: int, exclude: Order | None = None):
    """Ids of pairs a registered order approved (the pairs order or an order of changes), as a subquery."""
    query = (OrderItem.select(OrderItem.mentorship).join(Order)
             .where((Order.status == "registered") & (Order.school == school_id)))
    return query.where(Order.id != exclude.id) if exclude is not None else query


def _listed_in_changes(school_id: int):
    """Ids of pairs whose latest change some order of changes already lists: a draft's, or a registered one's
    registered after the change (a pair an order of changes formed, and which has ended since, is pending again)."""
    return (OrderItem.select(OrderItem.mentorship).join(Order)
            .where((Order.kind == KIND) & (Order.school == school_id)
                   & ((Order.status == "draft") | (Order.registered_at >= Mentorship.status_changed_at))))


def pending(scope: StaffScope) -> list[Mentorship]:
    """Pairs an order approved that have since ended early, been cancelled or been carried into the next year,
    and that no order of changes lists yet: what the next order of changes must record."""
    _require_coordinator(scope)
    changed = ((Mentorship.status.in_(("ended", "carried")))
               | ((Mentorship.status == "cancelled") & Mentorship.id.in_(_approved(scope.school_id))))
    return _with_members(_pairs(_in_scope(scope), changed, Mentorship.id.not_in(_listed_in_changes(scope.school_id)))
                         .order_by(Mentorship.status_changed_at.desc(), Mentorship.id.desc()))


def open_draft(school_id: int) -> Order | None:
    return school_draft(school_id, KIND)


def draft(scope: StaffScope, ip: str = "") -> Order:
    """Every pending change put into the school's open draft of the order of changes (a new draft when none)."""
    _require_coordinator(scope)
    with atomic_write():
        lock_row(School, scope.school_id)  # two coordinators at the same moment make one draft, not two
        found = pending(scope)
        order = open_draft(scope.school_id)
        if not found and order is None:
            raise ServiceError("Изменений нет: ни одна пара, утверждённая приказом, не завершена досрочно, "
                               "не отменена и не перенесена в новый учебный год.")
        if order is None:
            order = Order.create(school=scope.school_id, kind=KIND, title=TITLE, created_by=scope.person)
            audit.record("order.drafted", actor=scope.person, obj=order, school=scope.school_id, ip=ip, kind=KIND,
                         mentorships=[p.id for p in found])
        elif found:
            audit.record("order.pairs_added", actor=scope.person, obj=order, school=scope.school_id, ip=ip,
                         mentorships=[p.id for p in found])
        if found:
            OrderItem.insert_many([{"order": order.id, "mentorship": p.id} for p in found]).execute()
    return order


def recorded(order: Order, pairs) -> set[int]:
    """The pairs of this order of changes that it records as changed (ended early, carried, or cancelled after
    an order approved them); the others are its newly formed pairs, which start when it is registered."""
    approved = {row[0] for row in _approved(order.school_id, exclude=order).tuples()}
    return {p.id for p in pairs if p.status in ("ended", "carried") or (p.status == "cancelled" and p.id in approved)}


def change_words(pair: Mentorship, new: bool) -> str:
    """What happened to the pair, as the order says it: the reason from the short list only. The free text about
    why stays on the pair's card, where destroying a person's data erases it; a frozen order could not forget it."""
    if new:
        return "сформирована"
    when = pair.status_changed_at.strftime("%d.%m.%Y") if pair.status_changed_at else ""
    reason = END_REASON_TITLES.get(pair.end_reason or "", "")
    if pair.status == "carried":
        return f"продолжена в новом учебном году с {when}" if when else "продолжена в новом учебном году"
    words = "досрочно завершена" if pair.status == "ended" else "отменена"
    return f"{words} {when}" + (f" ({reason})" if reason else "")


def document_data(order: Order, pairs) -> dict:
    """What the printed order says: each change with the pair, its format, mentor and mentees."""
    done = recorded(order, pairs)
    rows = [{"pair": p, "format": p.mentoring_format, "mentor": p.mentor, "mentees": mentees_of(p),
             "new": p.id not in done, "change": change_words(p, p.id not in done)} for p in pairs]
    return {"order": order, "school": School.get_by_id(order.school_id), "coordinator": typed.coordinator_of(order),
            "ended": [r for r in rows if not r["new"] and r["pair"].status != "carried"],
            "carried": [r for r in rows if r["pair"].status == "carried" and not r["new"]],
            "formed": [r for r in rows if r["new"]], "corrected": None}
