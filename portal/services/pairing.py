"""Forming pairs and groups (4.12, 4.13, s8): proposals, the mentee's choice, the mentor's consent.

The states are DECISIONS.md's: proposed → chosen (by the mentee) → confirmed (by the mentor) →
in_order (a draft of the director's order) → active (order registered). A mentee chooses only among
the mentors proposed to them; a mentor's places are counted and taken under a lock, so two mentees
cannot both take the last one; every step needs the consent gate and the programme acknowledged.
"""
from peewee import JOIN, fn

from portal.db import atomic_write, lock_row
from portal.models import (
    Acknowledgement, AuditEvent, BaseMembership, MembershipCategory, MentoringFormat, Mentorship, MentorshipMember,
    Person, Programme, Proposal,
)
from portal.models.base import KeptSelect, utcnow
from portal.formatting import acted_for, agree, by_sex, quoted, short_name
from portal.services import NotAllowed, ServiceError, agreements, audit, notifications, representation
from portal.services import consent as consents
from portal.services.bases import require_open
from portal.services.cycle.access import mentorship_of_mentor  # the one fetcher of the mentor's pair
from portal.services.orders.reading import period_over

# States in which a mentee holds one of the mentor's places.
OCCUPYING = ("chosen", "confirmed", "in_order", "active", "suspended")
# States in which a mentee already has a pair in the format and is not offered another.
ENGAGED = OCCUPYING
# States in which a mentee has (or had) their mentor in the format and does not wait for one: a pair that
# ended with its final meeting keeps its mentee out of the queue; a cancelled one returns them to it
# (DECISIONS «States»: a decline returns the mentee to the choice).
HOLDING = ENGAGED + ("completed",)


def mentees_with_pair(format_ids) -> set[tuple[int, int]]:
    """(format, mentee) of every mentee who does not wait for a mentor: the one rule the curator's queue,
    the curator's home page and the coordinator's dashboard share. One query."""
    ids = list(format_ids)
    if not ids:
        return set()
    return set(MentorshipMember.select(Mentorship.mentoring_format, MentorshipMember.mentee).join(Mentorship)
               .where(Mentorship.mentoring_format.in_(ids) & Mentorship.status.in_(HOLDING)
                      & MentorshipMember.left_at.is_null()).tuples())


def programme_of(format_id: int) -> Programme | None:
    """The format's current programme: the newest published one."""
    return Programme.current(format_id)


def has_acknowledged(person: Person, programme: Programme | None) -> bool:
    return programme is not None and Acknowledgement.select().where(
        (Acknowledgement.person == person) & (Acknowledgement.programme == programme)).exists()


def acknowledge(person: Person, programme_id: int, ip: str = "") -> Acknowledgement:
    """«Ознакомлен с программой» (4.12): only for a programme of a format the person is in a base of."""
    programme = (Programme.published().join(MentoringFormat)
                 .where((Programme.id == programme_id) & (MentoringFormat.school == person.school_id)).first())
    in_base = programme is not None and BaseMembership.select().where(
        (BaseMembership.person == person) & (BaseMembership.mentoring_format == programme.mentoring_format_id)
        & (BaseMembership.status != "left")).exists()
    if not in_base:
        raise NotAllowed("Нет такой программы.")
    with atomic_write():
        existing = Acknowledgement.get_or_none((Acknowledgement.person == person)
                                               & (Acknowledgement.programme == programme))
        if existing is not None:
            return existing
        ack = Acknowledgement.create(person=person, programme=programme, ip=ip)
        audit.record("programme.acknowledged", actor=person, obj=programme, ip=ip)
    return ack


def taken_places(mentor_ids, format_id: int) -> dict[int, int]:
    """Mentees holding a place with each mentor in this format, in one query."""
    mentor_ids = list(mentor_ids)
    if not mentor_ids:
        return {}
    rows = (MentorshipMember.select(Mentorship.mentor, fn.COUNT(MentorshipMember.id))
            .join(Mentorship)
            .where(Mentorship.mentor.in_(mentor_ids) & (Mentorship.mentoring_format == format_id)
                   & Mentorship.status.in_(OCCUPYING) & MentorshipMember.left_at.is_null())
            .group_by(Mentorship.mentor).tuples())
    return dict(rows)


