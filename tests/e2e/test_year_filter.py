"""The school year select (5.4) on a phone: beside form and period it wraps onto its own line, choosing a year
swaps the dashboard's numbers with htmx and puts the year in the address bar, and the page never scrolls
sideways at 360 px."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import follow_menu, log_in, path_is, wait_for_htmx

pytestmark = [pytest.mark.e2e]


@pytest.mark.clause("5.4")
def test_the_year_select_wraps_at_360_px_and_filters_the_dashboard(page):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "coordinator")
    follow_menu(page, "Панель")
    expect(page).to_have_url(path_is("/coordinator/dashboard"))
    wait_for_htmx(page)
    year = page.get_by_label("Учебный год", exact=True)
    expect(year).to_be_visible()
    value = year.locator("option").nth(1).get_attribute("value")
    year.select_option(value)
    expect(page).to_have_url(re.compile(rf"/coordinator/dashboard\?(.*&)?year={value}(&|$)"))
    expect(page.locator("#dashboard-links a").first).to_have_attribute("href", re.compile(rf"year={value}"))
    boxes = [page.get_by_label(label, exact=True).bounding_box()
             for label in ("Форма наставничества", "Период", "Учебный год")]
    assert all(box["x"] + box["width"] <= 360 for box in boxes), boxes
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
