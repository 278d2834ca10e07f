"""A new parent, in a real browser: invited by the school, signs the consent for their child, downloads the
PDF — and the format's curator sees the child allowed to take part (4.10, 4.11).

The demo's parents without an account have accepted the e-signature agreement already (portal/demo.py
gives them signed history), so the parent here is one the coordinator links to the child by hand: a father
the portal has never seen, who must accept the agreement before his first signature.
"""
import io
import re

import pytest
from peewee import JOIN
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from portal.db import db
from portal.models import Account, BaseMembership, Guardianship, MentoringFormat, Person, SchoolClass
from portal.names import full_name
from portal.services import consent as consents
from tests.e2e.flows import acknowledge_regulation, follow_menu, log_in, log_out, path_is, screenshot, wait_for_htmx

pytestmark = [pytest.mark.e2e, pytest.mark.clause("4.10", "4.11")]

FORMAT = "Ученик – ученик"  # the demo `curator` curates it
FATHER = {"first_name": "Андрей", "patronymic": "Викторович"}
FATHER_PASSWORD = "berezovaya-roshcha-2026"
FATHER_DETAILS = {
    "Ваш документ, удостоверяющий личность (вид, серия, номер, кем и когда выдан)":
        "паспорт 78 12 345678, выдан УМВД России по Ярославской области 14.03.2012",
    "Ваш адрес проживания": "г. Ярославль, ул. Чайковского, д. 20, кв. 8",
    "Документ ребёнка (свидетельство о рождении или паспорт: серия, номер, кем и когда выдан)":
        "свидетельство о рождении II-ГР 654321, выдано отделом ЗАГС Кировского района г. Ярославля",
    "Адрес проживания ребёнка": "г. Ярославль, ул. Чайковского, д. 20, кв. 8",
}
KIND = "parent_mentee"
SIGNED_URL = re.compile(r"^https?://[^/]+/consent/signed/\d+$")
TITLE = consents.KIND_TITLES[KIND].capitalize()  # «Согласие законного представителя (наставляемый)»


def waiting_child() -> Person:
    """A minor in the format's mentee base «ожидает согласия», no parent of whom has an account.

    Chosen by query so the demo's random names don't matter; the name must be unique in the school so
    every screen's link and row point at this child alone.
    """
    with db.connection_context():
        fmt = MentoringFormat.get(MentoringFormat.name == FORMAT)
        with_account = (Guardianship.select(Guardianship.child)
                        .join(Account, on=(Account.person == Guardianship.parent)))
        waiting = (Person.select(Person, SchoolClass).join(BaseMembership, on=BaseMembership.person).switch(Person)
                   .join(SchoolClass, JOIN.LEFT_OUTER)
                   .where((BaseMembership.mentoring_format == fmt) & (BaseMembership.base == "mentee")
                          & (BaseMembership.status == "awaiting_consent") & Person.id.not_in(with_account))
                   .order_by(Person.id))
        for child in waiting:
            namesakes = Person.select().where((Person.surname == child.surname)
                                              & (Person.first_name == child.first_name)
                                              & (Person.patronymic == child.patronymic)).count()
            if child.is_minor() and namesakes == 1 and not consents.may_take_part(child, "mentee"):
                return child
    pytest.fail(f"the demo has no minor waiting for a parent's consent in «{FORMAT}» whose parents have no "
                "account: see `waiting` in portal/demo.py `_consents`")


def current_text_sha256(school_id: int) -> str:
    with db.connection_context():
        return consents.current_documents(school_id)[KIND].sha256


def member_row(page: Page, child: Person):
    """The child's row in the bases page's mentee base."""
    return page.locator("#base-mentee tbody tr").filter(
        has=page.locator("strong", has_text=child.full_name))



