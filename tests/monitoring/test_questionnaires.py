"""Questionnaires, rounds and answering (6.1–6.5): words instead of marks, entry after the first meeting and
exit after the final one with the same anchors, rounds opened by the curator or a mentor, final answers."""
import re
from datetime import date, datetime, timedelta

import pytest

from portal.models import (
    AuditEvent, BaseMembership, Consent, ConsentWithdrawal, MentoringFormat, Mentorship, MentorshipMember,
    MonitoringRound, Question, Questionnaire, Response,
)
from portal.formatting import ru_date
from portal.models.base import utcnow
from portal.names import full_name
from portal.services import accounts, cycle, monitoring
from portal.services.cycle import MeetingData
from tests.factories import agree_plan, sign_own_consent


@pytest.fixture
def curator(pair, make_account, make_person):
    account = make_account(person=make_person(kind="staff", birth_date=date(1980, 1, 1)))
    accounts.grant_role(None, account, "curator", pair["format"])
    return account


def log(pair, stage, days_ago):
    if stage == "final" and not cycle.plan_agreed(pair["mentorship"].id):
        agree_plan(pair["mentorship"])  # the final meeting comes after the agreed plan (5.5)
    cycle.log_meeting(pair["mentor"].person, pair["mentorship"].id,
                      MeetingData(stage=stage, held_on=date.today() - timedelta(days=days_ago),
                                  topic=f"Встреча: {stage}"))


def run_to_final(pair):
    for n, stage in enumerate(("first", "trial", "planning", "final")):
        log(pair, stage, 40 - n * 10)


def kinds(person):
    return sorted(t.questionnaire.kind for t in monitoring.pending_for(person))


def answer_url(role, task):
    url = f"/{role}/monitoring/{task.questionnaire.id}?pair={task.mentorship.id}"
    return url + (f"&round={task.round_id}" if task.round_id else "")


def task_of(person, kind):
    return next(t for t in monitoring.pending_for(person) if t.questionnaire.kind == kind)


def full_answers(questionnaire_id, text="Спокойнее отношусь к новому"):
    data = {}
    for q in monitoring.questions_of(questionnaire_id):
        data[f"q{q.id}"] = text if q.answer_type == "text" else monitoring.SCALES[q.answer_type][-1][0]
    return data


@pytest.mark.clause("6.5")
def test_every_scale_is_words_and_no_answer_page_shows_a_mark(client, login, pair, school):
    log(pair, "first", 10)
    questionnaires = monitoring.current_questionnaires(school.id)
    assert set(questionnaires) == {"entry", "exit", "process", "satisfaction"}
    for question in Question.select():
        for code, label in monitoring.options_of(question):
            assert not any(ch.isdigit() for ch in code + label)
            assert re.search("[а-яё]", label)
        assert question.answer_type in ("agree", "frequency", "text")
    assert monitoring.SCALES["agree"][0][1] == "совсем не согласен"
    assert [w for _, w in monitoring.SCALES["frequency"]] == ["никогда", "редко", "иногда", "часто", "всегда"]

    login(pair["mentee"].login)
    page = client.get(answer_url("mentee", task_of(pair["mentee"].person, "entry"))).get_data(as_text=True)
    start = page.index('<form method="post" id="questionnaire"')
    form = page[start:page.index("</form>", start)]
    # The scale reads in the answering person's gender; the stored code is the same either way.
    agreed = "полностью согласна" if pair["mentee"].person.sex == "f" else "полностью согласен"
    assert agreed in form and 'value="agree"' in form and "никогда" in form
    assert "оценк" not in page.lower() and "балл" not in page.lower()
    assert not re.search(r'type="radio"[^>]*value="\d+"', form)
    assert not re.search(r">\s*[1-5]\s*<", form)


@pytest.mark.clause("6.3")
def test_entry_opens_with_the_first_meeting_and_exit_with_the_final_one(pair):
    mentee, mentor = pair["mentee"].person, pair["mentor"].person
    assert kinds(mentee) == [] and kinds(mentor) == []
    log(pair, "first", 40)
    assert kinds(mentee) == ["entry"] and kinds(mentor) == ["entry"]
    for n, stage in enumerate(("trial", "planning"), 1):
        log(pair, stage, 40 - n * 10)
    assert kinds(mentee) == ["entry"]
    log(pair, "final", 5)
    assert kinds(mentee) == ["entry", "exit"]


@pytest.mark.clause("6.3")
def test_entry_and_exit_ask_the_same_anchor_questions(school):
    questionnaires = monitoring.current_questionnaires(school.id)

    def anchored(kind):
        return [(q.anchor, q.text, q.answer_type) for q in monitoring.questions_of(questionnaires[kind].id)
                if q.anchor]
    assert anchored("entry") and anchored("entry") == anchored("exit")


@pytest.mark.clause("6.2")
def test_two_parts_process_quality_and_growth(school):
    questionnaires = monitoring.current_questionnaires(school.id)
    assert {"process", "satisfaction"} <= set(questionnaires)  # the process
    assert {"entry", "exit"} <= set(questionnaires)  # the growth
    assert all(q.version == 1 for q in questionnaires.values())
    monitoring.seed_questionnaires(school)
    assert Questionnaire.select().where(Questionnaire.school == school).count() == 4


