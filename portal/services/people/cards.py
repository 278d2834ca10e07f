"""A person's card: everything a staff member sees about one person, in nine queries whatever the history.

The readers here (grants, guardianships, memberships, pairs, consents, history) serve the card and the
subject-access export alike."""
from datetime import date

from peewee import JOIN

from portal.formatting import agree
from portal.models import (
    Account, AuditEvent, BaseMembership, Consent, ConsentDocument, ConsentWithdrawal, Guardianship, Invitation,
    MembershipCategory, MentoringFormat, Mentorship, MentorshipMember, Person, RoleGrant, SchoolClass,
)
from portal.services import NotAllowed, audit
from portal.services.staff import StaffScope
from portal.services.people.listing import CONSENT_TITLES, HISTORY_LIMIT
from portal.services.people.guardianship import _links


# --- the card ------------------------------------------------------------------------------------

def _person_with_account(scope: StaffScope, person_id: int) -> Person:
    """The person with class and account, if the staff member may reach them (a curator: their circle)."""
    query = (Person.select(Person, SchoolClass, Account)
             .join(SchoolClass, JOIN.LEFT_OUTER).switch(Person)
             .join(Account, JOIN.LEFT_OUTER, on=(Account.person == Person.id), attr="account")
             .where((Person.id == person_id) & (Person.school == scope.school_id)))
    if not scope.is_coordinator:
        query = query.where(Person.id.in_(scope.circle()))
    person = query.first()
    if person is None:
        raise NotAllowed("Нет такого человека.")
    if getattr(person, "account", None) is not None and person.account.id is None:
        person.account = None
    return person


def _account_ids(person):
    return Account.select(Account.id).where(Account.person == person)


def _memberships_of(person):
    return BaseMembership.select(BaseMembership.id).where(BaseMembership.person == person)


def _consent_ids(person):
    return Consent.select(Consent.id).where((Consent.subject == person) | (Consent.signer == person))


def _mentorship_ids(person, format_ids=None):
    as_mentee = MentorshipMember.select(MentorshipMember.mentorship).where(MentorshipMember.mentee == person)
    query = Mentorship.select(Mentorship.id).where((Mentorship.mentor == person) | Mentorship.id.in_(as_mentee))
    if format_ids is not None:
        query = query.where(Mentorship.mentoring_format.in_(list(format_ids)))
    return query


def _grants(person):
    return list(RoleGrant.select(RoleGrant, MentoringFormat, SchoolClass)
                .join(MentoringFormat, JOIN.LEFT_OUTER).switch(RoleGrant).join(SchoolClass, JOIN.LEFT_OUTER)
                .where(RoleGrant.account.in_(_account_ids(person)))
                .order_by(RoleGrant.id))


def _guardianships(person, confirmed_only=True):
    query = _links().where((Guardianship.parent == person) | (Guardianship.child == person))
    if confirmed_only:
        query = query.where(Guardianship.confirmed_at.is_null(False))
    return list(query)


def _memberships(person, with_categories_for=None):
    """Every base membership with its format; categories only for the formats given (None: all)."""
    memberships = list(BaseMembership.select(BaseMembership, MentoringFormat).join(MentoringFormat)
                       .where(BaseMembership.person == person).order_by(MentoringFormat.id, BaseMembership.base))
    categories = MembershipCategory.select().where(MembershipCategory.membership.in_(_memberships_of(person)))
    if with_categories_for is not None:
        categories = categories.join(BaseMembership).where(
            BaseMembership.mentoring_format.in_(list(with_categories_for)))
    by_membership = {}
    for category in categories.order_by(MembershipCategory.id):
        by_membership.setdefault(category.membership_id, []).append(category)
    for m in memberships:
        m.category_list = by_membership.get(m.id, [])
    return memberships


def _mentorships(person, format_ids=None):
    mentor = Person.alias()
    ids = _mentorship_ids(person, format_ids)
    pairs = list(Mentorship.select(Mentorship, MentoringFormat, mentor).join(MentoringFormat).switch(Mentorship)
                 .join(mentor, on=(Mentorship.mentor == mentor.id), attr="mentor")
                 .where(Mentorship.id.in_(ids)).order_by(Mentorship.created_at.desc(), Mentorship.id.desc()))
    mentees = {}
    for member in (MentorshipMember.select(MentorshipMember, Person).join(Person)
                   .where(MentorshipMember.mentorship.in_(ids)).order_by(MentorshipMember.id)):
        mentees.setdefault(member.mentorship_id, []).append(member)
    for pair in pairs:
        pair.member_list = mentees.get(pair.id, [])
        pair.person_is_mentor = pair.mentor.id == person.id
    return pairs


