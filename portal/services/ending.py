"""Ending a pair (4.9, 4.13, s8; DECISIONS.md "The school year"): early, or cancelled before it works.

The curator of the form or the coordinator ends a pair with a reason from a short list and free text.
A working pair (active or suspended) becomes «досрочно завершена»; one not yet approved by an order is
«отменена» (a draft order it was in keeps it, marked so, until the coordinator takes it out). Either way the mentor's place is free at once — places
are counted over the working states only (pairing.OCCUPYING) — and the mentee is back in the queue with
the proposals still open to them; the proposal that led to the pair is marked «пара прекращена», so the
curator may offer that mentor again. The participants and the parents of minors are told, in the same
transaction. An early end, and a cancellation of a pair an order had approved, wait for the next order
of changes (listed on the coordinator's orders page).

A mentor, a mentee or the parent of a minor may ask to end their pair: the request goes to the curators
of the form (the coordinator where the form has none) and stays in the pair's history.
"""
from portal.db import atomic_write, lock_row
from portal.formatting import acted_for
from portal.models import (
    Account, AuditEvent, Guardianship, MentoringFormat, Mentorship, MentorshipMember, Person, Proposal, RoleGrant,
)
from portal.models.base import utcnow
from portal.models.mentorship import END_REASON_TITLES, END_REASONS, STATE_TITLES
from portal.services import NotAllowed, ServiceError, audit, notifications, representation
from portal.services.consent.gate import required_kind
from portal.services.cycle import access
from portal.services.orders import changes as order_changes
from portal.services.orders.reading import _in_scope, _pairs, _with_members, mentees_of, year_over
from portal.services.staff import StaffScope

WORKING = ("active", "suspended")                          # ended early: «досрочно завершена»
NOT_YET_WORKING = ("proposed", "chosen", "confirmed", "in_order")  # cancelled: «отменена»
ASKABLE = WORKING + NOT_YET_WORKING                         # a pair not over: one may ask to end it
MAX_TEXT = 1000
REQUEST_SIDES = {"mentor": "наставник", "mentee": "наставляемый", "parent": "родитель"}


def _clean(text) -> str:
    return " ".join(str(text or "").split())


def check_reason(reason, text) -> tuple[str, str]:
    """The reason's code and the free text, or a refusal beside the field it concerns."""
    reason, text = str(reason or ""), _clean(text)
    if reason not in END_REASON_TITLES:
        raise ServiceError("Выберите причину из списка.", field="reason")
    if len(text) > MAX_TEXT:
        raise ServiceError(f"Не длиннее {MAX_TEXT} символов.", field="text")
    if reason == "other" and not text:
        raise ServiceError("Для «другой причины» опишите её словами.", field="text")
    return reason, text


def _words(reason: str, text: str) -> str:
    """«по просьбе наставника: переезжает» — the reason as the pages and the history say it."""
    return ": ".join(part for part in (END_REASON_TITLES.get(reason, ""), text) if part)


def reason_words(mentorship: Mentorship) -> str:
    return _words(mentorship.end_reason, mentorship.ended_reason)


def pair_in_scope(scope: StaffScope, mentorship_id: int) -> Mentorship:
    """A pair of a form in reach with its format, mentor and current mentees; anything else is «not found»."""
    found = _with_members(_pairs(Mentorship.id == mentorship_id, _in_scope(scope)))
    if not found:
        raise NotAllowed("Нет такой пары.")
    return found[0]


def may_end(mentorship: Mentorship) -> bool:
    return mentorship.status in ASKABLE


def ends_early(mentorship: Mentorship) -> bool:
    """True: «завершить досрочно»; False: «отменить» (the pair has not worked yet)."""
    return mentorship.status in WORKING


