"""Issue 16's «Done when», in a real browser on a 360 px phone (s6, s8, s9):

- the demo `parent` complains about her son's pair; the demo `mentor` reads the complaint on «Оценка моей работы»
  without the parent's name and explains; the demo `coordinator` decides; the parent opens the inbox item and reads
  the decision;
- a mentor's proposal is answered by the coordinator, and the answer reaches the mentor through the inbox.

Each new page of the way fits the screen and passes axe."""
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import follow_menu, log_in, log_out, on_a_phone, path_is

pytestmark = pytest.mark.e2e

COMPLAINT = "Наставник не предупредил о переносе встречи, сын напрасно ждал его в классе."
EXPLANATION = "Меня вызвали на педсовет; впредь предупрежу через классного руководителя."
DECISION = "Наставнику указано предупреждать о переносе встреч не позже чем за день."
# The demo parent, Иванова Ольга Николаевна: none of her name may reach the mentor's pages.
PARENTS_NAME = ("Ольга", "Николаевна", "Иванова О.")


def _inbox_item(page: Page, title: str) -> None:
    page.get_by_role("link", name="Уведомления").first.click()
    page.get_by_role("link", name=title).first.click()


@pytest.mark.clause("s6")
@pytest.mark.clause("s8")
def test_a_parents_complaint_is_explained_without_her_name_and_decided(page: Page):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "parent")
    follow_menu(page, "Жалобы")
    expect(page).to_have_url(path_is("/complaints/"))
    page.get_by_role("link", name="Подать жалобу").click()
    page.get_by_label("Пара, на работу которой вы жалуетесь").select_option(index=1)
    page.get_by_role("button", name="Подать жалобу").click()
    expect(page.locator("#text-error")).to_have_text("Опишите, на что вы жалуетесь.")
    on_a_phone(page, "parent-complaint-refused")
    page.get_by_label("Суть жалобы").fill(COMPLAINT)
    page.get_by_role("button", name="Подать жалобу").click()
    expect(page.get_by_text("Жалоба подана.")).to_be_visible()
    expect(page.locator("#complaint")).to_contain_text("подана")
    on_a_phone(page, "parent-complaint")
    log_out(page)

    log_in(page, "mentor")
    follow_menu(page, "Оценка моей работы")
    expect(page).to_have_url(path_is("/complaints/my-work"))
    row = page.locator("tbody tr").filter(has_text="напрасно ждал")
    expect(row).to_contain_text("Родитель наставляемого")
    html = page.content()
    assert not [part for part in PARENTS_NAME if part in html]
    on_a_phone(page, "mentor-my-work")
    row.get_by_role("link", name="Дать объяснение").click()
    expect(page.locator("#complaint")).to_contain_text("имя скрыто")
    assert not [part for part in PARENTS_NAME if part in page.content()]
    page.get_by_label("Ваше объяснение").fill(EXPLANATION)
    page.get_by_role("button", name="Отправить объяснение").click()
    expect(page.get_by_text("Объяснение отправлено координатору.")).to_be_visible()
    on_a_phone(page, "mentor-complaint-explained")
    log_out(page)

    log_in(page, "coordinator")
    follow_menu(page, "Жалобы")
    expect(page).to_have_url(path_is("/complaints/review"))
    page.get_by_label("Состояние").select_option("explained")
    row = page.locator("tbody tr").filter(has_text="напрасно ждал")
    expect(row).to_have_count(1)
    on_a_phone(page, "coordinator-complaints")
    row.get_by_role("link").click()
    expect(page.locator("#mentor-explanation")).to_contain_text(EXPLANATION)
    page.get_by_label("Решение", exact=True).select_option("action_taken")
    page.get_by_label("Текст решения").fill(DECISION)
    page.get_by_role("button", name="Принять решение").click()
    expect(page.get_by_text("Решение принято: его увидят заявитель и наставник.")).to_be_visible()
    on_a_phone(page, "coordinator-complaint-decided")
    log_out(page)

    log_in(page, "parent", first_time=False)
    _inbox_item(page, "По жалобе на работу наставнической пары принято решение")
    expect(page.locator("#coordinator-decision")).to_contain_text("приняты меры")
    expect(page.locator("#coordinator-decision")).to_contain_text(DECISION)
    expect(page.locator("#mentor-explanation")).to_contain_text(EXPLANATION)
    on_a_phone(page, "parent-complaint-decided")


@pytest.mark.clause("s9")
def test_the_answer_to_a_mentors_proposal_reaches_the_mentor(page: Page):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "mentor")
    follow_menu(page, "Предложения")
    page.get_by_role("link", name="Написать предложение").click()
    page.get_by_label("О чём предложение").select_option("school")
    page.get_by_label("Ваше предложение").fill("Открыть при библиотеке комнату для встреч наставнических пар.")
    page.get_by_role("button", name="Отправить").click()
    expect(page.get_by_text("Предложение отправлено координатору.")).to_be_visible()
    log_out(page)

    log_in(page, "coordinator")
    _inbox_item(page, "Участник направил предложение по совершенствованию — рассмотрите его")
    expect(page.locator("#proposal")).to_contain_text("комнату для встреч")
    page.get_by_label("Ответ автору").fill("Комнату откроем после ремонта библиотеки в январе.")
    page.get_by_role("button", name="Принять").click()
    expect(page.get_by_text("Предложение принято, автор увидит ответ.")).to_be_visible()
    log_out(page)

    log_in(page, "mentor", first_time=False)
    _inbox_item(page, "На ваше предложение по совершенствованию дан ответ")
    expect(page.locator("#answer")).to_contain_text("после ремонта библиотеки в январе")
    expect(page.locator("#proposal")).to_contain_text("принято")
