"""Participants' proposals to the administration (s6, s8, s9): written by mentors, mentees, parents for their child
and staff; answered by the coordinator (new → under review → accepted / declined) with a notification; published to
every participant only with the author's agreement; counted on the dashboard."""
import re
from datetime import date
from io import BytesIO

import pytest

from portal.models import AuditEvent, Guardianship, ImprovementProposal, MentoringFormat, Notification, StoredFile
from portal.models.base import utcnow
from portal.services import ServiceError, uploads, voice
from portal.services.staff import scope_for
from tests.conftest import error_messages, field_errors
from tests.dashboard.test_dashboard import number
from tests.querycount import count_queries

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MINOR = date(date.today().year - 12, 3, 1)


def _format(school, name="Учитель – учитель"):
    return MentoringFormat.get((MentoringFormat.school == school) & (MentoringFormat.name == name))


def _write(client, text="Проводить встречи пар раз в месяц в библиотеке.", **fields):
    return client.post("/proposals/new", {"topic": "mentorship", "text": text, **fields})


def _coordinator(make_account):
    account = make_account("coordinator")
    return account, scope_for(account)


def _switch(client):
    """Log out, and open the login page for a fresh token (logging out ends the session and its token)."""
    client.post("/logout")
    client.get("/login")


def _only() -> ImprovementProposal:
    proposal, = ImprovementProposal.select()
    return proposal


# --- writing ---------------------------------------------------------------------------------------------------

@pytest.mark.clause("s6")
def test_a_mentor_proposes_and_reads_the_coordinators_answer_with_a_notification(client, school, login_as, login,
                                                                                 make_account):
    mentor = login_as("mentor")
    coordinator, scope = _coordinator(make_account)
    fmt = _format(school)
    response = _write(client, mentoring_format=str(fmt.id))
    assert response.status_code == 303
    proposal = _only()
    assert (proposal.author_id, proposal.author_role, proposal.status, proposal.mentoring_format_id) == (
        mentor.person_id, "mentor", "new", fmt.id)
    # The school's coordinators (the first one, made with the school, and this one) are asked to review it.
    asked = Notification.select().where(Notification.kind == "improvement.submitted")
    assert coordinator.person_id in {n.person_id for n in asked} and len(asked) == 2
    assert mentor.person_id not in {n.person_id for n in asked}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Проводить встречи пар" in page and "новое" in page and "Учитель – учитель" in page

    voice.change_state(scope, proposal.id, "review")
    voice.change_state(scope, proposal.id, "accept", "Спасибо! Со следующего месяца так и сделаем.")

    told, = Notification.select().where(Notification.kind == "improvement.answered")
    assert told.person_id == mentor.person_id and told.details.startswith("Принято: ")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Ответ координатора" in page and "так и сделаем" in page and "принято" in page
    assert "так и сделаем" in client.get("/proposals/").get_data(as_text=True)
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.object_type == "ImprovementProposal")
               .order_by(AuditEvent.id)]
    assert actions == ["improvement.submitted", "improvement.review", "improvement.accept"]


@pytest.mark.clause("s8")
def test_a_mentee_proposes_and_a_declined_answer_reaches_them(client, school, login_as, make_account):
    mentee = login_as("mentee")
    _, scope = _coordinator(make_account)
    assert _write(client, text="Добавить встречи онлайн для тех, кто болеет.").status_code == 303
    proposal = _only()
    assert proposal.author_role == "mentee"

    voice.change_state(scope, proposal.id, "decline", "Онлайн-встречи уже разрешены программой.")

    assert Notification.get(Notification.kind == "improvement.answered").person_id == mentee.person_id
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "отклонено" in page and "Онлайн-встречи уже разрешены" in page