def free_places(membership: BaseMembership) -> int:
    taken = taken_places([membership.person_id], membership.mentoring_format_id).get(membership.person_id, 0)
    return max(0, membership.capacity - taken)


def current_pair(mentee: Person, format_id: int) -> Mentorship | None:
    """The mentee's pair in this format that is not over (chosen … active or suspended)."""
    return (Mentorship.select().join(MentorshipMember)
            .where((MentorshipMember.mentee == mentee) & MentorshipMember.left_at.is_null()
                   & (Mentorship.mentoring_format == format_id) & Mentorship.status.in_(ENGAGED)).first())


def _mentor_membership(format_id: int, mentor_id: int) -> BaseMembership | None:
    return BaseMembership.get_or_none((BaseMembership.mentoring_format == format_id)
                                      & (BaseMembership.person == mentor_id) & (BaseMembership.base == "mentor")
                                      & (BaseMembership.status == "active"))


def _require_ready(person: Person, base: str, programme: Programme | None, who: str,
                   unread: str | None = None) -> None:
    if programme is not None and period_over(programme):
        raise ServiceError("Срок программы формы истёк: новые пары формируются по программе нового учебного года, "
                           "когда куратор её опубликует.")
    if not consents.may_take_part(person, base):
        raise ServiceError(f"{who}: нет действующего согласия на обработку персональных данных.")
    if not has_acknowledged(person, programme):
        # Said to the person themselves: «Вы … ознакомлены», the polite plural, whatever their sex.
        raise ServiceError(unread or f"{who} ещё не ознакомлены с программой наставничества формы (п. 4.12 Положения).")


# --- the mentee's choice (s8) --------------------------------------------------------------------

# The choice screen's and the mentee's home page's queries, their text kept (models.base.KeptSelect).
_OPEN_PROPOSALS = KeptSelect(lambda mentee_id: Proposal.select(Proposal, Person, MentoringFormat)
                             .join(Person, on=Proposal.mentor).switch(Proposal).join(MentoringFormat)
                             .where((Proposal.mentee == mentee_id) & Proposal.status.in_(("open", "chosen")))
                             .order_by(Proposal.rank.desc(), Proposal.id))
_MENTOR_MEMBERSHIPS = KeptSelect(lambda mentor_ids, format_ids: BaseMembership.select().where(
    BaseMembership.person.in_(mentor_ids) & (BaseMembership.base == "mentor")
    & BaseMembership.mentoring_format.in_(format_ids)))
_CATEGORIES = KeptSelect(lambda membership_ids: MembershipCategory.select().where(
    MembershipCategory.membership.in_(membership_ids)))
_TAKEN = KeptSelect(lambda mentor_ids, format_ids: (
    MentorshipMember.select(Mentorship.mentoring_format, Mentorship.mentor, fn.COUNT(MentorshipMember.id))
    .join(Mentorship)
    .where(Mentorship.mentor.in_(mentor_ids) & Mentorship.mentoring_format.in_(format_ids)
           & Mentorship.status.in_(OCCUPYING) & MentorshipMember.left_at.is_null())
    .group_by(Mentorship.mentoring_format, Mentorship.mentor)))
_ENGAGED_PAIRS = KeptSelect(lambda mentee_id: (
    Mentorship.select(Mentorship, Person).join(Person).switch(Mentorship).join(MentorshipMember)
    .where((MentorshipMember.mentee == mentee_id) & MentorshipMember.left_at.is_null()
           & Mentorship.status.in_(ENGAGED))))
