"""Complaints about a pair's work and the assessment of a mentor's work (s6, s8): a mentee, a parent for their child,
a curator or the coordinator complains; the mentor reads every complaint about their pairs — the complainant's role,
the name only when allowed — and explains; the coordinator decides; the complainant and a minor's parents read the
decision. The mentor also reads their mentees' satisfaction, aggregated, where three or more answered."""
from datetime import date

import pytest

from portal.models import (
    Answer, AuditEvent, Complaint, Guardianship, MentoringFormat, Mentorship, MentorshipMember, MonitoringRound,
    Notification, Question, Questionnaire, Response,
)
from portal.models.base import utcnow
from portal.services import complaints
from portal.services.staff import scope_for
from tests.conftest import field_errors
from tests.querycount import count_queries

MINOR = date(date.today().year - 12, 3, 1)
PARENT_SURNAME = "Голубева"


def _switch(client):
    client.post("/logout")
    client.get("/login")


def _parent_of(make_account, make_person, child, surname=PARENT_SURNAME):
    """A confirmed parent of `child`, who is made a minor: a parent represents a minor only (s8)."""
    if not child.is_minor():
        child.birth_date = MINOR
        child.save()
    parent = make_account("parent", person=make_person(kind="parent", sex="f", birth_date=date(1980, 1, 1),
                                                       surname=surname))
    Guardianship.create(parent=parent.person_id, child=child.id, confirmed_at=utcnow())
    return parent


def _file(client, pair_key, text="Наставник трижды не пришёл на встречу.", **fields):
    return client.post("/complaints/new", {"pair": str(pair_key), "text": text, **fields})


def _coordinator(make_account):
    account = make_account("coordinator")
    return account, scope_for(account)


def _complaint(pair, filer, role="mentee", **fields) -> Complaint:
    return Complaint.create(school=pair["mentorship"].mentoring_format.school_id, mentorship=pair["mentorship"],
                            filed_by=filer, filed_as=role, text="Встречи срываются.", **fields)


# --- the whole way: a parent complains, the mentor explains without the parent's name, the coordinator decides ----

@pytest.mark.clause("s6")
@pytest.mark.clause("s8")
def test_a_parents_complaint_reaches_the_mentor_without_the_name_and_the_decision_reaches_the_parent(
        client, pair, login, make_account, make_person):
    mentee = pair["mentee"].person
    parent = _parent_of(make_account, make_person, mentee)
    coordinator, scope = _coordinator(make_account)
    login(parent.login)
    page = client.get("/complaints/new").get_data(as_text=True)
    key = f"{pair['mentorship'].id}-{mentee.id}"
    assert f'value="{key}"' in page
    assert _file(client, key).status_code == 303
    complaint, = Complaint.select()
    assert (complaint.filed_by_id, complaint.filed_as, complaint.on_behalf_of_id, complaint.name_shown,
            complaint.status) == (parent.person_id, "parent", mentee.id, False, "filed")
    told = {n.person_id: n for n in Notification.select().where(Notification.kind == "complaint.filed")}
    assert pair["mentor"].person_id in told and coordinator.person_id in told
    assert PARENT_SURNAME not in told[pair["mentor"].person_id].details

    _switch(client)
    login(pair["mentor"].login)
    for url in ("/complaints/my-work", f"/complaints/{complaint.id}", "/inbox/"):
        html = client.get(url).get_data(as_text=True)
        assert PARENT_SURNAME not in html, url
    work = client.get("/complaints/my-work").get_data(as_text=True)
    assert "Родитель наставляемого" in work and "трижды не пришёл" in work
    response = client.post(f"/complaints/{complaint.id}/explain", {"explanation": "Болел, встречи перенесены."})
    assert response.status_code == 303
    assert Complaint.get_by_id(complaint.id).status == "explained"
    explained, = Notification.select().where((Notification.kind == "complaint.explained")
                                             & (Notification.person == coordinator.person_id))

    complaints.decide(scope, complaint.id, "action_taken", "Встречи перенесены на субботу.")
    decided = {n.person_id for n in Notification.select().where(Notification.kind == "complaint.decided")}
    assert {parent.person_id, pair["mentor"].person_id} <= decided

    _switch(client)
    login(parent.login)
    html = client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert "приняты меры" in html and "перенесены на субботу" in html and "Болел" in html
    assert PARENT_SURNAME in html  # the complainant reads their own name
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.object_type == "Complaint").order_by(AuditEvent.id)]
    assert actions == ["complaint.filed", "complaint.explained", "complaint.decided"]


