"""Personal records (персонифицированный учёт, 3.2): the roster, a person's card and export, guardianship, invitations.

Every read here costs a fixed number of queries whatever the person's history, so a card or an
export of a long-serving mentor is as cheap as a newcomer's. Guardianship is what lets a parent sign
for a child (4.11), so only staff create it, checked against the roster.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import JOIN, IntegrityError, fn

from portal.db import atomic_write, is_sqlite
from portal.models import (
    Acknowledgement, Account, Answer, AuditEvent, BaseMembership, Consent, ConsentDocument, ConsentWithdrawal,
    Guardianship, Invitation, IssuedDocument, Meeting, MeetingConfirmation, MembershipCategory, MentoringFormat, Mentorship,
    MentorshipMember, Person, Programme, Proposal, Question, Questionnaire, Response, RoleGrant, SchoolClass,
)
from portal.models.accounts import ROLE_TITLES, STAFF_ROLES
from portal.models.cycle import FinalReport, Plan, PlanTask
from portal.models.mentorship import Order, OrderItem
from portal.models.base import utcnow
from portal.models.bases import BASES, MEMBER_STATUSES
from portal.models.consent import CONSENT_KINDS
from portal.models.people import GUARDIANSHIP_STATUSES, PERSON_KINDS, SEX_CHOICES
from portal.services import NotAllowed, ServiceError, accounts, audit, resets
from portal.services.staff import StaffScope

PAGE_SIZE = 50
HISTORY_LIMIT = 50
KIND_TITLES = dict(PERSON_KINDS)
BASE_TITLES = dict(BASES)
MEMBER_STATUS_TITLES = dict(MEMBER_STATUSES)
CONSENT_TITLES = dict(CONSENT_KINDS)
GUARDIANSHIP_STATUS_TITLES = dict(GUARDIANSHIP_STATUSES)
# The grounds of a legal representative's authority, as a school writes them.
GUARDIAN_BASES = ("родитель", "опекун", "попечитель", "приёмный родитель")

# What the card's history says, in Russian; an action missing here is shown by its code.

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean(text: str | None, limit: int = 100) -> str:
    """User input for a query: control characters dropped (PostgreSQL refuses NUL), length bounded."""
    return _CONTROL.sub("", text or "").strip()[:limit]


# --- the roster ----------------------------------------------------------------------------------

@dataclass
class RosterPage:
    rows: list
    total: int
    page: int
    pages: int


def surname_matches(text: str):
    """Surname prefix, whatever case was typed: PostgreSQL's ILIKE folds Cyrillic, SQLite's LIKE only
    Latin, so the usual spellings («иван», «ИВАН») are tried as «Иван» too."""
    variants = {text, text.capitalize(), "-".join(p.capitalize() for p in text.split("-"))}
    condition = None
    for variant in sorted(variants):
        part = Person.surname.startswith(variant)
        condition = part if condition is None else condition | part
    return condition


def roster(scope: StaffScope, *, surname: str = "", kind: str = "", class_id: int | None = None,
           page: int = 1) -> RosterPage:
    """The school's people (staff keep the roster school-wide), 50 a page, in two queries.

    A curator reads every name (they nominate new people to their bases from here), but each row says
    whether the person is within their circle: only those have a card for them (DECISIONS.md)."""
    query = Person.select().where((Person.school == scope.school_id) & Person.destroyed_at.is_null())
    surname = clean(surname)
    if surname:
        query = query.where(surname_matches(surname))
    if kind in KIND_TITLES:
        query = query.where(Person.kind == kind)
    if class_id:
        query = query.where(Person.school_class == class_id)
    total = query.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page or 1), pages)
    columns = [Person, SchoolClass, Account.id, Account.login]
    if not scope.is_coordinator:  # names stay school-wide; the card only for the curator's circle
        columns.append(Person.id.in_(scope.circle()).alias("reachable"))
    rows = list(query.select(*columns)
                .join(SchoolClass, JOIN.LEFT_OUTER).switch(Person)
                .join(Account, JOIN.LEFT_OUTER, on=(Account.person == Person.id), attr="account")
                .order_by(Person.surname, Person.first_name, Person.patronymic, Person.id)
                .paginate(page, PAGE_SIZE))
    for row in rows:
        row.reachable = scope.is_coordinator or bool(getattr(row, "reachable", False))
    return RosterPage(rows=rows, total=total, page=page, pages=pages)


def classes_of(school_id: int) -> list[SchoolClass]:
    return list(SchoolClass.select().where(SchoolClass.school == school_id)
                .order_by(fn.LENGTH(SchoolClass.name), SchoolClass.name))


def parent_candidates(scope: StaffScope, surname: str, limit: int = 20) -> list[Person]:
    """Roster parents to pick for a child, by surname."""
    surname = clean(surname)
    if not surname:
        return []
    return list(Person.select()
                .where((Person.school == scope.school_id) & (Person.kind == "parent")
                       & Person.destroyed_at.is_null() & surname_matches(surname))
                .order_by(Person.surname, Person.first_name, Person.id).limit(limit))


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
    return list(RoleGrant.select(RoleGrant, MentoringFormat)
                .join(MentoringFormat, JOIN.LEFT_OUTER)
                .where(RoleGrant.account.in_(_account_ids(person)))
                .order_by(RoleGrant.id))


def _links():
    """Guardianship links with the parent, the child (and class), who confirmed and who asked, in one query."""
    parent, child, confirmer, requester = Person.alias(), Person.alias(), Person.alias(), Person.alias()
    return (Guardianship.select(Guardianship, parent, child, SchoolClass, confirmer, requester)
            .join(parent, on=(Guardianship.parent == parent.id), attr="parent").switch(Guardianship)
            .join(child, on=(Guardianship.child == child.id), attr="child")
            .join(SchoolClass, JOIN.LEFT_OUTER, on=(child.school_class == SchoolClass.id), attr="school_class")
            .switch(Guardianship)
            .join(confirmer, JOIN.LEFT_OUTER, on=(Guardianship.confirmed_by == confirmer.id), attr="confirmed_by")
            .switch(Guardianship)
            .join(requester, JOIN.LEFT_OUTER, on=(Guardianship.requested_by == requester.id), attr="requested_by")
            .order_by(Guardianship.id))


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
        event.title = audit.title_of(event.action)
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


# --- the subject-access export (152-ФЗ art. 14) --------------------------------------------------

def _iso(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _name(person) -> dict:
    return {"id": person.id, "full_name": person.full_name}


def export(scope: StaffScope, person_id: int, ip: str = "") -> dict:
    """Everything the portal holds about one person, for the person themself; the access is audited.

    Answers others gave *about* the person are left out: they are the other people's data and are
    shown only in aggregates (DECISIONS.md). Never the password hash or invitation codes.
    """
    if not scope.is_coordinator:
        raise NotAllowed("Полную выгрузку данных о человеке делает координатор.")
    person = _person_with_account(scope, person_id)
    account = person.account
    memberships = _memberships(person)
    consents = _consents(person)
    pair_ids = _mentorship_ids(person)
    data = {
        "exported_at": None,
        "school_id": scope.school_id,
        "person": {
            "id": person.id, "kind": person.kind, "kind_title": KIND_TITLES.get(person.kind),
            "surname": person.surname, "first_name": person.first_name, "patronymic": person.patronymic,
            "sex": dict(SEX_CHOICES).get(person.sex), "birth_date": _iso(person.birth_date),
            "school_class": person.school_class.name if person.school_class else None,
            "position": person.position, "organisation": person.organisation,
            "phone": person.phone, "email": person.email,
            "created_at": _iso(person.created_at), "destroyed_at": _iso(person.destroyed_at),
        },
        "account": None,
        "guardianships": [
            {"role": "родитель" if link.parent.id == person.id else "ребёнок",
             "parent": _name(link.parent), "child": _name(link.child), "basis": link.basis,
             "confirmed_at": _iso(link.confirmed_at),
             "confirmed_by": link.confirmed_by.full_name if link.confirmed_by and link.confirmed_by.id else None,
             "document": link.document, "status": GUARDIANSHIP_STATUS_TITLES.get(link.status, link.status),
             "requested_at": _iso(link.requested_at),
             "requested_by": link.requested_by.full_name if link.requested_by and link.requested_by.id else None,
             "removed": link.status == "removed"}
            for link in _guardianships(person, confirmed_only=False)],
        "memberships": [
            {"format": m.mentoring_format.name, "base": BASE_TITLES[m.base],
             "status": MEMBER_STATUS_TITLES.get(m.status, m.status),
             "categories": [c.title for c in m.category_list], "can_help_with": m.can_help_with,
             "needs": m.needs, "self_description": m.self_description, "capacity": m.capacity,
             "nominated_at": _iso(m.nominated_at), "left_at": _iso(m.left_at)}
            for m in memberships],
        "consents": [
            {"kind": c.document.kind, "title": CONSENT_TITLES.get(c.document.kind), "version": c.document.version,
             "text_sha256": c.text_sha256, "signer": _name(c.signer), "subject": _name(c.subject),
             "signed_at": _iso(c.signed_at), "ip": c.ip, "user_agent": c.user_agent,
             "identity_document": c.identity_document, "address": c.address,
             "subject_document": c.subject_document, "subject_address": c.subject_address,
             "withdrawal": ({"withdrawn_at": _iso(w.withdrawn_at), "destruction_due_on": _iso(w.destruction_due_on),
                             "destroyed_at": _iso(w.destroyed_at)} if (w := _withdrawal(c)) else None)}
            for c in consents],
        "acknowledgements": [
            {"programme": a.programme.title, "acknowledged_at": _iso(a.acknowledged_at)}
            for a in Acknowledgement.select(Acknowledgement, Programme).join(Programme)
            .where(Acknowledgement.person == person).order_by(Acknowledgement.id)],
        "mentorships": [
            {"id": p.id, "format": p.mentoring_format.name, "status": p.status_title,
             "mentor": _name(p.mentor), "mentees": [_name(m.mentee) for m in p.member_list],
             "created_at": _iso(p.created_at), "status_changed_at": _iso(p.status_changed_at),
             "ended_reason": p.ended_reason}
            for p in _mentorships(person)],
        "proposals": _proposals(person),
        "orders": _orders(pair_ids),
        "plans": _plans(pair_ids),
        "meetings": _meetings(person, pair_ids),
        "meeting_confirmations": _confirmations(person),
        "final_reports": _final_reports(pair_ids),
        "issued_documents": _issued_documents(person, pair_ids),
        "questionnaire_responses": _responses(person),
        "audit_events": [
            {"at": _iso(e.created_at), "action": e.action, "title": e.title, "object": e.object_type,
             "actor": e.actor.full_name if e.actor else None,
             # Staff members' addresses are their data, not this person's.
             "ip": e.ip if e.actor and e.actor.id == person.id else None}
            for e in _history(person, scope.school_id)],
    }
    if account is not None:
        data["account"] = {
            "login": account.login, "is_active": account.is_active, "password_set": bool(account.password_hash),
            "created_at": _iso(account.created_at), "last_login_at": _iso(account.last_login_at),
            "regulation_acknowledged_at": _iso(account.regulation_acknowledged_at),
            "second_factor_enabled_at": _iso(getattr(account, "totp_enabled_at", None)),
            "roles": [{"role": ROLE_TITLES.get(g.role, g.role),
                       "format": g.mentoring_format.name if g.mentoring_format_id else None,
                       "granted_at": _iso(g.granted_at), "order_number": g.order_number or None,
                       "order_date": _iso(g.order_date)} for g in _grants(person)],
            "invitations": [{"created_at": _iso(i.created_at), "expires_at": _iso(i.expires_at),
                             "used_at": _iso(i.used_at), "revoked_at": _iso(i.revoked_at)}
                            for i in Invitation.select().where(Invitation.account == account.id)
                            .order_by(Invitation.id)],
        }
    with atomic_write():
        event = audit.record("person.exported", actor=scope.person, obj=person, school=scope.school_id, ip=ip)
    data["exported_at"] = _iso(event.created_at)
    return data


def _meetings(person, pair_ids) -> list[dict]:
    confirmations = {c.meeting_id: c for c in MeetingConfirmation.select().where(
        (MeetingConfirmation.person == person)
        & MeetingConfirmation.meeting.in_(Meeting.select(Meeting.id).where(Meeting.mentorship.in_(pair_ids))))}
    return [{"mentorship": m.mentorship_id, "stage": m.stage, "status": m.status, "held_on": _iso(m.held_on),
             "format": m.format, "duration_minutes": m.duration_minutes, "topic": m.topic, "notes": m.notes,
             "next_steps": m.next_steps, "logged_at": _iso(m.logged_at), "supersedes": m.supersedes_id,
             "my_confirmation": ({"verdict": c.verdict, "comment": c.comment, "at": _iso(c.created_at)}
                                 if (c := confirmations.get(m.id)) else None)}
            for m in Meeting.select().where(Meeting.mentorship.in_(pair_ids)).order_by(Meeting.held_on, Meeting.id)]


def _proposals(person) -> list[dict]:
    """Mentors offered to the person, or the person offered as a mentor, with the reasons the ranking gave."""
    mentor, mentee = Person.alias(), Person.alias()
    return [{"format": p.mentoring_format.name, "role": "наставник" if p.mentor_id == person.id else "наставляемый",
             "mentor": _name(p.mentor), "mentee": _name(p.mentee), "status": p.status, "rank": p.rank,
             "reason": p.reason, "proposed_at": _iso(p.proposed_at), "mentorship": p.mentorship_id}
            for p in Proposal.select(Proposal, MentoringFormat, mentor, mentee).join(MentoringFormat)
            .switch(Proposal).join(mentor, on=(Proposal.mentor == mentor.id), attr="mentor")
            .switch(Proposal).join(mentee, on=(Proposal.mentee == mentee.id), attr="mentee")
            .where((Proposal.mentee == person) | (Proposal.mentor == person)).order_by(Proposal.id)]


def _issued_documents(person, pair_ids) -> list[dict]:
    """The frozen documents that name the person: their consents and e-signature agreement (signed or about
    them), their cooperation agreement, the orders and final reports of their pairs — with the text as issued."""
    reports = FinalReport.select(FinalReport.id).where(FinalReport.mentorship.in_(pair_ids))
    orders = OrderItem.select(OrderItem.order).where(OrderItem.mentorship.in_(pair_ids))
    documents = IssuedDocument.select().where(
        IssuedDocument.consent.in_(_consent_ids(person)) | IssuedDocument.report.in_(reports)
        | IssuedDocument.order.in_(orders) | (IssuedDocument.person == person)
    ).order_by(IssuedDocument.issued_at, IssuedDocument.id)
    return [{"kind": d.kind, "title": d.title, "number": d.number, "issued_at": _iso(d.issued_at),
             "verification_code": d.code, "html_sha256": d.html_sha256, "pdf_sha256": d.pdf_sha256,
             "frozen_late": d.frozen_late_at is not None, "erased_at": _iso(d.erased_at),
             "html": d.html if d.erased_at is None else None}
            for d in documents]


def _orders(pair_ids) -> list[dict]:
    """The director's orders that name the person's pairs (4.13)."""
    return [{"mentorship": mentorship_id, "title": title, "number": number, "dated_on": _iso(dated_on),
             "status": status}
            for mentorship_id, title, number, dated_on, status in
            OrderItem.select(OrderItem.mentorship, Order.title, Order.number, Order.dated_on, Order.status)
            .join(Order).where(OrderItem.mentorship.in_(pair_ids)).order_by(Order.created_at, Order.id).tuples()]


def _plans(pair_ids) -> list[dict]:
    """Every version of the joint plan of the person's pairs (5.5, s5) with its tasks."""
    plans = list(Plan.select().where(Plan.mentorship.in_(pair_ids)).order_by(Plan.mentorship, Plan.version))
    tasks = {}
    for task in (PlanTask.select().where(PlanTask.plan.in_(Plan.select(Plan.id).where(Plan.mentorship.in_(pair_ids))))
                 .order_by(PlanTask.id)):
        tasks.setdefault(task.plan_id, []).append(
            {"title": task.title, "due_on": _iso(task.due_on), "done_at": _iso(task.done_at)})
    return [{"mentorship": p.mentorship_id, "version": p.version, "goals": p.goals,
             "planned_meetings": p.planned_meetings, "created_at": _iso(p.created_at),
             "mentor_confirmed_at": _iso(p.mentor_confirmed_at), "mentee_confirmed_at": _iso(p.mentee_confirmed_at),
             "tasks": tasks.get(p.id, [])} for p in plans]