def open_format_bases(page: Page) -> None:
    follow_menu(page, "Базы")
    expect(page).to_have_url(path_is("/staff/bases"))
    page.get_by_role("link", name=f"«{FORMAT}»", exact=True).click()
    expect(page.get_by_role("heading", name=f"Базы формы «{FORMAT}»", exact=True)).to_be_visible()


def link_father_and_invite(page: Page, child: Person, father_name: str) -> tuple[str, str, str]:
    """The coordinator finds the child, links the father by hand, invites him; returns (address, login, code)."""
    log_in(page, "coordinator")
    follow_menu(page, "Люди")
    expect(page).to_have_url(path_is("/staff/people"))
    wait_for_htmx(page)
    with page.expect_response(lambda r: "/staff/people?" in r.url and "q=" in r.url):
        page.get_by_label("Фамилия", exact=True).fill(child.surname)
    page.get_by_role("link", name=child.full_name, exact=True).click()
    expect(page.get_by_role("heading", name=child.full_name, exact=True)).to_be_visible()

    link_form = page.locator("form").filter(has=page.get_by_role("button", name="Подтвердить связь"))
    link_form.get_by_text("Родителя нет в списке — ввести данные").click()
    link_form.get_by_label("Фамилия", exact=True).fill(father_name.split()[0])
    link_form.get_by_label("Имя", exact=True).fill(FATHER["first_name"])
    link_form.get_by_label("Отчество", exact=True).fill(FATHER["patronymic"])
    link_form.get_by_label("Пол", exact=True).select_option(label="мужской")
    link_form.get_by_label("Основание полномочий", exact=True).select_option(label="родитель")
    link_form.get_by_label("Документ о полномочиях: вид, серия и номер, дата", exact=True).fill(
        "свидетельство о рождении II-ГР № 654321 от 12.03.2014")  # the coordinator saw it (DECISIONS.md)
    link_form.get_by_role("button", name="Подтвердить связь").click()
    expect(page.get_by_text(f"Связь подтверждена: {father_name} может подписывать согласия за ребёнка.")) \
        .to_be_visible()

    page.locator("#guardians").get_by_role("link", name=father_name, exact=True).click()
    expect(page.get_by_role("heading", name=father_name, exact=True)).to_be_visible()
    expect(page.locator("#account")).to_contain_text("Учётной записи нет.")
    page.get_by_role("button", name="Создать учётную запись и приглашение", exact=True).click()
    slip = page.locator(".slip")
    expect(slip.get_by_role("heading", name="Приглашение в портал «Наставник»")).to_be_visible()
    expect(slip).to_contain_text(father_name)
    screenshot(page, "invitation-slip")
    address = slip.locator("dt:text-is('Адрес входа') + dd").inner_text().strip()
    login = slip.locator("dt:text-is('Логин') + dd").inner_text().strip()
    code = slip.locator("#invitation-code").inner_text().strip()
    assert code and login, "the slip shows no code or login"
    log_out(page)
    return address, login, code


def accept_invitation(page: Page, address: str, login: str, code: str) -> None:
    """The address and the code as printed on the slip; a new password twice; the regulation."""
    page.goto(address)
    expect(page.get_by_role("heading", name="Вход по приглашению")).to_be_visible()
    page.get_by_label("Код приглашения", exact=True).fill(code)
    page.get_by_label("Придумайте пароль", exact=True).fill(FATHER_PASSWORD)
    page.get_by_label("Пароль ещё раз", exact=True).fill(FATHER_PASSWORD)
    page.get_by_role("button", name="Сохранить пароль и войти").click()
    expect(page.get_by_text(f"Пароль сохранён. Ваш логин: {login}", exact=True)).to_be_visible()
    acknowledge_regulation(page)
    expect(page).to_have_url(path_is("/parent/"))