@pytest.mark.clause("s8")
def test_a_parent_proposes_for_their_child_and_both_see_who_acted(client, school, login_as, login, make_account,
                                                                  make_person):
    child_account = make_account("mentee", person=make_person(birth_date=MINOR, surname="Соколов", first_name="Илья",
                                                              patronymic="Андреевич"))
    parent = login_as("parent", person=make_person(kind="parent", sex="f", birth_date=date(1984, 1, 1),
                                                   surname="Соколова", first_name="Мария", patronymic="Петровна"))
    Guardianship.create(parent=parent.person_id, child=child_account.person_id, confirmed_at=utcnow())
    stranger = make_person(birth_date=MINOR)

    form = client.get("/proposals/new").get_data(as_text=True)
    assert "За кого из детей вы пишете" in form and "Соколов Илья Андреевич" in form
    # Someone else's child, or none, is refused beside the field, and nothing is saved.
    for child in ("", str(stranger.id)):
        response = _write(client, child=child)
        assert response.status_code == 422
        assert field_errors(response, "child") == ["Выберите ребёнка, за которого пишете предложение."]
    assert ImprovementProposal.select().count() == 0

    assert _write(client, child=str(child_account.person_id)).status_code == 303
    proposal = _only()
    assert (proposal.author_id, proposal.on_behalf_of_id, proposal.author_role) == (
        parent.person_id, child_account.person_id, "parent")
    audit = AuditEvent.get(AuditEvent.action == "improvement.submitted")
    assert audit.actor_id == parent.person_id and audit.details_dict["child"] == child_account.person_id

    # The child reads the proposal made for them, and sees their mother made it.
    _switch(client)
    login(child_account.login)
    listing = client.get("/proposals/").get_data(as_text=True)
    assert "Родитель (Соколова М. П.) за ученика Соколова И. А." in listing
    page = client.get(f"/proposals/{proposal.id}")
    assert page.status_code == 200 and "Соколова М. П." in page.get_data(as_text=True)
    # Only the author gives or takes back the agreement to publish.
    assert 'id="agreement"' not in page.get_data(as_text=True)
    assert client.post(f"/proposals/{proposal.id}/agreement", {"agreed": "y"}).status_code == 404


@pytest.mark.clause("s9")
def test_staff_propose_on_the_schools_development(client, school, login_as):
    curator = login_as("curator")
    assert _write(client, topic="school", text="Открыть в школе клуб наставников-старшеклассников.").status_code == 303
    proposal = _only()
    assert (proposal.author_id, proposal.author_role, proposal.topic) == (curator.person_id, "curator", "school")
    assert "Развитие школы" in client.get("/proposals/").get_data(as_text=True)


@pytest.mark.quality("validation")
def test_bad_input_is_refused_beside_the_field_and_nothing_is_saved(client, school, login_as, make_account):
    login_as("mentor")
    _, scope = _coordinator(make_account)
    files, items = StoredFile.select().count(), Notification.select().count()
    cases = [
        ({"topic": "", "text": "Текст"}, "topic", "Выберите, о чём предложение."),
        ({"topic": "weather", "text": "Текст"}, "topic", "Выберите, о чём предложение."),
        ({"topic": "school", "text": "   "}, "text", "Напишите, что вы предлагаете."),
        ({"topic": "school", "text": "x" * (voice.MAX_TEXT + 1)}, "text", f"Не длиннее {voice.MAX_TEXT} символов."),
        ({"topic": "school", "text": "Текст", "mentoring_format": "999999"}, "mentoring_format",
         "Выберите форму наставничества из списка."),
        ({"topic": "school", "text": "Текст", "file": (BytesIO(b"#!/bin/sh\nrm -rf /\n"), "script.pdf")}, "file",
         None),
    ]
    for data, field, message in cases:
        response = client.post("/proposals/new", data)
        assert response.status_code == 422, data
        errors = field_errors(response, field)
        assert errors and (message is None or errors == [message]), (field, errors)
        assert errors[0].startswith("Этот файл не подходит") if field == "file" else True
    assert ImprovementProposal.select().count() == 0 and StoredFile.select().count() == files
    assert Notification.select().count() == items

    # The coordinator's answer is required to accept or decline; a refused step changes nothing.
    proposal = voice.submit(scope.person, "coordinator", voice.ProposalData(topic="school", text="Текст"))
    with pytest.raises(ServiceError) as refused:
        voice.change_state(scope, proposal.id, "accept", "  ")
    assert refused.value.field == "answer"
    with pytest.raises(ServiceError):
        voice.change_state(scope, proposal.id, "publish")
    assert ImprovementProposal.get_by_id(proposal.id).status == "new"
    assert not AuditEvent.select().where(AuditEvent.action.startswith("improvement.a")).exists()


