"""The curator's own monitoring results (6.2, 6.3, 3.2): growth and summaries of their format only,
with the period filter; another format's answers never reach them, whatever the query string says."""
import pytest

from portal.models import MentoringFormat, MonitoringRound
from tests.dashboard.test_results import _answer, _pair, _questionnaire
from tests.querycount import count_queries

ANCHOR = ("Я уверенно веду урок", "agree", "confidence")


def _formats(school):
    formats = list(MentoringFormat.of_school(school).order_by(MentoringFormat.id))
    assert len(formats) >= 2
    return formats[0], formats[1]


@pytest.fixture
def surveys(school):
    """One entry/exit pair of questionnaires and one process question, shared by every format."""
    entry, (entry_q,) = _questionnaire(school, "entry", [ANCHOR])
    exit_, (exit_q,) = _questionnaire(school, "exit", [ANCHOR])
    process, (process_q,) = _questionnaire(school, "process", [("Встречи проходят регулярно", "frequency", "")])
    return {"entry": (entry, entry_q), "exit": (exit_, exit_q), "process": (process, process_q)}


def _grow(surveys, fmt, make_person, surname, exit_days_ago=0):
    """A mentee of `fmt` who grew from «скорее не согласен» to «полностью согласен», and their process answer."""
    pair, mentor, mentee = _pair(fmt, make_person)
    mentee.surname = surname
    mentee.save()
    _answer(*surveys["entry"], mentee, pair, "rather_disagree", days_ago=exit_days_ago + 30)
    _answer(*surveys["exit"], mentee, pair, "agree", days_ago=exit_days_ago)
    round_ = MonitoringRound.create(mentoring_format=fmt, kind="intermediate")
    _answer(*surveys["process"], mentor, pair, "always" if surname.startswith("Свой") else "never", round_=round_,
            days_ago=exit_days_ago)
    return mentee


@pytest.mark.clause("6.3")
def test_curator_sees_growth_and_summaries_of_their_format_only(client, school, curator_of, make_person, surveys):
    mine, foreign = _formats(school)
    _grow(surveys, mine, make_person, "Своя")
    _grow(surveys, foreign, make_person, "Чужая")
    curator_of(mine)
    response = client.get("/curator/results")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Своя" in html and "было: скорее не согласен → стало: полностью согласен" in html
    assert "Чужая" not in html and foreign.name not in html
    assert ">всегда</text>" in html and f"<h2>{mine.name}</h2>" in html
    # The process answer of the foreign format («никогда») is not counted in the curator's chart.
    assert html.count(">1</text>") == 1


@pytest.mark.quality("access")
def test_a_foreign_format_in_the_query_string_is_ignored(client, school, curator_of, make_person, surveys):
    mine, foreign = _formats(school)
    _grow(surveys, mine, make_person, "Своя")
    _grow(surveys, foreign, make_person, "Чужая")
    curator_of(mine)
    for query in (f"?format={foreign.id}", f"?format={foreign.id}&period=30", "?format=-1", "?format=x&period=zz"):
        html = client.get(f"/curator/results{query}").get_data(as_text=True)
        assert "Чужая" not in html and foreign.name not in html, query
        assert "Своя" in html, query
    fragment = client.get(f"/curator/results?format={foreign.id}", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'id="dashboard-results"' in html
    assert "Чужая" not in html and "Своя" in html


@pytest.mark.clause("6.1")
def test_the_period_filter_narrows_the_curators_results(client, school, curator_of, make_person, surveys):
    mine, _ = _formats(school)
    _grow(surveys, mine, make_person, "Недавняя", exit_days_ago=5)
    _grow(surveys, mine, make_person, "Давняя", exit_days_ago=60)
    curator_of(mine)
    html = client.get(f"/curator/results?format={mine.id}&period=30").get_data(as_text=True)
    assert "Недавняя" in html and "Давняя" not in html
    assert 'value="30" selected' in html
    html = client.get("/curator/results?period=90").get_data(as_text=True)
    assert "Недавняя" in html and "Давняя" in html


@pytest.mark.quality("privacy")
def test_answers_about_a_mentor_stay_hidden_below_three_for_the_curator(client, school, curator_of, make_person):
    mine, _ = _formats(school)
    questionnaire, (question,) = _questionnaire(school, "satisfaction", [("Наставник мне помогает", "agree", "")])
    round_ = MonitoringRound.create(mentoring_format=mine, kind="intermediate")
    for _ in range(2):
        pair, mentor, mentee = _pair(mine, make_person)
        _answer(questionnaire, question, mentee, pair, "agree", about=mentor, round_=round_)
    curator_of(mine)
    html = client.get("/curator/results").get_data(as_text=True)
    assert "недостаточно ответов для показа (нужно не меньше 3)" in html and "<svg" not in html


def test_the_curators_home_and_menu_lead_to_the_results(client, school, curator_of):
    mine, _ = _formats(school)
    curator_of(mine)
    html = client.get("/curator/").get_data(as_text=True)
    assert 'href="/curator/results"' in html
    assert f'href="/curator/results?format={mine.id}"' in html


@pytest.mark.quality("access")
@pytest.mark.parametrize("role", ["mentor", "mentee", "parent", "coordinator"])
def test_only_curators_open_the_curators_results(client, login_as, role):
    login_as(role)
    assert client.get("/curator/results").status_code == 403


@pytest.mark.quality("query count")
def test_curator_results_cost_a_fixed_number_of_queries(client, school, curator_of, make_person, surveys):
    mine, foreign = _formats(school)
    _grow(surveys, mine, make_person, "Своя")
    curator_of(mine)
    with count_queries() as small:
        client.get("/curator/results")
    for n in range(8):
        _grow(surveys, mine, make_person, f"Своя-{n}")
        _grow(surveys, foreign, make_person, f"Чужая-{n}")
    with count_queries() as large:
        html = client.get("/curator/results").get_data(as_text=True)
    assert "Своя-7" in html
    assert len(small) == len(large)
