"""The results of the questionnaires in the monitoring report PDF (6.1, 6.3, 6.5, 3.2): growth counted per
format, each verbal step with its count, and the three-answer rule for answers about another person —
read from the text of the PDF the coordinator downloads, with every engine this machine has."""
import pytest

from portal.services import results
from tests.dashboard.test_results import _answer, _fmt, _pair, _questionnaire, _satisfaction
from tests.documents.test_pdf import pdf_text
from tests.querycount import count_queries

URL = "/coordinator/exports/monitoring-report.pdf"
ANCHORS = [("Я уверенно веду урок", "agree", "confidence"), ("Я прошу о помощи", "frequency", "help"),
           ("Мне интересно", "agree", "interest")]
# Formats of a new school in id order, then the school-wide section: the headings that split the text.
HEADINGS = ("1. Форма наставничества «Ученик – ученик»", "2. Форма наставничества «Учитель – учитель»",
            "3. Форма наставничества «Учитель – ученик»", "4. Результаты анкетирования: школа в целом")


def _growth(school, fmt, make_person, steps):
    """One mentee of a new pair answers the anchor questions at entry and at exit: `steps` (before, after)."""
    (entry, entry_questions), (exit_, exit_questions) = (
        _questionnaire(school, kind, ANCHORS[:len(steps)]) for kind in ("entry", "exit"))
    pair, _, mentee = _pair(fmt, make_person)
    for (before, after), e, x in zip(steps, entry_questions, exit_questions):
        _answer(entry, e, mentee, pair, before)
        _answer(exit_, x, mentee, pair, after)


def _process(school, fmt, make_person):
    """Mentor and mentee of one pair on their own meetings: no threshold, answers about nobody."""
    questionnaire, (question,) = _questionnaire(school, "process", [("Встречи проходят регулярно", "frequency", "")])
    pair, mentor, mentee = _pair(fmt, make_person)
    _answer(questionnaire, question, mentor, pair, "often")
    _answer(questionnaire, question, mentee, pair, "always")


def _two_about_mentors(school, fmt, make_person):
    """Two mentees on their mentors: fewer than three answers about a person, so never shown as counts."""
    questionnaire, (question,) = _questionnaire(school, "satisfaction", [("Наставник объясняет понятно", "agree", "")])
    for _ in range(2):
        pair, mentor, mentee = _pair(fmt, make_person)
        _answer(questionnaire, question, mentee, pair, "rather_agree", about=mentor)


@pytest.fixture
def answered(school, make_person):
    teachers, students = _fmt(school), _fmt(school, "Ученик – ученик")
    _growth(school, teachers, make_person, [("rather_disagree", "agree"), ("rarely", "often"),
                                            ("rather_agree", "rather_agree")])
    _growth(school, students, make_person, [("agree", "disagree")])
    _satisfaction(school, teachers, make_person, 3)
    _process(school, teachers, make_person)
    _two_about_mentors(school, students, make_person)


def _download_text(client):
    response = client.get(URL)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return pdf_text(response.data)


def _sections(text):
    starts = [text.index(heading) for heading in HEADINGS]
    return dict(zip(HEADINGS, (text[a:b] for a, b in zip(starts, starts[1:] + [len(text)]))))


@pytest.mark.clause("6.3")
def test_growth_is_counted_per_format_and_for_the_school(client, login_as, answered, engine):
    login_as("coordinator")
    students, teachers, adults, school = _sections(_download_text(client)).values()
    assert "Изменения от входной анкеты к выходной Рост 2 Без изменений 1 Снижение 0" in teachers
    assert "Изменения от входной анкеты к выходной Рост 0 Без изменений 0 Снижение 1" in students
    assert "Изменения от входной анкеты к выходной Рост 2 Без изменений 1 Снижение 1" in school
    assert "Пока нет участников, ответивших и на входную, и на выходную анкету" in adults


@pytest.mark.clause("6.5", "3.2")
def test_each_step_is_named_in_words_with_its_count(client, login_as, answered, engine):
    login_as("coordinator")
    text = _download_text(client)
    _, teachers, adults, school = _sections(text).values()
    for section in (teachers, school):
        assert ("Качество процесса Встречи проходят регулярно никогда 0 редко 0 иногда 0 часто 1 всегда 1"
                in section)
        assert ("Удовлетворённость Наставник мне помогает совсем не согласен 0 скорее не согласен 0 "
                "скорее согласен 0 полностью согласен 3") in section
    assert "Качество процесса Ответов пока нет. Удовлетворённость Ответов пока нет." in adults
    assert "балл" not in text.lower() and "1–5" not in text
    assert "Петров" not in text  # counts only: nobody who answered is named


@pytest.mark.quality("privacy")
def test_fewer_than_three_answers_about_a_person_show_no_counts(client, login_as, answered, engine):
    login_as("coordinator")
    text = _download_text(client)
    students, *_, school = _sections(text).values()
    hidden = f"Наставник объясняет понятно {results.HIDDEN}"
    assert hidden in students and hidden in school
    assert text.count("Наставник объясняет понятно") == 2
    assert "скорее согласен 2" not in text


@pytest.mark.quality("query count")
def test_the_report_costs_the_same_queries_for_more_answers(client, login_as, school, make_person, answered):
    login_as("coordinator")
    client.get(URL)
    with count_queries() as few:
        client.get(URL)
    teachers = _fmt(school)
    for _ in range(5):
        _growth(school, teachers, make_person, [("agree", "rather_agree"), ("never", "always")])
    _satisfaction(school, _fmt(school, "Учитель – ученик"), make_person, 4)
    with count_queries() as many:
        client.get(URL)
    assert len(few) == len(many)
