"""Destruction after withdrawal (DECISIONS.md «Retention after withdrawal»): what is erased, what stays."""
import json
import operator
from datetime import date
from functools import reduce

from peewee import JOIN

from portal.db import atomic_write
from portal.models import (
    Account, Answer, AuditEvent, AwardDocument, BaseMembership, BaseProposal, Complaint, Consent, ConsentDocument,
    ConsentWithdrawal, ExternalCourse, FinalReport, ImprovementProposal, Invitation, IssuedDocument, Meeting,
    MeetingConfirmation, MembershipCategory, Mentorship, Nomination, Notification, OutboxMail, Person, Plan, PlanTask,
    Proposal, Response, RoleGrant, SignedAgreement, StoredFile, SupportNote, SupportRequest,
)
from portal.models.accounts import STAFF_ROLES
from portal.models.base import utcnow
from portal.services import NotAllowed, audit, issued, uploads
from portal.services.consent.gate import _mentorships_of, _pair_ids, PARTICIPATION_KINDS, PRE_ACTIVE, valid_consents
from portal.services.consent.texts import _is_coordinator, KIND_TITLES
from portal.services.consent.withdrawal import _bases_lost


# What destruction erases and what stays as evidence (DECISIONS.md, «Retention after withdrawal»).
ERASED = (
    "фамилия, имя, отчество — человек обозначается как «Участник №…»",
    "телефон, электронная почта, должность и место работы",
    "категории участия, в том числе сведения о здоровье и трудной жизненной ситуации",
    "документы и адреса, введённые при подписании согласий",
    "свободный текст об участнике: «чем может помочь», «что нужно», заметки встреч, планы, отчёты, ответы анкет, "
    "предложения администрации, написанные участником или за него, и их файлы",
)
ERASED_PARTLY = (
    "категории участия и свободный текст в базе, к которой относилось отозванное согласие",
    "документы и адреса, введённые при подписании отозванного согласия",
    "заметки встреч, планы и отчёты пар, в которых человек участвовал по этому согласию",
)
KEPT = (
    "запись о подписании и отзыве согласия: вид, редакция текста и её SHA-256, дата, время и IP-адрес — "
    "доказательство, что согласие было и было отозвано",
    "обезличенный номер участника, пол, даты и количества — для анонимной статистики",
)


def _withdrawals(school_id: int):
    """A school's withdrawals that destruction covers, with the subject and who withdrew; one query.

    Withdrawing the consent to dissemination only takes the person off the public pages: nothing to destroy.
    """
    WithdrawnBy = Person.alias()
    return (ConsentWithdrawal.select(ConsentWithdrawal, Consent, ConsentDocument, Person, WithdrawnBy)
            .join(Consent).join(ConsentDocument).switch(Consent).join(Person, on=Consent.subject)
            .switch(ConsentWithdrawal).join(WithdrawnBy, on=ConsentWithdrawal.withdrawn_by)
            .where((ConsentDocument.school == school_id) & (ConsentDocument.kind != "dissemination")))


def destruction_list(school_id: int):
    """«Данные к уничтожению»: withdrawals whose data are not yet destroyed, soonest first."""
    return (_withdrawals(school_id).where(ConsentWithdrawal.destroyed_at.is_null())
            .order_by(ConsentWithdrawal.destruction_due_on, ConsentWithdrawal.id))


def _reasons_to_keep_name(person_ids) -> dict[int, str]:
    """Why a person's name must survive a destruction: the portal still holds them on another ground."""
    ids = list(person_ids)
    if not ids:
        return {}
    reasons = {}
    for person_id, in (RoleGrant.select(Account.person).join(Account)
                       .where(Account.person.in_(ids) & RoleGrant.role.in_(list(STAFF_ROLES))).tuples()):
        reasons.setdefault(person_id, "сотрудник с ролью координатора, куратора или педагога-психолога")
    for person_id, kind in valid_consents(ids):
        if kind in PARTICIPATION_KINDS:
            reasons.setdefault(person_id, "участвует в программе по другому действующему согласию")
    for person_id, in (Consent.select(Consent.signer).join(ConsentWithdrawal, JOIN.LEFT_OUTER)
                       .where(Consent.signer.in_(ids) & (Consent.subject != Consent.signer)
                              & ConsentWithdrawal.id.is_null()).tuples()):
        reasons.setdefault(person_id, "законный представитель: действует подписанное им согласие за ребёнка")
    return reasons


