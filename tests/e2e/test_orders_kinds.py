"""The introduction order in a real browser (4.1, s10): the coordinator drafts «О внедрении целевой модели
наставничества» from the school's data, downloads it as PDF and as DOCX (which say the same), registers the
signed paper with its number, date and scan, and checks it on /verify with the code printed on it."""
import io
import re
from datetime import date, timedelta

import pytest
from docx import Document
from playwright.sync_api import expect

from portal.documents.docx import docx_text
from tests.e2e.flows import follow_menu, log_in, path_is, screenshot
from tests.orders.test_orders import pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.clause("4.1"), pytest.mark.clause("s10", part="target-model-order")]

TITLE = "О внедрении целевой модели наставничества"
SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    with open(info.value.path(), "rb") as f:
        return f.read()


def _tidy(text: str) -> str:
    return re.sub(r"\s+([.,;:»)])", r"\1", " ".join(text.split()))


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

    registration = page.locator("#register")
    registration.get_by_label("Номер приказа", exact=True).fill("77-од")
    registration.get_by_label("Дата приказа", exact=True).fill((date.today() - timedelta(days=1)).isoformat())
    registration.get_by_label(re.compile("^Скан подписанного приказа")).set_input_files(
        files=[{"name": "prikaz-77.pdf", "mimeType": "application/pdf", "buffer": SCAN}])
    registration.get_by_role("button", name="Зарегистрировать приказ", exact=True).click()
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
