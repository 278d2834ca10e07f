"""Withdrawal (4.11): takes effect at once — out of the bases, pairs suspended, destruction due."""
import operator
from datetime import date, timedelta
from functools import reduce

from portal.db import atomic_write, lock_row
from portal.models import (
    Account, BaseMembership, Consent, ConsentDocument, ConsentWithdrawal, MentoringFormat, Mentorship,
    MentorshipMember, Person, Proposal,
)
from portal.models.base import utcnow
from portal.services import NotAllowed, audit
from portal.services.consent.gate import (
    bases_opened_by, _mentorships_of, _pair_ids, PRE_ACTIVE, required_kind, valid_consents,
)
from portal.services.consent.signing import may_open


DESTRUCTION_DAYS = 30
# The pairs a withdrawal stops: a working pair is suspended (it resumes when a consent is signed again),
# a pair not yet approved by the order is cancelled.
PAIRS_A_WITHDRAWAL_STOPS = ("active",) + PRE_ACTIVE


def pair_after_withdrawal(mentorship: Mentorship) -> str:
    """«suspended» for a working pair, «cancelled» for one not yet working."""
    return "suspended" if mentorship.status == "active" else "cancelled"


def consent_for(account: Account, consent_id: int) -> Consent:
    """A consent the account signed or is the adult subject of; anything else is «not found».

    A minor with an account must not withdraw the parent's consent nor read the parent's passport on its PDF.
    """
    person = account.person
    consent = (Consent.select(Consent, ConsentDocument).join(ConsentDocument)
               .where((Consent.id == consent_id) & ((Consent.signer == person) | (Consent.subject == person)))
               .first())
    if consent is None or consent.document.kind == "esign_agreement" or not may_open(person, consent):
        raise NotAllowed("Нет такого согласия.")
    return consent


def _bases_lost(subject: Person, consent: Consent) -> tuple[str, ...]:
    """The bases this consent opens that no other valid consent of the subject keeps open."""
    others = {key: c for key, c in valid_consents([subject.id]).items() if c.id != consent.id}
    return tuple(base for base in bases_opened_by(consent.document.kind)
                 if (subject.id, required_kind(subject, base)) not in others)


def withdraw(account: Account, consent_id: int, ip: str = "", user_agent: str = "") -> ConsentWithdrawal:
    """Withdrawal takes effect at once: out of the bases, pairs suspended, destruction due in 30 days."""
    consent = consent_for(account, consent_id)
    actor = account.person
    kind = consent.document.kind
    with atomic_write():
        lock_row(Person, consent.subject_id)
        existing = ConsentWithdrawal.get_or_none(ConsentWithdrawal.consent == consent)
        if existing is not None:
            return existing
        subject = Person.get_by_id(consent.subject_id)
        bases = _bases_lost(subject, consent)
        withdrawal = ConsentWithdrawal.create(
            consent=consent, withdrawn_by=actor, ip=ip, user_agent=user_agent,
            destruction_due_on=date.today() + timedelta(days=DESTRUCTION_DAYS))
        audit.record("consent.withdrawn", actor=actor, obj=consent, ip=ip, kind=kind, subject=consent.subject_id)
        if bases:
            _leave(subject, bases, actor, ip)
    return withdrawal


def _leave(subject: Person, bases, actor: Person, ip: str) -> None:
    """Out of the bases; pairs in that role suspended (active) or cancelled (not yet active); proposals withdrawn."""
    now = utcnow()
    BaseMembership.update(status="left", left_at=now).where(
        (BaseMembership.person == subject) & BaseMembership.base.in_(bases)
        & (BaseMembership.status != "left")).execute()
    for mentorship in _mentorships_of(subject, PAIRS_A_WITHDRAWAL_STOPS, bases):
        new_status = pair_after_withdrawal(mentorship)
        Mentorship.update(status=new_status, status_changed_at=now,
                          ended_reason="" if new_status == "suspended" else "отзыв согласия").where(
            Mentorship.id == mentorship.id).execute()
        audit.record(f"mentorship.{new_status}", actor=actor, obj=mentorship, ip=ip, reason="consent withdrawn")
    as_role = {"mentor": Proposal.mentor == subject, "mentee": Proposal.mentee == subject}
    Proposal.update(status="withdrawn").where(reduce(operator.or_, (as_role[b] for b in bases))
                                              & (Proposal.status == "open")).execute()
    audit.record("base.member_left", actor=actor, obj=subject, ip=ip, bases=list(bases))


def withdrawal_of(consent: Consent) -> ConsentWithdrawal | None:
    return ConsentWithdrawal.get_or_none(ConsentWithdrawal.consent == consent)


def withdrawal_effects(consent: Consent) -> dict:
    """What a withdrawal will do, shown before the person confirms it: the bases left, and each pair stopped
    with its form, mentor and mentees and whether it is suspended or cancelled."""
    subject = Person.get_by_id(consent.subject_id)
    bases = _bases_lost(subject, consent)
    memberships = (BaseMembership.select(BaseMembership, MentoringFormat).join(MentoringFormat)
                   .where((BaseMembership.person == subject) & BaseMembership.base.in_(bases)
                          & (BaseMembership.status != "left"))) if bases else []
    return {"memberships": list(memberships), "pairs": _pairs_stopped(subject, bases) if bases else [],
            "days": DESTRUCTION_DAYS}


def _pairs_stopped(subject: Person, bases) -> list[dict]:
    """The pairs a withdrawal suspends or cancels, each with its form, mentor and mentees: one query."""
    mentee = Person.alias()
    rows = (MentorshipMember.select(MentorshipMember, Mentorship, MentoringFormat, Person, mentee)
            .join(Mentorship).join(MentoringFormat).switch(Mentorship).join(Person, on=Mentorship.mentor)
            .switch(MentorshipMember).join(mentee, on=MentorshipMember.mentee)
            .where(Mentorship.id.in_(_pair_ids(subject, bases)) & Mentorship.status.in_(PAIRS_A_WITHDRAWAL_STOPS)
                   & MentorshipMember.left_at.is_null())
            .order_by(Mentorship.id, mentee.surname, mentee.first_name))
    pairs = {}
    for member in rows:
        mentorship = member.mentorship
        pair = pairs.setdefault(mentorship.id, {
            "mentorship": mentorship, "format": mentorship.mentoring_format, "mentor": mentorship.mentor,
            "mentees": [], "becomes": pair_after_withdrawal(mentorship)})
        pair["mentees"].append(member.mentee)
    return list(pairs.values())