_DECLINED = KeptSelect(lambda mentee_id: (
    Proposal.select(Proposal, Person, MentoringFormat, Mentorship)
    .join(Person, on=Proposal.mentor).switch(Proposal)
    .join(MentoringFormat).switch(Proposal)
    .join(Mentorship, JOIN.LEFT_OUTER)
    .where((Proposal.mentee == mentee_id) & (Proposal.status == "declined"))
    .order_by(Proposal.id.desc())))


def _proposal(proposal: Proposal, mentor: Person, fmt: MentoringFormat, pair: Mentorship | None = None) -> Proposal:
    """A row of the proposals' join put together as the join reads it."""
    proposal.mentor, proposal.mentoring_format = mentor, fmt
    if pair is not None:
        proposal.mentorship = pair
    return proposal


def proposals_for(mentee: Person) -> list[dict]:
    """For each format: the proposals open to the mentee, the pair if there is one — side by side data.
    Five queries whatever the number of formats and mentors (places are counted for all formats at once)."""
    proposals = [_proposal(*row) for row in _OPEN_PROPOSALS.models(mentee.id)]
    by_format: dict[int, dict] = {}
    for p in proposals:
        group = by_format.setdefault(p.mentoring_format_id, {"format": p.mentoring_format, "proposals": []})
        group["proposals"].append(p)
    if not by_format:
        return []
    mentor_ids = sorted({p.mentor_id for p in proposals})
    memberships = {(m.mentoring_format_id, m.person_id): m
                   for m, in _MENTOR_MEMBERSHIPS.models(mentor_ids, list(by_format))}
    categories = {m.id: [] for m in memberships.values()}
    for c, in _CATEGORIES.models(list(categories)):
        categories[c.membership_id].append(c.title)
    taken: dict[int, dict[int, int]] = {format_id: {} for format_id in by_format}
    for format_id, mentor_id, n in _TAKEN.tuples(mentor_ids, list(by_format)):
        taken[format_id][mentor_id] = n
    pairs = {}
    for pair, mentor in _ENGAGED_PAIRS.models(mentee.id):
        pair.mentor = mentor
        pairs[pair.mentoring_format_id] = pair
    rows = []
    for format_id, group in by_format.items():
        cards = []
        for p in group["proposals"]:
            m = memberships.get((format_id, p.mentor_id))
            cards.append({"proposal": p, "mentor": p.mentor, "membership": m,
                          "categories": categories.get(m.id, []) if m else [],
                          "free": max(0, m.capacity - taken[format_id].get(p.mentor_id, 0)) if m else 0})
        rows.append({"format": group["format"], "cards": cards, "pair": pairs.get(format_id)})
    return rows


