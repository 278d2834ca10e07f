"""Withdrawal and its effects (4.10, 4.11): out of the base, pairs suspended, data destroyed within 30 days,
the evidence of consent and withdrawal kept (DECISIONS.md, «Retention after withdrawal»)."""
from datetime import date, timedelta

import pytest

from portal.formatting import ru_date
from portal.models import (
    AuditEvent, BaseMembership, BaseProposal, Consent, ConsentDocument, ConsentWithdrawal, Guardianship, Meeting,
    MembershipCategory, MentoringFormat, Mentorship, MentorshipMember, Notification, OutboxMail, Person, Proposal,
    SupportNote, SupportRequest,
)
from portal.models.base import utcnow
from portal.services import consent as consents
from portal.services import notifications, support
from tests.consent.test_gate import counted_queries, log_in_as, sign_for_child


def adult_with_consent(make_person, school, **fields) -> Person:
    """A mentor whose own consent is on file (signing screens are tested elsewhere)."""
    person = make_person(kind="staff", birth_date=date(1980, 2, 2), **fields)
    document = consents.current_documents(school.id)["adult_self"]
    Consent.create(document=document, subject=person, signer=person, text_sha256=document.sha256)
    return person


def pair(fmt, mentor, mentee, status) -> Mentorship:
    mentorship = Mentorship.create(mentoring_format=fmt, mentor=mentor, status=status)
    MentorshipMember.create(mentorship=mentorship, mentee=mentee)
    return mentorship


def status_of(row) -> str:
    return type(row).get_by_id(row.id).status


def withdraw(client, consent: Consent):
    client.get(f"/consent/signed/{consent.id}/withdraw")
    response = client.post(f"/consent/signed/{consent.id}/withdraw")
    assert response.status_code == 303


def consent_of(child, kind) -> Consent:
    return (Consent.select().join(ConsentDocument)
            .where((Consent.subject == child) & (ConsentDocument.kind == kind)).order_by(Consent.id.desc()).get())


@pytest.fixture
def coordinator(make_account):
    return make_account("coordinator")


@pytest.fixture
def world(client, signed_in_parent, make_person, school):
    """The child is a signed-up mentee in an active pair, a pair being formed and an open proposal,
    and also a student mentor (parent_mentor) in a pair of another format."""
    child = signed_in_parent["child"]
    fmt = signed_in_parent["format"]
    other_fmt = MentoringFormat.of_school(school)[2]
    BaseMembership.create(mentoring_format=other_fmt, person=child, base="mentor")
    sign_for_child(client, child, "parent_mentee")
    sign_for_child(client, child, "parent_mentor")
    mentor, second_mentor = adult_with_consent(make_person, school), adult_with_consent(make_person, school)
    junior = make_person(kind="student", birth_date=date(date.today().year - 9, 1, 1))
    return {**signed_in_parent, "other_format": other_fmt,
            "active": pair(fmt, mentor, child, "active"),
            "forming": pair(fmt, second_mentor, child, "chosen"),
            "as_mentor": pair(other_fmt, child, junior, "active"),
            "proposal": Proposal.create(mentoring_format=fmt, mentee=child, mentor=second_mentor),
            "mentor_membership": BaseMembership.get((BaseMembership.person == child)
                                                    & (BaseMembership.base == "mentor"))}


@pytest.mark.clause("4.10")
def test_withdrawing_the_mentee_consent_takes_effect_at_once(client, world):
    child = world["child"]
    withdraw(client, consent_of(child, "parent_mentee"))
    assert status_of(world["membership"]) == "left"
    assert status_of(world["active"]) == "suspended"
    assert status_of(world["forming"]) == "cancelled"
    assert status_of(world["proposal"]) == "withdrawn"
    assert not consents.may_take_part(child, "mentee")
    # The child's part as a mentor rests on the other consent and goes on.
    assert consents.may_take_part(child, "mentor")
    assert status_of(world["as_mentor"]) == "active"
    assert status_of(world["mentor_membership"]) == "active"