def destruction_plan(school_id: int, withdrawal_id: int | None = None, on: date | None = None) -> list[dict]:
    """Each pending withdrawal with its deadline and what destroying it erases and keeps; three or four queries."""
    on = on or date.today()
    query = destruction_list(school_id)
    if withdrawal_id is not None:
        query = query.where(ConsentWithdrawal.id == withdrawal_id)
    rows = list(query)
    keep = _reasons_to_keep_name({w.consent.subject_id for w in rows})
    plan = []
    for w in rows:
        kept_because = keep.get(w.consent.subject_id)
        plan.append({"withdrawal": w, "subject": w.consent.subject, "consent": w.consent,
                     "title": KIND_TITLES[w.consent.document.kind], "withdrawn_by": w.withdrawn_by,
                     "due_on": w.destruction_due_on, "overdue": w.destruction_due_on < on,
                     "days_left": (w.destruction_due_on - on).days, "kept_because": kept_because,
                     "erased": ERASED_PARTLY if kept_because else ERASED, "kept": KEPT})
    return plan


def destroy(actor: Person | None, withdrawal_id: int, school_id: int, ip: str = "") -> Person:
    """Erase what the withdrawal covers; the evidence of consent and withdrawal stays, pseudonymous.

    Names, contacts, categories, identity details and free text go; dates and counts stay for
    anonymous statistics. A person the portal still holds on another ground (another valid consent,
    a child they sign for, a staff role) keeps their name and loses only what the withdrawn consent
    covered. `actor` None is the `flask destroy-due` command. A second click changes nothing.
    """
    if actor is not None and not _is_coordinator(actor, school_id):
        raise NotAllowed("Данные уничтожает координатор.")
    with atomic_write():
        withdrawal = _withdrawals(school_id).where(ConsentWithdrawal.id == withdrawal_id).first()
        if withdrawal is None:
            raise NotAllowed("Нет такой записи.")
        if withdrawal.destroyed_at is None:
            _destroy(actor, withdrawal, ip)
    return Person.get_by_id(withdrawal.consent.subject_id)


def _destroy(actor: Person | None, withdrawal: ConsentWithdrawal, ip: str) -> int:
    """Inside the caller's transaction; returns how many withdrawals it closed."""
    consent = withdrawal.consent
    subject = consent.subject
    blank_identity = {"identity_document": "", "address": "", "subject_document": "", "subject_address": ""}
    kept_because = _reasons_to_keep_name([subject.id]).get(subject.id)
    if kept_because:
        bases = _bases_lost(subject, consent)
        if bases:
            _erase_base_data(subject, bases)
        Consent.update(**blank_identity).where(Consent.id == consent.id).execute()
        issued.erase(IssuedDocument.consent == consent.id)
        closed = [withdrawal.id]
    else:
        _pseudonymise(subject, actor, ip)
        withdrawn = ConsentWithdrawal.select(ConsentWithdrawal.consent)
        blanked = (Consent.subject == subject) | ((Consent.signer == subject) & Consent.id.in_(withdrawn))
        Consent.update(**blank_identity).where(blanked).execute()
        # The frozen documents carry the same names and details: erased too, their codes and hashes kept.
        issued.erase(IssuedDocument.consent.in_(Consent.select(Consent.id).where(blanked))
                     | (IssuedDocument.person == subject))
        # Nothing is left to destroy for the person's other withdrawals either.
        closed = [row[0] for row in ConsentWithdrawal.select(ConsentWithdrawal.id).join(Consent).where(
            (Consent.subject == subject) & ConsentWithdrawal.destroyed_at.is_null()).tuples()]
    ConsentWithdrawal.update(destroyed_at=utcnow()).where(ConsentWithdrawal.id.in_(closed)).execute()
    audit.record("personal_data.destroyed", actor=actor, obj=withdrawal, school=consent.document.school_id, ip=ip,
                 subject=subject.id, pseudonymised=not kept_because, withdrawals=closed)
    return len(closed)


