"""The subject-access export (152-ФЗ art. 14): everything the portal holds about one person."""
from datetime import date, datetime

from peewee import JOIN

from portal.db import atomic_write
from portal.models import (
    Acknowledgement, Answer, BaseProposal, ImprovementProposal, Invitation, IssuedDocument, Meeting, MeetingConfirmation, MentoringFormat, Person,
    Programme, Proposal, Question, Questionnaire, Response,
)
from portal.models.accounts import ROLE_TITLES
from portal.models.bases import CATEGORY_TITLES, PROPOSAL_STATES
from portal.models.cycle import FinalReport, Plan, PlanTask
from portal.models.mentorship import Mentorship, Order, OrderItem
from portal.models.people import SEX_CHOICES
from portal.models.voice import (
    AUTHOR_ROLES, COMPLAINANT_ROLES, COMPLAINT_OUTCOMES, COMPLAINT_STATES, PROPOSAL_STATES as IMPROVEMENT_STATES,
    PROPOSAL_TOPICS, Complaint,
)
from portal.services import NotAllowed, audit
from portal.services.staff import StaffScope
from portal.services.people.listing import (
    BASE_TITLES, CONSENT_TITLES, GUARDIANSHIP_STATUS_TITLES, KIND_TITLES, MEMBER_STATUS_TITLES,
)
from portal.services.people.cards import (
    _consent_ids, _consents, _grants, _guardianships, _history, _memberships, _mentorship_ids, _mentorships,
    _person_with_account, _withdrawal,
)


PROPOSAL_STATE_TITLES = dict(PROPOSAL_STATES)


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
        "base_proposals": [
            {"format": b.mentoring_format.name, "base": BASE_TITLES[b.base],
             "category": CATEGORY_TITLES.get(b.category, b.category), "note": b.note,
             "proposed_by": _name(b.proposed_by) if b.proposed_by_id else None, "proposed_at": _iso(b.proposed_at),
             "status": PROPOSAL_STATE_TITLES.get(b.status, b.status), "decided_at": _iso(b.decided_at),
             "reason": b.reason}
            for b in BaseProposal.select(BaseProposal, MentoringFormat).join(MentoringFormat)
            .where(BaseProposal.person == person).order_by(BaseProposal.id)],
        "improvement_proposals": _improvement_proposals(person),
        "complaints": _complaints(person),
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
                       "school_class": g.school_class.name if g.school_class_id else None,
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


Author, Child = Person.alias(), Person.alias()


def _with_people(query):
    return (query.join_from(ImprovementProposal, Author, on=(ImprovementProposal.author == Author.id), attr="author")
            .join_from(ImprovementProposal, Child, JOIN.LEFT_OUTER, on=(ImprovementProposal.on_behalf_of == Child.id),
                       attr="on_behalf_of"))


def _improvement_proposals(person: Person) -> list[dict]:
    """Proposals to the administration the person wrote, or a parent wrote for them (s8): one query."""
    topics, states, roles = dict(PROPOSAL_TOPICS), dict(IMPROVEMENT_STATES), dict(AUTHOR_ROLES)
    return [{"written_at": _iso(p.created_at), "author": _name(p.author), "role": roles[p.author_role],
             "for": _name(p.on_behalf_of) if p.on_behalf_of_id else None, "topic": topics[p.topic],
             "text": p.text, "status": states[p.status], "answer": p.answer, "answered_at": _iso(p.answered_at),
             "publish_agreed": p.publish_agreed, "published_at": _iso(p.published_at)}
            for p in _with_people(ImprovementProposal.select(ImprovementProposal, Author, Child))
            .where((ImprovementProposal.author == person) | (ImprovementProposal.on_behalf_of == person))
            .order_by(ImprovementProposal.id)]


def _complaints(person: Person) -> list[dict]:
    """Complaints the person filed or a parent filed for them (s8), and those about their pairs as mentor with the
    mentor's explanation (s6) — of these the complainant's role only, unless they allowed their name: one query."""
    roles, states, outcomes = dict(COMPLAINANT_ROLES), dict(COMPLAINT_STATES), dict(COMPLAINT_OUTCOMES)
    filer, child = Person.alias(), Person.alias()
    rows = (Complaint.select(Complaint, Mentorship, filer, child)
            .join_from(Complaint, Mentorship, attr="mentorship")
            .join_from(Complaint, filer, on=(Complaint.filed_by == filer.id), attr="filed_by")
            .join_from(Complaint, child, JOIN.LEFT_OUTER, on=(Complaint.on_behalf_of == child.id), attr="on_behalf_of")
            .where((Complaint.filed_by == person) | (Complaint.on_behalf_of == person)
                   | (Mentorship.mentor == person))
            .order_by(Complaint.id))
    result = []
    for c in rows:
        named = c.name_shown or c.mentorship.mentor_id != person.id or person.id in (c.filed_by_id, c.on_behalf_of_id)
        result.append({"filed_at": _iso(c.created_at), "mentorship": c.mentorship_id, "role": roles[c.filed_as],
                       "filed_by": _name(c.filed_by) if named else None,
                       "for": _name(c.on_behalf_of) if named and c.on_behalf_of_id else None,
                       "text": c.text, "status": states[c.status], "explanation": c.explanation,
                       "explained_at": _iso(c.explained_at), "outcome": outcomes.get(c.outcome, ""),
                       "decision": c.decision, "decided_at": _iso(c.decided_at)})
    return result