@pytest.mark.clause("4.10")
def test_the_parent_sees_what_a_withdrawal_will_do_before_confirming(client, world):
    consent = consent_of(world["child"], "parent_mentee")
    page = client.get(f"/consent/signed/{consent.id}/withdraw").get_data(as_text=True)
    assert "выбывает из базы наставляемых" in page
    assert "пара приостанавливается" in page and "пара отменяется" in page
    assert "базы наставников" not in page  # the mentor side is not touched


@pytest.mark.clause("4.10")
def test_signing_again_resumes_the_suspended_pair(client, world):
    child = world["child"]
    withdraw(client, consent_of(child, "parent_mentee"))
    assert status_of(world["active"]) == "suspended"
    sign_for_child(client, child, "parent_mentee")
    assert status_of(world["active"]) == "active"
    assert status_of(world["membership"]) == "active"
    assert status_of(world["forming"]) == "cancelled"  # a cancelled pair stays cancelled
    assert AuditEvent.select().where(AuditEvent.action == "mentorship.resumed").count() == 1


@pytest.mark.clause("4.11")
def test_the_destruction_list_shows_the_withdrawal_with_its_deadline(client, login, world, coordinator, today):
    child = world["child"]
    withdraw(client, consent_of(child, "parent_mentee"))
    log_in_as(client, login, coordinator)
    page = client.get("/coordinator/destruction")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    withdrawal = ConsentWithdrawal.get()
    row = html.split(f'id="withdrawal-{withdrawal.id}"')[1].split("</tr>")[0]
    assert child.full_name in row
    assert "(наставляемый)" in row
    assert "Иванова Ольга Николаевна" in row  # who withdrew
    assert ru_date(today + timedelta(days=30)) in row
    assert "осталось 30 дней" in row and "overdue" not in row
    # The child still takes part as a mentor, so the name stays and only the mentee side goes.
    assert "ФИО сохраняется" in row


@pytest.mark.clause("4.11")
def test_an_overdue_withdrawal_is_marked_red(client, login, world, coordinator, today):
    withdraw(client, consent_of(world["child"], "parent_mentee"))
    ConsentWithdrawal.update(destruction_due_on=today - timedelta(days=2)).execute()
    log_in_as(client, login, coordinator)
    html = client.get("/coordinator/destruction").get_data(as_text=True)
    assert 'class="overdue"' in html and "просрочено на 2 дня" in html
    assert "status-cancelled" in html


