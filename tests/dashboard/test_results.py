"""Monitoring results (6.2, 6.3): growth in words, and the three-answer rule for answers about a person."""
import re
from datetime import date, timedelta

import pytest

from tests.factories import next_version
from portal.models import (
    Answer, MentoringFormat, Mentorship, MentorshipMember, MonitoringRound, Question, Questionnaire, Response,
)
from portal.models.base import utcnow
from portal.services import results
from tests.querycount import count_queries


def _fmt(school, name="Учитель – учитель"):
    return MentoringFormat.get((MentoringFormat.school == school) & (MentoringFormat.name == name))


def _adult(make_person, **kw):
    return make_person(kind="staff", birth_date=date(1980, 1, 1), **kw)


def _questionnaire(school, kind, questions):
    q = Questionnaire.create(school=school, kind=kind, title=kind, version=next_version(school, kind))
    return q, [Question.create(questionnaire=q, position=i, text=text, answer_type=scale, anchor=anchor)
               for i, (text, scale, anchor) in enumerate(questions, 1)]


def _answer(questionnaire, question, respondent, pair, value, about=None, round_=None, days_ago=0):
    response = Response.create(questionnaire=questionnaire, respondent=respondent, about=about, mentorship=pair,
                               monitoring_round=round_, submitted_at=utcnow() - timedelta(days=days_ago))
    Answer.create(response=response, question=question, scale_value=value)


def _pair(fmt, make_person):
    mentor, mentee = _adult(make_person), _adult(make_person, sex="f")
    pair = Mentorship.create(mentoring_format=fmt, mentor=mentor, status="active")
    MentorshipMember.create(mentorship=pair, mentee=mentee)
    return pair, mentor, mentee


@pytest.mark.clause("6.3")
def test_entry_exit_difference_per_anchor_in_words(client, school, login_as, make_person):
    fmt = _fmt(school)
    pair, _, mentee = _pair(fmt, make_person)
    entry, (e1, e2, e3) = _questionnaire(school, "entry", [("Я уверенно веду урок", "agree", "confidence"),
                                                           ("Я прошу о помощи", "frequency", "help"),
                                                           ("Мне интересно", "agree", "interest")])
    exit_, (x1, x2, x3) = _questionnaire(school, "exit", [("Я уверенно веду урок", "agree", "confidence"),
                                                          ("Я прошу о помощи", "frequency", "help"),
                                                          ("Мне интересно", "agree", "interest")])
    entry_response = Response.create(questionnaire=entry, respondent=mentee, mentorship=pair)
    exit_response = Response.create(questionnaire=exit_, respondent=mentee, mentorship=pair)
    for response, question, value in ((entry_response, e1, "rather_disagree"), (exit_response, x1, "agree"),
                                      (entry_response, e2, "often"), (exit_response, x2, "often"),
                                      (entry_response, e3, "rather_agree"), (exit_response, x3, "disagree")):
        Answer.create(response=response, question=question, scale_value=value)
    login_as("coordinator")
    html = client.get("/coordinator/results").get_data(as_text=True)
    assert "было: скорее не согласен → стало: полностью согласен" in html
    assert "было: часто → стало: часто" in html
    assert "было: скорее согласен → стало: совсем не согласен" in html
    for word in ("рост", "без изменений", "снижение"):
        assert re.search(rf"<td[^>]*>{word}</td>", html)
    dashboard = client.get("/coordinator/dashboard").get_data(as_text=True)
    assert 'data-number="growth">1<' in dashboard  # one of each direction


def _satisfaction(school, fmt, make_person, answers):
    """`answers` mentees each answer the satisfaction question about their mentor in one round."""
    questionnaire, (question,) = _questionnaire(school, "satisfaction", [("Наставник мне помогает", "agree", "")])
    round_ = MonitoringRound.create(mentoring_format=fmt, kind="intermediate")
    for i in range(answers):
        pair, mentor, mentee = _pair(fmt, make_person)
        _answer(questionnaire, question, mentee, pair, "agree", about=mentor, round_=round_, days_ago=20 * i)
    return question


@pytest.mark.quality("privacy")
@pytest.mark.parametrize("answers, shown", [(2, False), (3, True)])
def test_answers_about_a_mentor_need_three(client, school, login_as, make_person, answers, shown):
    _satisfaction(school, _fmt(school), make_person, answers)
    login_as("coordinator")
    html = client.get("/coordinator/results").get_data(as_text=True)
    assert ("<svg" in html) is shown
    assert ("недостаточно ответов для показа (нужно не меньше 3)" in html) is not shown