def _tell(mentorship: Mentorship, kind: str, mentees: list[Person], words: str, pair_names: str | None = None) -> None:
    """The mentor and these mentees learn what happened, with the pair named; the confirmed parents of a minor
    among them too, each about their own child only (a group's other children are not their business)."""
    people = [(mentorship.mentor, "mentor")] + [(m, "mentee") for m in mentees]
    names = pair_names or ", ".join(p.short_name for p in mentees_of(mentorship))
    notifications.notify([p for p, _ in people], kind, obj=mentorship,
                         details=f"{mentorship.mentor.short_name} — {names}. Причина: {words}.")
    minors = {p.id: p for p, base in people if required_kind(p, base) != "adult_self"}
    if not minors:
        return
    for parent, child in Guardianship.select(Guardianship.parent, Guardianship.child).where(
            Guardianship.child.in_(list(minors)) & Guardianship.confirmed_at.is_null(False)).tuples():
        notifications.notify([parent], kind, obj=mentorship,
                             details=f"{minors[child].short_name}, наставник {mentorship.mentor.short_name}. "
                                     f"Причина: {words}.")


def end_locked(scope: StaffScope, mentorship: Mentorship, reason: str, text: str, ip: str = "") -> Mentorship:
    """Inside the caller's write transaction: end or cancel the pair (reason already checked), free the
    mentor's place, close the proposal it came from, tell everyone. Bases' removal of a member calls it too."""
    lock_row(Mentorship, mentorship.id)
    if reason == "period_over" and year_over([mentorship]) is None:
        raise ServiceError("Эта причина — для пар, у которых истёк срок программы.", field="reason")
    was = Mentorship.select(Mentorship.status).where(Mentorship.id == mentorship.id).scalar()
    if was in WORKING:
        new, action, kind = "ended", "mentorship.ended", "pair.ended"
    elif was in NOT_YET_WORKING:
        new, action, kind = "cancelled", "mentorship.cancelled", "pair.cancelled"
    else:
        raise ServiceError(f"Пара уже {STATE_TITLES.get(was, was)}: завершать нечего.")
    changed = (Mentorship.update(status=new, status_changed_at=utcnow(), end_reason=reason, ended_reason=text)
               .where((Mentorship.id == mentorship.id) & (Mentorship.status == was)).execute())
    if not changed:
        raise ServiceError("Пару только что изменили. Обновите страницу.")
    # The mentee chooses again among the proposals still open; this mentor may be offered again later.
    Proposal.update(status="ended").where((Proposal.mentorship == mentorship.id)
                                          & (Proposal.status == "chosen")).execute()
    # A pair cancelled while in a draft stays listed there as «отменена»: the paper the director may already
    # hold names it, so registration refuses until the coordinator takes it out (audited) and prints anew.
    mentorship.status, mentorship.end_reason, mentorship.ended_reason = new, reason, text
    words = reason_words(mentorship)
    audit.record(action, actor=scope.person, obj=mentorship, school=scope.school_id, ip=ip, reason=words,
                 code=reason, was=was)
    _tell(mentorship, kind, mentees_of(mentorship), words)
    return mentorship


def leave_group_locked(scope: StaffScope, mentorship: Mentorship, mentee_id: int, reason: str, text: str,
                       ip: str = "") -> Mentorship:
    """Inside the caller's write transaction: one mentee leaves a group that goes on with the others (their
    place with the mentor is free); a pair of one mentee ends instead."""
    others = [m for m in mentees_of(mentorship) if m.id != mentee_id]
    if not others or mentorship.status not in ASKABLE:
        return end_locked(scope, mentorship, reason, text, ip)
    lock_row(Mentorship, mentorship.id)
    left = (MentorshipMember.update(left_at=utcnow())
            .where((MentorshipMember.mentorship == mentorship.id) & (MentorshipMember.mentee == mentee_id)
                   & MentorshipMember.left_at.is_null()).execute())
    if left:
        Proposal.update(status="ended").where((Proposal.mentorship == mentorship.id) & (Proposal.mentee == mentee_id)
                                              & (Proposal.status == "chosen")).execute()
        words = _words(reason, text)
        audit.record("mentorship.member_left", actor=scope.person, obj=mentorship, school=scope.school_id, ip=ip,
                     reason=words, code=reason, mentee=mentee_id)
        leaver = Person.get_by_id(mentee_id)
        _tell(mentorship, "pair.left", [leaver], words, pair_names=leaver.short_name)
    return mentorship


def end_pair(scope: StaffScope, mentorship_id: int, reason, text="", ip: str = "") -> Mentorship:
    """«Завершить досрочно» / «Отменить пару»: the curator of the form or the coordinator."""
    mentorship = pair_in_scope(scope, mentorship_id)
    reason, text = check_reason(reason, text)
    with atomic_write():
        return end_locked(scope, mentorship, reason, text, ip)