@pytest.mark.clause("4.11")
def test_destroying_pseudonymises_the_person_and_keeps_the_evidence(client, login, signed_in_parent, make_person,
                                                                     make_account, coordinator, school):
    child, fmt = signed_in_parent["child"], signed_in_parent["format"]
    membership = signed_in_parent["membership"]
    BaseMembership.update(needs="трудно с математикой после болезни").where(
        BaseMembership.id == membership.id).execute()
    MembershipCategory.create(membership=membership, code="disability")
    MembershipCategory.create(membership=membership, code="hardship")
    sign_for_child(client, child, "parent_mentee")
    mentorship = pair(fmt, adult_with_consent(make_person, school), child, "active")
    meeting = Meeting.create(mentorship=mentorship, stage="first", held_on=date.today(), topic="Знакомство",
                             notes="Пётр рассказал о семье")
    # What the inboxes say about the pair and the child, and what the child's own inbox and mail hold.
    about_pair = notifications.notify([mentorship.mentor_id], "meeting.disputed", obj=mentorship,
                                      details="Иванов П.: «встречи не было, я болел»")[0]
    own = notifications.notify([child], "meeting.to_confirm", obj=mentorship)[0]
    OutboxMail.create(school=school, person=child, notification=own)
    # A class teacher's proposal of the child (4.5), still waiting for the curator, and its inbox item.
    proposal = BaseProposal.create(mentoring_format=fmt, person=child, base="mentee", category="low_results",
                                   note="Пётр после болезни отстаёт")
    about_proposal = notifications.notify([coordinator.person_id], "base_proposal.made", obj=proposal,
                                          details=child.full_name)[0]
    consent = consent_of(child, "parent_mentee")
    withdraw(client, consent)
    withdrawal = ConsentWithdrawal.get()

    log_in_as(client, login, coordinator)
    confirm = client.get(f"/coordinator/destruction/{withdrawal.id}")
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Уничтожить данные?" in text
    assert "Будет уничтожено" in text and "Останется как доказательство" in text
    assert child.full_name in text
    assert Person.get_by_id(child.id).surname == "Иванов"  # nothing happens on GET

    response = client.post(f"/coordinator/destruction/{withdrawal.id}")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"«Участник №{child.id}»" in page
    assert f'id="withdrawal-{withdrawal.id}"' not in page and "Пётр" not in page

    person = Person.get_by_id(child.id)
    assert (person.surname, person.first_name, person.patronymic) == (f"Участник №{child.id}", "", "")
    assert person.destroyed_at is not None
    assert MembershipCategory.select().count() == 0
    assert BaseMembership.get_by_id(membership.id).needs == ""
    assert Meeting.get_by_id(meeting.id).notes == "" and Meeting.get_by_id(meeting.id).held_on == date.today()
    kept = Consent.get_by_id(consent.id)  # the evidence stays, without the identity details
    assert (kept.text_sha256, kept.signed_at, kept.ip) == (consent.text_sha256, consent.signed_at, consent.ip)
    assert (kept.identity_document, kept.address, kept.subject_document, kept.subject_address) == ("", "", "", "")
    assert ConsentWithdrawal.get_by_id(withdrawal.id).destroyed_at is not None
    event = AuditEvent.get(AuditEvent.action == "personal_data.destroyed")
    assert event.actor_id == coordinator.person_id and event.details_dict["subject"] == child.id
    assert status_of(mentorship) == "cancelled"  # a pair that can never resume
    assert Notification.get_by_id(about_pair.id).details == ""
    assert Notification.get_by_id(about_proposal.id).details == ""
    closed = BaseProposal.get_by_id(proposal.id)
    assert (closed.status, closed.category, closed.note) == ("declined", "", "")
    assert not Notification.select().where(Notification.person == child.id).exists()
    assert not OutboxMail.select().where(OutboxMail.person == child.id).exists()

    # The name is gone from every page that showed it: the roster, the person's card, the parent's home,
    # the curator's pairs.
    roster = client.get("/staff/people").get_data(as_text=True)
    assert "Пётр" not in roster
    assert "Пётр" not in client.get("/staff/people?q=Иванов").get_data(as_text=True)
    card = client.get(f"/staff/people/{child.id}").get_data(as_text=True)
    assert f"Участник №{child.id}" in card and "Пётр" not in card and "Петра" not in card
    log_in_as(client, login, signed_in_parent["parent"])
    home = client.get("/parent/").get_data(as_text=True)
    assert f"Участник №{child.id}" in home and "Пётр" not in home and "Петра" not in home
    log_in_as(client, login, make_account("curator"))
    curator_home = client.get("/curator/").get_data(as_text=True)
    assert f"Участник №{child.id}" in curator_home and "Иванов П." not in curator_home


@pytest.mark.clause("4.11")
def test_a_destroyed_persons_account_no_longer_opens(client, login, signed_in_parent, make_account, coordinator):
    child = signed_in_parent["child"]
    account = make_account("mentee", person=child, login="ivanov.petr")
    sign_for_child(client, child, "parent_mentee")
    withdraw(client, consent_of(child, "parent_mentee"))
    consents.destroy(coordinator.person, ConsentWithdrawal.get().id, child.school_id)
    client.post("/logout")
    client.get("/login")
    response = client.post("/login", {"login": "ivanov.petr", "password": "correct horse battery"})
    assert response.status_code == 422
    assert type(account).get_by_id(account.id).login != "ivanov.petr"