def consent_row(page: Page, child: Person):
    section = page.locator("section.consent-status").filter(
        has=page.get_by_role("heading", name=child.full_name, exact=True))
    return section.get_by_role("row").filter(has=page.get_by_role("cell", name=TITLE, exact=True))


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_invited_parent_signs_for_the_child_and_the_curator_sees_the_child_allowed(page, new_page):
    child = waiting_child()
    declined = full_name(child, "genitive")
    family = child.surname[:-1] if child.sex == "f" and child.surname.endswith("а") else child.surname
    father_name = f"{family} {FATHER['first_name']} {FATHER['patronymic']}"
    text_sha256 = current_text_sha256(child.school_id)

    # The curator, before: the child is in the base but may not take part.
    curator = new_page()
    log_in(curator, "curator")
    open_format_bases(curator)
    row = member_row(curator, child)
    expect(row).to_contain_text("ожидает согласия")
    expect(row).to_contain_text("✗ нет согласия родителя")

    address, login, code = link_father_and_invite(page, child, father_name)

    parent = new_page()
    accept_invitation(parent, address, login, code)
    expect(parent.get_by_role("heading", name="Мои дети", exact=True)).to_be_visible()
    in_class = f", {child.school_class.name} класс" if child.school_class_id else ""
    expect(parent.get_by_role("heading", name=child.full_name + in_class, exact=True)).to_be_visible()
    waiting = consent_row(parent, child)
    expect(waiting).to_contain_text("ожидает подписи")
    screenshot(parent, "parent-home-waiting")

    # Signing first asks for the e-signature agreement, then comes back to the consent.
    waiting.get_by_role("link", name="Подписать", exact=True).click()
    expect(parent).to_have_url(path_is("/consent/esign"))
    parent.get_by_label("Я прочитал соглашение и принимаю его условия").check()
    parent.get_by_label("Пароль от портала (для подтверждения)", exact=True).fill(FATHER_PASSWORD)
    parent.get_by_role("button", name="Принять соглашение").click()
    expect(parent).to_have_url(path_is(f"/consent/{child.id}/{KIND}"))

    document = parent.locator(".document-text")
    expect(document).to_contain_text(f"несовершеннолетнего {declined},")
    expect(document).to_contain_text(f"Я, {father_name},")
    expect(parent.get_by_text(text_sha256, exact=True)).to_be_visible()
    for label, value in FATHER_DETAILS.items():
        parent.get_by_label(label, exact=True).fill(value)
    parent.get_by_label("Я прочитал текст согласия и даю согласие на указанных условиях").check()
    parent.get_by_label("Пароль от портала (простая электронная подпись)", exact=True).fill(FATHER_PASSWORD)
    parent.get_by_role("button", name="Подписать", exact=True).click()

    expect(parent).to_have_url(SIGNED_URL)
    expect(parent.get_by_role("heading", name=TITLE, exact=True)).to_be_visible()
    expect(parent.get_by_text("Согласие подписано. Его можно скачать в PDF.")).to_be_visible()
    record = parent.locator("table.compact")
    expect(record.get_by_role("row", name=f"Субъект {child.full_name}")).to_be_visible()
    expect(record.get_by_role("row", name=f"Подписал {father_name}")).to_be_visible()  # a father: «Подписал»
    expect(record).to_contain_text("действует")
    screenshot(parent, "consent-signed")

    with parent.expect_download() as download_info:
        parent.get_by_role("link", name="Скачать PDF", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert declined in text, f"the PDF does not name the child in the genitive ({declined}):\n{text}"
    assert text_sha256 in "".join(text.split()), f"the PDF does not carry the text's SHA-256 {text_sha256}"
    assert father_name in text

    follow_menu(parent, "Мои дети")
    expect(consent_row(parent, child)).to_contain_text("подписано")

    # The curator, after: the same page now lets the child take part.
    curator.reload()
    row = member_row(curator, child)
    expect(row).to_contain_text("участвует")
    expect(row).to_contain_text("✓ может участвовать")
    expect(row).not_to_contain_text("нет согласия")
    screenshot(curator, "curator-bases-allowed")
