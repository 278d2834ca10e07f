"""A monitoring round in a real browser, four people at four computers (6.4, 6.5, 6.1, 3.2): the curator of
«Учитель – ученик» closes the demo's overdue intermediate round and opens a new one; the demo mentor and then
the demo mentee answer the round's questionnaires from their home pages, in words only, and find each answer
final (a second window's submit of the same questionnaire is refused); the coordinator sees the monitoring
completion on the dashboard go up by exactly those answers, opens the list behind the number and downloads
the internal monitoring report, whose text names the school and the round.

The login `curator` curates «Ученик – ученик», which has no active pair, so the curator here is the demo's
`curator3` (same demo password), who curates the format of the demo mentor's and mentee's active pair.
The demo mentor has two active pairs there: a round asks the mentor about each, so the mentor answers every
questionnaire of this round on the home page (their links name the round) — and only those: the entry
questionnaire the second pair's first meeting opened is not the round's.
"""
import io
import re
from dataclasses import dataclass
from datetime import datetime

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from portal import formatting, names
from portal.db import db
from portal.formatting import ru_date
from portal.models import Account, MentoringFormat, MonitoringRound, Person, School
from tests.e2e.flows import acknowledge_regulation, follow_menu, log_in, open_login, path_is, screenshot, submit_login

pytestmark = [pytest.mark.e2e, pytest.mark.clause("6.4", "6.5", "6.1", "3.2")]

FORMAT = "Учитель – ученик"
CURATOR = "curator3"  # portal/demo.py: the curator of «Учитель – ученик»
PROCESS, SATISFACTION = "Качество процесса наставничества", "Удовлетворённость работой в паре"
WORDS = ("скорее согласен", "часто")  # one word of each scale in portal/data/questionnaires.py
COMMENT = "Встречаться бы чаще перед олимпиадой"
FINAL = "Ответы изменить нельзя."
COMPLETION = re.compile(r"(\d+) из (\d+)")


@dataclass
class Scene:
    format_id: int
    school_name: str
    mentor_name: str
    mentee_name: str
    mentee_instrumental: str  # «пара с Ивановым Петром Сергеевичем»
    about_mentor: str         # «о работе с ним» — the pair's other person, named once in the hint
    about_mentee: str


def scene() -> Scene:
    with db.connection_context():
        fmt = MentoringFormat.get(MentoringFormat.name == FORMAT)

        def person(login):
            return Person.select().join(Account).where(Account.login == login).get()

        mentor, mentee = person("mentor"), person("mentee")
        return Scene(fmt.id, School.get_by_id(fmt.school_id).name, mentor.full_name, mentee.full_name,
                     names.full_name(mentee, "instrumental"), f"о работе {formatting.by_sex(mentor, 'с ним', 'с ней')}",
                     f"о работе {formatting.by_sex(mentee, 'с ним', 'с ней')}")


def opened_at(round_id: int) -> datetime:
    with db.connection_context():
        return MonitoringRound.get_by_id(round_id).opened_at


def squeezed(text: str) -> str:
    return "".join(text.split())