def choose(mentee: Person, proposal_id: int, ip: str = "", parent: Person | None = None) -> Mentorship:
    """The mentee picks one of the proposed mentors; the place is taken at once, under a lock.

    `parent`: the mentee's parent chooses for them — only a child under 14 (representation.py); the audit's
    actor is the parent and the mentor is told who chose."""
    if parent is not None:
        mentee = representation.require(parent, mentee.id, "choose")
    proposal = Proposal.get_or_none((Proposal.id == proposal_id) & (Proposal.mentee == mentee))
    if proposal is None:
        raise NotAllowed("Нет такого предложения.")
    format_id = proposal.mentoring_format_id
    require_open(MentoringFormat.get_by_id(format_id))
    programme = programme_of(format_id)
    if parent is None:
        _require_ready(mentee, "mentee", programme, "Вы")
    else:
        _require_ready(mentee, "mentee", programme, short_name(mentee), unread=agree(
            mentee, f"{short_name(mentee)} ещё не ознакомился(лась) с программой наставничества формы "
                    "(п. 4.12 Положения): пусть ребёнок прочитает её на своей странице."))
    with atomic_write():
        membership = _mentor_membership(format_id, proposal.mentor_id)
        if membership is None:
            raise ServiceError("Этот наставник больше не участвует в программе. Выберите другого.")
        lock_row(BaseMembership, membership.id)
        proposal = Proposal.get_by_id(proposal.id)
        if proposal.status != "open":
            raise ServiceError("Это предложение уже неактуально. Обновите страницу.")
        if current_pair(mentee, format_id) is not None:
            raise ServiceError("Вы уже выбрали наставника в этой форме." if parent is None else
                               "Наставник в этой форме уже выбран.")
        if free_places(membership) <= 0:
            raise ServiceError("У этого наставника только что заняли последнее место. Выберите другого.")
        mentor = Person.get_by_id(proposal.mentor_id)
        if not consents.may_take_part(mentor, "mentor"):
            raise ServiceError("Этот наставник сейчас не может участвовать. Выберите другого.")
        agreements.require_signed(mentor)
        mentorship = Mentorship.create(mentoring_format=format_id, programme=programme, mentor=mentor,
                                       status="chosen")
        MentorshipMember.create(mentorship=mentorship, mentee=mentee)
        Proposal.update(status="chosen", mentorship=mentorship).where(Proposal.id == proposal.id).execute()
        audit.record("mentorship.chosen", actor=parent or mentee, obj=mentorship, ip=ip, mentor=mentor.id,
                     mentee=mentee.id, proposal=proposal.id)
        chosen_by = (f"{agree(mentee, 'Выбор сделал(а)')}: {short_name(mentee)}" if parent is None else
                     f"Выбор сделал {acted_for(parent, mentee)}")
        notifications.notify([mentor], "choice.to_confirm", obj=mentorship, details=chosen_by)
    return mentorship


# --- the mentor's answer (4.13: voluntary on both sides) -------------------------------------------

def confirm(mentor: Person, mentorship_id: int, ip: str = "") -> Mentorship:
    mentorship = mentorship_of_mentor(mentor, mentorship_id)
    _require_ready(mentor, "mentor", programme_of(mentorship.mentoring_format_id), "Вы")
    agreements.require_signed(mentor)
    with atomic_write():
        changed = (Mentorship.update(status="confirmed", status_changed_at=utcnow())
                   .where((Mentorship.id == mentorship.id) & (Mentorship.status == "chosen")).execute())
        if not changed:
            raise ServiceError("Эта пара уже не ждёт вашего решения.")
        audit.record("mentorship.confirmed", actor=mentor, obj=mentorship, ip=ip)
    return Mentorship.get_by_id(mentorship.id)


def decline(mentor: Person, mentorship_id: int, reason: str = "", ip: str = "") -> Mentorship:
    """The mentee goes back to the choice screen with the remaining proposals."""
    mentorship = mentorship_of_mentor(mentor, mentorship_id)
    reason = " ".join((reason or "").split())[:500]
    with atomic_write():
        changed = (Mentorship.update(status="cancelled", status_changed_at=utcnow(),
                                     ended_reason=reason or "наставник отказался")
                   .where((Mentorship.id == mentorship.id) & (Mentorship.status == "chosen")).execute())
        if not changed:
            raise ServiceError("Эта пара уже не ждёт вашего решения.")
        Proposal.update(status="declined").where(Proposal.mentorship == mentorship).execute()
        MentorshipMember.update(left_at=utcnow()).where(MentorshipMember.mentorship == mentorship).execute()
        audit.record("mentorship.declined", actor=mentor, obj=mentorship, ip=ip, reason=reason)
        fmt = MentoringFormat.get_by_id(mentorship.mentoring_format_id)
        mentees = [m.mentee_id for m in MentorshipMember.select(MentorshipMember.mentee)
                   .where(MentorshipMember.mentorship == mentorship)]
        notifications.notify(mentees, "choice.declined", obj=mentorship,
                             details=f"{by_sex(mentor, 'Отказался', 'Отказалась')}: {short_name(mentor)}, "
                                     f"форма {quoted(fmt.name)}")
    return Mentorship.get_by_id(mentorship.id)