@pytest.mark.clause("4.11")
def test_a_person_still_taking_part_keeps_their_name(client, login, world, coordinator):
    child = world["child"]
    mentee_side = world["membership"]
    MembershipCategory.create(membership=mentee_side, code="behaviour")
    MembershipCategory.create(membership=world["mentor_membership"], code="student")
    withdraw(client, consent_of(child, "parent_mentee"))
    log_in_as(client, login, coordinator)
    withdrawal = ConsentWithdrawal.get()
    assert client.post(f"/coordinator/destruction/{withdrawal.id}").status_code == 303
    person = Person.get_by_id(child.id)
    assert person.surname == "Иванов" and person.destroyed_at is None
    codes = [c.code for c in MembershipCategory.select()]
    assert codes == ["student"]  # the mentor side, still under a valid consent, keeps its category
    assert consent_of(child, "parent_mentee").identity_document == ""
    assert consent_of(child, "parent_mentor").identity_document != ""
    assert consents.may_take_part(child, "mentor")


@pytest.mark.quality("idempotency")
def test_a_second_click_destroys_once(client, login, signed_in_parent, coordinator):
    child = signed_in_parent["child"]
    sign_for_child(client, child, "parent_mentee")
    withdraw(client, consent_of(child, "parent_mentee"))
    log_in_as(client, login, coordinator)
    withdrawal = ConsentWithdrawal.get()
    client.get(f"/coordinator/destruction/{withdrawal.id}")
    assert client.post(f"/coordinator/destruction/{withdrawal.id}").status_code == 303
    assert client.post(f"/coordinator/destruction/{withdrawal.id}").status_code == 303
    assert AuditEvent.select().where(AuditEvent.action == "personal_data.destroyed").count() == 1
    assert client.get(f"/coordinator/destruction/{withdrawal.id}").status_code == 404


def _withdrawn_child(client, signed_in_parent, make_person, name):
    child = make_person(kind="student", surname=name, birth_date=signed_in_parent["child"].birth_date)
    Guardianship.create(parent=signed_in_parent["parent"].person, child=child, confirmed_at=utcnow())
    sign_for_child(client, child, "parent_mentee")
    withdraw(client, consent_of(child, "parent_mentee"))
    return child, ConsentWithdrawal.get(ConsentWithdrawal.consent == consent_of(child, "parent_mentee"))


@pytest.mark.clause("4.11")
def test_destroy_due_takes_only_what_is_due(app, client, signed_in_parent, make_person, today):
    due_child, due = _withdrawn_child(client, signed_in_parent, make_person, "Сроков")
    waiting_child, waiting = _withdrawn_child(client, signed_in_parent, make_person, "Ждунов")
    ConsentWithdrawal.update(destruction_due_on=today).where(ConsentWithdrawal.id == due.id).execute()

    result = app.test_cli_runner().invoke(args=["destroy-due"])
    assert result.exit_code == 0, result.output
    assert "Уничтожены персональные данные по 1 отозванному согласию." in result.output
    assert Person.get_by_id(due_child.id).destroyed_at is not None
    assert Person.get_by_id(waiting_child.id).surname.startswith("Ждунов")
    assert ConsentWithdrawal.get_by_id(waiting.id).destroyed_at is None
    assert [w.id for w in consents.destruction_list(due_child.school_id)] == [waiting.id]
    event = AuditEvent.get(AuditEvent.action == "personal_data.destroyed")
    assert event.actor_id is None and event.object_id == due.id

    again = app.test_cli_runner().invoke(args=["destroy-due"])
    assert "Уничтожать нечего" in again.output
    assert consents.destroy_due(today + timedelta(days=30)) == 1
    assert Person.get_by_id(waiting_child.id).destroyed_at is not None


