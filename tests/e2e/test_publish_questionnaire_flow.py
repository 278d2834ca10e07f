"""Publishing a new version of a questionnaire in a real browser (6.2, 6.5): the demo coordinator opens
«Анкеты» from the menu, removes a question and adds one with htmx (the editor swaps in place, no page load),
tries to publish an empty question and reads the Russian message beside it, fills it in, confirms, and
finds version 2 in the list; the demo curator reads their form's monitoring results from the menu."""
import pytest
from playwright.sync_api import expect

from portal.db import db
from portal.services import monitoring
from portal.models import School
from tests.e2e.flows import follow_menu, log_in, log_out, path_is, wait_for_htmx

pytestmark = [pytest.mark.e2e, pytest.mark.clause("6.2"), pytest.mark.quality("htmx")]

NEW_QUESTION = "Я понимаю, зачем нужны наши встречи."


def test_the_coordinator_publishes_a_new_process_questionnaire(page):
    log_in(page, "coordinator")
    follow_menu(page, "Анкеты")
    expect(page).to_have_url(path_is("/coordinator/questionnaires"))
    page.locator("#questionnaire-process").get_by_role("link", name="Новая версия…").click()
    expect(page).to_have_url(path_is("/coordinator/questionnaires/process/new"))
    wait_for_htmx(page)
    editor = page.locator("#questionnaire-editor")
    questions = editor.locator("ol.questions > li")
    count = questions.count()
    first_text = questions.first.locator("textarea").input_value()

    page.evaluate("window.__sameDocument = true")  # gone if the browser loaded a new page
    editor.get_by_role("button", name="Удалить вопрос 1", exact=True).click()
    expect(questions).to_have_count(count - 1)
    expect(page.get_by_text(first_text)).to_have_count(0)
    page.get_by_role("button", name="Добавить вопрос", exact=True).click()
    expect(questions).to_have_count(count)
    assert page.evaluate("window.__sameDocument === true")

    page.get_by_role("button", name="Проверить и опубликовать…").click()
    expect(page.locator(f"#questions-{count - 1}-text-error")).to_have_text("Впишите текст вопроса.")
    page.locator(f"#questions-{count - 1}-text").fill(NEW_QUESTION)
    page.locator(f"#questions-{count - 1}-answer_type").select_option("frequency")
    page.get_by_role("button", name="Проверить и опубликовать…").click()
    expect(page.get_by_role("heading", name="Опубликовать версию 2: качество процесса?")).to_be_visible()
    page.get_by_role("button", name="Опубликовать версию 2").click()
    expect(page).to_have_url(path_is("/coordinator/questionnaires"))
    expect(page.locator("#questionnaire-process td.num").first).to_have_text("2")

    with db.connection_context():
        school = School.get(School.is_demo == True)  # noqa: E712
        questionnaire = monitoring.current_questionnaires(school.id)["process"]
        texts = [q.text for q in monitoring.questions_of(questionnaire.id)]
    assert questionnaire.version == 2 and texts[-1] == NEW_QUESTION and first_text not in texts
    log_out(page)

    log_in(page, "curator")
    follow_menu(page, "Результаты мониторинга")
    expect(page).to_have_url(path_is("/curator/results"))
    expect(page.get_by_role("heading", name="Результаты мониторинга моей формы")).to_be_visible()
