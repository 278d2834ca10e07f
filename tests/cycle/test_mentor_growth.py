"""The mentor sees their own mentee's entry → exit growth (6.3; DECISIONS «Who sees answers»): per anchor question,
in words, on the pair's page — the mentee's self-assessment only, never the mentor's own answers or another
pair's mentee, and the page costs the same queries however many answers there are."""
import pytest

from portal.models import Mentorship
from tests.dashboard.test_results import _answer, _questionnaire
from tests.querycount import count_queries

ANCHORS = [("Я уверенно веду урок", "agree", "confidence"), ("Я прошу о помощи", "frequency", "help"),
           ("Мне легко договариваться", "agree", "communication"), ("Я ставлю себе цели", "agree", "goals"),
           ("Я предлагаю идеи", "frequency", "initiative"), ("Я думаю о сделанном", "frequency", "reflection")]
EMPTY = "Изменения появятся, когда наставляемый ответит и на входную, и на выходную анкету."


@pytest.fixture
def surveys(school):
    entry, entry_qs = _questionnaire(school, "entry", ANCHORS)
    exit_, exit_qs = _questionnaire(school, "exit", ANCHORS)
    return [((entry, e), (exit_, x)) for e, x in zip(entry_qs, exit_qs)]


def _grow(surveys, person, mentorship, before, after, anchors=1):
    for (entry, e), (exit_, x) in surveys[:anchors]:
        _answer(entry, e, person, mentorship, before, days_ago=30)
        _answer(exit_, x, person, mentorship, after)


def _complete(mentorship):
    Mentorship.update(status="completed").where(Mentorship.id == mentorship.id).execute()


def _growth_section(html: str) -> str:
    start = html.index('id="growth"')
    return html[start:html.index("</section>", start)]


@pytest.mark.clause("6.3")
def test_the_mentor_sees_their_mentees_entry_to_exit_growth_only(client, login, pair, make_pair, surveys):
    mentor, mentee, mentorship = pair["mentor"].person, pair["mentee"].person, pair["mentorship"]
    _complete(mentorship)
    _grow(surveys, mentee, mentorship, "rather_disagree", "agree")
    # The mentor's own self-assessment in the same pair: theirs, not shown as the mentee's growth.
    _grow(surveys[1:], mentor, mentorship, "always", "never")
    # Another pair's mentee, of another mentor in the same form.
    other = make_pair(status="completed")
    _grow(surveys[2:], other["mentee"], other["mentorship"], "disagree", "agree")

    login(pair["mentor"].login)
    html = client.get(f"/mentor/pairs/{mentorship.id}").get_data(as_text=True)
    section = _growth_section(html)
    assert "Изменения от входной анкеты к выходной" in section
    assert mentee.full_name in section and "Я уверенно веду урок" in section
    assert "было: скорее не согласен → стало: полностью согласен" in section and "рост" in section
    assert "Я прошу о помощи" not in section and "снижение" not in section  # the mentor's own answers
    assert other["mentee"].full_name not in section and "Мне легко договариваться" not in section
    assert html.count("<h1") == 1


def test_a_completed_pair_without_both_questionnaires_says_so(client, login, pair, surveys):
    login(pair["mentor"].login)
    url = f"/mentor/pairs/{pair['mentorship'].id}"
    assert 'id="growth"' not in client.get(url).get_data(as_text=True)  # a running pair: nothing to compare yet
    _complete(pair["mentorship"])
    (entry, e), _ = surveys[0]
    _answer(entry, e, pair["mentee"].person, pair["mentorship"], "rather_agree")  # entry alone
    assert EMPTY in _growth_section(client.get(url).get_data(as_text=True))


@pytest.mark.quality("access")
def test_another_mentors_pair_shows_no_growth(client, login, pair, make_pair, surveys):
    other = make_pair(status="completed")
    _grow(surveys, other["mentee"], other["mentorship"], "disagree", "agree")
    login(pair["mentor"].login)
    response = client.get(f"/mentor/pairs/{other['mentorship'].id}")
    assert response.status_code == 404 and other["mentee"].full_name not in response.get_data(as_text=True)


@pytest.mark.quality("query count")
def test_the_pair_page_costs_the_same_for_one_and_six_anchors(client, login, pair, make_pair, surveys):
    mentee, mentorship = pair["mentee"].person, pair["mentorship"]
    _complete(mentorship)
    _grow(surveys, mentee, mentorship, "rather_disagree", "agree", anchors=1)
    login(pair["mentor"].login)
    url = f"/mentor/pairs/{mentorship.id}"
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for (entry, e), (exit_, x) in surveys[1:]:
        _answer(entry, e, mentee, mentorship, "rather_agree" if e.answer_type == "agree" else "rarely", days_ago=30)
        _answer(exit_, x, mentee, mentorship, "agree" if e.answer_type == "agree" else "often")
    for _ in range(3):
        other = make_pair(status="completed")
        _grow(surveys, other["mentee"], other["mentorship"], "disagree", "agree", anchors=6)
    with count_queries() as many:
        html = client.get(url).get_data(as_text=True)
    assert _growth_section(html).count("было: ") == 6
    assert len(many) == len(few), "\n".join(many)