@pytest.mark.clause("6.4")
def test_a_round_opened_by_the_curator_surveys_the_format(client, login, pair, curator):
    login(curator.login)
    url = f"/staff/formats/{pair['format'].id}/monitoring"
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "intermediate"})
    assert response.status_code == 303
    assert kinds(pair["mentee"].person) == ["process", "satisfaction"]
    assert kinds(pair["mentor"].person) == ["process", "satisfaction"]
    satisfaction = task_of(pair["mentee"].person, "satisfaction")
    assert satisfaction.about.id == pair["mentor"].person_id

    again = client.post(url, {"kind": "intermediate"})
    assert again.status_code == 422 and "уже идёт" in again.get_data(as_text=True)
    assert MonitoringRound.select().count() == 1
    page = client.get(url).get_data(as_text=True)
    assert "0 из 4" in page

    monitoring_round = MonitoringRound.get()
    MonitoringRound.update(opened_at=utcnow() - timedelta(days=15)).execute()
    assert "просрочен" in client.get(url).get_data(as_text=True)

    close = f"/staff/monitoring/rounds/{monitoring_round.id}/close"
    assert "Завершить" in client.get(close).get_data(as_text=True)
    assert MonitoringRound.get().closed_at is None
    assert client.post(close, {}).status_code == 303
    assert MonitoringRound.get().closed_at is not None
    assert kinds(pair["mentee"].person) == []


@pytest.mark.clause("6.4")
def test_a_mentor_of_the_format_opens_a_round(client, login, pair, school):
    login(pair["mentor"].login)
    other = MentoringFormat.get((MentoringFormat.school == school) & (MentoringFormat.name == "Ученик – ученик"))
    assert client.post(f"/mentor/monitoring/rounds/{other.id}/open", {"kind": "final"}).status_code == 404
    response = client.post(f"/mentor/monitoring/rounds/{pair['format'].id}/open", {"kind": "final"})
    assert response.status_code == 303
    assert MonitoringRound.get().kind == "final"
    assert kinds(pair["mentee"].person) == ["process", "satisfaction"]


@pytest.mark.clause("6.1")
def test_answering_stores_the_words_is_final_and_audited(client, login, pair):
    log(pair, "first", 10)
    login(pair["mentee"].login)
    task = task_of(pair["mentee"].person, "entry")
    url = answer_url("mentee", task)
    assert client.get(url).status_code == 200

    bad = full_answers(task.questionnaire.id)
    scale_question = next(q for q in monitoring.questions_of(task.questionnaire.id) if q.answer_type != "text")
    bad[f"q{scale_question.id}"] = "5"
    refused = client.post(url, bad)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Выберите один из предложенных ответов." in text
    assert f'id="q{scale_question.id}-error"' in text
    assert Response.select().count() == 0

    assert client.post(url, full_answers(task.questionnaire.id)).status_code == 303
    response = Response.get()
    answers = {a.question_id: a for a in response.answers}
    assert answers[scale_question.id].scale_value in dict(monitoring.SCALES[scale_question.answer_type])
    assert any(a.text == "Спокойнее отношусь к новому" for a in answers.values())
    assert AuditEvent.select().where(AuditEvent.action == "monitoring.answered").count() == 1
    assert kinds(pair["mentee"].person) == []

    second = client.post(url, full_answers(task.questionnaire.id, text="Другое"))
    assert second.status_code == 422 and "Анкета уже заполнена" in second.get_data(as_text=True)
    assert Response.select().count() == 1 and not any(a.text == "Другое" for a in Response.get().answers)
    assert "Анкета уже заполнена" in client.get(url).get_data(as_text=True)
    home = client.get("/mentee/monitoring").get_data(as_text=True)
    assert "Сейчас заполнять нечего" in home


@pytest.mark.clause("4.11")
def test_no_consent_no_survey(client, login, pair):
    log(pair, "first", 10)
    task = task_of(pair["mentee"].person, "entry")
    consent = Consent.get(Consent.subject == pair["mentee"].person_id)
    ConsentWithdrawal.create(consent=consent, withdrawn_by=pair["mentee"].person_id,
                             destruction_due_on=date.today() + timedelta(days=30))
    assert kinds(pair["mentee"].person) == []
    login(pair["mentee"].login)
    assert client.get(answer_url("mentee", task)).status_code == 404
    assert client.post(answer_url("mentee", task), full_answers(task.questionnaire.id)).status_code == 404
    assert Response.select().count() == 0