@pytest.mark.quality("validation")
def test_the_coordinators_empty_answer_is_shown_beside_the_field(client, school, login_as, make_person):
    login_as("coordinator")
    assert _write(client).status_code == 303
    proposal = _only()
    page = client.get(f"/proposals/{proposal.id}")
    assert "Рассмотрение" in page.get_data(as_text=True)
    response = client.post(f"/proposals/{proposal.id}/state", {"action": "accept", "answer": ""})
    assert response.status_code == 422
    assert field_errors(response, "answer") == ["Напишите ответ автору: его прочтёт автор."]
    assert ImprovementProposal.get_by_id(proposal.id).status == "new"
    response = client.post(f"/proposals/{proposal.id}/state", {"action": "decline", "answer": "Не в этом году."})
    assert response.status_code == 303
    again = client.post(f"/proposals/{proposal.id}/state", {"action": "accept", "answer": "Передумали."})
    assert again.status_code == 422
    assert error_messages(again) == ["Предложение уже отклонено."]
    assert ImprovementProposal.get_by_id(proposal.id).status == "declined"


# --- the attachment ---------------------------------------------------------------------------------------------

@pytest.mark.clause("s6")
def test_an_attachment_goes_with_the_proposal_and_opens_for_the_author_and_the_coordinator_only(
        client, school, login_as, login, make_account):
    mentor = login_as("mentor")
    response = _write(client, file=(BytesIO(PDF), "план клуба.pdf"))
    assert response.status_code == 303
    proposal = _only()
    assert proposal.attachment.kind == "pdf" and proposal.attachment.name == "план клуба.pdf"
    download = client.get(f"/proposals/{proposal.id}/file")
    assert download.status_code == 200 and download.get_data() == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert AuditEvent.get(AuditEvent.action == "improvement.file_downloaded").actor_id == mentor.person_id

    for role, status in (("curator", 404), ("mentor", 404), ("coordinator", 200)):
        _switch(client)
        login(make_account(role).login)
        assert client.get(f"/proposals/{proposal.id}/file").status_code == status, role
        assert client.get(f"/proposals/{proposal.id}").status_code == status, role


# --- publishing -------------------------------------------------------------------------------------------------

@pytest.mark.clause("s9")
def test_an_accepted_proposal_is_published_only_with_the_authors_agreement(client, school, login_as, login,
                                                                          make_account):
    author = login_as("mentor")
    _, scope = _coordinator(make_account)
    assert _write(client, topic="school", text="Создать доску почёта наставников в холле.").status_code == 303
    proposal = _only()
    voice.change_state(scope, proposal.id, "accept", "Сделаем к весне.")
    with pytest.raises(ServiceError, match="Автор не согласился на публикацию"):
        voice.change_state(scope, proposal.id, "publish")

    # The author agrees afterwards (the checkbox on the proposal's page), and the coordinator publishes.
    assert client.post(f"/proposals/{proposal.id}/agreement", {"agreed": "y"}).status_code == 303
    voice.change_state(scope, proposal.id, "publish")
    reader = make_account("mentee")
    _switch(client)
    login(reader.login)
    page = client.get("/proposals/published").get_data(as_text=True)
    assert "Создать доску почёта" in page and "Сделаем к весне." in page
    assert "Автор — наставник" in page and author.person.surname not in page

    # Taken back by the author, it leaves the page at once.
    _switch(client)
    login(author.login)
    assert client.post(f"/proposals/{proposal.id}/agreement", {}).status_code == 303
    assert ImprovementProposal.get_by_id(proposal.id).published_at is None
    assert "Создать доску почёта" not in client.get("/proposals/published").get_data(as_text=True)
    assert [e.action for e in AuditEvent.select().where(AuditEvent.action == "improvement.agreement")] == [
        "improvement.agreement"] * 2