def _erase_base_data(person: Person, bases) -> None:
    """Categories and free text of the person's memberships in these bases and of their pairs in that role."""
    memberships = BaseMembership.select(BaseMembership.id).where(
        (BaseMembership.person == person) & BaseMembership.base.in_(list(bases)))
    MembershipCategory.delete().where(MembershipCategory.membership.in_(memberships)).execute()
    BaseMembership.update(can_help_with="", needs="", self_description="").where(
        BaseMembership.id.in_(memberships)).execute()
    as_role = {"mentor": Proposal.mentor == person, "mentee": Proposal.mentee == person}
    Proposal.update(reason="").where(reduce(operator.or_, (as_role[b] for b in bases))).execute()
    # A class teacher's proposal of the person (4.5): its category, note and the curator's reason, and what the
    # inboxes say of it (the pupil's name).
    proposals = BaseProposal.select(BaseProposal.id).where(
        (BaseProposal.person == person) & BaseProposal.base.in_(list(bases)))
    BaseProposal.update(category="", note="", reason="").where(BaseProposal.id.in_(proposals)).execute()
    # One still waiting has lost its category, so it could never be accepted: closed, saying why.
    BaseProposal.update(status="declined", decided_at=utcnow(), reason="Данные ученика уничтожены после отзыва "
                        "согласия.").where(BaseProposal.id.in_(proposals) & (BaseProposal.status == "pending")).execute()
    Notification.update(details="").where((Notification.object_type == "BaseProposal")
                                          & Notification.object_id.in_(proposals)).execute()
    pairs = _pair_ids(person, bases)
    meetings = Meeting.select(Meeting.id).where(Meeting.mentorship.in_(pairs))
    Meeting.update(topic="", notes="", next_steps="").where(Meeting.id.in_(meetings)).execute()
    MeetingConfirmation.update(comment="").where(MeetingConfirmation.meeting.in_(meetings)).execute()
    plans = Plan.select(Plan.id).where(Plan.mentorship.in_(pairs))
    Plan.update(goals="").where(Plan.id.in_(plans)).execute()
    PlanTask.update(title="").where(PlanTask.plan.in_(plans)).execute()
    FinalReport.update(work_done="", results="", conclusions="", proposals="").where(
        FinalReport.mentorship.in_(pairs)).execute()
    issued.erase(IssuedDocument.report.in_(FinalReport.select(FinalReport.id).where(FinalReport.mentorship.in_(pairs))))
    Answer.update(text="").where(Answer.response.in_(
        Response.select(Response.id).where(Response.mentorship.in_(pairs)))).execute()
    # Complaints about these pairs (s6): the complaint, the mentor's explanation and the decision speak of the pair.
    _erase_complaints(Complaint.mentorship.in_(pairs))
    # What the inboxes say about these pairs (names, a dispute's comment) and the texts of requests to end them.
    Notification.update(details="").where((Notification.object_type == "Mentorship")
                                          & Notification.object_id.in_(pairs)).execute()
    _blank_audit_details((AuditEvent.action == "mentorship.end_requested") & (AuditEvent.object_type == "Mentorship")
                         & AuditEvent.object_id.in_(pairs), "text")