def _confirmations(person) -> list[dict]:
    """Every meeting the person confirmed or disputed, a parent's for a child's pair included."""
    return [{"mentorship": c.meeting.mentorship_id, "meeting_held_on": _iso(c.meeting.held_on),
             "stage": c.meeting.stage, "verdict": c.verdict, "comment": c.comment, "at": _iso(c.created_at)}
            for c in MeetingConfirmation.select(MeetingConfirmation, Meeting).join(Meeting)
            .where(MeetingConfirmation.person == person).order_by(MeetingConfirmation.id)]


def _final_reports(pair_ids) -> list[dict]:
    """The mentor's final report on each of the person's pairs (s5), as written."""
    writer = Person.alias()
    reports = (FinalReport.select(FinalReport, writer)
               .join(writer, JOIN.LEFT_OUTER, on=(FinalReport.written_by == writer.id), attr="writer")
               .where(FinalReport.mentorship.in_(pair_ids)).order_by(FinalReport.written_at, FinalReport.id))
    return [{"mentorship": r.mentorship_id, "work_done": r.work_done, "results": r.results,
             "conclusions": r.conclusions, "proposals": r.proposals, "written_at": _iso(r.written_at),
             "written_by": _name(r.writer) if r.written_by_id and r.writer.id else None} for r in reports]