@pytest.mark.quality("access")
def test_a_curator_may_not_see_or_destroy(client, login, login_as, signed_in_parent, make_account):
    child = signed_in_parent["child"]
    sign_for_child(client, child, "parent_mentee")
    withdraw(client, consent_of(child, "parent_mentee"))
    withdrawal = ConsentWithdrawal.get()
    log_in_as(client, login, make_account("curator"))
    assert client.get("/coordinator/destruction").status_code == 403
    assert client.get(f"/coordinator/destruction/{withdrawal.id}").status_code == 403
    assert client.post(f"/coordinator/destruction/{withdrawal.id}").status_code == 403
    assert Person.get_by_id(child.id).destroyed_at is None
    with pytest.raises(consents.NotAllowed):
        consents.destroy(make_account("curator").person, withdrawal.id, child.school_id)


@pytest.mark.quality("access")
def test_another_schools_withdrawal_is_not_found(client, login, coordinator, other_school, today):
    stranger = Person.create(school=other_school, kind="staff", surname="Чужой", first_name="Олег", sex="m",
                             birth_date=date(1980, 1, 1))
    document = consents.current_documents(other_school.id)["adult_self"]
    consent = Consent.create(document=document, subject=stranger, signer=stranger, text_sha256=document.sha256)
    withdrawal = ConsentWithdrawal.create(consent=consent, withdrawn_by=stranger,
                                          destruction_due_on=today + timedelta(days=30))
    log_in_as(client, login, coordinator)
    assert "Чужой" not in client.get("/coordinator/destruction").get_data(as_text=True)
    assert client.get(f"/coordinator/destruction/{withdrawal.id}").status_code == 404
    client.get("/coordinator/destruction")
    assert client.post(f"/coordinator/destruction/{withdrawal.id}").status_code == 404
    assert Person.get_by_id(stranger.id).surname == "Чужой"
    assert client.get("/coordinator/destruction/999999").status_code == 404


@pytest.mark.quality("query count")
def test_the_list_costs_the_same_queries_however_long(client, login, signed_in_parent, make_person, coordinator):
    _withdrawn_child(client, signed_in_parent, make_person, "Первов")
    log_in_as(client, login, coordinator)
    with counted_queries() as one:
        assert client.get("/coordinator/destruction").status_code == 200
    log_in_as(client, login, signed_in_parent["parent"])
    for name in ("Второв", "Третьев", "Четвертов"):
        _withdrawn_child(client, signed_in_parent, make_person, name)
    log_in_as(client, login, coordinator)
    with counted_queries() as four:
        html = client.get("/coordinator/destruction").get_data(as_text=True)
    assert html.count('id="withdrawal-') == 4
    assert len(four) == len(one)


@pytest.mark.quality("csrf")
def test_destroying_without_the_csrf_token_is_refused(client, login, signed_in_parent, coordinator):
    child = signed_in_parent["child"]
    sign_for_child(client, child, "parent_mentee")
    withdraw(client, consent_of(child, "parent_mentee"))
    log_in_as(client, login, coordinator)
    response = client.post(f"/coordinator/destruction/{ConsentWithdrawal.get().id}", csrf=False)
    assert response.status_code == 400
    assert Person.get_by_id(child.id).destroyed_at is None


@pytest.mark.clause("4.11")
def test_a_minor_cannot_withdraw_or_read_the_parents_consent(client, login, signed_in_parent, make_account):
    """The parent decides for a minor; the consent's PDF also carries the parent's passport."""
    child = signed_in_parent["child"]
    sign_for_child(client, child, "parent_mentee")
    consent = consent_of(child, "parent_mentee")
    log_in_as(client, login, make_account("mentee", person=child))
    assert client.get(f"/consent/signed/{consent.id}").status_code == 404
    assert client.get(f"/consent/signed/{consent.id}/pdf").status_code == 404
    assert client.get(f"/consent/signed/{consent.id}/withdraw").status_code == 404
    assert client.post(f"/consent/signed/{consent.id}/withdraw").status_code == 404
    assert ConsentWithdrawal.select().count() == 0
    assert consents.may_take_part(child, "mentee")


