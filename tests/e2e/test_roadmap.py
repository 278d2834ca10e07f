"""The roadmap in a real browser (3.2, s10): the coordinator fills the school's empty roadmap with the typical
events, marks one done, moves another's deadline to yesterday and finds it overdue on the dashboard's attention
list; the roadmap page fits a phone.

The demo school comes with its roadmap filled; the scene empties it first (directly: what is under test happens
on screen)."""
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from portal.db import db
from portal.models import RoadmapEvent
from portal.services import roadmap
from tests.e2e.flows import log_in, path_is
from tests.e2e.test_school_year import fits_a_phone

pytestmark = [pytest.mark.e2e, pytest.mark.clause("3.2")]

FIRST = "Приказ о внедрении целевой модели наставничества (п. 4.1 Положения)"
COUNCIL = "Представление программ наставничества на педагогическом совете (п. 5.2 Положения)"


def test_the_coordinator_fills_the_roadmap_and_sees_an_overdue_event(page):
    with db.connection_context():
        RoadmapEvent.delete().execute()
    log_in(page, "coordinator")
    page.locator("summary", has_text="Документы").click()
    page.get_by_role("link", name="Дорожная карта", exact=True).click()
    expect(page).to_have_url(path_is("/staff/roadmap"))
    expect(page.get_by_text("В дорожной карте пока нет мероприятий.")).to_be_visible()
    page.get_by_role("button", name="Заполнить типовой дорожной картой", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text(f"{len(roadmap.TYPICAL)} типовых мероприятий")
    expect(page.locator("#roadmap tbody tr")).to_have_count(len(roadmap.TYPICAL))
    fits_a_phone(page)

    # The first event is done: one click.
    first = page.locator("#roadmap tbody tr").filter(has_text=FIRST)
    first.get_by_role("button", name="Выполнено", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("выполнено")
    expect(page.locator("#roadmap tbody tr").filter(has_text=FIRST)).to_have_attribute("data-state", "done")

    # The teachers' council was due yesterday and has not been held: the coordinator says so on the form.
    council = page.locator("#roadmap tbody tr").filter(has_text=COUNCIL)
    council.get_by_role("link", name=re.compile("^Изменить")).click()
    expect(page.get_by_role("heading", name="Мероприятие дорожной карты")).to_be_visible()
    fits_a_phone(page)
    page.get_by_label("Срок", exact=True).fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page).to_have_url(re.compile(r"/staff/roadmap(#event-\d+)?$"))
    row = page.locator("#roadmap tbody tr").filter(has_text=COUNCIL)
    expect(row).to_have_attribute("data-state", "overdue")
    expect(row).to_contain_text("просрочено")

    # The dashboard's attention list counts it and lists it.
    page.get_by_role("link", name="Панель", exact=True).click()
    attention = page.locator("#attention")
    line = attention.locator("tr").filter(has_text="Дорожная карта: просроченные мероприятия")
    expect(line.locator('[data-number="roadmap"]')).not_to_have_text("0")
    line.locator('[data-number="roadmap"]').click()
    expect(page.locator("#dashboard-list")).to_contain_text(COUNCIL)
    expect(page.locator("#dashboard-list")).not_to_contain_text(FIRST)