def _consents(person):
    signer, subject = Person.alias(), Person.alias()
    return list(Consent.select(Consent, ConsentDocument, signer, subject, ConsentWithdrawal)
                .join(ConsentDocument).switch(Consent)
                .join(signer, on=(Consent.signer == signer.id), attr="signer").switch(Consent)
                .join(subject, on=(Consent.subject == subject.id), attr="subject").switch(Consent)
                .join(ConsentWithdrawal, JOIN.LEFT_OUTER, on=(ConsentWithdrawal.consent == Consent.id),
                      attr="withdrawal")
                .where((Consent.subject == person) | (Consent.signer == person))
                .order_by(Consent.signed_at.desc(), Consent.id.desc()))


def _withdrawal(consent):
    w = getattr(consent, "withdrawal", None)
    return w if w is not None and w.id is not None else None


def consent_rows(consents, show_identity: bool) -> list[dict]:
    """Consents for a screen; the identity details typed at signing go only to those allowed them."""
    rows = []
    for c in consents:
        identity = None
        if show_identity:
            identity = {"identity_document": c.identity_document, "address": c.address,
                        "subject_document": c.subject_document, "subject_address": c.subject_address}
        rows.append({"id": c.id, "kind": c.document.kind, "title": CONSENT_TITLES.get(c.document.kind, c.document.kind),
                     "version": c.document.version, "signer": c.signer, "subject": c.subject,
                     "signed_at": c.signed_at, "withdrawal": _withdrawal(c), "identity": identity})
    return rows


def _history_condition(person, format_ids=None):
    """Events about the person and everything that is theirs, found by object ids in subqueries."""
    typed = (
        ("Account", _account_ids(person)),
        ("Invitation", Invitation.select(Invitation.id).where(Invitation.account.in_(_account_ids(person)))),
        ("BaseMembership", _memberships_of(person)),
        ("Consent", _consent_ids(person)),
        ("ConsentWithdrawal", ConsentWithdrawal.select(ConsentWithdrawal.id).where(
            ConsentWithdrawal.consent.in_(_consent_ids(person)))),
        ("Guardianship", Guardianship.select(Guardianship.id).where(
            (Guardianship.parent == person) | (Guardianship.child == person))),
        ("Mentorship", _mentorship_ids(person, format_ids)),
    )
    condition = (AuditEvent.object_type == "Person") & (AuditEvent.object_id == person.id)
    for object_type, ids in typed:
        condition |= (AuditEvent.object_type == object_type) & AuditEvent.object_id.in_(ids)
    return condition


def _history(person, school_id, limit=None, format_ids=None):
    actor = Person.alias()
    query = (AuditEvent.select(AuditEvent, actor)
             .join(actor, JOIN.LEFT_OUTER, on=(AuditEvent.actor == actor.id), attr="actor")
             .where((AuditEvent.school == school_id) & _history_condition(person, format_ids))
             .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()))
    if limit:
        query = query.limit(limit)
    events = list(query)
    for event in events:
        if event.actor is not None and event.actor.id is None:
            event.actor = None
        title = audit.title_of(event.action)
        event.title = agree(event.actor if title.startswith("координатор") else person, title)
    return events


def card(scope: StaffScope, person_id: int, today: date | None = None) -> dict:
    """Everything a staff member sees on a person's card, in nine queries whatever the history.

    A curator sees categories and pairs of their own formats only; identity details typed at signing
    are the coordinator's alone (DECISIONS.md).
    """
    person = _person_with_account(scope, person_id)
    limit_formats = None if scope.is_coordinator else scope.format_ids
    links = _guardianships(person, confirmed_only=False)
    valid = [link for link in links if link.confirmed_at is not None]
    pending = [link for link in links if link.status == "pending"]
    return {
        "person": person,
        "minor": person.is_minor(today),
        "account": person.account,
        "grants": _grants(person),
        "parents": [link for link in valid if link.child.id == person.id],
        "children": [link for link in valid if link.parent.id == person.id],
        # Links a curator asked for, waiting for the coordinator: shown, never counted.
        "pending_parents": [link for link in pending if link.child.id == person.id],
        "pending_children": [link for link in pending if link.parent.id == person.id],
        "memberships": _memberships(person, with_categories_for=scope.format_ids),
        "sees_categories": scope.format_ids,
        "mentorships": _mentorships(person, limit_formats),
        "consents": consent_rows(_consents(person), show_identity=scope.is_coordinator),
        "history": _history(person, scope.school_id, HISTORY_LIMIT, limit_formats),
        "may_have_parents": person.kind == "student" and person.is_minor(today) and person.destroyed_at is None,
    }
