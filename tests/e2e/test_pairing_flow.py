"""A pair from proposal to order, in a real browser, four people at four computers (s8, 4.12, 4.13):
the curator proposes three mentors, the mentee reads the programme and picks one on the choice screen
(the card area swaps in place, the page does not reload), the mentor confirms, the coordinator drafts
the director's order, prints it, registers its number and date — and the pair is active on every home page.

The demo mentee Пётр already has open proposals, so the scene is cast from the demo's own data: a junior of
«Ученик – ученик» nobody has proposed to yet, and three senior mentors the ranking offers him. The mentee
and the mentor he will pick get accounts of their own; the mentee is also made not to have read the
programme yet, so reading it (4.12) happens on screen.
"""
import io
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from portal.db import db
from portal.models import Account, Acknowledgement, MentoringFormat, Person, Programme
from portal.names import full_name
from portal.services import accounts, matching, passwords
from portal.services.staff import scope_for
from tests.e2e.flows import (
    acknowledge_regulation, follow_menu, log_in, open_login, path_is, screenshot, submit_login, wait_for_htmx,
)

pytestmark = [pytest.mark.e2e, pytest.mark.clause("s8", "4.13", "4.12", "2.6", "2.7"),
              pytest.mark.clause("s10", part="pairs-order")]

FORMAT = "Ученик – ученик"  # the demo `curator` curates it
PASSWORD = "sinyaya-tetrad-2026"
MENTEE_LOGIN, MENTOR_LOGIN = "vybor-nastavnika", "starsheklassnik"
ORDER_NUMBER = "60-од"


@dataclass
class Cast:
    format_id: int
    programme_title: str
    mentee: Person
    mentors: list[Person]  # the three the curator ticks, in the ranking's order
    chosen: Person         # the one the mentee picks


def unique_name(person: Person) -> bool:
    """Screens are searched by name: a namesake in the school would make a step ambiguous."""
    return Person.select().where((Person.school == person.school_id) & (Person.surname == person.surname)
                                 & (Person.first_name == person.first_name)
                                 & (Person.patronymic == person.patronymic)).count() == 1


def cast() -> Cast:
    """Pick the mentee and mentors from the live database, give two of them accounts; no browser yet."""
    with db.connection_context():
        fmt = MentoringFormat.get(MentoringFormat.name == FORMAT)
        programme = Programme.get(Programme.mentoring_format == fmt)
        staff = scope_for(Account.get(Account.login == "curator"))
        with_account = {a.person_id for a in Account.select(Account.person)}
        for row in matching.queue(staff, fmt.id)["rows"]:
            mentee = row.membership.person
            if row.open_proposals or mentee.id in with_account or not unique_name(mentee):
                continue
            offered = [c.person for c in matching.rank_candidates(staff, fmt.id, mentee.id).offered]
            mentors = offered[:3]
            if len(mentors) == 3 and all(unique_name(p) and p.id not in with_account for p in mentors):
                break
        else:
            pytest.fail(f"the demo has no mentee of «{FORMAT}» without proposals and an account who could be "
                        "offered three mentors: see `_bases` and `_matching` in portal/demo.py")
        chosen = mentors[1]  # not simply the top of the list: the mentee compares and decides
        with db.atomic():
            for person, login, role in ((mentee, MENTEE_LOGIN, "mentee"), (chosen, MENTOR_LOGIN, "mentor")):
                account = accounts.create_account(None, person, login, roles=(role,))
                Account.update(password_hash=passwords.hash_password(PASSWORD)).where(
                    Account.id == account.id).execute()
            # The demo has every active participant read the programme; this mentee has not yet.
            Acknowledgement.delete().where((Acknowledgement.person == mentee)
                                           & (Acknowledgement.programme == programme)).execute()
        return Cast(fmt.id, programme.title, mentee, mentors, chosen)


def log_in_own(page: Page, login: str, home: str) -> None:
    """A person with an account of their own: the first login asks to acknowledge the regulation."""
    open_login(page)
    submit_login(page, login, PASSWORD)
    acknowledge_regulation(page)
    expect(page).to_have_url(path_is(home))
    page.wait_for_load_state("load")



def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def download_pdf(page: Page, link: str) -> str:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link, exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF")
    return pdf_text(data)


