"""A guardian link the curator typed in waits for the coordinator, in a real browser (4.11; DECISIONS.md,
"Who may change whom"): the curator sees it waiting on the child's card and cannot confirm it; the
coordinator finds it under «Связи на подтверждение», is refused without the document, confirms with it.

The demo carries the link: the mentee Иванов Пётр Сергеевич's father, entered by the curator.
"""
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import follow_menu, log_in, log_out, path_is, screenshot, wait_for_htmx

pytestmark = [pytest.mark.e2e, pytest.mark.clause("4.11", "2.6")]

CHILD = "Иванов Пётр Сергеевич"
FATHER = "Иванов Сергей Петрович"
DOCUMENT = "свидетельство о рождении II-ГР № 654321 от 12.03.2014"



def open_child(page: Page) -> None:
    follow_menu(page, "Люди")
    expect(page).to_have_url(path_is("/staff/people"))
    wait_for_htmx(page)
    with page.expect_response(lambda r: "/staff/people?" in r.url and "q=" in r.url):
        page.get_by_label("Фамилия", exact=True).fill("Иванов")
    page.get_by_role("link", name=CHILD, exact=True).click()
    expect(page.get_by_role("heading", name=CHILD, exact=True)).to_be_visible()


# The demo coordinator, Смирнова Елена Викторовна, reads the button in her own gender.
SEEN = "Документ видела — подтвердить связь"


def test_the_coordinator_confirms_the_link_a_curator_entered(page: Page):
    log_in(page, "curator")
    open_child(page)
    waiting = page.locator("#guardians .guardian-request")
    expect(waiting).to_contain_text(FATHER)
    expect(waiting).to_contain_text("ожидает подтверждения")
    expect(waiting.get_by_role("button")).to_have_count(0)  # the curator cannot confirm their own link
    log_out(page)

    log_in(page, "coordinator")
    follow_menu(page, "Связи на подтверждение")
    expect(page).to_have_url(path_is("/coordinator/guardianships"))
    request = page.locator(".guardian-request").filter(has_text=FATHER)
    document = request.get_by_label("Документ, который вы видели: вид, серия и номер, дата", exact=True)
    document.fill("")
    request.get_by_role("button", name=SEEN, exact=True).click()
    request = page.locator(".guardian-request").filter(has_text=FATHER)
    expect(request.locator(".error")).to_have_text("Укажите документ, который вы видели: вид, серию и номер, дату.")
    screenshot(page, "guardian-request-refused")

    request.get_by_label("Документ, который вы видели: вид, серия и номер, дата", exact=True).fill(DOCUMENT)
    request.get_by_role("button", name=SEEN, exact=True).click()
    expect(page.get_by_text(f"Связь подтверждена: {FATHER} может подписывать согласия за ребёнка ({CHILD}).")) \
        .to_be_visible()
    expect(page.get_by_text("Запросов нет: все связи, внесённые кураторами, рассмотрены.")).to_be_visible()

    open_child(page)
    parents = page.locator("#guardians table")
    expect(parents).to_contain_text(FATHER)
    expect(parents).to_contain_text(DOCUMENT)
