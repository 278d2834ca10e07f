"""The signed consent's PDF carries every item 152-ФЗ art. 9 p. 4 requires (4.11), read back from its text,
with every PDF engine this machine has."""
import io
from datetime import date

import pytest
from pypdf import PdfReader

from portal.formatting import ru_datetime
from portal.models import Consent, ConsentDocument, School
from tests.consent.conftest import SIGN_DATA
from tests.consent.test_gate import accept_esign, log_in_as
from tests.factories import PASSWORD

SCHOOL_ADDRESS = "150000, г. Ярославль, ул. Школьная, д. 62"
ADULT = {"identity_document": "паспорт 7805 246810, выдан УМВД по Ярославской области 03.03.2010",
         "address": "г. Ярославль, пр. Ленина, д. 5, кв. 17", "agree": "y", "password": PASSWORD}
# What each item of 152-ФЗ art. 9 p. 4 looks like in the text.
COMMON_ITEMS = {
    "operator (p. 4.3)": "Муниципальное общеобразовательное учреждение СОШ № 62",
    "operator's address (p. 4.3)": SCHOOL_ADDRESS,
    "purpose (p. 4.4)": "Цель обработки:",
    "list of personal data (p. 4.5)": "Перечень персональных данных",
    "list of actions (p. 4.7)": "Перечень действий с персональными данными:",
    "term (p. 4.8)": "Срок действия согласия:",
    "how to withdraw (p. 4.8)": "Порядок отзыва: согласие может быть отозвано",
    "signature record": "Сведения о подписании простой электронной подписью",
}


@pytest.fixture
def school_with_address(school):
    School.update(address=SCHOOL_ADDRESS).where(School.id == school.id).execute()
    return school


def pdf_of(client, consent) -> tuple[str, dict]:
    response = client.get(f"/consent/signed/{consent.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return text, dict(reader.metadata or {})


def signed(client, subject, kind, data) -> Consent:
    client.get(f"/consent/{subject.id}/{kind}")
    response = client.post(f"/consent/{subject.id}/{kind}", data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return (Consent.select().join(ConsentDocument)
            .where((Consent.subject == subject) & (ConsentDocument.kind == kind)).get())


def assert_items(text: str, items: dict) -> None:
    missing = [f"{item}: «{value}»" for item, value in items.items() if value not in text]
    assert not missing, "the PDF lacks " + "; ".join(missing)


def assert_signature_record(text: str, consent: Consent, signer_name: str) -> None:
    assert_items(text, {"signer": f"Подписант {signer_name}", "time": ru_datetime(consent.signed_at),
                        "IP": f"IP-адрес {consent.ip}"})
    assert consent.ip == "127.0.0.1"
    assert consent.text_sha256 in text.replace(" ", ""), "the PDF lacks the text's SHA-256"


def assert_engine(metadata: dict, engine: str) -> None:
    producer = " ".join(str(v) for v in metadata.values()).lower()
    assert ("weasyprint" in producer) == (engine == "weasyprint"), producer


@pytest.mark.clause("4.11")
@pytest.mark.parametrize("kind", ["parent_mentee", "parent_mentor", "dissemination"])
def test_a_parents_consent_pdf_names_child_parent_authority_and_everything_else(
        client, signed_in_parent, school_with_address, engine, kind):
    child = signed_in_parent["child"]
    consent = signed(client, child, kind, SIGN_DATA)
    text, metadata = pdf_of(client, consent)
    assert_engine(metadata, engine)
    assert_items(text, COMMON_ITEMS)
    assert_items(text, {
        "subject's name, declined (p. 4.1)": "Иванова Петра Сергеевича",
        "subject's identity document (p. 4.1)": SIGN_DATA["subject_document"],
        "subject's address (p. 4.1)": SIGN_DATA["subject_address"],
        "subject's name in the record": "Субъект персональных данных Иванов Пётр Сергеевич",
        "representative's name (p. 4.2)": "Я, Иванова Ольга Николаевна",
        "representative's identity document (p. 4.2)": SIGN_DATA["identity_document"],
        "representative's address (p. 4.2)": SIGN_DATA["address"],
        "ground of authority (p. 4.2)": "основание полномочий",
        "authority as the school confirmed it": "родитель",
    })
    if kind != "dissemination":
        assert "несовершеннолетнего Иванова Петра Сергеевича" in text
    assert_signature_record(text, consent, "Иванова Ольга Николаевна — законный представитель")


@pytest.mark.clause("4.11")
@pytest.mark.parametrize("kind", ["adult_self", "dissemination"])
def test_an_adults_own_consent_pdf_names_them_and_everything_else(client, login, make_person, make_account,
                                                                  school_with_address, engine, kind):
    person = make_person(kind="staff", sex="f", surname="Соколова", first_name="Мария", patronymic="Андреевна",
                         birth_date=date(1990, 6, 15))
    log_in_as(client, login, make_account("mentor", person=person))
    accept_esign(client)
    consent = signed(client, person, kind, ADULT)
    text, metadata = pdf_of(client, consent)
    assert_engine(metadata, engine)
    assert_items(text, COMMON_ITEMS)
    assert_items(text, {
        "subject's name (p. 4.1)": "Соколова Мария Андреевна" if kind == "adult_self" else "Соколовой Марии Андреевны",
        "subject's identity document (p. 4.1)": ADULT["identity_document"],
        "subject's address (p. 4.1)": ADULT["address"],
    })
    assert "законный представитель" not in text.split("Сведения о подписании")[1]
    assert "основание полномочий: родитель" not in text
    assert_signature_record(text, consent, "Соколова Мария Андреевна — лично")