# --- the next order of changes ---------------------------------------------------------------------

def changes_for_next_order(scope: StaffScope) -> list[Mentorship]:
    """Pairs an order approved that have since ended early, been cancelled or carried into the next year, and that
    no order of changes lists yet: what the next order of changes must record (services.orders.changes)."""
    return order_changes.pending(scope)


# --- asking to end a pair ----------------------------------------------------------------------------

def _staff_of(mentorship: Mentorship) -> list[int]:
    """The curators of the pair's form; the school's coordinators when the form has none."""
    curators = [row[0] for row in Account.select(Account.person).join(RoleGrant).where(
        (RoleGrant.role == "curator") & (RoleGrant.mentoring_format == mentorship.mentoring_format_id)).tuples()]
    if curators:
        return curators
    school = MentoringFormat.get_by_id(mentorship.mentoring_format_id).school_id
    return [row[0] for row in Account.select(Account.person).join(RoleGrant).where(
        (RoleGrant.role == "coordinator") & (Account.school == school)).tuples()]


def pair_to_ask_about(person: Person, mentorship_id: int, child_id: int | None = None) -> tuple[Mentorship, str]:
    """The pair the person may ask to end and their side in it («mentor», «mentee», «parent»); else 404."""
    if child_id is not None:  # the parent, for their child: whether they may ask, representation.py says
        mentorship, _child = access.mentorship_for_parent(person, child_id, mentorship_id)
        return mentorship, "parent"
    return access.mentorship_for_participant(person, mentorship_id)


def request_end(person: Person, mentorship_id: int, text, child_id: int | None = None, ip: str = "") -> Mentorship:
    """A participant (or the parent of a minor mentee) asks the curators to end the pair; nothing else changes."""
    mentorship, side = pair_to_ask_about(person, mentorship_id, child_id)
    if child_id is not None:  # the parent of a minor mentee, as representative (s8)
        representation.require(person, child_id, "ask_end")
    text = _clean(text)
    if not text:
        raise ServiceError("Напишите, почему пару нужно завершить.", field="text")
    if len(text) > MAX_TEXT:
        raise ServiceError(f"Не длиннее {MAX_TEXT} символов.", field="text")
    if not may_end(mentorship):
        raise ServiceError(f"Пара уже {mentorship.status_title}: просить о завершении не нужно.")
    who = f"{REQUEST_SIDES[side].capitalize()} {person.short_name}"
    if child_id is not None:
        who = acted_for(person, Person.get_by_id(child_id), start=True)
    with atomic_write():
        audit.record("mentorship.end_requested", actor=person, obj=mentorship, school=person.school_id, ip=ip,
                     side=side, text=text, child=child_id)
        notifications.notify(_staff_of(mentorship), "pair.end_requested", obj=mentorship,
                             details=f"{who}: {text}"[:300])
    return mentorship


def end_requests(mentorship: Mentorship) -> list[AuditEvent]:
    """The requests to end this pair, newest first, with who asked (one query)."""
    Actor = Person.alias()
    rows = list(AuditEvent.select(AuditEvent, Actor)
                .join(Actor, on=(AuditEvent.actor == Actor.id), attr="actor")
                .where((AuditEvent.action == "mentorship.end_requested") & (AuditEvent.object_type == "Mentorship")
                       & (AuditEvent.object_id == mentorship.id))
                .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()))
    children = {}
    child_ids = [e.details_dict.get("child") for e in rows if e.details_dict.get("child")]
    if child_ids:  # whom a parent asked for (s8): one query
        children = {p.id: p for p in Person.select().where(Person.id.in_(child_ids))}
    for event in rows:
        details = event.details_dict
        event.side = REQUEST_SIDES.get(details.get("side"), "")
        event.text = details.get("text", "")
        event.for_child = children.get(details.get("child"))
    return rows


__all__ = ["END_REASONS", "end_pair", "end_locked", "check_reason", "pair_in_scope", "may_end", "ends_early",
           "changes_for_next_order", "request_end", "end_requests", "pair_to_ask_about", "reason_words"]