@pytest.mark.clause("s6")
def test_the_mentor_sees_the_name_only_when_the_complainant_allowed_it(client, pair, login):
    login(pair["mentee"].login)
    assert _file(client, pair["mentorship"].id, name_shown="y").status_code == 303
    complaint, = Complaint.select()
    assert complaint.name_shown and complaint.filed_as == "mentee"
    _switch(client)
    login(pair["mentor"].login)
    surname = pair["mentee"].person.surname
    assert surname in client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    Complaint.update(name_shown=False).execute()
    page = client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    # The pair's line names the mentor's own mentees; who complained is the role alone.
    assert "Наставляемый <span class=\"muted\">(имя скрыто)</span>" in page


@pytest.mark.clause("s6")
def test_another_mentor_and_another_parent_get_not_found(client, pair, login, make_account, make_person):
    complaint = _complaint(pair, pair["mentee"].person_id)
    stranger = make_account("mentor", person=make_person(kind="staff", birth_date=date(1970, 1, 1)))
    login(stranger.login)
    assert client.get(f"/complaints/{complaint.id}").status_code == 404
    assert client.post(f"/complaints/{complaint.id}/explain", {"explanation": "Не моё"}).status_code == 404
    assert "Встречи срываются" not in client.get("/complaints/my-work").get_data(as_text=True)
    _switch(client)
    other_parent = _parent_of(make_account, make_person, make_person(birth_date=MINOR), surname="Чужая")
    login(other_parent.login)
    assert client.get(f"/complaints/{complaint.id}").status_code == 404
    assert Complaint.get_by_id(complaint.id).explanation == ""


@pytest.mark.clause("s8")
def test_a_minors_own_complaint_is_visible_to_their_parent(client, pair, login, make_account, make_person):
    mentee = pair["mentee"].person
    mentee.birth_date = MINOR
    mentee.save()
    parent = _parent_of(make_account, make_person, mentee)
    complaint = _complaint(pair, mentee.id)
    login(parent.login)
    assert client.get(f"/complaints/{complaint.id}").status_code == 200
    assert "Встречи срываются" in client.get("/complaints/").get_data(as_text=True)
    _coordinator_scope = scope_for(make_account("coordinator"))
    complaints.decide(_coordinator_scope, complaint.id, "not_upheld", "Встречи шли по плану.")
    told = {n.person_id for n in Notification.select().where(Notification.kind == "complaint.decided")}
    assert {mentee.id, parent.person_id, pair["mentor"].person_id} == told


# --- bad input: a Russian message beside the field, nothing saved ------------------------------------------------

@pytest.mark.clause("s6")
def test_bad_complaints_are_refused_in_russian_and_nothing_is_saved(client, pair, login, make_account, make_person):
    login(pair["mentee"].login)
    response = _file(client, pair["mentorship"].id, text="   ")
    assert response.status_code == 422 and field_errors(response, "text") == ["Опишите, на что вы жалуетесь."]
    other = Mentorship.create(mentoring_format=pair["format"], mentor=make_person(kind="staff").id, status="active")
    MentorshipMember.create(mentorship=other, mentee=make_person().id)
    response = _file(client, other.id)
    assert response.status_code == 422 and field_errors(response, "pair") == ["Выберите пару из списка."]
    response = _file(client, pair["mentorship"].id, text="я" * (complaints.MAX_TEXT + 1))
    assert field_errors(response, "text") == [f"Не длиннее {complaints.MAX_TEXT} символов."]
    assert Complaint.select().count() == 0 and Notification.select().where(
        Notification.kind == "complaint.filed").count() == 0


@pytest.mark.clause("s6")
def test_bad_explanations_and_decisions_are_refused_in_russian(client, pair, login, make_account):
    complaint = _complaint(pair, pair["mentee"].person_id)
    login(pair["mentor"].login)
    response = client.post(f"/complaints/{complaint.id}/explain", {"explanation": ""})
    assert response.status_code == 422 and field_errors(response, "explanation") == ["Напишите объяснение."]
    _switch(client)
    coordinator, _ = _coordinator(make_account)
    login(coordinator.login)
    response = client.post(f"/complaints/{complaint.id}/decide", {"outcome": "", "decision": "Решено"})
    assert response.status_code == 422 and field_errors(response, "outcome") == ["Выберите решение."]
    response = client.post(f"/complaints/{complaint.id}/decide", {"outcome": "upheld", "decision": " "})
    assert field_errors(response, "decision") == ["Напишите решение: его прочтут заявитель и наставник."]
    assert Complaint.get_by_id(complaint.id).status == "filed"
    assert client.post(f"/complaints/{complaint.id}/decide",
                       {"outcome": "upheld", "decision": "Жалоба обоснована."}).status_code == 303
    response = client.post(f"/complaints/{complaint.id}/decide", {"outcome": "not_upheld", "decision": "Передумали"})
    assert "По жалобе уже принято решение." in response.get_data(as_text=True)
    assert Complaint.get_by_id(complaint.id).outcome == "upheld"


