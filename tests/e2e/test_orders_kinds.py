"""The introduction order in a real browser (4.1, s10): the coordinator drafts «О внедрении целевой модели
наставничества» from the school's data, downloads it as PDF and as DOCX (which say the same), registers the
signed paper with its number, date and scan, and checks it on /verify with the code printed on it. And the
appointment order (4.3): a curator appointed on the formats page waits for the order until it is registered."""
import io
import re
from datetime import date, timedelta

import pytest
from docx import Document
from playwright.sync_api import expect

from portal.documents.docx import docx_text
from tests.e2e.flows import follow_menu, log_in, on_a_phone, path_is, screenshot
from tests.orders.test_orders import pdf_text

pytestmark = [pytest.mark.e2e]

TITLE = "О внедрении целевой модели наставничества"
SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    with open(info.value.path(), "rb") as f:
        return f.read()


def _register(page, number: str) -> None:
    """The signed paper registered on the order's page: its number, yesterday's date, its scan."""
    registration = page.locator("#register")
    registration.get_by_label("Номер приказа", exact=True).fill(number)
    registration.get_by_label("Дата приказа", exact=True).fill((date.today() - timedelta(days=1)).isoformat())
    registration.get_by_label(re.compile("^Скан подписанного приказа")).set_input_files(
        files=[{"name": "prikaz.pdf", "mimeType": "application/pdf", "buffer": SCAN}])
    registration.get_by_role("button", name="Зарегистрировать приказ", exact=True).click()


def _tidy(text: str) -> str:
    return re.sub(r"\s+([.,;:»)])", r"\1", " ".join(text.split()))


@pytest.mark.clause("4.1")
@pytest.mark.clause("s10", part="target-model-order")
def test_the_coordinator_drafts_registers_and_verifies_the_introduction_order(page):
    log_in(page, "coordinator")
    follow_menu(page, "Приказы")
    expect(page).to_have_url(path_is("/coordinator/orders"))
    page.locator("#new-order").get_by_role("link", name=f"«{TITLE}»", exact=True).click()
    page.get_by_label("Дата начала внедрения целевой модели", exact=True).fill("2026-09-01")
    page.get_by_role("button", name="Составить проект приказа", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("Проект приказа составлен")
    expect(page.get_by_role("heading", name="Проект приказа", exact=True)).to_be_visible()
    expect(page.locator("#order-text")).to_contain_text("ПРИКАЗЫВАЮ:")  # the draft's text, as it prints
    screenshot(page, "order-introduction-draft")

    pdf = _download(page, "Скачать PDF на подпись директору")
    docx = _download(page, "Скачать DOCX (Word)")
    assert pdf.startswith(b"%PDF") and docx.startswith(b"PK")
    Document(io.BytesIO(docx))
    printed = _tidy(pdf_text(pdf))
    for line in docx_text(docx):
        assert _tidy(line) in printed, line
    for words in ("ПРИКАЗ", TITLE, "ПРИКАЗЫВАЮ:", "г. Ярославль", "с 1 сентября 2026 г.", "/ В. Н. Орлов"):
        assert words in printed, words

    _register(page, "77-од")
    expect(page.locator(".flash-success")).to_contain_text("Приказ № 77-од зарегистрирован")
    expect(page.locator("#order-state")).to_contain_text("зарегистрирован")
    expect(page.locator("#order-state").get_by_role("link", name="скачать", exact=True)).to_be_visible()
    expect(page.locator("#order-details form")).to_have_count(0)  # frozen: no editing form
    screenshot(page, "order-introduction-registered")

    pdf = _download(page, "Скачать PDF")
    docx = _download(page, "Скачать DOCX (Word)")
    printed = _tidy(pdf_text(pdf))
    assert "№ 77-од" in printed
    for line in docx_text(docx):
        assert _tidy(line) in printed, line
    code = re.search(r"/verify/([0-9A-Z]{10})", printed).group(1)

    page.goto(f"/verify/{code}")
    expect(page.locator("main")).to_contain_text(TITLE)
    expect(page.locator("main")).to_contain_text("77-од")


@pytest.mark.clause("4.3")
@pytest.mark.clause("s10", part="coordinator-curators-order")
def test_a_curator_appointed_on_the_formats_page_waits_for_the_registered_order(page):
    log_in(page, "coordinator")
    page.goto("/coordinator/formats")
    card = page.locator("section.card").filter(has_text="Учитель – учитель").first
    card.get_by_role("link", name="Назначить куратора", exact=True).click()
    person = page.get_by_label("Кто назначается куратором", exact=True)
    person.select_option(index=1)
    chosen = person.locator("option:checked").inner_text().split(" — ")[0].split(" (")[0]
    page.get_by_role("button", name="Внести в проект приказа", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("Назначение ждёт приказа")
    expect(page.locator("#order-appointments")).to_contain_text(chosen)
    expect(page.locator("#order-appointments")).to_contain_text("назначение ждёт приказа")
    page.set_viewport_size({"width": 360, "height": 800})
    on_a_phone(page, "order-appointment-draft")
    page.set_viewport_size({"width": 1280, "height": 800})

    _register(page, "78-к")
    expect(page.locator(".flash-success")).to_contain_text("Назначенные по нему получили доступ")
    page.goto("/coordinator/formats")
    expect(page.locator("section.card").filter(has_text="Учитель – учитель").first).to_contain_text("приказ № 78-к")
