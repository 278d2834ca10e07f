"""Psychological support in a real browser on a 360 px phone (s6; DECISIONS.md, "Voice, support, training,
motivation"): the demo `mentor` asks the school's psychologist for support; the demo `psychologist` finds the
request, records a contact and closes it with a note; the mentor reads «закрыта» and never the note; the
coordinator meets «not found» on the request and sees only its count. Each page fits the screen and passes axe."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import follow_menu, log_in, log_out, on_a_phone, path_is

pytestmark = [pytest.mark.e2e, pytest.mark.clause("s6")]

TOPIC = "Устаю после уроков и не успеваю готовиться к встречам с наставляемым"
NOTE = "Поговорили по телефону, договорились о встрече во вторник"


def test_a_mentor_asks_for_support_and_the_psychologist_takes_it_up_and_closes_it(page: Page):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "mentor")
    follow_menu(page, "Поддержка психолога")
    expect(page).to_have_url(path_is("/support/"))
    on_a_phone(page, "support-index-empty")
    page.get_by_role("link", name="Попросить о поддержке").click()
    page.get_by_label("О чём вы хотели бы поговорить (необязательно)").fill(TOPIC)
    page.get_by_role("button", name="Отправить психологу").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Обращение от")
    expect(page.get_by_text("Просьба ждёт педагога-психолога")).to_be_visible()
    request_url = page.url
    on_a_phone(page, "support-request-asker")
    log_out(page)

    log_in(page, "psychologist")
    expect(page.get_by_role("heading", name="Обращения за психологической поддержкой")).to_be_visible()
    on_a_phone(page, "psychologist-home")
    page.goto(request_url)
    expect(page.get_by_text(TOPIC)).to_be_visible()
    page.get_by_role("button", name="Записать контакт").click()
    expect(page.get_by_role("status")).to_have_text("Контакт записан.")
    page.get_by_role("button", name="Закрыть обращение").click()
    expect(page.locator("#close-note-error")).to_contain_text("Напишите заметку о закрытии")
    on_a_phone(page, "support-close-refused")
    page.locator("#close-note").fill(NOTE)
    page.get_by_role("button", name="Закрыть обращение").click()
    expect(page.get_by_role("status")).to_have_text("Обращение закрыто.")
    expect(page.get_by_text(NOTE)).to_be_visible()
    on_a_phone(page, "support-request-psychologist")
    log_out(page)

    log_in(page, "mentor", first_time=False)
    page.goto(request_url)
    expect(page.get_by_text("Обращение закрыто.", exact=False).first).to_be_visible()
    expect(page.get_by_text(NOTE)).to_have_count(0)
    log_out(page)

    log_in(page, "coordinator")
    page.goto(request_url)
    expect(page.get_by_role("heading", name="Страница не найдена")).to_be_visible()
    follow_menu(page, "Психологическая поддержка")
    expect(page.get_by_role("heading", name=re.compile(r"^Обращения за .* учебный год: \d+$"))).to_be_visible()
    expect(page.get_by_text(TOPIC)).to_have_count(0)
    on_a_phone(page, "coordinator-psychologists")
