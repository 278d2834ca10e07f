"""One mentoring cycle in a real browser (5.3, 5.5, s5, s7): the demo mentor logs the first three stages and
the plan, the journal waits until the mentee confirms the meetings and the plan, then two regular meetings
are logged and confirmed, the final meeting is logged and the mentor's report downloads as a PDF holding the plan's goals, every meeting's topic and the conclusions.

The journal's form is htmx: a logged meeting appears without a reload (window.__marker survives) and a
refused one comes back beside its field (422 swapped). Dates come from the programme in the database, so
the test does not depend on the day it runs, only on the demo pair being active with no meetings yet.
"""
import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from portal.db import db
from portal.formatting import ru_date
from portal.models import Account, Mentorship, MentorshipMember, Person, Programme
from portal.services.cycle import STAGE_TITLES
from tests.e2e.flows import log_in, path_is, screenshot, wait_for_htmx

pytestmark = [pytest.mark.e2e, pytest.mark.clause("5.3", "5.5", "s5", "s7", "2.4", "2.5")]

FIRST, TRIAL, PLANNING, REGULAR, FINAL = (STAGE_TITLES[s] for s in ("first", "trial", "planning", "regular", "final"))
TOPICS = ["Знакомство, ожидания от программы", "Пробное занятие: олимпиадные задачи на делимость",
          "Составляем план на год", "Разбор задач муниципального этапа", "Геометрические неравенства"]
FINAL_TOPIC = "Итоги года и планы на будущее"
GOALS = "Подготовиться к региональному этапу олимпиады по математике"
TASK = "Решить 20 задач на инвариант"
CONCLUSIONS = "Наставляемый уверенно решает олимпиадные задачи среднего уровня"
FUTURE_DATE = "Проведённая встреча не может быть в будущем. Запланируйте её."


@dataclass
class Pair:
    id: int
    mentee_name: str
    starts_on: date
    ends_on: date


def demo_pair() -> Pair:
    """The demo mentor's active pair with the demo mentee, and its programme's period."""
    with db.connection_context():
        mentor = Account.get(Account.login == "mentor").person_id
        mentee = Person.get_by_id(Account.get(Account.login == "mentee").person_id)
        pair = (Mentorship.select(Mentorship, Programme).join(Programme).switch(Mentorship)
                .join(MentorshipMember, on=(MentorshipMember.mentorship == Mentorship.id))
                .where((Mentorship.mentor == mentor) & (MentorshipMember.mentee == mentee.id)
                       & (Mentorship.status == "active")).get())
        return Pair(pair.id, mentee.full_name, pair.programme.starts_on, pair.programme.ends_on)


def meeting_dates(pair: Pair) -> list[date]:
    """Six days in the past inside the programme, a week apart when the programme has run long enough."""
    today = date.today()
    assert pair.starts_on <= today <= pair.ends_on, "the demo programme should be running today"
    span = (today - pair.starts_on).days
    offsets = [1, 8, 15, 22, 29, 36] if span >= 36 else [i * span // 5 for i in range(6)]
    return [pair.starts_on + timedelta(days=d) for d in offsets]


def journal_rows(page: Page):
    return page.locator("#journal-rows tr[id^='meeting-']")


def fill_meeting(form, stage: str, held_on: date, topic: str) -> None:
    form.get_by_label("Этап", exact=True).select_option(label=stage)
    form.get_by_label("Дата", exact=True).fill(held_on.isoformat())
    form.get_by_label("Продолжительность, минут", exact=True).fill("45")
    form.get_by_label("Тема", exact=True).fill(topic)
    form.get_by_label("Кратко о встрече", exact=True).fill(f"Обсудили: {topic.lower()}.")


def log_meeting(page: Page, offered: list[str], stage: str, held_on: date, topic: str) -> None:
    """The journal's form offers exactly `offered`; the logged meeting's row appears without a reload."""
    form = page.locator("#meeting-form")
    expect(form.get_by_label("Этап", exact=True).locator("option")).to_have_text(offered)
    before = journal_rows(page).count()
    fill_meeting(form, stage, held_on, topic)
    form.get_by_role("button", name="Записать встречу", exact=True).click()
    expect(journal_rows(page)).to_have_count(before + 1)
    row = journal_rows(page).last
    expect(row).to_contain_text(stage)
    expect(row).to_contain_text(ru_date(held_on))
    expect(row).to_contain_text(topic)
    expect(row).to_contain_text("ждёт подтверждения")


def confirm_meetings(mentee: Page, topics: list[str]) -> None:
    """The mentee confirms each meeting still waiting, in place (htmx, no reload)."""
    waiting = mentee.locator("#meetings article.meeting").filter(
        has=mentee.get_by_role("button", name="Подтвердить, что встреча состоялась", exact=True))
    expect(waiting).to_have_count(len(topics))
    for n, topic in enumerate(topics):
        expect(waiting.nth(n)).to_contain_text(topic)
    wait_for_htmx(mentee)
    mentee.evaluate("window.__marker = 'journal'")
    for meeting_id in waiting.evaluate_all("articles => articles.map(a => a.id)"):
        article = mentee.locator(f"#{meeting_id}")
        article.get_by_role("button", name="Подтвердить, что встреча состоялась", exact=True).click()
        expect(article.locator(".verdict-confirmed")).to_contain_text("(вы)")
        expect(article.locator(".verdict-confirmed")).to_contain_text("подтвердил, что встреча состоялась")
        expect(article.get_by_role("button")).to_have_count(0)
    assert_no_reload(mentee)


def assert_no_reload(page: Page) -> None:
    assert page.evaluate("window.__marker") == "journal", "the page reloaded: htmx did not swap the form"


def pdf_text(data: bytes) -> str:
    """The PDF's text without whitespace: table cells wrap words wherever the column ends."""
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text() for page in reader.pages).split())


