"""«Школа наставников» in a real browser on a 360 px phone (s10, s6, 3.2): the demo `mentor` enrols in the open
group «Группа 2»; the coordinator marks attendance at both of its sessions, one form per session, and sums the
group up; the mentor downloads the certificate, which names them and carries a code that /verify answers without
login. Each new page fits the screen and passes axe."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import follow_menu, log_in, log_out, on_a_phone, path_is
from tests.orders.test_orders import pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.clause("s10"), pytest.mark.clause("s6"), pytest.mark.clause("3.2")]

PROGRAMME = "Наставник: роль, планирование, обратная связь"


def _open_group(page: Page, name: str = "Группа 2") -> None:
    follow_menu(page, "Школа наставников")
    expect(page).to_have_url(path_is("/training/"))
    page.get_by_role("link", name=PROGRAMME, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROGRAMME)
    page.get_by_role("link", name=name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_a_mentor_enrols_attendance_is_marked_and_the_certificate_verifies(page: Page):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "mentor")
    follow_menu(page, "Школа наставников")
    expect(page.get_by_role("heading", name="Моё обучение в школе")).to_be_visible()
    on_a_phone(page, "training-index-mentor")
    _open_group(page)
    on_a_phone(page, "training-group-open")
    page.get_by_role("button", name="Записаться в группу").click()
    expect(page.get_by_role("status")).to_contain_text("Вы записаны в группу.")
    expect(page.get_by_text("Вы записаны в эту группу: посещено 0 из 2 занятий")).to_be_visible()
    log_out(page)

    log_in(page, "coordinator")
    follow_menu(page, "Школа наставников")
    on_a_phone(page, "training-index-coordinator")
    page.get_by_role("link", name=PROGRAMME, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROGRAMME)  # the new page, laid out, is measured
    on_a_phone(page, "training-programme-coordinator")
    page.get_by_role("link", name="Группа 2", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Группа 2")
    page.wait_for_load_state("load")
    on_a_phone(page, "training-group-coordinator")
    group_url = page.url
    for n in range(2):
        page.get_by_role("link", name=re.compile("^Отметить посещаемость")).nth(n).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Посещаемость занятия")
        page.get_by_role("checkbox").check()
        if n == 0:
            on_a_phone(page, "training-attendance")
        page.get_by_role("button", name="Сохранить посещаемость").click()
        expect(page).to_have_url(group_url)
        expect(page.get_by_role("status")).to_contain_text("сохранена")
    expect(page.get_by_text("2 из 2 (100 %)")).to_be_visible()
    page.get_by_role("button", name="Подвести итоги и выдать сертификаты").click()
    expect(page.get_by_role("status")).to_contain_text("Выдано сертификатов: 1.")
    log_out(page)

    log_in(page, "mentor", first_time=False)
    _open_group(page)
    expect(page.get_by_text("посещено 2 из 2 занятий (100 %)")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Скачать сертификат (PDF)").click()
    with open(info.value.path(), "rb") as f:
        printed = pdf_text(f.read())
    assert "СЕРТИФИКАТ" in printed and f"по программе «{PROGRAMME}»" in printed.replace("« ", "«")
    assert "посетив 2 из 2 занятий" in printed
    code = re.search(r"/verify/([0-9A-Z]{10})", printed).group(1)
    log_out(page)

    page.goto(f"/verify/{code}")
    main = page.locator("main")
    expect(main).to_contain_text("Сертификат об обучении в «Школе наставников»")
    expect(main).to_contain_text("ШН-")
    on_a_phone(page, "training-certificate-verified")