def _responses(person) -> list[dict]:
    responses = list(Response.select(Response, Questionnaire).join(Questionnaire)
                     .where(Response.respondent == person).order_by(Response.submitted_at, Response.id))
    answers = {}
    for answer in (Answer.select(Answer, Question).join(Question)
                   .where(Answer.response.in_(Response.select(Response.id).where(Response.respondent == person)))
                   .order_by(Question.position)):
        answers.setdefault(answer.response_id, []).append(
            {"question": answer.question.text, "scale_value": answer.scale_value, "text": answer.text})
    return [{"questionnaire": r.questionnaire.title, "kind": r.questionnaire.kind,
             "submitted_at": _iso(r.submitted_at), "mentorship": r.mentorship_id,
             "answers": answers.get(r.id, [])} for r in responses]


# --- guardianship (4.11: the school, not the parent, establishes authority) ----------------------

@dataclass
class NewParent:
    surname: str = ""
    first_name: str = ""
    patronymic: str = ""
    sex: str = ""
    phone: str = ""


_PHONE = re.compile(r"^[0-9+()\- ]{5,50}$")
_NAME = re.compile(r"^[A-Za-zА-Яа-яЁё' .\-]+$")


def _check_new_parent(data: NewParent) -> dict:
    fields = {"surname": clean(data.surname), "first_name": clean(data.first_name),
              "patronymic": clean(data.patronymic), "phone": clean(data.phone, 50)}
    for name, message in (("surname", "Укажите фамилию родителя."), ("first_name", "Укажите имя родителя.")):
        if not fields[name]:
            raise ServiceError(message, field=name)
    for name in ("surname", "first_name", "patronymic"):
        if fields[name] and not _NAME.match(fields[name]):
            raise ServiceError("Только буквы, дефис и пробел.", field=name)
    if data.sex not in dict(SEX_CHOICES):
        raise ServiceError("Укажите пол: он нужен, чтобы верно склонять имя в документах.", field="sex")
    if fields["phone"] and not _PHONE.match(fields["phone"]):
        raise ServiceError("Телефон — цифры, «+», скобки и дефисы, например +7 (4852) 12-34-56.", field="phone")
    return {**fields, "sex": data.sex}