@pytest.mark.quality("access")
def test_another_curator_and_another_pairs_mentee_get_not_found(client, login, pair, make_account, make_person,
                                                                 school):
    log(pair, "first", 10)
    other = make_account("curator")  # the school's first format, not this pair's
    login(other.login)
    assert client.get(f"/staff/formats/{pair['format'].id}/monitoring").status_code == 404
    assert client.post(f"/staff/formats/{pair['format'].id}/monitoring", {"kind": "final"}).status_code == 404
    assert MonitoringRound.select().count() == 0

    task = task_of(pair["mentee"].person, "entry")
    stranger = make_account("mentee", person=make_person(kind="staff", sex="f", birth_date=date(1998, 1, 1)))
    sign_own_consent(stranger.person)
    client.post("/logout")
    client.get("/login")
    login(stranger.login)
    assert client.get(answer_url("mentee", task)).status_code == 404
    assert client.post(answer_url("mentee", task), full_answers(task.questionnaire.id)).status_code == 404
    assert Response.select().count() == 0


@pytest.mark.clause("6.4")
def test_a_mentor_with_two_pairs_tells_their_questionnaires_apart(client, login, pair, make_person):
    """Each pair is surveyed apart; the mentor's list names the pair's mentee beside each questionnaire."""
    mentor = pair["mentor"].person
    second = make_person(kind="staff", sex="f", birth_date=date(1996, 4, 4), surname="Сомова")
    BaseMembership.create(mentoring_format=pair["format"], person=second, base="mentee", status="active")
    sign_own_consent(second, "adult_self")
    other = Mentorship.create(mentoring_format=pair["format"], programme=pair["programme"], mentor=mentor,
                              status="active")
    MentorshipMember.create(mentorship=other, mentee=second)
    monitoring.open_round_as_mentor(mentor, pair["format"].id, "intermediate")
    login(pair["mentor"].login)
    html = client.get("/mentor/").get_data(as_text=True)
    for mentee in (pair["mentee"].person, second):
        line = re.search(rf"Качество процесса наставничества</a>\s*<span[^>]*>[^<]*"
                         rf"пара с {full_name(mentee, 'instrumental')}", html)
        assert line, f"no process questionnaire naming {mentee.full_name}"
    task = next(t for t in monitoring.pending_for(mentor) if t.mentorship.id == other.id)
    page = client.get(answer_url("mentor", task)).get_data(as_text=True)
    assert f"пара с {full_name(second, 'instrumental')}" in page


def _pending_lines(html):
    """Each pending questionnaire as the reader sees it: the link's title and what it is about."""
    section = re.search(r'id="pending-questionnaires">(.*?)</section>', html, re.S).group(1)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in re.findall(r"<li>(.*?)</li>", section, re.S)]


@pytest.mark.clause("6.4")
def test_two_rounds_open_at_once_are_told_apart_in_every_list(client, login, pair, curator):
    """An intermediate and a final round open together: each questionnaire is due twice, and every list —
    the questionnaires page and the home page of the mentor and of the mentee — names the round of each."""
    MonitoringRound.create(mentoring_format=pair["format"], kind="intermediate", opened_by=curator.person,
                           opened_at=datetime(2026, 3, 9, 22, 30))  # 10 March by the school's clock
    monitoring.open_round_as_mentor(pair["mentor"].person, pair["format"].id, "final")
    for role in ("mentor", "mentee"):
        client.post("/logout")
        client.get("/login")
        login(pair[role].login)
        for url in (f"/{role}/monitoring", f"/{role}/"):
            lines = _pending_lines(client.get(url).get_data(as_text=True))
            process = [line for line in lines if line.startswith("Качество процесса наставничества")]
            assert len(lines) == 4 and len(set(lines)) == 4, (url, lines)
            assert len(process) == 2, (url, lines)
            assert any("промежуточный этап мониторинга (начат 10 марта 2026 г.)" in line for line in process)
            assert any(f"итоговый этап мониторинга (начат {ru_date(utcnow())})" in line for line in process)


@pytest.mark.clause("6.4")
def test_the_mentor_is_offered_only_a_round_that_may_be_opened(client, login, pair):
    """The button for a kind already running is not shown (the service would refuse it); the running round
    is named instead. The rule is the one opening a round enforces."""
    login(pair["mentor"].login)
    url, form = "/mentor/monitoring", f'id="rounds-{pair["format"].id}"'

    def offered():
        html = client.get(url).get_data(as_text=True)
        part = html[html.index(form):].split("</form>", 1)[0]
        return re.findall(r'<button[^>]*value="(\w+)"', part), " ".join(re.sub(r"<[^>]+>", " ", part).split())

    assert offered()[0] == ["intermediate", "final"]
    assert client.post(f"{url}/rounds/{pair['format'].id}/open", {"kind": "intermediate"}).status_code == 303
    buttons, text = offered()
    assert buttons == ["final"] and "Промежуточный этап мониторинга (начат" in text and "идёт" in text
    refused = client.post(f"{url}/rounds/{pair['format'].id}/open", {"kind": "intermediate"})
    assert refused.status_code == 422 and "Промежуточный этап мониторинга уже идёт в этой форме." in \
        refused.get_data(as_text=True)
    assert client.post(f"{url}/rounds/{pair['format'].id}/open", {"kind": "final"}).status_code == 303
    buttons, text = offered()
    assert buttons == [] and "Итоговый этап мониторинга (начат" in text
    running = monitoring.running_rounds([pair["format"].id])[pair["format"].id]
    assert monitoring.kinds_to_open(running) == [] and len(running) == 2