def _erase_complaints(where) -> None:
    """The words of these complaints (the complaint, the explanation, the decision) and what the inboxes say of
    them; the rows stay, so the counts and the audit trail (which quotes no text) still add up."""
    complained = [row[0] for row in Complaint.select(Complaint.id).where(where).tuples()]
    if not complained:
        return
    Complaint.update(text="", explanation="", decision="").where(Complaint.id.in_(complained)).execute()
    Notification.update(details="").where((Notification.object_type == "Complaint")
                                          & Notification.object_id.in_(complained)).execute()


def _blank_audit_details(where, *keys) -> None:
    """The audit records stay as evidence of what was done and when; the free text they quote (someone's words,
    a file's own name) goes with the rest of the person's data."""
    for event in AuditEvent.select().where(where):
        details = event.details_dict
        if any(details.get(key) for key in keys):
            details.update({key: "" for key in keys if key in details})
            AuditEvent.update(details=json.dumps(details, ensure_ascii=False)).where(
                AuditEvent.id == event.id).execute()


def _pseudonymise(person: Person, actor: Person | None, ip: str) -> None:
    """«Участник №<id>»: the row stays so the evidence points somewhere, nothing in it names anyone."""
    now = utcnow()
    Person.update(surname=f"Участник №{person.id}", first_name="", patronymic="", phone="", email="",
                  position="", organisation="", destroyed_at=now).where(Person.id == person.id).execute()
    _erase_base_data(person, ("mentor", "mentee"))
    BaseMembership.update(status="left", left_at=now).where(
        (BaseMembership.person == person) & (BaseMembership.status != "left")).execute()
    Answer.update(text="").where(Answer.response.in_(Response.select(Response.id).where(
        (Response.respondent == person) | (Response.about == person)))).execute()
    Proposal.update(status="withdrawn").where(((Proposal.mentee == person) | (Proposal.mentor == person))
                                              & (Proposal.status == "open")).execute()
    # A class teacher's proposal still waiting can never be accepted now: it is closed, saying why.
    BaseProposal.update(status="declined", decided_at=now, reason="Данные ученика уничтожены после отзыва согласия.") \
        .where((BaseProposal.person == person) & (BaseProposal.status == "pending")).execute()
    # A pair waiting for this person's consent can never resume: their data are gone.
    for mentorship in _mentorships_of(person, ("active", "suspended") + PRE_ACTIVE):
        Mentorship.update(status="cancelled", status_changed_at=now,
                          ended_reason="данные участника уничтожены").where(Mentorship.id == mentorship.id).execute()
        audit.record("mentorship.cancelled", actor=actor, obj=mentorship, school=person.school_id, ip=ip,
                     reason="personal data destroyed")
    # Requests for psychological support by or about the person: what they said and what the psychologist wrote
    # are gone, closed; the counts by month and form stay.
    asked = SupportRequest.select(SupportRequest.id).where((SupportRequest.about == person)
                                                           | (SupportRequest.asked_by == person))
    SupportNote.update(text="").where(SupportNote.request.in_(asked)).execute()
    SupportRequest.update(topic="", contact="").where(SupportRequest.id.in_(asked)).execute()
    SupportRequest.update(status="closed", closed_at=now).where(
        SupportRequest.id.in_(asked) & (SupportRequest.status != "closed")).execute()
    # The person's own inbox and mail, and what other inboxes say about the person.
    OutboxMail.delete().where(OutboxMail.person == person).execute()
    Notification.delete().where(Notification.person == person).execute()
    Notification.update(details="").where((Notification.object_type == "Person")
                                          & (Notification.object_id == person.id)).execute()
    # Proposals to the administration written by the person or for them (s8): the text, the answer and the file
    # are their words; the rows stay for the counts, taken off the published page.
    written = list(ImprovementProposal.select(ImprovementProposal, StoredFile)
                   .join(StoredFile, JOIN.LEFT_OUTER, on=(ImprovementProposal.attachment == StoredFile.id))
                   .where((ImprovementProposal.author == person) | (ImprovementProposal.on_behalf_of == person)))
    written_ids = [p.id for p in written]
    erased_files = []
    for proposal in written:
        if proposal.attachment_id is not None:
            uploads.erase(proposal.attachment)
            erased_files.append(proposal.attachment_id)
    ImprovementProposal.update(text="", answer="", publish_agreed=False, published_at=None).where(
        ImprovementProposal.id.in_(written_ids)).execute()
    Notification.update(details="").where((Notification.object_type == "ImprovementProposal")
                                          & Notification.object_id.in_(written_ids)).execute()
    # Complaints the person filed or that were filed for them (s8): their words go, the rows stay.
    _erase_complaints((Complaint.filed_by == person) | (Complaint.on_behalf_of == person))
    # School competitions (s9): the reasons written about the person or by them, and the certificates and letters
    # naming them — their own «Лучший наставник» and the letters to their parents about them, or addressed to them.
    Nomination.update(reason="").where((Nomination.nominee == person) | (Nomination.nominated_by == person)).execute()
    issued.erase(IssuedDocument.id.in_(AwardDocument.select(AwardDocument.document).join(Nomination)
                                       .where((Nomination.nominee == person) | (AwardDocument.recipient == person))))
    # An external mentor's signed agreement: the scan names them; the number and date stay as evidence.
    for signed in SignedAgreement.select().where(SignedAgreement.person == person):
        uploads.erase(signed.scan)
        erased_files.append(signed.scan_id)
    # The certificates of courses taken elsewhere (s10): the scan names the person; the course's title, hours and
    # date stay for the counts.
    for course in ExternalCourse.select().where(ExternalCourse.person == person):
        uploads.erase(course.certificate)
        erased_files.append(course.certificate_id)
    # The audit trail quotes the coordinator's answers and the erased files' own names: blanked, the records stay.
    _blank_audit_details((AuditEvent.object_type == "ImprovementProposal") & AuditEvent.object_id.in_(written_ids),
                         "answer", "name")
    _blank_audit_details((AuditEvent.object_type == "StoredFile") & AuditEvent.object_id.in_(erased_files), "name")
    _blank_audit_details((AuditEvent.action == "agreement.scan_downloaded") & (AuditEvent.object_type == "Person")
                         & (AuditEvent.object_id == person.id), "name")
    # The login may spell the name, and nobody is left to use the account.
    for account_id, in Account.select(Account.id).where(Account.person == person).tuples():
        Invitation.update(revoked_at=now).where((Invitation.account == account_id) & Invitation.used_at.is_null()
                                                & Invitation.revoked_at.is_null()).execute()
        Account.update(login=f"~udaleno-{account_id}", is_active=False, password_hash="",
                       session_version=Account.session_version + 1).where(Account.id == account_id).execute()


def destroy_due(today: date | None = None) -> int:
    """The command behind `flask destroy-due`: everything past its deadline, each with an audit record.

    Returns how many withdrawals were closed; rows not yet due stay on the list, unless the same
    person's data went with a due one.
    """
    today = today or date.today()
    due = (ConsentWithdrawal.select(ConsentWithdrawal.id, ConsentDocument.school).join(Consent)
           .join(ConsentDocument)
           .where(ConsentWithdrawal.destroyed_at.is_null() & (ConsentWithdrawal.destruction_due_on <= today)
                  & (ConsentDocument.kind != "dissemination"))
           .order_by(ConsentWithdrawal.destruction_due_on, ConsentWithdrawal.id).tuples())
    count = 0
    for withdrawal_id, school_id in list(due):
        with atomic_write():
            withdrawal = (_withdrawals(school_id).where((ConsentWithdrawal.id == withdrawal_id)
                                                        & ConsentWithdrawal.destroyed_at.is_null()).first())
            if withdrawal is not None:  # an earlier row of the same person may have closed it
                count += _destroy(None, withdrawal, "")
    return count
