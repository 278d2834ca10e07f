"""«Наставник года» from announcement to the printed documents, in a real browser on a 360 px phone (s9): the demo
`coordinator` announces this year's competition, nominates a pupil mentor of «Ученик – ученик» and the demo
mentor, records the jury's decision, downloads the winner's «Лучший наставник» certificate and the thank-you letter
to her mother — the mother addressed by name and patronymic, the daughter named in the genitive and the dative —
and the letter's code answers on /verify. Each new page fits the screen and passes axe."""
import re

import pytest
from playwright.sync_api import Page, expect

from portal.db import db
from portal.models import BaseMembership, Guardianship, MentoringFormat, Person
from portal.names import first_name, full_name, name_and_patronymic
from tests.e2e.flows import follow_menu, log_in, on_a_phone
from tests.orders.test_orders import pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.clause("s9")]

REASON = "Весь год вела клуб по математике для пятиклассников."


def _pupil_mentor_and_mother():
    """A minor girl in the mentor base of «Ученик – ученик» and her confirmed mother (the demo links every minor)."""
    with db.connection_context():
        fmt = MentoringFormat.get(MentoringFormat.name == "Ученик – ученик")
        girl = (Person.select().join(BaseMembership, on=(BaseMembership.person == Person.id))
                .switch(Person).join(Guardianship, on=(Guardianship.child == Person.id))
                .where((BaseMembership.mentoring_format == fmt) & (BaseMembership.base == "mentor")
                       & (Person.sex == "f") & (Person.kind == "student") & Guardianship.confirmed_at.is_null(False))
                .order_by(Person.id.desc()).first())
        mother = (Person.select().join(Guardianship, on=(Guardianship.parent == Person.id))
                  .where((Guardianship.child == girl.id) & Guardianship.confirmed_at.is_null(False)).get())
        return girl, mother


def _download(page: Page, name) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    with open(info.value.path(), "rb") as f:
        return f.read()


def test_the_coordinator_runs_mentor_of_the_year_and_prints_the_winners_documents(page: Page, live_server):
    girl, mother = _pupil_mentor_and_mother()
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "coordinator")
    follow_menu(page, "Конкурсы наставников")
    expect(page.get_by_role("heading", name="Конкурсы наставников")).to_be_visible()
    on_a_phone(page, "recognition-index")
    page.get_by_label("Конкурс", exact=True).select_option("mentor_of_year")
    page.get_by_role("button", name="Объявить").click()
    expect(page.get_by_text("Конкурс «Наставник года» объявлен")).to_be_visible()

    page.get_by_role("button", name="Выдвинуть").click()
    expect(page.locator("#nominee-error")).to_have_text("Выберите наставника из списка.")
    page.get_by_label("Наставник", exact=True).select_option(label=full_name(girl))
    page.get_by_label("За что вы выдвигаете наставника").fill(REASON)
    page.get_by_role("button", name="Выдвинуть").click()
    expect(page.get_by_text(f"{full_name(girl)}: выдвижение принято.")).to_be_visible()
    on_a_phone(page, "recognition-competition")

    page.get_by_label(full_name(girl), exact=True).select_option("1")
    page.get_by_role("button", name="Подвести итоги").click()
    expect(page.get_by_text("Итоги подведены: грамоты и благодарственные письма выданы.")).to_be_visible()
    expect(page.locator("#results")).to_contain_text(f"1 место — {full_name(girl)}")
    on_a_phone(page, "recognition-decided")

    certificate = pdf_text(_download(page, re.compile(rf"^Скачать грамоту .* — {full_name(girl)}$")))
    assert "ГРАМОТА" in certificate and "«Лучший наставник»" in certificate
    assert full_name(girl) in certificate
    assert "победитель школьного конкурса «Наставник года» (1 место)" in certificate

    letter = pdf_text(_download(page, re.compile(rf"^Скачать благодарственное письмо .* — {full_name(mother)}$")))
    assert f"Уважаемая {name_and_patronymic(mother)}!" in letter
    assert f"за воспитание дочери {first_name(girl, 'genitive')} — победителя школьного конкурса" in letter
    assert f"Желаем Вам и Вашей дочери {first_name(girl, 'dative')} здоровья" in letter

    batch = pdf_text(_download(page, "Скачать все одним файлом (PDF)"))
    assert f"Уважаемая {name_and_patronymic(mother)}!" in batch and full_name(girl) in batch

    # The festival where last year's results were announced, and the outside contests, on the same phone.
    page.get_by_role("link", name="← Конкурсы").click()
    page.get_by_role("link", name="Мероприятия", exact=True).click()
    page.get_by_role("link", name=re.compile("Фестиваль наставников")).click()
    expect(page.get_by_role("heading", name="Участники")).to_be_visible()
    on_a_phone(page, "recognition-event")
    page.goto("/recognition/contests")
    expect(page.get_by_role("cell", name="Конкурс: Региональный конкурс «Наставник года»")).to_be_visible()
    on_a_phone(page, "recognition-contests")

    code = re.search(r"/verify/([0-9A-Z]{10})", letter).group(1)
    page.goto(f"/verify/{code}")
    expect(page.get_by_text("Благодарственное письмо родителям")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(girl.surname)
