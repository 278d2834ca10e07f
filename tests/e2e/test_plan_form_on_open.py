"""The form of a new plan version (5.5, s5) comes when the mentor opens «Изменить план»: the pair's page
no longer builds it with every visit (issue 14, part 8), but the mentor still finds it filled in from the
current plan, saves a new version through it without a reload of anything else, and it fits a phone.
"""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from portal.db import db
from portal.services import cycle
from portal.services.cycle import PlanData
from tests.e2e.flows import demo_active_pair, log_in, on_a_phone, wait_for_htmx

pytestmark = [pytest.mark.e2e, pytest.mark.clause("5.5", "s5")]

GOALS = "Подготовить исследовательский проект к школьной конференции"
TASK = "Выбрать тему проекта"


def demo_pair_with_plan() -> int:
    """The demo mentor's active pair with the demo mentee, given a first plan version by the mentor."""
    with db.connection_context():
        mentor, pair = demo_active_pair()
        cycle.propose_plan(mentor, pair.id, PlanData(goals=GOALS, planned_meetings=8,
                                                     tasks=[(TASK, date.today() + timedelta(days=20))]))
        return pair.id


def test_the_plan_form_opens_filled_in_and_saves_a_new_version(live_server, page):
    pair_id = demo_pair_with_plan()
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, "mentor")
    page.goto(f"/mentor/pairs/{pair_id}")
    wait_for_htmx(page)
    plan = page.locator("#plan")
    expect(plan).to_contain_text(GOALS)
    box = plan.locator("#plan-form-box")
    expect(box.get_by_label("Цели наставничества", exact=True)).to_have_count(0)  # not built with the page

    box.get_by_text("Изменить план (новый вариант)", exact=True).click()
    goals = box.get_by_label("Цели наставничества", exact=True)
    expect(goals).to_have_value(GOALS)
    expect(box.get_by_label("Задача 1", exact=True)).to_have_value(TASK)
    on_a_phone(page, "plan-form-opened")

    box.get_by_label("Сколько встреч проведём (п. 5.5 Положения)", exact=True).fill("10")
    box.get_by_role("button", name="Сохранить новый вариант", exact=True).click()
    expect(page.get_by_text("План (вариант 2) сохранён и подтверждён вами. Нужно подтверждение наставляемого.")) \
        .to_be_visible()
    expect(page.locator("#plan")).to_contain_text("Число встреч (п. 5.5 Положения): 10")
