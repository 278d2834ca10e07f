"""The gate (4.10): «may this person take part?», and who may sign for whom."""
import operator
from datetime import date
from functools import reduce

from peewee import JOIN

from portal.models import (
    Consent, ConsentDocument, ConsentWithdrawal, Guardianship, Mentorship, MentorshipMember, Person,
)
from portal.names import full_name
from portal.services import NotAllowed, ServiceError


# Which consent lets a person into which base: a minor needs a parent's, an adult signs for themself.
MINOR_KIND_FOR_BASE = {"mentee": "parent_mentee", "mentor": "parent_mentor"}
PARTICIPATION_KINDS = ("adult_self", "parent_mentee", "parent_mentor")


PRE_ACTIVE = ("proposed", "chosen", "confirmed", "in_order")


def required_kind(person: Person, base: str, on: date | None = None) -> str:
    return MINOR_KIND_FOR_BASE[base] if person.is_minor(on) else "adult_self"


def bases_opened_by(kind: str) -> tuple[str, ...]:
    return {"adult_self": ("mentor", "mentee"), "parent_mentee": ("mentee",),
            "parent_mentor": ("mentor",)}.get(kind, ())


def valid_consents(subject_ids) -> dict[tuple[int, str], Consent]:
    """(subject, kind) → the newest consent not withdrawn, for many people in one query."""
    subject_ids = list(subject_ids)
    if not subject_ids:
        return {}
    rows = (Consent.select(Consent, ConsentDocument).join(ConsentDocument).switch(Consent)
            .join(ConsentWithdrawal, JOIN.LEFT_OUTER)
            .where(Consent.subject.in_(subject_ids) & ConsentWithdrawal.id.is_null())
            .order_by(Consent.signed_at))
    return {(c.subject_id, c.document.kind): c for c in rows}


def consented_kinds(subject_ids) -> set[tuple[int, str]]:
    """(subject, kind) of every consent not withdrawn — just the keys, read as tuples: the gate runs over
    whole bases on the dashboard and the exports, where building each consent as an object is the cost."""
    subject_ids = list(subject_ids)
    if not subject_ids:
        return set()
    return set(Consent.select(Consent.subject, ConsentDocument.kind).join(ConsentDocument).switch(Consent)
               .join(ConsentWithdrawal, JOIN.LEFT_OUTER)
               .where(Consent.subject.in_(subject_ids) & ConsentWithdrawal.id.is_null()).tuples())


def participation_gate(people_and_bases, on: date | None = None) -> dict[tuple[int, str], bool]:
    """For each (person, base): may they take part? One query whatever the number of people."""
    pairs = list(people_and_bases)
    valid = consented_kinds({p.id for p, _ in pairs})
    return {(p.id, base): (p.id, required_kind(p, base, on)) in valid for p, base in pairs}


def may_take_part(person: Person, base: str, on: date | None = None) -> bool:
    """The one question every later feature asks: no valid consent (for a minor, a parent's) — no."""
    return participation_gate([(person, base)], on)[(person.id, base)]


def require_participation(person: Person, base: str) -> None:
    if not may_take_part(person, base):
        raise ServiceError(f"{full_name(person)}: нет действующего согласия на обработку персональных данных.")


# --- who may sign for whom -----------------------------------------------------------------------

def guardianship(parent: Person, child: Person) -> Guardianship | None:
    return Guardianship.get_or_none((Guardianship.parent == parent) & (Guardianship.child == child)
                                    & Guardianship.confirmed_at.is_null(False))


def subject_for_signer(signer: Person, subject_id: int) -> tuple[Person, str]:
    """The subject a signer may act for, with the basis of authority; anyone else is «not found»."""
    subject = Person.get_or_none((Person.id == subject_id) & (Person.school == signer.school_id)
                                 & Person.destroyed_at.is_null())
    if subject is None:
        raise NotAllowed("Нет такого участника.")
    if subject.id == signer.id:
        return subject, "лично"
    link = guardianship(signer, subject)
    if link is None or not subject.is_minor():
        raise NotAllowed("Подписывать согласие за этого человека вы не можете.")
    return subject, link.basis


def signs_online(person: Person) -> bool:
    """Only a known adult signs: a student whose birth date the school has not entered may be a minor."""
    unknown_age = person.birth_date is None and person.kind == "student"
    return not (person.is_minor() or unknown_age)


def kinds_for(signer: Person, subject: Person) -> list[str]:
    """The consents this signer can give for this subject."""
    if not signs_online(signer):
        return []
    if signer.id == subject.id:
        return ["adult_self", "dissemination"]
    return ["parent_mentee", "parent_mentor", "dissemination"]


def has_esign_agreement(person: Person) -> bool:
    return (Consent.select().join(ConsentDocument)
            .where((Consent.signer == person) & (ConsentDocument.kind == "esign_agreement")).exists())


def _pair_ids(person: Person, bases=("mentor", "mentee")):
    """The pairs a person is in as mentor and/or mentee, as a subquery."""
    as_mentee = MentorshipMember.select(MentorshipMember.mentorship).where(MentorshipMember.mentee == person)
    condition = {"mentor": Mentorship.mentor == person, "mentee": Mentorship.id.in_(as_mentee)}
    return Mentorship.select(Mentorship.id).where(reduce(operator.or_, (condition[b] for b in bases)))


def _mentorships_of(person: Person, statuses, bases=("mentor", "mentee")) -> list[Mentorship]:
    return list(Mentorship.select().where(Mentorship.id.in_(_pair_ids(person, bases))
                                          & Mentorship.status.in_(statuses)))


def _participants(mentorship: Mentorship):
    yield mentorship.mentor, "mentor"
    for member in MentorshipMember.select(MentorshipMember, Person).join(Person).where(
            (MentorshipMember.mentorship == mentorship) & MentorshipMember.left_at.is_null()):
        yield member.mentee, "mentee"
