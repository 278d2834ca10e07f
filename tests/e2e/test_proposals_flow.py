"""A mentor's proposal to the administration is answered and the answer reaches them, in a real browser on a 360 px
phone (s6, s9): the demo `mentor` writes a proposal on the school's development, is told beside the field that the
text is missing, sends it agreeing to publication; the demo `coordinator` finds it among the new ones, accepts it
with an answer and publishes it; the mentor opens the inbox item, reads the answer, and the demo `mentee` reads it
on the published page without the mentor's name. Each page of the way fits the screen and passes axe."""
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import follow_menu, log_in, log_out, on_a_phone, path_is

pytestmark = [pytest.mark.e2e, pytest.mark.clause("s6")]

TEXT = "Проводить раз в четверть день открытых уроков наставников для всех учителей школы."
ANSWER = "Спасибо! Первый день открытых уроков пройдёт во второй четверти."


def test_a_mentors_proposal_is_answered_and_the_answer_reaches_them(page: Page):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "mentor")
    follow_menu(page, "Предложения")
    expect(page).to_have_url(path_is("/proposals/"))
    expect(page.get_by_text("принято")).to_be_visible()  # the demo's answered proposal
    on_a_phone(page, "mentor-proposals")
    page.get_by_role("link", name="Написать предложение").click()
    page.get_by_label("О чём предложение").select_option("school")
    page.get_by_role("button", name="Отправить").click()
    expect(page.locator("#text-error")).to_have_text("Напишите, что вы предлагаете.")
    on_a_phone(page, "mentor-proposal-refused")
    page.get_by_label("Ваше предложение").fill(TEXT)
    page.get_by_label("Согласен показать предложение всем участникам, если его примут").check()
    page.get_by_role("button", name="Отправить").click()
    expect(page.get_by_text("Предложение отправлено координатору.")).to_be_visible()
    expect(page.locator("#proposal")).to_contain_text("новое")
    on_a_phone(page, "mentor-proposal")
    log_out(page)

    log_in(page, "coordinator")
    follow_menu(page, "Предложения участников")
    expect(page).to_have_url(path_is("/proposals/review"))
    page.get_by_label("Состояние").select_option("new")
    expect(page).to_have_url(path_is("/proposals/review"))
    row = page.locator("tbody tr").filter(has_text="день открытых уроков")
    expect(row).to_have_count(1)
    on_a_phone(page, "coordinator-proposals")
    row.get_by_role("link").click()
    page.get_by_label("Ответ автору").fill(ANSWER)
    page.get_by_role("button", name="Принять").click()
    expect(page.get_by_text("Предложение принято, автор увидит ответ.")).to_be_visible()
    page.get_by_role("button", name="Опубликовать для всех участников").click()
    expect(page.get_by_text("Предложение опубликовано для всех участников.")).to_be_visible()
    on_a_phone(page, "coordinator-proposal-answered")
    log_out(page)

    log_in(page, "mentor", first_time=False)
    page.get_by_role("link", name="Уведомления").first.click()
    page.get_by_role("link", name="На ваше предложение по совершенствованию дан ответ").first.click()
    expect(page.locator("#answer")).to_contain_text(ANSWER)
    expect(page.locator("#proposal")).to_contain_text("опубликовано для всех участников")
    log_out(page)

    log_in(page, "mentee")
    follow_menu(page, "Предложения")
    page.get_by_role("link", name="Опубликованные предложения").click()
    published = page.locator("section.card").filter(has_text="день открытых уроков")
    expect(published).to_contain_text(ANSWER)
    expect(published).to_contain_text("Автор — наставник")
    on_a_phone(page, "published-proposals")