@pytest.mark.quality("privacy")
def test_a_filter_that_leaves_two_hides_again(client, school, login_as, make_person):
    fmt = _fmt(school)
    _satisfaction(school, fmt, make_person, 3)  # answered today, 20 and 40 days ago: the last 30 days leave two
    login_as("coordinator")
    assert "<svg" in client.get(f"/coordinator/results?format={fmt.id}").get_data(as_text=True)
    html = client.get(f"/coordinator/results?format={fmt.id}&period=90").get_data(as_text=True)
    assert "<svg" in html
    html = client.get(f"/coordinator/results?format={fmt.id}&period=30").get_data(as_text=True)
    assert "<svg" not in html and "недостаточно ответов для показа" in html


@pytest.mark.quality("privacy")
def test_a_hidden_form_is_not_given_away_by_the_school_total(client, school, login_as, make_person, conn):
    """Three answers in one form and one in another: the school's four beside the form's three would
    reveal the single answer by subtraction, so the total is withheld too."""
    visible, lonely = _fmt(school), _fmt(school, "Ученик – ученик")
    question = _satisfaction(school, visible, make_person, 3)
    pair, mentor, mentee = _pair(lonely, make_person)
    _answer(question.questionnaire, question, mentee, pair, "disagree", about=mentor,
            round_=MonitoringRound.create(mentoring_format=lonely, kind="intermediate"))
    summaries = results.summaries([visible.id, lonely.id])
    assert not summaries[visible.id][0].hidden
    assert summaries[lonely.id][0].hidden and summaries["school"][0].hidden
    login_as("coordinator")
    html = client.get("/coordinator/results").get_data(as_text=True)
    assert html.count("<svg") == 1 and html.count("недостаточно ответов для показа") == 2
    # Narrowed to the visible form alone, nothing is left to subtract from.
    assert "<svg" in client.get(f"/coordinator/results?format={visible.id}").get_data(as_text=True)


@pytest.mark.clause("6.2", "6.5")
def test_process_quality_counts_each_verbal_option(client, school, login_as, make_person):
    fmt = _fmt(school)
    questionnaire, (question,) = _questionnaire(school, "process", [("Встречи проходят регулярно", "frequency", "")])
    pair, mentor, mentee = _pair(fmt, make_person)
    _answer(questionnaire, question, mentor, pair, "often")
    _answer(questionnaire, question, mentee, pair, "always")
    login_as("coordinator")
    response = client.get("/coordinator/results", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<svg" in html  # own answers, not about someone: no threshold
    assert html.count(">1</text>") >= 2 and ">никогда</text>" in html
    assert "1–5" not in html and "балл" not in html


@pytest.mark.quality("query count")
def test_results_query_count_is_constant(client, school, login_as, make_person):
    fmt = _fmt(school)
    login_as("coordinator")
    question = _satisfaction(school, fmt, make_person, 3)
    with count_queries() as small:
        client.get("/coordinator/results")
    round_ = MonitoringRound.get()
    for _ in range(10):
        pair, mentor, mentee = _pair(fmt, make_person)
        _answer(question.questionnaire, question, mentee, pair, "agree", about=mentor, round_=round_)
    with count_queries() as large:
        client.get("/coordinator/results")
    assert len(small) == len(large)


@pytest.mark.clause("6.3")
def test_one_person_growing_in_two_forms_is_two_rows_that_differ(client, school, login_as, make_person):
    """A teacher is a mentee in two forms and answers entry and exit in each: the results page and the
    dashboard's list name the form of each row, so the two do not read alike."""
    anchors = [("Я уверенно веду урок", "agree", "confidence")]
    (entry, (e,)), (exit_, (x,)) = (_questionnaire(school, kind, anchors) for kind in ("entry", "exit"))
    teacher = _adult(make_person, sex="f")
    for fmt in (_fmt(school), _fmt(school, "Учитель – ученик")):
        pair = Mentorship.create(mentoring_format=fmt, mentor=_adult(make_person), status="completed")
        MentorshipMember.create(mentorship=pair, mentee=teacher)
        _answer(entry, e, teacher, pair, "rather_disagree")
        _answer(exit_, x, teacher, pair, "agree")
    login_as("coordinator")
    html = client.get("/coordinator/results").get_data(as_text=True)
    table = html[html.index('id="growth"'):html.index("</table>", html.index('id="growth"'))]
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)][1:]
    assert len(rows) == 2 and len(set(rows)) == 2, rows
    assert any("Учитель – учитель" in row for row in rows) and any("Учитель – ученик" in row for row in rows)
    listed = client.get("/coordinator/dashboard/list/growth").get_data(as_text=True)
    assert "Учитель – учитель: Я уверенно веду урок: было:" in listed
    assert "Учитель – ученик: Я уверенно веду урок: было:" in listed