def _lock(person_id: int) -> None:
    """Serialise changes about one person on PostgreSQL (SQLite's IMMEDIATE transaction already does)."""
    if not is_sqlite():
        list(Person.select(Person.id).where(Person.id == person_id).for_update())


DOCUMENT_LIMIT = 300
REASON_LIMIT = 300


def _one_line(text: str | None, limit: int) -> str:
    return " ".join(_CONTROL.sub(" ", text or "").split())[:limit + 1]


def _document(text: str | None, required: bool) -> str:
    """What the staff member saw (DECISIONS.md: the coordinator confirms «with the document seen»)."""
    document = _one_line(text, DOCUMENT_LIMIT)
    if len(document) > DOCUMENT_LIMIT:
        raise ServiceError(f"Не длиннее {DOCUMENT_LIMIT} символов.", field="document")
    if required and not document:
        raise ServiceError("Укажите документ, который вы видели: вид, серию и номер, дату.", field="document")
    return document


def _check_child(child: Person, today: date | None) -> None:
    if child.kind != "student":
        raise ServiceError("Родителя можно связать только с обучающимся.")
    if child.destroyed_at is not None:
        raise ServiceError("Данные этого обучающегося уничтожены.")
    if child.birth_date is None:
        raise ServiceError("У обучающегося не указана дата рождения: нельзя проверить, что он несовершеннолетний.")
    if not child.is_minor(today):
        raise ServiceError(f"{child.full_name} — совершеннолетний: согласие он подписывает сам, "
                           "законный представитель не нужен.")


