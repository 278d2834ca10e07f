"""The demo tells its story with the README's logins alone (issue 12, item 6), in a real browser:
`mentee` reads the three candidates — each with their own «Чем может помочь» and «Почему предложен(а)» (in the candidate's gender) —
and chooses one; that candidate logs in with their own demo login and confirms (or declines, and the mentee
chooses again); `parent` withdraws her son's consent seeing the pair and mentor it suspends; `parent2`, who
has signed nothing yet, follows the link to her daughter's waiting consent, accepts the e-signature
agreement and signs."""
import re

import pytest
from playwright.sync_api import Page, expect

from portal import demo
from portal.db import db
from portal.formatting import ru_date
from portal.models import Account, ConsentWithdrawal, Guardianship, MentoringFormat, Person
from portal.names import full_name
from portal.services import consent as consents
from tests.e2e.flows import follow_menu, log_in, path_is, screenshot, wait_for_htmx

pytestmark = pytest.mark.e2e

FORMAT = "Ученик – ученик"  # the format of the demo mentee's three proposals
MENTEE = "Иванов Пётр Сергеевич"
CANDIDATES = [c["login"] for c in demo.CANDIDATES]  # mentor2, mentor3, mentor4: the README's logins
DETAILS = {
    "Ваш документ, удостоверяющий личность (вид, серия, номер, кем и когда выдан)":
        "паспорт 78 09 112233, выдан УФМС России по Ярославской области 02.06.2009",
    "Ваш адрес проживания": "г. Ярославль, ул. Победы, д. 7, кв. 12",
    "Документ ребёнка (свидетельство о рождении или паспорт: серия, номер, кем и когда выдан)":
        "свидетельство о рождении I-ГР 778899, выдано отделом ЗАГС Ленинского района г. Ярославля",
    "Адрес проживания ребёнка": "г. Ярославль, ул. Победы, д. 7, кв. 12",
}


def person_of(login: str) -> Person:
    with db.connection_context():
        return Person.select().join(Account).where(Account.login == login).get()


def format_id() -> int:
    with db.connection_context():
        return MentoringFormat.get(MentoringFormat.name == FORMAT).id


def open_choice(page: Page):
    """`mentee` on the choice screen: the format's area with its three cards."""
    log_in(page, "mentee")
    follow_menu(page, "Выбор наставника")
    expect(page).to_have_url(path_is("/mentee/choice"))
    area = page.locator(f"#choice-{format_id()}")
    expect(area.locator("article.mentor-card")).to_have_count(3)
    return area


def card_of(page: Page, area, person: Person):
    return area.locator("article.mentor-card").filter(
        has=page.get_by_role("heading", name=person.full_name, exact=True))


def choose(page: Page, area, person: Person) -> None:
    """Read the programme first if not yet (4.12), then «Выбрать» on the candidate's card."""
    acknowledge = area.get_by_role("button", name=re.compile(r"^Ознакомлена? с программой$"))
    if acknowledge.count():
        acknowledge.click()
        expect(page).to_have_url(path_is("/mentee/choice"))
    wait_for_htmx(page)
    with page.expect_response(lambda r: "/mentee/choice/" in r.url and r.status == 200):
        card_of(page, area, person).get_by_role("button", name="Выбрать", exact=True).click()
    pronoun = "её" if person.sex == "f" else "его"
    expect(area.get_by_role("status")).to_have_text(
        f"Вы выбрали наставника {full_name(person, 'accusative')}, ждём {pronoun} подтверждения.")


def waiting_request(page: Page):
    """The candidate's home: the demo mentee's request under «Ждут вашего решения»."""
    waiting = page.locator("#waiting")
    expect(waiting.get_by_role("heading", name="Ждут вашего решения")).to_be_visible()
    request = waiting.locator("article").filter(has=page.get_by_role("heading", name=MENTEE, exact=True))
    expect(request).to_contain_text(f"Форма «{FORMAT}»")
    return request


