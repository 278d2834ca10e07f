"""The coordinator's dashboard filters live in the address bar (hx-push-url): after a change of filter the URL
holds it, and a reload or the same link in another window shows the same filtered page."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import follow_menu, log_in, path_is, wait_for_htmx

pytestmark = [pytest.mark.e2e, pytest.mark.quality("htmx")]


def test_a_changed_filter_is_in_the_url_and_survives_a_reload(page, new_page):
    log_in(page, "coordinator")
    follow_menu(page, "Панель")
    expect(page).to_have_url(path_is("/coordinator/dashboard"))
    wait_for_htmx(page)

    page.get_by_label("Период", exact=True).select_option("30")
    expect(page).to_have_url(re.compile(r"/coordinator/dashboard\?(.*&)?period=30(&|$)"))
    page.get_by_label("Форма наставничества", exact=True).select_option(label="Учитель – ученик")
    format_id = page.get_by_label("Форма наставничества", exact=True).input_value()
    expect(page).to_have_url(re.compile(rf"/coordinator/dashboard\?(.*&)?format={format_id}(&|$)"))
    assert "period=30" in page.url
    numbers = page.locator("#dashboard-numbers [data-number='members']").first.inner_text()

    page.reload()
    expect(page.get_by_label("Период", exact=True)).to_have_value("30")
    expect(page.get_by_label("Форма наставничества", exact=True)).to_have_value(format_id)
    expect(page.locator("#dashboard-numbers [data-number='members']").first).to_have_text(numbers)

    # The same link in another window: the same filtered page.
    filtered = page.url
    other = new_page()
    log_in(other, "coordinator", first_time=False)
    other.goto(filtered)
    expect(other.get_by_label("Период", exact=True)).to_have_value("30")
    expect(other.get_by_label("Форма наставничества", exact=True)).to_have_value(format_id)

    # Back restores the unfiltered page from the server (no history cache): the whole page, not a fragment.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/coordinator/dashboard\?(.*&)?period=30(&|$)"))
    expect(page.get_by_label("Форма наставничества", exact=True)).to_have_value("")
    expect(page.get_by_label("Период", exact=True)).to_have_value("30")
    expect(page.get_by_role("heading", name="Панель координатора", exact=True)).to_have_count(1)
