"""Below a long journal (ten meetings and more) the two meeting forms are not built with the pair's page
(issue 14, part 8): each comes from the same URL when the mentor scrolls to it, and logs a meeting as the
form that came with the page did — the new row appears in the journal without a reload."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from portal.db import db
from portal.models import Meeting, Plan
from portal.models.base import utcnow
from tests.e2e.flows import demo_active_pair, log_in, wait_for_htmx

pytestmark = [pytest.mark.e2e, pytest.mark.clause("5.3")]

STAGES = ["first", "trial", "planning"] + ["regular"] * 8


def demo_pair_with_a_long_journal() -> int:
    """The demo mentee's pair, given an agreed plan and eleven held meetings."""
    with db.connection_context():
        mentor, pair = demo_active_pair()
        today = date.today()
        start = max(pair.programme.starts_on, today - timedelta(days=60))
        for n, stage in enumerate(STAGES):
            Meeting.create(mentorship=pair, stage=stage, held_on=min(start + timedelta(days=4 * n), today),
                           topic=f"Встреча {n + 1}", logged_by=mentor)
        Plan.create(mentorship=pair, goals="Подготовиться к олимпиаде", planned_meetings=20, created_by=mentor,
                    mentor_confirmed_at=utcnow(), mentee_confirmed_at=utcnow())
        return pair.id


def test_the_meeting_form_comes_when_scrolled_to_and_logs_a_meeting(live_server, page):
    pair_id = demo_pair_with_a_long_journal()
    page.set_viewport_size({"width": 1280, "height": 600})
    log_in(page, "mentor")
    served = page.goto(f"/mentor/pairs/{pair_id}").text()
    assert f'hx-get="/mentor/pairs/{pair_id}?form=meeting" hx-trigger="revealed"' in served  # not with the page
    assert 'name="topic"' not in served
    wait_for_htmx(page)
    rows = page.locator("#journal-rows tr[id^='meeting-']")
    expect(rows).to_have_count(len(STAGES))

    form = page.locator("#meeting-form")
    form.scroll_into_view_if_needed()
    expect(form.get_by_label("Тема", exact=True)).to_be_visible()
    expect(form.get_by_label("Этап", exact=True).locator("option")).to_have_text(
        ["регулярная встреча", "заключительная встреча"])
    form.get_by_label("Дата", exact=True).fill(date.today().isoformat())
    form.get_by_label("Тема", exact=True).fill("Разбор олимпиадных задач")
    form.get_by_role("button", name="Записать встречу", exact=True).click()
    expect(rows).to_have_count(len(STAGES) + 1)
    expect(rows.last).to_contain_text("Разбор олимпиадных задач")

    schedule = page.locator("#schedule-form")
    schedule.scroll_into_view_if_needed()
    expect(schedule.get_by_role("button", name="Запланировать", exact=True)).to_be_visible()
