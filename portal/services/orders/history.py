"""Pairs and their history, for the coordinator and the format's curator."""
from datetime import date

from peewee import JOIN

from portal.formatting import ru_short_date
from portal.models import AuditEvent, Mentorship, MentorshipMember, Order, OrderItem, Person, Proposal
from portal.services import NotAllowed, audit, years
from portal.services.staff import StaffScope
from portal.services.orders.reading import (
    ORDER_STATUS_TITLES, PAIR_FILTERS, PROPOSAL_STATUS_TITLES, _in_scope, _members, _pairs, _with_members,
)


HISTORY_LIMIT = 200


# --- pairs and their history (staff) ---------------------------------------------------------------

def pairs(scope: StaffScope, state: str = "current", format_id: int | None = None,
          year: int | None = None) -> list[Mentorship]:
    """The pairs of the formats in reach, the most recently changed first, each with its `school_year`
    (services.years; None when it has none): four queries whatever their number. `year` keeps that school
    year's pairs only."""
    where = [_in_scope(scope), Mentorship.status.in_(PAIR_FILTERS.get(state, PAIR_FILTERS["current"]))]
    if format_id is not None:
        where.append(Mentorship.mentoring_format == format_id)
    if year is not None:
        where.append(years.pair_condition(year))
    found = _with_members(_pairs(*where).order_by(Mentorship.status_changed_at.desc(), Mentorship.id.desc()))
    return years.with_school_years(found)


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