@pytest.mark.clause("s6")
def test_a_double_submit_files_one_complaint_and_tells_once(client, pair, login):
    """The form sent twice (a double click, a reload after a slow answer) is one complaint, not two for the
    mentor to explain and the coordinator to decide."""
    login(pair["mentee"].login)
    first = _file(client, pair["mentorship"].id)
    second = _file(client, pair["mentorship"].id)
    assert first.status_code == second.status_code == 303
    complaint, = Complaint.select()
    assert second.headers["Location"].endswith(f"/complaints/{complaint.id}")
    assert Notification.select().where((Notification.kind == "complaint.filed")
                                       & (Notification.person == pair["mentor"].person_id)).count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "complaint.filed").count() == 1
    # Another complaint about the same pair, in other words, is a complaint of its own.
    assert _file(client, pair["mentorship"].id, text="Наставник не отвечает на сообщения.").status_code == 303
    assert Complaint.select().count() == 2


@pytest.mark.clause("s6")
def test_an_explanation_after_the_decision_says_why_it_was_refused(client, pair, login, make_account):
    complaint = _complaint(pair, pair["mentee"].person_id)
    _, scope = _coordinator(make_account)
    complaints.decide(scope, complaint.id, "not_upheld", "Встречи шли по плану.")
    login(pair["mentor"].login)
    response = client.post(f"/complaints/{complaint.id}/explain", {"explanation": "Болел."})
    assert response.status_code == 422
    assert "По жалобе уже принято решение." in response.get_data(as_text=True)
    assert Complaint.get_by_id(complaint.id).explanation == ""


# --- the coordinator's and the curator's lists -------------------------------------------------------------

@pytest.mark.clause("s6")
def test_the_coordinator_filters_by_state_and_form_and_may_end_the_pair(client, pair, login, make_account, school):
    filed = _complaint(pair, pair["mentee"].person_id)
    decided = _complaint(pair, pair["mentee"].person_id, status="decided", outcome="upheld", decision="Да")
    coordinator, _ = _coordinator(make_account)
    login(coordinator.login)
    page = client.get("/complaints/review?state=filed").get_data(as_text=True)
    assert f"/complaints/{filed.id}\"" in page and f"/complaints/{decided.id}\"" not in page
    other = MentoringFormat.select().where((MentoringFormat.school == school)
                                           & (MentoringFormat.id != pair["format"].id)).first()
    page = client.get(f"/complaints/review?format={other.id}").get_data(as_text=True)
    assert "Жалоб с такими условиями нет." in page
    page = client.get(f"/complaints/{filed.id}").get_data(as_text=True)
    assert f"/staff/pairs/{pair['mentorship'].id}/end" in page


@pytest.mark.clause("s6")
def test_a_curator_sees_the_complaints_of_their_forms_only(client, pair, curator_of, school, make_person):
    complaint = _complaint(pair, pair["mentee"].person_id)
    other = MentoringFormat.select().where((MentoringFormat.school == school)
                                           & (MentoringFormat.id != pair["format"].id)).first()
    curator_of(other)
    assert client.get(f"/complaints/{complaint.id}").status_code == 404
    assert "Встречи срываются" not in client.get("/complaints/review").get_data(as_text=True)
    _switch(client)
    curator_of(pair["format"])
    assert "Встречи срываются" in client.get("/complaints/review").get_data(as_text=True)
    page = client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert "Встречи срываются" in page and "Принять решение" not in page


@pytest.mark.quality("query count")
def test_the_lists_cost_the_same_whatever_the_number_of_complaints(client, pair, login, make_account):
    coordinator, _ = _coordinator(make_account)

    def cost(url, account):
        _switch(client)
        login(account.login)
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _complaint(pair, pair["mentee"].person_id)
    one = {url: cost(url, account) for url, account in (("/complaints/my-work", pair["mentor"]),
                                                         ("/complaints/review", coordinator),
                                                         ("/complaints/", pair["mentee"]))}
    for _ in range(4):
        _complaint(pair, pair["mentee"].person_id)
    five = {url: cost(url, account) for url, account in (("/complaints/my-work", pair["mentor"]),
                                                          ("/complaints/review", coordinator),
                                                          ("/complaints/", pair["mentee"]))}
    assert one == five


# --- the mentees' satisfaction, aggregated, three answers or more -------------------------------------------