def pdf_text(data: bytes) -> str:
    """The PDF's text without whitespace: table cells wrap words wherever the column ends."""
    return squeezed("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def completion(cell) -> tuple[int, int]:
    """«answered из expected» as a screen shows it."""
    answered, expected = COMPLETION.search(cell.inner_text()).groups()
    return int(answered), int(expected)



# --- the curator ---------------------------------------------------------------------------------------

def curator_opens_round(page: Page, format_id: int) -> tuple[int, int]:
    """Close the overdue round (one intermediate round at a time), open a new one: its id and how many
    answers it waits for."""
    open_login(page)
    submit_login(page, CURATOR)
    acknowledge_regulation(page)
    expect(page).to_have_url(path_is("/curator/"))
    follow_menu(page, "Ход наставничества")
    page.get_by_role("link", name=f"«{FORMAT}»", exact=True).click()
    page.get_by_role("link", name="Мониторинг формы: промежуточный и итоговый этапы (п. 6.4)", exact=True).click()
    expect(page).to_have_url(path_is(f"/staff/formats/{format_id}/monitoring"))
    expect(page.get_by_role("heading", name=f"Мониторинг: форма «{FORMAT}»", exact=True)).to_be_visible()

    rounds = page.locator("#rounds tbody tr")
    expect(rounds).to_have_count(1)
    overdue = page.locator(f"#{rounds.first.get_attribute('id')}")
    expect(overdue).to_contain_text("Промежуточный")
    expect(overdue).to_contain_text("просрочен")
    expect(page.get_by_role("button", name="Начать промежуточный этап", exact=True)).to_have_count(0)
    overdue.get_by_role("link", name="Завершить", exact=True).click()
    expect(page.get_by_role("heading", name="Завершить промежуточный этап?", exact=True)).to_be_visible()
    page.get_by_role("button", name="Да, завершить", exact=True).click()
    expect(page).to_have_url(path_is(f"/staff/formats/{format_id}/monitoring"))
    expect(page.get_by_text("Этап мониторинга завершён.", exact=True)).to_be_visible()
    expect(overdue.get_by_role("link", name="Завершить", exact=True)).to_have_count(0)

    page.get_by_role("button", name="Начать промежуточный этап", exact=True).click()
    expect(page.get_by_text("Этап мониторинга начат: участники пар формы получили анкеты.", exact=True)) \
        .to_be_visible()
    expect(rounds).to_have_count(2)
    new = rounds.first  # newest first
    expect(overdue).not_to_contain_text("идёт")
    expect(new).to_contain_text("Промежуточный")
    expect(new).to_contain_text("идёт")
    expect(new.get_by_role("link", name="Завершить", exact=True)).to_be_visible()
    answered, expected = completion(new.locator("td.num"))
    assert answered == 0 and expected > 0, f"a new round waits for answers: {answered} of {expected}"
    screenshot(page, "monitoring-round-opened")
    return int(new.get_attribute("id").removeprefix("round-")), expected


# --- a participant answering ---------------------------------------------------------------------------

def round_links(page: Page, round_id: int):
    """The home page's questionnaires of this round (pending links carry ?pair=…&round=…)."""
    return page.locator("#pending-questionnaires").locator(f"a[href$='&round={round_id}']")


def fill_questionnaire(page: Page) -> list[str]:
    """Pick a word in every scale (only words are offered: 6.5), write one comment; the words picked."""
    form = page.locator("form#questionnaire")
    picked = []
    for question in form.locator("fieldset").all():
        radios = question.get_by_role("radio")
        if radios.count() == 0:
            question.get_by_role("textbox").fill(COMMENT)
            continue
        offered = [label.inner_text().strip() for label in question.locator("label").all()]
        assert offered and not any(ch.isdigit() for word in offered for ch in word), \
            f"a scale must be words, not marks (6.5): {offered}"
        word = next(w for w in WORDS if w in offered)
        question.get_by_label(word, exact=True).check()
        picked.append(word)
    assert picked, "a questionnaire has scale questions"
    return picked


def open_first(page: Page, round_id: int) -> tuple[str, str]:
    """Open the first of the round's questionnaires on the home page: its title and the line saying what it is about."""
    link = round_links(page, round_id).first
    title = link.inner_text()
    link.click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    about = page.locator("main p.hint").first
    expect(about).to_contain_text(f"форма «{FORMAT}»")
    expect(about).to_contain_text("промежуточный этап мониторинга")
    return title, about.inner_text()


def submit(page: Page) -> None:
    page.get_by_role("button", name="Отправить ответы", exact=True).click()
    expect(page.get_by_text("Спасибо! Ответы сохранены.", exact=True)).to_be_visible()


def see_final(page: Page, picked: list[str]) -> None:
    """The answered questionnaire shows the answers given and nothing to submit again."""
    answered = page.locator("#answered")
    expect(answered).to_contain_text("Анкета уже заполнена")
    expect(answered).to_contain_text(FINAL)
    for word in set(picked):
        expect(answered).to_contain_text(word)
    expect(answered).to_contain_text(COMMENT)
    expect(page.get_by_role("button", name="Отправить ответы", exact=True)).to_have_count(0)


def answer_rest(page: Page, home: str, round_id: int) -> list[str]:
    """Answer the round's questionnaires still on the home page, one after another; what each was about."""
    links = round_links(page, round_id)
    left = links.count()
    hints = []
    for n in range(left):
        expect(links).to_have_count(left - n)
        _title, hint = open_first(page, round_id)
        answer_url = page.url
        picked = fill_questionnaire(page)
        submit(page)
        page.goto(answer_url)
        see_final(page, picked)
        hints.append(hint)
        page.goto(home)
    expect(links).to_have_count(0)
    return hints


def answer_twice(page: Page, new_page, login: str, round_id: int) -> str:
    """The same person with the questionnaire open in a second window too: the second submit is refused
    beside the answers already given. What the questionnaire was about."""
    second = new_page()
    log_in(second, login, first_time=False)
    second.goto(round_links(page, round_id).first.get_attribute("href"))
    _title, hint = open_first(page, round_id)
    picked = fill_questionnaire(page)
    submit(page)
    fill_questionnaire(second)
    with second.expect_response(lambda r: r.request.method == "POST" and r.status == 422):
        second.get_by_role("button", name="Отправить ответы", exact=True).click()
    expect(second.get_by_role("alert")).to_have_text("Анкета уже заполнена.")
    see_final(second, picked)
    return hint


def round_titles(page: Page, round_id: int) -> list[str]:
    links = round_links(page, round_id)
    expect(links.first).to_be_visible()
    titles = links.all_inner_texts()
    assert set(titles) == {PROCESS, SATISFACTION}, f"a round asks about the process and the pair: {titles}"
    return titles


# --- the coordinator -----------------------------------------------------------------------------------

def open_dashboard(page: Page, format_id: int):
    """The dashboard from the menu: its monitoring completion for the school and in the format's row."""
    follow_menu(page, "Панель")
    expect(page).to_have_url(path_is("/coordinator/dashboard"))
    return (page.locator("#monitoring-completion"),
            page.locator(f"#format-{format_id} td", has=page.locator(f"[data-number='rounds-{format_id}']")))


def test_curator_opens_a_round_participants_answer_and_the_coordinator_reports_it(page, new_page):
    demo = scene()

    round_id, expected = curator_opens_round(page, demo.format_id)
    curator = page

    # The coordinator looks at the dashboard before anyone has answered.
    coordinator = new_page()
    log_in(coordinator, "coordinator")
    school, by_format = open_dashboard(coordinator, demo.format_id)
    expect(school).to_contain_text(" из ")
    expect(by_format).to_contain_text(" из ")
    school_before, format_before = completion(school), completion(by_format)

    # The mentor answers from the home page: both questionnaires for each active pair of the format. The
    # entry questionnaire the other pair's first meeting opened is not the round's: it stays.
    mentor = new_page()
    log_in(mentor, "mentor")
    titles = round_titles(mentor, round_id)
    hints = answer_rest(mentor, "/mentor/", round_id)
    assert len(hints) == len(titles)
    assert any(f"пара с {demo.mentee_instrumental}" in hint and demo.about_mentee in hint for hint in hints), hints
    expect(mentor.locator("#pending-questionnaires")).to_contain_text("Входная анкета")
    screenshot(mentor, "monitoring-mentor-answered")

    # The mentee answers the first questionnaire with a second window open on it too, then the other one.
    mentee = new_page()
    log_in(mentee, "mentee")
    mentee_titles = round_titles(mentee, round_id)
    assert len(mentee_titles) == 2, f"the mentee has one pair: {mentee_titles}"
    hints = [answer_twice(mentee, new_page, "mentee", round_id)]
    mentee.goto("/mentee/")
    hints += answer_rest(mentee, "/mentee/", round_id)
    assert any(f"наставник {demo.mentor_name}" in hint and demo.about_mentor in hint for hint in hints), hints
    expect(mentee.locator("#pending-questionnaires")).to_have_count(0)
    answers = len(titles) + len(mentee_titles)

    # The curator sees the round fill up.
    curator.reload()
    expect(curator.locator(f"#round-{round_id} td.num")).to_have_text(f"{answers} из {expected}")

    # The coordinator sees the completion go up by exactly those answers and opens the list behind it.
    school, by_format = open_dashboard(coordinator, demo.format_id)
    expect(school).to_contain_text(f"{school_before[0] + answers} из {school_before[1]} (")
    expect(by_format).to_have_text(f"{format_before[0] + answers} из {format_before[1]}")
    screenshot(coordinator, "monitoring-dashboard")
    coordinator.locator("#monitoring-completion a").first.click()
    expect(coordinator).to_have_url(path_is("/coordinator/dashboard/list/rounds"))
    expect(coordinator.get_by_role("heading", name="Раунды мониторинга: ответы из ожидаемых", exact=True)) \
        .to_be_visible()
    row = coordinator.locator("#dashboard-list tbody tr").filter(
        has=coordinator.get_by_role("cell", name="открыт", exact=True))
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(0)).to_have_text(f"{FORMAT}: промежуточный раунд")
    expect(row.get_by_role("cell").nth(2)).to_have_text(str(answers))
    expect(row.get_by_role("cell").nth(3)).to_have_text(str(expected))

    # The internal monitoring report: the school, the format and the round, still open, with its answers.
    follow_menu(coordinator, "Отчёты и выгрузки")
    with coordinator.expect_download() as download_info:
        coordinator.get_by_role("link", name=re.compile("^Отчёт о внутреннем мониторинге")).click()
    download = download_info.value
    assert re.fullmatch(r"monitoring-report-\d{4}-\d{2}-\d{2}\.pdf", download.suggested_filename)
    with open(download.path(), "rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected_text in (demo.school_name, "Отчёт о внутреннем мониторинге реализации целевой модели наставничества",
                          f"Форма наставничества «{FORMAT}»"):
        assert squeezed(expected_text) in text, f"the report lacks «{expected_text}»:\n{text}"
    row_start = squeezed(f"Промежуточный {ru_date(opened_at(round_id))} не закрыт")
    found = re.search(re.escape(row_start) + r"(\d+)из(\d+)", text)
    assert found, f"the report lacks the open round «{row_start}…»:\n{text}"
    # The same count as the curator's page and the dashboard: one definition (monitoring.expected_by_format).
    assert found.groups() == (str(answers), str(expected)), f"the report counts otherwise: {found.group(0)}"