def curator_proposes(page: Page, scene: Cast) -> None:
    log_in(page, "curator")
    follow_menu(page, "Подбор наставников")
    expect(page).to_have_url(path_is("/staff/proposals"))
    page.get_by_role("link", name=f"«{FORMAT}»", exact=True).click()
    expect(page.get_by_role("heading", name=f"Подбор наставников: форма «{FORMAT}»")).to_be_visible()
    row = page.locator("#to-propose tbody tr").filter(has=page.locator("strong", has_text=scene.mentee.full_name))
    expect(row).to_contain_text("предложений нет")
    row.get_by_role("link", name="Подобрать наставников", exact=True).click()
    expect(page.get_by_role("heading", name=f"Наставники для {full_name(scene.mentee, 'genitive')}")).to_be_visible()
    expect(page.locator("#proposals-made")).to_contain_text("Этому наставляемому пока никого не предлагали.")
    for place, mentor in enumerate(scene.mentors, start=1):
        page.get_by_label(f"{place}. {mentor.full_name}", exact=True).check()
    page.get_by_role("button", name="Предложить отмеченных", exact=True).click()
    expect(page.get_by_text("Предложено наставников: 3. Наставляемый увидит их на экране выбора.")).to_be_visible()
    made = page.locator("#proposals-made tbody tr")
    expect(made).to_have_count(3)
    for mentor in scene.mentors:
        expect(made.filter(has_text=mentor.full_name)).to_contain_text("предложен")
    screenshot(page, "pairing-curator-proposed")


def mentee_chooses(page: Page, scene: Cast, logged_in: bool = False) -> None:
    if logged_in:
        follow_menu(page, "Моя программа")
    else:
        log_in_own(page, MENTEE_LOGIN, "/mentee/")
    expect(page.locator("#choice-invitation")).to_contain_text(f"«{FORMAT}»")
    follow_menu(page, "Выбор наставника")
    expect(page).to_have_url(path_is("/mentee/choice"))
    area = page.locator(f"#choice-{scene.format_id}")
    cards = area.locator("article.mentor-card")
    expect(cards).to_have_count(3)
    page.wait_for_load_state("load")  # the cards' places are the stylesheet's: measured once it has come
    boxes = [cards.nth(i).bounding_box() for i in range(3)]
    assert len({round(b["y"]) for b in boxes}) == 1 and len({round(b["x"]) for b in boxes}) == 3, \
        f"the three candidates are not side by side: {boxes}"
    card = cards.filter(has=page.get_by_role("heading", name=scene.chosen.full_name, exact=True))

    # Not read the programme yet: the choice is refused in place (4.12).
    wait_for_htmx(page)
    with page.expect_response(lambda r: "/mentee/choice/" in r.url and r.status == 422):
        card.get_by_role("button", name="Выбрать", exact=True).click()
    expect(area.get_by_role("alert")).to_contain_text("Вы ещё не ознакомлены с программой")
    acknowledge = "Ознакомлена с программой" if scene.mentee.sex == "f" else "Ознакомлен с программой"
    area.get_by_role("button", name=acknowledge, exact=True).click()
    expect(page).to_have_url(path_is("/mentee/choice"))
    # The title holds the format's name in quotes of its own: inside «…» they become „…“.
    inner = scene.programme_title.replace("«", "„").replace("»", "“")
    expect(page.get_by_text(f"Вы ознакомлены с программой «{inner}».")).to_be_visible()
    expect(area.get_by_role("button", name=acknowledge)).to_have_count(0)

    wait_for_htmx(page)
    page.evaluate("window.__marker = 1")
    with page.expect_response(lambda r: "/mentee/choice/" in r.url and r.status == 200):
        card.get_by_role("button", name="Выбрать", exact=True).click()
    pronoun = "её" if scene.chosen.sex == "f" else "его"
    expect(area.get_by_role("status")).to_have_text(
        f"Вы выбрали наставника {full_name(scene.chosen, 'accusative')}, ждём {pronoun} подтверждения.")
    assert page.evaluate("window.__marker") == 1, "choosing reloaded the page instead of swapping the cards"
    expect(page).to_have_url(path_is("/mentee/choice"))
    expect(card).to_contain_text("Ваш выбор")
    for other in cards.filter(has_not=page.get_by_text("Ваш выбор")).all():
        expect(other.get_by_role("button", name="Выбрать")).to_be_disabled()
    screenshot(page, "pairing-mentee-chose")


def mentor_confirms(page: Page, scene: Cast) -> None:
    log_in_own(page, MENTOR_LOGIN, "/mentor/")
    expect(page.locator(f"#programme-{scene.format_id}")).to_contain_text("Вы ознакомлены с программой")
    waiting = page.locator("#waiting")
    expect(waiting.get_by_role("heading", name="Ждут вашего решения")).to_be_visible()
    request = waiting.locator("article").filter(
        has=page.get_by_role("heading", name=scene.mentee.full_name, exact=True))
    expect(request).to_contain_text(f"Форма «{FORMAT}»")
    request.get_by_role("button", name="Подтвердить", exact=True).click()
    expect(page.get_by_text("Вы подтвердили пару. Её утвердят приказом директора")).to_be_visible()
    expect(page.locator("#waiting")).to_have_count(0)


def active_pairs(page: Page) -> int:
    """The coordinator's home: «Действует» in the pairs-by-status card (absent while zero)."""
    card = page.locator("section").filter(has=page.get_by_role("heading", name="Пары и группы по состоянию"))
    row = card.get_by_role("row").filter(has=page.get_by_role("cell", name="Действует", exact=True))
    return int(row.get_by_role("cell").nth(1).inner_text()) if row.count() else 0