@pytest.mark.clause("4.11")
def test_destroying_erases_the_proposals_written_for_the_person_and_their_file(client, login, signed_in_parent,
                                                                               coordinator, school):
    """A parent's proposal for the child (s8) carries the child's story: its text, answer and file go, and it
    leaves the published page; the row stays for the counts."""
    from portal.models import ImprovementProposal, StoredFile
    from portal.services import uploads
    child, parent = signed_in_parent["child"], signed_in_parent["parent"]
    scan = uploads.store(school.id, parent.person_id, "справка.pdf", b"%PDF-1.4\n")
    proposal = ImprovementProposal.create(
        school=school, author=parent.person_id, author_role="parent", on_behalf_of=child, topic="mentorship",
        text="Пётр после болезни просит встречи онлайн", attachment=scan, status="accepted",
        answer="Пётр может встречаться онлайн", publish_agreed=True, published_at=utcnow())
    about = notifications.notify([coordinator.person_id], "improvement.submitted", obj=proposal,
                                 details="Родитель наставляемого: Пётр")[0]
    sign_for_child(client, child, "parent_mentee")
    withdraw(client, consent_of(child, "parent_mentee"))
    log_in_as(client, login, coordinator)
    assert client.post(f"/coordinator/destruction/{ConsentWithdrawal.get().id}").status_code == 303

    erased = ImprovementProposal.get_by_id(proposal.id)
    assert (erased.text, erased.answer, erased.publish_agreed, erased.published_at) == ("", "", False, None)
    assert StoredFile.get_by_id(scan.id).name == "уничтожен.pdf"
    with pytest.raises(uploads.Gone):
        uploads.read(StoredFile.get_by_id(scan.id))
    assert Notification.get_by_id(about.id).details == ""


@pytest.mark.quality("privacy")
def test_destroying_erases_the_persons_requests_for_support_and_keeps_their_count(client, signed_in_parent,
                                                                                   make_account, coordinator):
    child = signed_in_parent["child"]
    account = make_account("mentee", person=child, login="ivanov.petr")
    psychologist = make_account("psychologist")
    request = support.ask(account, None, "Боюсь отвечать у доски", "в школе")
    support.record_contact(psychologist, request.id, "Поговорили на перемене")
    sign_for_child(client, child, "parent_mentee")
    withdraw(client, consent_of(child, "parent_mentee"))
    consents.destroy(coordinator.person, ConsentWithdrawal.get().id, child.school_id)
    kept = SupportRequest.get_by_id(request.id)
    assert (kept.topic, kept.contact, kept.status) == ("", "", "closed")
    assert [n.text for n in SupportNote.select()] == [""]


@pytest.mark.quality("privacy")
def test_destroying_erases_the_complaints_filed_for_the_person(client, signed_in_parent, make_person, coordinator,
                                                               school):
    """A parent's complaint for the child about the child's pair (s6, s8): the complaint, the mentor's explanation and
    the decision tell the child's story — they go, the row stays for the counts."""
    from portal.models import Complaint
    child, parent = signed_in_parent["child"], signed_in_parent["parent"]
    about = pair(signed_in_parent["format"], make_person(kind="staff", birth_date=date(1980, 2, 2)), child, "active")
    complaint = Complaint.create(school=school, mentorship=about, filed_by=parent.person_id, filed_as="parent",
                                 on_behalf_of=child, text="Пётр напрасно ждал наставника", status="decided",
                                 explanation="Пётр перепутал день", outcome="not_upheld", decision="Пётр ошибся")
    told = notifications.notify([about.mentor_id], "complaint.decided", obj=complaint, details="Пётр")[0]
    sign_for_child(client, child, "parent_mentee")
    withdraw(client, consent_of(child, "parent_mentee"))
    consents.destroy(coordinator.person, ConsentWithdrawal.get().id, child.school_id)
    kept = Complaint.get_by_id(complaint.id)
    assert (kept.text, kept.explanation, kept.decision, kept.outcome) == ("", "", "", "not_upheld")
    assert Notification.get_by_id(told.id).details == ""


