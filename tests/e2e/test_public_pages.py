"""The public pages in a real browser on a 360 px phone (s9), kept between requests as in production: the honour
board «Лучшие наставники» shows the demo mentor, who consented to dissemination, and not a mentor the
coordinator honours without such a consent; «Наши наставники» shows the consented text and photo; the embeddable
variant has no header; the bank's public part lists the material its author let everyone see. Each page fits
the screen and passes axe."""
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from portal.db import db
from portal.models import Account, BaseMembership, Person
from portal.names import full_name
from portal.services import public_pages
from tests.e2e.flows import follow_menu, log_in, log_out, on_a_phone, path_is

pytestmark = [pytest.mark.e2e, pytest.mark.clause("s9")]


def _names():
    """The demo mentor (consented) and a mentor of the base without a consent to dissemination."""
    with db.connection_context():
        mentor = Account.get(Account.login == "mentor").person
        shown = public_pages.consented(mentor.school_id)
        unconsented = (Person.select().join(BaseMembership, on=BaseMembership.person)
                       .where((BaseMembership.base == "mentor") & (BaseMembership.status == "active")
                              & (Person.kind == "staff") & Person.id.not_in(list(shown)))
                       .order_by(Person.id).first())
        return full_name(mentor), unconsented.id, full_name(unconsented)


def test_the_honour_board_shows_the_consented_and_not_the_unconsented(page: Page):
    page.set_viewport_size({"width": 360, "height": 740})
    consented, other_id, unconsented = _names()

    log_in(page, "coordinator")
    follow_menu(page, "Доска почёта")
    expect(page).to_have_url(path_is("/motivation/honour"))
    page.get_by_label("Кого отметить").select_option(str(other_id))
    page.get_by_label("Год").fill(str(date.today().year))
    page.get_by_label("Звание или награда").fill("Лучшая пара")
    page.get_by_role("button", name="Внести на доску почёта").click()
    expect(page.get_by_text("Запись внесена на доску почёта.")).to_be_visible()
    row = page.locator("tbody tr").filter(has_text="Лучшая пара")
    expect(row).to_contain_text("не показана: нет согласия")
    on_a_phone(page, "coordinator-honour")
    log_out(page)

    page.goto("/public/honour")
    board = page.locator("main")
    expect(board).to_contain_text(consented)
    expect(board).to_contain_text("Наставник года")
    expect(board).not_to_contain_text(unconsented)
    expect(board).not_to_contain_text("Лучшая пара")
    on_a_phone(page, "public-honour")

    page.goto("/public/mentors")
    card = page.locator("article").filter(has_text=consented)
    expect(card).to_contain_text("олимпиадной математики")
    expect(card.locator("img")).to_be_visible()
    assert card.locator("img").evaluate("img => img.naturalWidth") > 0
    expect(page.locator("main")).not_to_contain_text(unconsented)
    on_a_phone(page, "public-mentors")

    page.goto("/public/mentors/embed")
    expect(page.locator("main")).to_contain_text(consented)
    expect(page.locator("header.topbar")).to_have_count(0)
    on_a_phone(page, "public-mentors-embed")

    page.goto("/public/bank")
    expect(page.locator("main")).to_contain_text("Сценарий первой встречи наставника и наставляемого")
    expect(page.locator("main")).not_to_contain_text("Чек-лист адаптации")
    on_a_phone(page, "public-bank")