def _grant_parent_role(scope: StaffScope, parent: Person, ip: str) -> None:
    account = Account.get_or_none(Account.person == parent)
    if account is not None:
        accounts.grant_role(scope.person, account, "parent", ip=ip)


def link_parent(scope: StaffScope, child_id: int, *, parent_id: int | None = None, new_parent: NewParent | None = None,
                basis: str = "родитель", document: str = "", ip: str = "", today: date | None = None) -> Guardianship:
    """Link a parent to a minor student of the staff member's reach.

    The coordinator's link counts at once, with the document they saw. A curator's link waits
    («ожидает подтверждения», DECISIONS.md "Who may change whom"): guardianship decides who signs for a
    child, so one staff member never completes it alone; until the coordinator confirms it, the parent
    neither sees the child nor signs, and gets no parent role.
    """
    child = scope.circle_person(child_id)
    _check_child(child, today)
    if basis not in GUARDIAN_BASES:
        raise ServiceError("Выберите основание из списка.", field="basis")
    document = _document(document, required=scope.is_coordinator)
    if parent_id:
        parent = Person.get_or_none((Person.id == parent_id) & (Person.school == scope.school_id)
                                    & Person.destroyed_at.is_null())
        if parent is None or parent.kind != "parent":
            raise ServiceError("Такого родителя нет в списке школы.", field="parent_id")
        fields = None
    elif new_parent is not None and (new_parent.surname or new_parent.first_name):
        fields = _check_new_parent(new_parent)
        parent = None
    else:
        raise ServiceError("Выберите родителя из списка школы или введите его данные.", field="parent_id")
    with atomic_write():
        _lock(child.id)
        if parent is None:
            parent = Person.create(school=scope.school_id, kind="parent", **fields)
            audit.record("person.created", actor=scope.person, obj=parent, ip=ip, kind="parent", by_hand=True)
        existing = Guardianship.get_or_none((Guardianship.parent == parent) & (Guardianship.child == child))
        if existing is not None and existing.confirmed_at is not None:
            raise ServiceError(f"{parent.full_name} уже связан(а) с этим ребёнком.", field="parent_id")
        if existing is not None and existing.status == "pending" and not scope.is_coordinator:
            raise ServiceError(f"{parent.full_name}: связь уже ожидает подтверждения координатора.",
                               field="parent_id")
        now = utcnow()
        if scope.is_coordinator:
            values = {"basis": basis, "document": document, "status": "confirmed", "confirmed_by": scope.person,
                      "confirmed_at": now, "rejection_reason": ""}
        else:
            values = {"basis": basis, "document": document, "status": "pending", "requested_by": scope.person,
                      "requested_at": now, "confirmed_by": None, "confirmed_at": None, "rejection_reason": ""}
        if existing is not None:  # a link removed or rejected earlier: the same row, its history kept
            Guardianship.update(**values).where(Guardianship.id == existing.id).execute()
            link = Guardianship.get_by_id(existing.id)
        else:
            link = Guardianship.create(parent=parent, child=child, **values)
        if scope.is_coordinator:
            audit.record("guardianship.linked", actor=scope.person, obj=link, ip=ip, parent=parent.id, child=child.id,
                         basis=basis, document=document, confirmed_at_once=True)
            _grant_parent_role(scope, parent, ip)
        else:
            audit.record("guardianship.requested", actor=scope.person, obj=link, ip=ip, parent=parent.id,
                         child=child.id, basis=basis, document=document)
    return link