def format_row(page: Page):
    table = page.locator("section").filter(has=page.get_by_role("heading", name="Формы наставничества"))
    return table.get_by_role("row").filter(has=page.get_by_role("cell", name=FORMAT, exact=True))


def coordinator_orders(page: Page, scene: Cast) -> int:
    """Draft, print, register; returns how many pairs were active on the home page before."""
    log_in(page, "coordinator")
    expect(page.get_by_role("heading", name="Школа в целом", exact=True)).to_be_visible()
    before = active_pairs(page)
    expect(format_row(page).get_by_role("cell").nth(4)).to_have_text("0")

    follow_menu(page, "Приказы")
    expect(page).to_have_url(path_is("/coordinator/orders"))
    ready = page.locator("#ready tbody tr").filter(has_text=scene.mentee.full_name)
    expect(ready).to_contain_text(scene.chosen.full_name)
    ready.get_by_role("checkbox").check()
    page.get_by_role("button", name="Составить проект приказа", exact=True).click()
    expect(page.get_by_role("heading", name="Проект приказа", exact=True)).to_be_visible()
    pairs = page.locator("#order-pairs")
    expect(pairs.get_by_role("heading", name=f"«{FORMAT}»")).to_be_visible()
    expect(pairs).to_contain_text(scene.chosen.full_name)
    expect(pairs).to_contain_text(scene.mentee.full_name)

    text = download_pdf(page, "Скачать PDF на подпись директору")
    accusative = full_name(scene.chosen, "accusative")
    assert f"Утвердить наставником {accusative}" in text, \
        f"the order does not name the mentor in the accusative ({accusative}):\n{text}"
    assert scene.mentee.full_name in text

    today = date.today()
    page.get_by_label("Номер приказа", exact=True).fill(ORDER_NUMBER)
    page.get_by_label("Дата приказа", exact=True).fill(today.isoformat())
    page.get_by_role("button", name="Зарегистрировать приказ", exact=True).click()
    expect(page.get_by_text(f"Приказ № {ORDER_NUMBER} зарегистрирован. Пары приказа действуют.")).to_be_visible()
    expect(page.locator("#order-state")).to_contain_text("Состояние: зарегистрирован")
    expect(page.get_by_role("heading", name=f"Приказ № {ORDER_NUMBER} от ")).to_be_visible()
    expect(pairs.locator("li").filter(has_text=scene.mentee.full_name)).to_contain_text("действует")
    text = download_pdf(page, "Скачать PDF")
    assert f"№ {ORDER_NUMBER}" in text, f"the registered order does not carry its number:\n{text}"
    screenshot(page, "pairing-order-registered")
    return before


def test_proposed_chosen_confirmed_ordered_pair_is_active_everywhere(page, new_page):
    scene = cast()
    mentee, mentor, coordinator = new_page(), new_page(), new_page()

    curator_proposes(page, scene)
    mentee_chooses(mentee, scene)

    # The curator sees the mentee's choice: the proposal taken, the others still listed.
    page.reload()
    made = page.locator("#proposals-made tbody tr")
    expect(made.filter(has_text=scene.chosen.full_name)).to_contain_text("выбран")

    mentor_confirms(mentor, scene)
    active_before = coordinator_orders(coordinator, scene)

    # Every home page: the pair works now.
    follow_menu(mentee, "Моя программа")
    expect(mentee).to_have_url(path_is("/mentee/"))
    pair = mentee.locator("section").filter(
        has=mentee.get_by_role("heading", name=f"Наставник: {scene.chosen.full_name}", exact=True))
    expect(pair).to_contain_text(f"Форма «{FORMAT}»")
    expect(pair.locator(".status")).to_have_text("действует")
    expect(mentee.locator("#choice-invitation")).to_have_count(0)
    screenshot(mentee, "pairing-mentee-home")

    mentor.reload()
    pair = mentor.locator("section").filter(
        has=mentor.get_by_role("heading", name=scene.mentee.full_name, exact=True))
    expect(pair).to_contain_text(f"Форма «{FORMAT}»")
    expect(pair.locator(".status")).to_have_text("действует")
    expect(pair.get_by_role("link", name="Журнал встреч и план")).to_be_visible()

    follow_menu(page, "Моя форма")
    expect(page).to_have_url(path_is("/curator/"))
    pairs = page.locator("section").filter(has=page.get_by_role("heading", name="Пары и группы", exact=True))
    row = pairs.get_by_role("row").filter(has_text=scene.mentee.short_name)
    expect(row.get_by_role("cell")).to_have_text([scene.chosen.short_name, scene.mentee.short_name, "действует"])

    follow_menu(coordinator, "Школа")
    expect(coordinator).to_have_url(path_is("/coordinator/"))
    expect(format_row(coordinator).get_by_role("cell").nth(4)).to_have_text("1")
    assert active_pairs(coordinator) == active_before + 1