@pytest.mark.clause("s9")
def test_the_written_agreement_lets_the_coordinator_publish_from_the_page(client, school, login_as, login):
    coordinator = login_as("coordinator")
    assert _write(client, topic="school", text="Летний лагерь наставников.", publish_agreed="y").status_code == 303
    proposal = _only()
    assert proposal.publish_agreed
    client.post(f"/proposals/{proposal.id}/state", {"action": "accept", "answer": "Принято."})
    assert "Опубликовать для всех участников" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert client.post(f"/proposals/{proposal.id}/state", {"action": "publish"}).status_code == 303
    assert "Летний лагерь наставников." in client.get("/proposals/published").get_data(as_text=True)
    assert coordinator.person_id == proposal.author_id


# --- the coordinator's list ---------------------------------------------------------------------------------------

@pytest.mark.clause("s9")
def test_the_coordinators_list_filters_by_state_form_and_topic(client, school, login_as, make_account):
    login_as("coordinator")
    mentor = make_account("mentor").person
    teachers, pupils = _format(school), _format(school, "Ученик – ученик")
    rows = [("mentorship", teachers, "Про учителей"), ("school", None, "Про школу"), ("mentorship", pupils, "Про учеников")]
    made = [voice.submit(mentor, "mentor", voice.ProposalData(topic=t, format_id=f and f.id, text=text))
            for t, f, text in rows]
    scope = scope_for(make_account("coordinator"))
    voice.change_state(scope, made[2].id, "review")

    def listed(query=""):
        html = client.get(f"/proposals/review{query}").get_data(as_text=True)
        return [text for _, _, text in rows if text in html]

    assert listed() == ["Про учителей", "Про школу", "Про учеников"]
    assert listed("?state=review") == ["Про учеников"]
    assert listed(f"?format={teachers.id}") == ["Про учителей"]
    assert listed("?topic=school") == ["Про школу"]
    assert listed("?state=junk&format=x&topic=%00") == ["Про учителей", "Про школу", "Про учеников"]
    html = client.get("/proposals/review").get_data(as_text=True)
    assert re.search(r'data-count="new">2<', html) and re.search(r'data-count="review">1<', html)
    fragment = client.get("/proposals/review?state=new", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="proposal-rows">') and "<html" not in fragment


@pytest.mark.quality("query count")
def test_the_pages_cost_the_same_whatever_the_number_of_proposals(client, school, login_as, make_account):
    coordinator = login_as("coordinator")
    writers = [make_account("mentor").person, make_account("parent").person]
    counts = []
    for extra in (1, 6):
        for i in range(extra):
            proposal = voice.submit(writers[i % 2] if i % 2 == 0 else coordinator.person,
                                    "mentor" if i % 2 == 0 else "coordinator",
                                    voice.ProposalData(topic="school", text=f"Предложение {i}",
                                                       format_id=_format(school).id, publish_agreed=True))
            voice.change_state(scope_for(coordinator), proposal.id, "accept", "Да.")
            voice.change_state(scope_for(coordinator), proposal.id, "publish")
        for url in ("/proposals/review", "/proposals/", "/proposals/published", "/coordinator/dashboard"):
            with count_queries() as queries:
                assert client.get(url).status_code == 200
            counts.append((url, len(queries)))
    assert counts[:4] == counts[4:]


# --- the dashboard ------------------------------------------------------------------------------------------------

@pytest.mark.clause("s9")
def test_the_dashboard_counts_proposals_by_state_and_opens_the_list(client, school, login_as, make_account):
    login_as("coordinator")
    mentor = make_account("mentor").person
    scope = scope_for(make_account("coordinator"))
    made = [voice.submit(mentor, "mentor", voice.ProposalData(topic="school", text=f"Текст {i}")) for i in range(4)]
    voice.change_state(scope, made[0].id, "review")
    voice.change_state(scope, made[1].id, "accept", "Да.")
    voice.change_state(scope, made[2].id, "decline", "Нет.")
    html = client.get("/coordinator/dashboard").get_data(as_text=True)
    assert [number(html, f"improvements_{code}") for code in ("new", "review", "accepted", "declined")] == [1, 1, 1, 1]
    listing = client.get("/coordinator/dashboard/list/improvements_accepted").get_data(as_text=True)
    assert mentor.full_name in listing and "развитие школы" in listing


# --- fixes: refusals in Russian, the upload's audit, publishing against a withdrawn agreement, an erased file ------

@pytest.mark.quality("language")
def test_a_step_the_state_does_not_allow_is_refused_in_plain_russian(client, school, login_as, make_account):
    login_as("mentor")
    _, scope = _coordinator(make_account)
    assert _write(client).status_code == 303
    proposal = _only()
    with pytest.raises(ServiceError) as refused:
        voice.change_state(scope, proposal.id, "publish")
    assert str(refused.value) == "Опубликовать можно только принятое предложение."
    with pytest.raises(ServiceError) as refused:
        voice.change_state(scope, proposal.id, "unpublish")
    assert str(refused.value) == "Снять с публикации можно только опубликованное предложение."
    voice.change_state(scope, proposal.id, "review")
    with pytest.raises(ServiceError) as refused:
        voice.change_state(scope, proposal.id, "review")
    assert str(refused.value) == "Предложение уже рассматривается."
    voice.change_state(scope, proposal.id, "decline", "Не в этом году.")
    for action in ("review", "accept", "decline"):
        with pytest.raises(ServiceError) as refused:
            voice.change_state(scope, proposal.id, action, "Ответ.")
        assert str(refused.value) == "Предложение уже отклонено.", action


@pytest.mark.quality("security")
def test_the_attachments_upload_is_audited_with_its_purpose_and_ip(client, school, login_as):
    login_as("mentor")
    assert _write(client, file=(BytesIO(PDF), "план клуба.pdf")).status_code == 303
    uploaded = AuditEvent.get(AuditEvent.action == "file.uploaded")
    assert uploaded.details_dict["purpose"] == "proposal" and uploaded.ip


@pytest.mark.quality("concurrency")
def test_publishing_is_refused_when_the_author_has_just_withdrawn_agreement(client, school, login_as, make_account,
                                                                           monkeypatch):
    login_as("mentor")
    _, scope = _coordinator(make_account)
    assert _write(client, publish_agreed="y").status_code == 303
    proposal = _only()
    voice.change_state(scope, proposal.id, "accept", "Принято.")
    # The coordinator's page was loaded with the agreement given; the author takes it back before the click lands.
    loaded = voice.readable(scope.person, proposal.id, is_coordinator=True)
    assert client.post(f"/proposals/{proposal.id}/agreement", {}).status_code == 303
    monkeypatch.setattr(voice, "readable", lambda *args, **kwargs: loaded)
    with pytest.raises(ServiceError, match="отозвал согласие"):
        voice.change_state(scope, proposal.id, "publish")
    assert ImprovementProposal.get_by_id(proposal.id).published_at is None


@pytest.mark.quality("privacy")
def test_an_erased_attachment_is_named_without_a_link(client, school, login_as):
    login_as("mentor")
    assert _write(client, file=(BytesIO(PDF), "план клуба.pdf")).status_code == 303
    proposal = _only()
    uploads.erase(proposal.attachment)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Файл уничтожен" in page and f"/proposals/{proposal.id}/file" not in page