@pytest.mark.quality("privacy")
def test_destroying_blanks_the_answer_and_the_files_name_in_the_audit_trail(client, login, signed_in_parent,
                                                                           coordinator, school):
    """The audit records of the proposal stay as evidence, but no longer quote the coordinator's answer about the
    child nor the name of the file that was erased."""
    from portal.models import ImprovementProposal
    from portal.services import uploads, voice
    from portal.services.staff import scope_for
    child, parent = signed_in_parent["child"], signed_in_parent["parent"]
    scan = uploads.store(school.id, parent.person_id, "справка Петра.pdf", b"%PDF-1.4\n", purpose="proposal")
    proposal = ImprovementProposal.create(
        school=school, author=parent.person_id, author_role="parent", on_behalf_of=child, topic="mentorship",
        text="Пётр после болезни просит встречи онлайн", attachment=scan)
    voice.change_state(scope_for(coordinator), proposal.id, "accept", "Пётр может встречаться онлайн")
    voice.attachment(Person.get_by_id(coordinator.person_id), proposal.id, is_coordinator=True)
    trail = [e.details for e in AuditEvent.select()]
    assert any("справка Петра" in d for d in trail) and any("Пётр может" in d for d in trail)
    sign_for_child(client, child, "parent_mentee")
    withdraw(client, consent_of(child, "parent_mentee"))
    log_in_as(client, login, coordinator)
    assert client.post(f"/coordinator/destruction/{ConsentWithdrawal.get().id}").status_code == 303

    trail = [(e.action, e.details) for e in AuditEvent.select()]
    assert {"file.uploaded", "improvement.accept", "improvement.file_downloaded"} <= {a for a, _ in trail}
    assert not any("справка Петра" in d or "Пётр может" in d for _, d in trail)


@pytest.mark.quality("privacy")
def test_destroying_erases_the_certificate_and_the_parents_letter_naming_the_person(client, signed_in_parent,
                                                                                   coordinator, school):
    """A pupil placed in a school competition (s9): the reason written about them, their «Лучший наставник»
    certificate and the thank-you letter to their parent all name the child — they go; the batch skips them."""
    from portal.models import AwardDocument, Competition, IssuedDocument, Nomination
    from portal.services import NotAllowed as Refused
    from portal.services import ServiceError, recognition
    from portal.services.staff import scope_for
    child = signed_in_parent["child"]
    scope = scope_for(coordinator)
    competition = Competition.create(school=school, kind="mentor_of_year", year=date.today().year)
    row = Nomination.create(competition=competition, nominee=child, nominated_by=coordinator.person,
                            nominator_role="coordinator", reason="Пётр помогал пятиклассникам")
    recognition.decide(scope, competition.id, {row.id: 1})
    assert AwardDocument.select().count() == 2  # the certificate and the mother's letter
    sign_for_child(client, child, "parent_mentee")
    withdraw(client, consent_of(child, "parent_mentee"))
    consents.destroy(coordinator.person, ConsentWithdrawal.get().id, child.school_id)
    assert Nomination.get_by_id(row.id).reason == ""
    for document in IssuedDocument.select().where(IssuedDocument.kind.in_(("award", "thanks_letter"))):
        assert document.erased_at is not None and document.html == "" and document.pdf is None
        with pytest.raises(Refused):
            recognition.document_pdf(scope, document.id)
    with pytest.raises(ServiceError, match="уничтожены"):
        recognition.batch_pdf(scope, competition_id=competition.id)
    page_rows = recognition.documents(school.id, competition_id=competition.id)
    assert [r.erased for r in page_rows] == [True, True]