def waiting_for_mentor(mentor: Person) -> list[Mentorship]:
    """Mentees who chose this mentor and wait for an answer; `chosen_by`: the parent who chose for a child."""
    members = MentorshipMember.select(MentorshipMember, Person).join(Person)
    waiting = list(Mentorship.select(Mentorship, MentoringFormat).join(MentoringFormat)
                   .where((Mentorship.mentor == mentor) & (Mentorship.status == "chosen"))
                   .order_by(Mentorship.created_at).prefetch(members))
    parents = chosen_by_parents(m.id for m in waiting)
    for m in waiting:
        m.chosen_by = parents.get(m.id)
    return waiting


def chosen_by_parents(mentorship_ids) -> dict[int, Person]:
    """Pair → the parent who chose the mentor for their child (s8, under 14), from the audit of the choice whose
    actor is not the mentee: one query, however many pairs."""
    ids = list(mentorship_ids)  # queried even when empty: a page's query count does not depend on the data
    found = {}
    for event, actor in _CHOICES.models(ids):
        event.actor = actor
        if event.actor_id != event.details_dict.get("mentee"):
            found[event.object_id] = actor
    return found


# The choice screen asks it on every load (models.base.KeptSelect: the text kept per number of pairs).
_CHOICES = KeptSelect(lambda ids: AuditEvent.select(AuditEvent, Person).join(Person, on=(AuditEvent.actor == Person.id))
                      .where((AuditEvent.action == "mentorship.chosen") & (AuditEvent.object_type == "Mentorship")
                             & AuditEvent.object_id.in_(ids)))




# --- what the participants' pages read (added for the choice screen, the homes and the parent) ------

def proposal_of(mentee: Person, proposal_id: int) -> Proposal:
    """A proposal made to this mentee (any state); anyone else's is «not found»."""
    found = (Proposal.select(Proposal, MentoringFormat).join(MentoringFormat)
             .where((Proposal.id == proposal_id) & (Proposal.mentee == mentee)).first())
    if found is None:
        raise NotAllowed("Нет такого предложения.")
    return found


def declined_for(mentee: Person) -> dict[int, list[Proposal]]:
    """Per format, the mentors who declined this mentee (newest first), with the pair's reason: one query."""
    declined: dict[int, list[Proposal]] = {}
    for row in _DECLINED.models(mentee.id):
        p = _proposal(*row)
        declined.setdefault(p.mentoring_format_id, []).append(p)
    return declined


def choices_of_children(child_ids) -> dict[int, list[Proposal]]:
    """Every proposal made to these children, with the mentor, the format and the pair it led to: one query.

    The parent's read-only view of a minor's choice (s8, «представитель»)."""
    child_ids = list(child_ids)
    if not child_ids:
        return {}
    by_child: dict[int, list[Proposal]] = {child_id: [] for child_id in child_ids}
    proposals = list(Proposal.select(Proposal, Person, MentoringFormat, Mentorship)
                     .join(Person, on=Proposal.mentor).switch(Proposal)
                     .join(MentoringFormat).switch(Proposal)
                     .join(Mentorship, JOIN.LEFT_OUTER)
                     .where(Proposal.mentee.in_(child_ids))
                     .order_by(MentoringFormat.id, Proposal.rank.desc(), Proposal.id))
    parents = chosen_by_parents(p.mentorship_id for p in proposals if p.mentorship_id)
    for p in proposals:
        p.chosen_by = parents.get(p.mentorship_id)
        by_child[p.mentee_id].append(p)
    return by_child


def mentee_needs(mentorships) -> dict[tuple[int, int], str]:
    """(format, mentee) → what the mentee said they need, for the mentor deciding: one query."""
    keys = {(m.mentoring_format_id, member.mentee_id) for m in mentorships for member in m.members}
    if not keys:
        return {}
    return {(b.mentoring_format_id, b.person_id): b.needs for b in BaseMembership.select().where(
        (BaseMembership.base == "mentee") & BaseMembership.person.in_([k[1] for k in keys])
        & BaseMembership.mentoring_format.in_([k[0] for k in keys]))}