def guardianship_for(scope: StaffScope, link_id: int) -> Guardianship:
    """A confirmed link of a child within the staff member's reach, with both people; else «not found»."""
    query = _links().where((Guardianship.id == link_id) & Guardianship.confirmed_at.is_null(False))
    if not scope.is_coordinator:
        query = query.where(Guardianship.child.in_(scope.circle()))
    link = query.first()
    if link is None or link.child.school_id != scope.school_id:
        raise NotAllowed("Нет такой связи.")
    return link


def unlink_parent(scope: StaffScope, link_id: int, ip: str = "") -> Guardianship:
    """The parent can no longer sign for the child. The row stays, «removed»: signed consents print its basis."""
    link = guardianship_for(scope, link_id)
    with atomic_write():
        _lock(link.child.id)
        changed = (Guardianship.update(confirmed_at=None, confirmed_by=None, status="removed")
                   .where((Guardianship.id == link.id) & Guardianship.confirmed_at.is_null(False)).execute())
        if changed:
            audit.record("guardianship.removed", actor=scope.person, obj=link, ip=ip, parent=link.parent.id,
                         child=link.child.id, basis=link.basis)
    return link


# --- the coordinator's confirmation of a curator's link ------------------------------------------

def pending_links(scope: StaffScope) -> list[Guardianship]:
    """Every link waiting for the coordinator, oldest first, in one query."""
    if not scope.is_coordinator:
        raise NotAllowed("Связи подтверждает координатор.")
    child = Person.alias()
    return list(_links().where((Guardianship.status == "pending") & Guardianship.child.in_(
        child.select(child.id).where(child.school == scope.school_id))))