def squeezed(text: str) -> str:
    return "".join(text.split())


def test_mentor_and_mentee_go_through_the_cycle_and_the_report_downloads(page, new_page):
    pair = demo_pair()
    dates = meeting_dates(pair)
    pair_url = f"/mentor/pairs/{pair.id}"

    # The mentor opens the pair's journal from the home page.
    log_in(page, "mentor")
    page.locator("section.card").filter(has=page.get_by_role("heading", name=pair.mentee_name, exact=True)) \
        .get_by_role("link", name="Журнал встреч и план", exact=True).click()
    expect(page).to_have_url(path_is(pair_url))
    expect(page.locator("#journal-empty")).to_contain_text("Встреч ещё не было")
    wait_for_htmx(page)
    page.evaluate("window.__marker = 'journal'")

    log_meeting(page, [FIRST], FIRST, dates[0], TOPICS[0])
    expect(page.locator("#journal-empty")).to_have_count(0)
    expect(page.locator("#meeting-form [role=status]")).to_have_text(f"Записано: {FIRST}, {ru_date(dates[0])}")

    # A mistake: the trial meeting dated tomorrow is refused beside the date, the form keeps what was typed.
    tomorrow = date.today() + timedelta(days=1)
    expected = FUTURE_DATE if tomorrow <= pair.ends_on else "Дата должна быть в сроке программы"
    form = page.locator("#meeting-form")
    expect(form.get_by_label("Этап", exact=True).locator("option")).to_have_text([TRIAL])
    fill_meeting(form, TRIAL, tomorrow, TOPICS[1])
    with page.expect_response(lambda r: r.url.endswith(f"{pair_url}/meetings") and r.status == 422):
        form.get_by_role("button", name="Записать встречу", exact=True).click()
    expect(form.locator("#held_on-error")).to_contain_text(expected)
    expect(form.get_by_label("Дата", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Тема", exact=True)).to_have_value(TOPICS[1])
    expect(journal_rows(page)).to_have_count(1)
    assert_no_reload(page)

    log_meeting(page, [TRIAL], TRIAL, dates[1], TOPICS[1])
    expect(page.locator("#meeting-form #held_on-error")).to_have_count(0)
    log_meeting(page, [PLANNING], PLANNING, dates[2], TOPICS[2])
    assert_no_reload(page)
    # Regular meetings wait for the plan both sides agree (5.5): the journal says so instead of a form.
    expect(page.locator("#meeting-form")).to_contain_text("когда план наставничества согласуют обе стороны")
    expect(page.locator("#meeting-form").get_by_role("button")).to_have_count(0)
    expect(page.locator("#progress")).to_contain_text("Дальше: согласовать план наставничества с наставляемым")

    # At the planning meeting's end the mentor writes the plan down; saving it is the mentor's confirmation.
    plan = page.locator("#plan")
    plan.get_by_label("Цели наставничества", exact=True).fill(GOALS)
    plan.get_by_label("Сколько встреч проведём (п. 5.5 Положения)", exact=True).fill("6")
    plan.get_by_label("Задача 1", exact=True).fill(TASK)
    plan.get_by_label("Срок задачи 1", exact=True).fill(min(dates[2] + timedelta(days=60), pair.ends_on).isoformat())
    plan.get_by_role("button", name="Сохранить план", exact=True).click()
    expect(page.get_by_text("План (вариант 1) сохранён и подтверждён вами. Нужно подтверждение наставляемого.")) \
        .to_be_visible()
    expect(plan).to_contain_text(GOALS)
    expect(plan).to_contain_text("Число встреч (п. 5.5 Положения): 6")
    expect(plan.get_by_role("row", name=TASK)).to_be_visible()
    expect(plan.locator(".confirmations")).to_contain_text("нужно подтверждение наставляемого")
    expect(plan.get_by_role("button", name="Подтвердить план", exact=True)).to_have_count(0)
    expect(page.locator("#progress")).to_contain_text("Проведено встреч: 3 из 6 по плану (план ещё не согласован)")

    # The mentee, at another computer, confirms each meeting and the plan.
    mentee = new_page()
    log_in(mentee, "mentee")
    mentee.get_by_role("link", name="Встречи и план", exact=True).click()
    expect(mentee).to_have_url(path_is(f"/mentee/pairs/{pair.id}"))
    expect(mentee.locator("#meetings article.meeting")).to_have_count(3)
    confirm_meetings(mentee, TOPICS[:3])
    expect(mentee.locator("#plan-pending")).to_be_visible()
    mentee.locator("#plan").get_by_role("button", name="Подтвердить план", exact=True).click()
    expect(mentee.get_by_text("План согласован.", exact=True)).to_be_visible()
    expect(mentee.locator("#plan-agreed")).to_have_text(
        "План согласован: его подтвердили и наставник, и наставляемый.")
    expect(mentee.locator("#plan")).to_contain_text(GOALS)
    for side in ("#plan-mentor", "#plan-mentee"):
        expect(mentee.locator(side)).to_contain_text("подтвердил")
        expect(mentee.locator(side)).not_to_contain_text("ещё не")

    # The plan agreed, the mentor logs the regular meetings.
    page.reload()
    expect(page.locator("#plan")).to_contain_text("План согласован обеими сторонами.")
    wait_for_htmx(page)
    page.evaluate("window.__marker = 'journal'")
    log_meeting(page, [REGULAR, FINAL], REGULAR, dates[3], TOPICS[3])
    log_meeting(page, [REGULAR, FINAL], REGULAR, dates[4], TOPICS[4])
    assert_no_reload(page)
    expect(page.locator("#progress")).to_contain_text("Проведено встреч: 5 из 6 по плану")
    # Not earlier: a screenshot leaves style="" on inputs, which htmx's settling then copies (a CSP report).
    screenshot(page, "cycle-journal")

    mentee.reload()
    expect(mentee.locator("#meetings article.meeting")).to_have_count(5)
    confirm_meetings(mentee, TOPICS[3:])
    screenshot(mentee, "cycle-mentee-confirmed")

    # The mentor sees the confirmations and logs the final meeting: the pair is complete.
    page.reload()
    for n in range(5):
        expect(journal_rows(page).nth(n)).to_contain_text("подтверждена")
    wait_for_htmx(page)
    page.evaluate("window.__marker = 'journal'")
    log_meeting(page, [REGULAR, FINAL], FINAL, dates[5], FINAL_TOPIC)
    assert_no_reload(page)
    expect(page.locator("#pair-head .status")).to_have_text("завершена")
    expect(page.locator("#meeting-form")).to_contain_text("Встречи больше не записываются")
    expect(page.locator("#meeting-form").get_by_role("button")).to_have_count(0)
    screenshot(page, "cycle-completed")

    # The final report, then its PDF.
    page.locator("#progress").get_by_role("link", name="Написать отчёт", exact=True).click()
    expect(page).to_have_url(path_is(f"{pair_url}/report"))
    page.get_by_label("Проделанная работа", exact=True).fill("Проведено шесть встреч, разобрано 40 задач.")
    page.get_by_label("Результаты в сравнении с планом", exact=True).fill("Все шесть встреч по плану проведены.")
    page.get_by_label("Выводы", exact=True).fill(CONCLUSIONS)
    page.get_by_label("Предложения", exact=True).fill("Продолжить занятия в следующем году.")
    page.get_by_role("button", name="Сохранить отчёт", exact=True).click()
    expect(page.get_by_text("Отчёт сохранён. Его можно скачать в PDF.")).to_be_visible()
    expect(page.get_by_role("heading", name="Выводы", exact=True)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скачать отчёт (PDF)", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == f"otchet-{pair.id}.pdf"
    with open(download.path(), "rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected_text in [GOALS, TASK, CONCLUSIONS, *TOPICS, FINAL_TOPIC]:
        assert squeezed(expected_text) in text, f"the report PDF lacks «{expected_text}»:\n{text}"
