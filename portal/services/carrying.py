"""Pairs left unfinished when their programme's period ends (5.4; DECISIONS.md "The school year").

Meetings fall inside the programme's period, so a pair whose year is over can log nothing more. The curator
of the form (or the coordinator) sees such pairs and either finishes them — the mentor logs the final
meeting dated within the period, or staff end the pair («истёк срок программы») — or carries them into the
programme now in force. A working pair carried over becomes «продолжена в новом учебном году» and a new pair
of the same people starts in the new programme, confirmed by both already and so waiting for the new year's
order (4.13: the order approves pairs for the year); the new pair links to the old one, whose meetings,
plan and answers stay readable. The new pair runs the new year's cycle as its own — a plan agreed for the new
programme's period (5.5) and the year's questionnaires — because the programme, its goals and its dates are new;
what was done last year is read through the link. A pair that never started work simply moves to the new
programme.
"""
from datetime import date

from portal.db import atomic_write, lock_row
from portal.models import Mentorship, MentorshipMember, Programme, Proposal
from portal.models.base import utcnow
from portal.services import ServiceError, agreements, audit, notifications, pairing
from portal.services.bases import require_open
from portal.services.cycle import access
from portal.services.ending import NOT_YET_WORKING, WORKING, pair_in_scope
from portal.services.orders.reading import (
    _in_scope, _pairs, _with_members, mentees_of, pair_label, period_over, year_over,
)
from portal.services.staff import StaffScope

UNFINISHED = WORKING + NOT_YET_WORKING


def unfinished(scope: StaffScope, format_id: int | None = None, today: date | None = None) -> list[Mentorship]:
    """Pairs not over whose programme's period has ended, oldest year first, with their mentees: three queries.

    Each pair carries `.programme` (its year) and `.target` — the programme in force it may be carried into,
    or None while the form has no newer published programme."""
    where = [_in_scope(scope), Mentorship.status.in_(UNFINISHED), period_over(Programme, today)]
    if format_id is not None:
        where.append(Mentorship.mentoring_format == format_id)
    query = (_pairs(*where).select_extend(Programme).switch(Mentorship).join(Programme)
             .order_by(Programme.ends_on, Mentorship.id))
    pairs = _with_members(query)
    current = Programme.current_of({p.mentoring_format_id for p in pairs})
    for pair in pairs:
        pair.target = _later(current.get(pair.mentoring_format_id), pair.programme)
    return pairs


def _later(current: Programme | None, old: Programme) -> Programme | None:
    """The programme in force if it is a later year than the pair's: the one to carry the pair into."""
    return current if current is not None and current.starts_on > old.ends_on else None


def to_carry(scope: StaffScope, mentorship_id: int, today: date | None = None) -> Mentorship:
    """A pair in reach that its year left unfinished, with `.programme` and `.target` as `unfinished` gives
    them; any other pair is refused in words the confirmation page shows."""
    pair = pair_in_scope(scope, mentorship_id)
    old = Programme.get_or_none(Programme.id == pair.programme_id)
    if pair.status not in UNFINISHED or old is None or not period_over(old, today):
        raise ServiceError("Переносят только незавершённые пары, у которых истёк срок программы.")
    pair.programme = old
    pair.target = _later(Programme.current(pair.mentoring_format_id), old)
    return pair


def _require_ready(people_by_base, programme: Programme) -> None:
    """The same refusals pairing makes: a valid consent and «ознакомлен» with the new programme (4.10, 4.12)."""
    for person, base in people_by_base:
        try:
            pairing._require_ready(person, base, programme, person.short_name)
        except ServiceError as refusal:
            raise ServiceError(f"Перенести пару нельзя. {refusal} Когда участник ознакомится с программой "
                               "нового года и согласие будет действовать, повторите перенос.") from None


def carry_over(scope: StaffScope, mentorship_id: int, ip: str = "", today: date | None = None) -> Mentorship:
    """Carry one unfinished pair into the programme in force; answers the pair that now holds the work."""
    pair = to_carry(scope, mentorship_id, today)
    old, target = pair.programme, pair.target
    if target is None:
        raise ServiceError("Сначала опубликуйте программу нового учебного года для этой формы.")
    require_open(pair.mentoring_format)
    with atomic_write():
        lock_row(Mentorship, pair.id)
        # Read again under the lock: who is in the pair and whether they may go on is what counts now.
        pair = to_carry(scope, mentorship_id, today)
        mentees = mentees_of(pair)
        _require_ready([(pair.mentor, "mentor")] + [(m, "mentee") for m in mentees], target)
        agreements.require_signed(pair.mentor)
        if pair.status in NOT_YET_WORKING:
            moved = (Mentorship.update(programme=target)
                     .where((Mentorship.id == pair.id) & (Mentorship.programme == old.id)
                            & Mentorship.status.in_(NOT_YET_WORKING)).execute())
            if not moved:
                raise ServiceError("Пару только что изменили. Обновите страницу.")
            audit.record("mentorship.moved_to_programme", actor=scope.person, obj=pair, school=scope.school_id,
                         ip=ip, programme=target.id, was=old.id)
            _tell(pair, mentees, target, "пара перейдёт в программу")
            return Mentorship.get_by_id(pair.id)
        closed = (Mentorship.update(status="carried", status_changed_at=utcnow())
                  .where((Mentorship.id == pair.id) & Mentorship.status.in_(WORKING)).execute())
        if not closed:
            raise ServiceError("Пару только что изменили. Обновите страницу.")
        new = Mentorship.create(mentoring_format=pair.mentoring_format_id, programme=target, mentor=pair.mentor_id,
                                status="confirmed", carried_from=pair.id)
        MentorshipMember.insert_many([{"mentorship": new.id, "mentee": m.id} for m in mentees]).execute()
        # The proposal that led to the pair now leads to its continuation: ending the new pair closes it.
        Proposal.update(mentorship=new.id).where((Proposal.mentorship == pair.id)
                                                 & (Proposal.status == "chosen")).execute()
        audit.record("mentorship.carried", actor=scope.person, obj=pair, school=scope.school_id, ip=ip,
                     into=new.id, programme=target.id)
        audit.record("mentorship.carried_from", actor=scope.person, obj=new, school=scope.school_id, ip=ip,
                     carried_from=pair.id, programme=target.id)
        _tell(new, mentees, target, "пара продолжит работу в программе", pair)
    return new


def _tell(pair: Mentorship, mentees, target: Programme, what: str, named: Mentorship | None = None) -> None:
    notifications.notify([pair.mentor_id] + [m.id for m in mentees], "pair.carried", obj=pair,
                         details=f"{pair_label(named or pair)}: {what} «{target.title}» после приказа директора.")


def is_unfinished(pair: Mentorship, today: date | None = None) -> bool:
    """Its year is over and it is not: the pair page offers «Перенести в новый год»."""
    return pair.status in UNFINISHED and year_over([pair], today) is not None


def carried_into(pair: Mentorship) -> Mentorship | None:
    """The new year's pair that continues this one (only a pair «продолжена» has one)."""
    return Mentorship.get_or_none(Mentorship.carried_from == pair.id) if pair.status == "carried" else None
