"""A signed consent is an issued document (DECISIONS.md «What a signed document is»): the exact HTML of the
moment of signing with its SHA-256 and a verification code; the PDF is made from that HTML, so renaming the
parent or the child, another guardianship basis or new school details change nothing the signer was given,
and `/verify/<code>` confirms it without login — until the consent is withdrawn."""
import io

import pytest
from pypdf import PdfReader

from portal.models import AuditEvent, Consent, ConsentDocument, Guardianship, IssuedDocument, Person, School
from portal.services import issued
from tests.consent.conftest import SIGN_DATA
from tests.consent.test_gate import log_in_as
from tests.consent.test_pdf_contents import signed


def pdf_text(data: bytes) -> str:
    """Whitespace normalised: engines break lines and wkhtmltopdf puts tabs between words."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def upload(client, code, data: bytes, name="soglasie.pdf"):
    client.get(f"/verify/{code}")
    return client.post(f"/verify/{code}", {"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.mark.clause("4.11")
def test_a_consent_stays_as_signed_after_the_parent_and_child_are_renamed_and_verifies(
        client, login, signed_in_parent, engine):
    child, parent = signed_in_parent["child"], signed_in_parent["parent"]
    consent = signed(client, child, "parent_mentee", SIGN_DATA)

    document = IssuedDocument.get(IssuedDocument.consent == consent.id)
    assert (document.kind, document.frozen_late_at, document.issued_at) == ("consent", None, consent.signed_at)
    assert document.html_sha256 == issued.sha256(document.html) and document.pdf is None
    assert document.issued_by_id == parent.person_id and document.school_id == child.school_id
    assert "Иванова Петра Сергеевича" in document.html and SIGN_DATA["subject_document"] in document.html
    assert AuditEvent.select().where((AuditEvent.action == "document.issued")
                                     & (AuditEvent.object_id == document.id)).count() == 1

    first = client.get(f"/consent/signed/{consent.id}/pdf").data
    printed = pdf_text(first)
    assert "Иванова Петра Сергеевича" in printed and "Иванова Ольга Николаевна" in printed
    assert f"Код проверки документа: {document.code}" in printed and f"/verify/{document.code}" in printed

    # Everything the consent was rendered from changes.
    Person.update(surname="Сидоров", first_name="Павел").where(Person.id == child.id).execute()
    Person.update(surname="Сидорова", first_name="Анна").where(Person.id == parent.person_id).execute()
    Guardianship.update(basis="опекун").where(Guardianship.child == child.id).execute()
    School.update(name="МОУ «Совсем другая школа»", address="г. Рыбинск").where(School.id == child.school_id).execute()

    again = client.get(f"/consent/signed/{consent.id}/pdf").data
    assert pdf_text(again) == printed
    assert again == first  # the very same file, not a new rendering of the same text
    assert "Сидоров" not in pdf_text(again) and "Рыбинск" not in pdf_text(again)
    assert IssuedDocument.get_by_id(document.id).html == document.html

    # /verify, without login: valid, and the downloaded file is byte-identical.
    client.post("/logout")
    page = client.get(f"/verify/{document.code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "действует, не отозван(о)" in html and "Согласие законного представителя (наставляемый)" in html
    for name in ("Иванов", "Сидоров", "Ольга", "Пётр", "Павел"):
        assert name not in html, f"/verify shows a name: {name}"
    matched = upload(client, document.code, again)
    assert matched.status_code == 200 and "Файл совпадает" in matched.get_data(as_text=True)

    # Withdrawn: /verify says so; the document itself stays as signed.
    log_in_as(client, login, parent)
    client.get(f"/consent/signed/{consent.id}/withdraw")
    assert client.post(f"/consent/signed/{consent.id}/withdraw").status_code == 303
    client.post("/logout")
    html = client.get(f"/verify/{document.code}").get_data(as_text=True)
    assert "отозван(о)" in html and "действует, не отозван(о)" not in html
    assert IssuedDocument.get_by_id(document.id).html == document.html


@pytest.mark.clause("4.11")
def test_the_esign_agreement_is_frozen_when_accepted_and_downloads_with_its_code(client, signed_in_parent):
    parent = signed_in_parent["parent"]
    agreement = (Consent.select().join(ConsentDocument)
                 .where((Consent.signer == parent.person_id) & (ConsentDocument.kind == "esign_agreement")).get())
    document = IssuedDocument.get(IssuedDocument.consent == agreement.id)
    assert (document.kind, document.issued_at, document.frozen_late_at) == ("esign_agreement", agreement.signed_at,
                                                                            None)
    assert "Иванова Ольга Николаевна" in document.html
    Person.update(surname="Сидорова").where(Person.id == parent.person_id).execute()

    overview = client.get("/consent/").get_data(as_text=True)
    assert f"/consent/esign/{agreement.id}/pdf" in overview
    response = client.get(f"/consent/esign/{agreement.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    printed = pdf_text(response.data)
    assert "Иванова Ольга Николаевна" in printed and "Сидорова" not in printed and document.code in printed
    assert "Субъект персональных данных" not in printed  # an agreement between two parties, not a consent
    assert client.get(f"/consent/esign/{agreement.id + 1000}/pdf").status_code == 404


@pytest.mark.clause("4.11")
def test_the_signed_page_shows_the_verification_code(client, signed_in_parent):
    consent = signed(client, signed_in_parent["child"], "parent_mentee", SIGN_DATA)
    code = IssuedDocument.get(IssuedDocument.consent == consent.id).code
    page = client.get(f"/consent/signed/{consent.id}").get_data(as_text=True)
    assert code in page and f"/verify/{code}" in page


@pytest.mark.clause("4.11")
def test_a_failed_signature_issues_no_document(client, signed_in_parent):
    child = signed_in_parent["child"]
    client.get(f"/consent/{child.id}/parent_mentee")
    response = client.post(f"/consent/{child.id}/parent_mentee", dict(SIGN_DATA, password="wrong password"))
    assert response.status_code == 422
    assert IssuedDocument.select().where(IssuedDocument.kind == "consent").count() == 0


@pytest.mark.clause("4.11")
def test_a_consent_from_before_freezing_is_frozen_late_at_its_first_download(client, signed_in_parent):
    """A row with no issued document (signed before the upgrade, or written by hand): frozen from what it renders
    now, marked as such on the PDF and on /verify, and from then on the same file."""
    child, parent = signed_in_parent["child"], signed_in_parent["parent"]
    document = ConsentDocument.get((ConsentDocument.school == child.school_id)
                                   & (ConsentDocument.kind == "parent_mentee"))
    consent = Consent.create(document=document, subject=child, signer=parent.person_id, text_sha256=document.sha256,
                             identity_document="паспорт 7801 000001", address="г. Ярославль")
    first = client.get(f"/consent/signed/{consent.id}/pdf")
    assert first.status_code == 200
    frozen = IssuedDocument.get(IssuedDocument.consent == consent.id)
    assert frozen.frozen_late_at is not None and frozen.issued_at == consent.signed_at
    assert "Документ выдан до введения кодов проверки" in pdf_text(first.data)
    Person.update(surname="Сидоров").where(Person.id == child.id).execute()
    assert client.get(f"/consent/signed/{consent.id}/pdf").data == first.data
    assert "Выдан до введения кодов проверки" in client.get(f"/verify/{frozen.code}").get_data(as_text=True)
