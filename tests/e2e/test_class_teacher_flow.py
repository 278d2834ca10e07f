"""A class teacher proposes a pupil for a base and the curator accepts, in a real browser on a 360 px phone (4.5;
DECISIONS.md, "The school year"): the demo `classteacher` (7А) picks a pupil she has not proposed yet, is told
beside the field that a category is needed, sends the proposal; the demo `curator` finds it counted on the bases
page and accepts; the pupil is in the mentee base, and the class teacher reads «принято».
Each page of the way fits the screen and passes axe."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import follow_menu, log_in, log_out, on_a_phone, path_is

pytestmark = [pytest.mark.e2e, pytest.mark.clause("4.5")]

def test_a_class_teacher_proposes_a_pupil_and_the_curator_accepts(page: Page):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "classteacher")
    follow_menu(page, "Мои предложения")
    expect(page.get_by_text("на рассмотрении")).to_be_visible()
    expect(page.get_by_text("отклонено")).to_be_visible()
    on_a_phone(page, "class-teacher-proposals")
    proposed = page.locator("tbody tr td:first-child").all_inner_texts()

    follow_menu(page, "Мои классы")
    expect(page).to_have_url(path_is("/class-teacher/"))
    on_a_phone(page, "class-teacher-home")
    row = next(r for r in page.locator("tbody tr").all()
               if r.locator("td").nth(1).inner_text().strip() not in [p.strip() for p in proposed])
    pupil = row.locator("td").nth(1).inner_text().strip()
    row.get_by_role("link").click()  # «Предложить в базу», the row's only link
    expect(page.get_by_role("heading", level=1)).to_contain_text(pupil)

    page.get_by_label("Форма наставничества").select_option(label="«Ученик – ученик»")
    page.get_by_label("База").select_option("mentee")
    page.get_by_label("Комментарий для куратора: почему вы предлагаете ученика").fill(
        "Хорошо учится, но стесняется отвечать у доски.")
    page.get_by_role("button", name="Отправить куратору").click()
    expect(page.locator("#category-error")).to_contain_text("Выберите категорию из перечня")
    on_a_phone(page, "class-teacher-propose-refused")

    page.get_by_label("Категория").select_option(label="не принимают участие в жизни школы, отстранены от коллектива")
    page.get_by_role("button", name="Отправить куратору").click()
    expect(page).to_have_url(path_is("/class-teacher/proposals"))
    expect(page.get_by_text("Предложение отправлено куратору формы «Ученик – ученик»")).to_be_visible()
    log_out(page)

    log_in(page, "curator")
    follow_menu(page, "Базы")
    page.get_by_role("link", name="Предложения классных руководителей (2)").click()
    expect(page).to_have_url(path_is("/staff/bases/proposals"))
    on_a_phone(page, "curator-base-proposals")
    mine = page.locator("tbody tr").filter(has_text=pupil)
    expect(mine).to_contain_text("Хорошо учится, но стесняется отвечать у доски.")
    mine.get_by_role("button", name="Принять").click()
    # The same nomination as on the bases page: a 7А pupil whose parent already signed the consent (for «Учитель –
    # ученик») takes part at once; one without it would wait «ожидает согласия» (tests/staff/test_class_teachers.py).
    expect(page.get_by_role("status")).to_have_text(
        re.compile(rf"^{re.escape(pupil)} — база наставляемых формы «Ученик – ученик»: (участвует|ожидает согласия)\.$"))
    expect(page.locator("tbody tr").filter(has_text=pupil)).to_have_count(0)
    log_out(page)

    log_in(page, "classteacher", first_time=False)
    follow_menu(page, "Мои предложения")
    accepted = page.locator("tbody tr").filter(has_text=pupil)
    expect(accepted).to_contain_text("принято")