def pending_link(scope: StaffScope, link_id: int) -> Guardianship:
    """A link of this school waiting for the coordinator; for anyone else, or anything else, «not found»."""
    if not scope.is_coordinator:
        raise NotAllowed("Связи подтверждает координатор.")
    link = _links().where((Guardianship.id == link_id) & (Guardianship.status == "pending")).first()
    if link is None or link.child.school_id != scope.school_id:
        raise NotAllowed("Нет такого запроса.")
    return link


def confirm_link(scope: StaffScope, link_id: int, document: str, ip: str = "",
                 today: date | None = None) -> Guardianship:
    """The coordinator confirms a curator's link, naming the document they saw; from now on it counts."""
    link = pending_link(scope, link_id)
    document = _document(document, required=True)
    _check_child(link.child, today)
    with atomic_write():
        _lock(link.child.id)
        changed = (Guardianship.update(status="confirmed", confirmed_by=scope.person, confirmed_at=utcnow(),
                                       document=document)
                   .where((Guardianship.id == link.id) & (Guardianship.status == "pending")).execute())
        if not changed:
            raise ServiceError("Этот запрос уже рассмотрен. Обновите страницу.")
        audit.record("guardianship.confirmed", actor=scope.person, obj=link, ip=ip, parent=link.parent.id,
                     child=link.child.id, basis=link.basis, document=document,
                     requested_by=link.requested_by.id if link.requested_by else None)
        _grant_parent_role(scope, link.parent, ip)
    return Guardianship.get_by_id(link.id)