@pytest.mark.clause("s8", "4.13")
def test_the_mentee_chooses_a_candidate_who_confirms_with_their_own_demo_login(page, new_page):
    candidates = [person_of(login) for login in CANDIDATES]
    area = open_choice(page)

    # Each candidate has their own texts: what they can help with, why the curator proposed them.
    helps, reasons = [], []
    for person in candidates:
        card = card_of(page, area, person)
        helps.append(card.locator("p", has_text="Чем может помочь:").inner_text())
        reasons.append(card.locator("p", has_text="Почему предложена:" if person.sex == "f"
                                    else "Почему предложен:").inner_text())
    assert len(set(helps)) == 3, helps
    assert len(set(reasons)) == 3, reasons
    screenshot(page, "story-mentee-candidates")

    chosen = candidates[1]
    choose(page, area, chosen)
    screenshot(page, "story-mentee-chose")

    mentor = new_page()
    log_in(mentor, CANDIDATES[1])
    waiting_request(mentor).get_by_role("button", name="Подтвердить", exact=True).click()
    expect(mentor.get_by_text("Вы подтвердили пару. Её утвердят приказом директора")).to_be_visible()
    expect(mentor.locator("#waiting")).to_have_count(0)
    screenshot(mentor, "story-candidate-confirmed")

    page.reload()
    verb = "подтвердила" if chosen.sex == "f" else "подтвердил"
    expect(page.locator(f"#choice-{format_id()}").get_by_role("status")).to_have_text(
        f"{chosen.full_name} {verb} ваш выбор. Пара начнёт работу после приказа директора.")

    # The candidates not chosen have nothing waiting.
    other = new_page()
    log_in(other, CANDIDATES[0])
    expect(other.locator("#waiting")).to_have_count(0)


@pytest.mark.clause("s8", "4.13")
def test_a_candidate_declines_with_their_own_demo_login_and_the_mentee_chooses_again(page, new_page):
    first, second = person_of(CANDIDATES[0]), person_of(CANDIDATES[2])
    area = open_choice(page)
    choose(page, area, first)

    mentor = new_page()
    log_in(mentor, CANDIDATES[0])
    waiting_request(mentor).get_by_role("link", name="Отказаться", exact=True).click()
    expect(mentor.get_by_role("heading", name="Отказаться от наставничества?")).to_be_visible()
    mentor.get_by_label(re.compile("^Причина")).fill("в этой четверти много тренировок")
    mentor.get_by_role("button", name="Да, отказаться", exact=True).click()
    expect(mentor.get_by_text("Вы отказались. Наставляемый снова выберет из оставшихся кандидатов.")).to_be_visible()

    page.reload()
    area = page.locator(f"#choice-{format_id()}")
    declined = "отказалась" if first.sex == "f" else "отказался"
    expect(area.get_by_role("status")).to_contain_text(f"{first.full_name} {declined} быть вашим наставником")
    expect(area.get_by_role("status")).to_contain_text("в этой четверти много тренировок")
    choose(page, area, second)
    screenshot(page, "story-mentee-chose-again")