def _satisfied(pair, make_person, n):
    questionnaire = Questionnaire.select().where((Questionnaire.school == pair["format"].school_id)
                                                 & (Questionnaire.kind == "satisfaction")).first()
    question = Question.select().where((Question.questionnaire == questionnaire)
                                       & (Question.answer_type == "agree")).order_by(Question.position).first()
    for _ in range(n):
        response = Response.create(questionnaire=questionnaire, respondent=make_person().id,
                                   about=pair["mentor"].person_id, mentorship=pair["mentorship"])
        Answer.create(response=response, question=question, scale_value="agree")
    return question


@pytest.mark.clause("s6")
def test_the_mentor_reads_satisfaction_only_from_three_answers(client, pair, login, make_person):
    question = _satisfied(pair, make_person, 2)
    login(pair["mentor"].login)
    page = client.get("/complaints/my-work").get_data(as_text=True)
    assert question.text in page and "недостаточно ответов для показа" in page and "<svg" not in page
    _satisfied(pair, make_person, 1)
    page = client.get("/complaints/my-work").get_data(as_text=True)
    assert "недостаточно ответов для показа" not in page and "полностью согласен" in page


@pytest.mark.clause("s6")
def test_one_mentees_answers_over_three_rounds_stay_hidden_from_the_mentor(client, pair, login):
    """«Anonymous aggregates»: three answers of one mentee (three monitoring rounds) are that mentee's own view of
    the mentor, not an aggregate — the mentor does not read them."""
    questionnaire = Questionnaire.select().where((Questionnaire.school == pair["format"].school_id)
                                                 & (Questionnaire.kind == "satisfaction")).first()
    question = Question.select().where((Question.questionnaire == questionnaire)
                                       & (Question.answer_type == "agree")).order_by(Question.position).first()
    for _ in range(3):
        round_ = MonitoringRound.create(mentoring_format=pair["format"], kind="intermediate")
        response = Response.create(questionnaire=questionnaire, respondent=pair["mentee"].person_id,
                                   about=pair["mentor"].person_id, mentorship=pair["mentorship"],
                                   monitoring_round=round_)
        Answer.create(response=response, question=question, scale_value="disagree")
    login(pair["mentor"].login)
    page = client.get("/complaints/my-work").get_data(as_text=True)
    assert question.text in page and "недостаточно ответов для показа" in page
    assert "<svg" not in page and "совсем не согласен" not in page


@pytest.mark.clause("s8")
def test_the_export_holds_the_complaint_and_keeps_the_name_from_the_mentors(client, pair, login_as, make_account,
                                                                            make_person):
    """Subject access (152-ФЗ art. 14): the parent's and the child's exports name who filed; the mentor's does not."""
    from tests.staff.test_export import export_of
    mentee = pair["mentee"].person
    parent = _parent_of(make_account, make_person, mentee)
    complaints.file(parent.person, "parent", f"{pair['mentorship'].id}-{mentee.id}", "Встречи срываются", False)
    login_as("coordinator")
    for person in (parent.person, mentee):
        [row] = export_of(client, person)["complaints"]
        assert (row["filed_by"]["id"], row["for"]["id"], row["text"]) == (parent.person_id, mentee.id,
                                                                         "Встречи срываются")
    [row] = export_of(client, pair["mentor"].person)["complaints"]
    assert (row["filed_by"], row["for"], row["role"]) == (None, None, "родитель наставляемого")


@pytest.mark.clause("s8")
def test_the_coordinator_reads_who_acted_for_whom_and_a_grown_up_child_complains_alone(
        client, pair, login, make_account, make_person):
    """The parent acts for a minor (services.representation): the coordinator reads «Родитель (…) за ученика …»;
    once the child is 18 the parent is offered no pair, and a posted one files nothing."""
    mentee = pair["mentee"].person
    parent = _parent_of(make_account, make_person, mentee)
    coordinator, _ = _coordinator(make_account)
    key = f"{pair['mentorship'].id}-{mentee.id}"
    login(parent.login)
    assert _file(client, key).status_code == 303
    complaint, = Complaint.select()
    _switch(client)
    login(coordinator.login)
    page = client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    pupil = "ученицу" if mentee.sex == "f" else "ученика"
    assert f"Родитель ({parent.person.short_name}) за {pupil}" in page

    mentee.birth_date = date(date.today().year - 19, 1, 1)
    mentee.save()
    _switch(client)
    login(parent.login)
    assert f'value="{key}"' not in client.get("/complaints/new").get_data(as_text=True)
    response = _file(client, key)
    assert response.status_code == 422 and "Пар, на работу которых можно пожаловаться, нет" in response.get_data(as_text=True)
    assert Complaint.select().count() == 1