def reject_link(scope: StaffScope, link_id: int, reason: str, ip: str = "") -> Guardianship:
    """The coordinator turns a curator's link down, saying why; the parent never gained anything."""
    link = pending_link(scope, link_id)
    reason = _one_line(reason, REASON_LIMIT)
    if not reason:
        raise ServiceError("Укажите, почему связь не подтверждена.", field="reason")
    if len(reason) > REASON_LIMIT:
        raise ServiceError(f"Не длиннее {REASON_LIMIT} символов.", field="reason")
    with atomic_write():
        _lock(link.child.id)
        changed = (Guardianship.update(status="rejected", rejection_reason=reason)
                   .where((Guardianship.id == link.id) & (Guardianship.status == "pending")).execute())
        if not changed:
            raise ServiceError("Этот запрос уже рассмотрен. Обновите страницу.")
        audit.record("guardianship.rejected", actor=scope.person, obj=link, ip=ip, parent=link.parent.id,
                     child=link.child.id, reason=reason)
    return link


# --- accounts and invitations for roster people --------------------------------------------------

TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "",
    "э": "e", "ю": "iu", "я": "ia",
}


def translit(text: str) -> str:
    """Latin letters for a login, GOST R 52535.1-2006 style (as in Russian passports): «Ольга» → «olga»."""
    out = []
    for ch in text.lower():
        if ch in TRANSLIT:
            out.append(TRANSLIT[ch])
        elif ch.isascii() and (ch.isalnum() or ch == "-"):
            out.append(ch)
    return "".join(out).strip("-")


def login_for(person: Person) -> str:
    """«ivanova.olga», or «ivanova.olga2» when taken: logins are unique across the installation."""
    base = ".".join(p for p in (translit(person.surname), translit(person.first_name)) if p)[:56] or "user"
    taken = {row[0] for row in Account.select(Account.login)
             .where((Account.login == base) | Account.login.startswith(base)).tuples()}
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def implied_roles(person: Person) -> list[str]:
    """The roles a person's situation gives them: parent of confirmed children, mentor/mentee of their bases."""
    roles = []
    if Guardianship.select().where((Guardianship.parent == person)
                                   & Guardianship.confirmed_at.is_null(False)).exists():
        roles.append("parent")
    bases = {m.base for m in BaseMembership.select(BaseMembership.base).where(
        (BaseMembership.person == person) & BaseMembership.status.in_(("active", "awaiting_consent")))}
    roles += [base for base in ("mentor", "mentee") if base in bases]
    return roles


def invite(scope: StaffScope, person_id: int, ttl: timedelta, reason: str = "", ip: str = "") -> tuple[Account, str]:
    """The account (created if missing, with the roles the person's situation implies) and a fresh code.

    Only for a person within the staff member's reach (a curator: their circle). A curator may not
    invite someone holding a staff role: whoever holds the code sets the password, so that would hand
    a curator the coordinator's account. For the same reason a code for an account that has a password
    is a reset (`resets.reissue`): the coordinator's, with a reason; a curator gets «not found».
    """
    person = scope.circle_person(person_id)
    if person.destroyed_at is not None:
        raise ServiceError("Данные этого человека уничтожены: приглашение выдать нельзя.")
    roles = implied_roles(person)
    try:
        with atomic_write():
            _lock(person.id)
            account = Account.get_or_none(Account.person == person)
            if account is not None and resets.is_reset(account) and not scope.is_coordinator:
                raise NotAllowed("Пароль сбрасывает координатор.")
            held = {g.role for g in RoleGrant.select(RoleGrant.role).where(RoleGrant.account == account)} \
                if account is not None else set()
            if held & STAFF_ROLES and not scope.is_coordinator:
                raise ServiceError("Приглашение сотруднику с правами координатора или куратора выдаёт координатор.")
            if not held and not roles:
                raise ServiceError("Приглашать пока не к чему: свяжите человека с ребёнком или включите его в базу "
                                   "наставников или наставляемых.")
            if account is None:
                account = accounts.create_account(scope.person, person, login_for(person), roles, ip=ip)
            else:
                for role in roles:
                    accounts.grant_role(scope.person, account, role, ip=ip)
            code = resets.reissue(scope, account, ttl, reason=reason, ip=ip)
    except IntegrityError:  # two staff members inviting the same person at the same moment
        raise ServiceError("Приглашение для этого человека только что создано. Обновите страницу и повторите.")
    account = Account.select(Account, Person).join(Person).where(Account.id == account.id).get()
    return account, code