@pytest.mark.clause("4.11")
def test_parent2_follows_the_waiting_consent_accepts_the_agreement_and_signs(page):
    parent = person_of("parent2")
    with db.connection_context():
        assert not consents.has_esign_agreement(parent), "the demo `parent2` must not have accepted it yet"
        child = Person.select().join(Guardianship, on=Guardianship.child).where(Guardianship.parent == parent).get()
    log_in(page, "parent2")
    section = page.locator("section.card:not(.consent-status)").filter(
        has=page.get_by_role("heading", name=re.compile(f"^{re.escape(child.full_name)}")))
    waiting = section.locator(f"#waiting-{child.id}-parent_mentee")
    expect(waiting).to_contain_text("Ждёт вашей подписи: согласие законного представителя (наставляемый)")
    expect(waiting).to_contain_text(f"в форме «{FORMAT}» как {'наставляемая' if child.sex == 'f' else 'наставляемый'}")
    expect(section).not_to_contain_text("пока не участвует")
    expect(page.get_by_role("link", name="примите соглашение об использовании простой электронной подписи")) \
        .to_be_visible()
    screenshot(page, "story-parent2-home")

    waiting.get_by_role("link", name="Подписать согласие", exact=True).click()
    expect(page).to_have_url(path_is("/consent/esign"))
    expect(page.locator("main")).to_contain_text(f"и {parent.full_name} (далее — Пользователь)")
    page.get_by_label(re.compile(r"Я прочитала? соглашение и принимаю его условия")).check()
    page.get_by_label("Пароль от портала (для подтверждения)", exact=True).fill(demo.PASSWORD)
    page.get_by_role("button", name="Принять соглашение").click()
    expect(page).to_have_url(path_is(f"/consent/{child.id}/parent_mentee"))
    expect(page.locator(".document-text")).to_contain_text(f"Я, {parent.full_name},")

    for label, value in DETAILS.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label(re.compile(r"Я прочитала? текст согласия и даю согласие на указанных условиях")).check()
    page.get_by_label("Пароль от портала (простая электронная подпись)", exact=True).fill(demo.PASSWORD)
    page.get_by_role("button", name="Подписать", exact=True).click()
    expect(page.get_by_text("Согласие подписано. Его можно скачать в PDF.")).to_be_visible()
    expect(page.locator("table.compact")).to_contain_text("действует")

    follow_menu(page, "Мои дети")
    expect(page).to_have_url(path_is("/parent/"))
    expect(page.locator(f"#waiting-{child.id}-parent_mentee")).to_have_count(0)
    expect(page.locator(f"#consent-{child.id}-parent_mentee")).to_contain_text("подписано")
    expect(page.get_by_role("link", name="примите соглашение об использовании простой электронной подписи")) \
        .to_have_count(0)
    screenshot(page, "story-parent2-signed")


@pytest.mark.clause("4.10", "4.11")
def test_parent_withdraws_her_sons_consent_seeing_the_pair_and_mentor_it_suspends(page):
    """The demo `parent`: the withdrawal screen names the pair and its mentor; afterwards the consent stays
    listed as withdrawn, with the date, and the pair is suspended."""
    mentor = person_of("mentor")
    with db.connection_context():
        son = Person.get((Person.surname == "Иванов") & (Person.first_name == "Пётр"))
    log_in(page, "parent")
    row = page.locator(f"#consent-{son.id}-parent_mentee")
    expect(row).to_contain_text("подписано")
    row.get_by_role("link", name="Открыть", exact=True).click()
    page.get_by_role("link", name="Отозвать согласие", exact=True).click()
    expect(page.get_by_role("heading", name="Отозвать согласие?")).to_be_visible()
    stopped = page.locator("li.pair-stopped")
    expect(stopped).to_have_count(1)
    expect(stopped).to_contain_text(f"наставническая пара приостанавливается: форма «Учитель – ученик», "
                                    f"наставник {mentor.full_name}, наставляемый {MENTEE}")
    screenshot(page, "story-parent-withdraw")
    page.get_by_role("button", name="Да, отозвать согласие", exact=True).click()
    expect(page.get_by_text("Согласие отозвано.")).to_be_visible()

    follow_menu(page, "Мои дети")
    with db.connection_context():
        withdrawn_on = ru_date(ConsentWithdrawal.select().order_by(ConsentWithdrawal.id.desc()).get().withdrawn_at)
    row = page.locator(f"#consent-{son.id}-parent_mentee")
    expect(row).to_contain_text(f"отозвано {withdrawn_on}")
    expect(row).not_to_contain_text("не требуется сейчас")
    child = page.locator("section.card:not(.consent-status)").filter(
        has=page.get_by_role("heading", name=f"{MENTEE}, 8Б класс", exact=True))
    expect(child).to_contain_text(f"Наставник: {mentor.full_name}")
    expect(child).to_contain_text("приостановлена")
