import pytest

from portal.models import AuditEvent, BaseMembership, Consent, ConsentWithdrawal
from portal.services import consent as consents
from tests.consent.conftest import SIGN_DATA


def parent_consents():
    return Consent.select().join(consents.ConsentDocument).where(consents.ConsentDocument.kind == "parent_mentee")


@pytest.mark.clause("4.11")
def test_parent_signs_for_child_and_child_becomes_active(client, signed_in_parent):
    child = signed_in_parent["child"]
    page = client.get(f"/consent/{child.id}/parent_mentee")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Иванова Петра Сергеевича" in text  # the consent names the child in the genitive
    assert not consents.may_take_part(child, "mentee")

    response = client.post(f"/consent/{child.id}/parent_mentee", SIGN_DATA)
    assert response.status_code == 303
    consent = parent_consents().get()
    assert consent.signer_id == signed_in_parent["parent"].person_id and consent.subject_id == child.id
    assert consent.text_sha256 == consent.document.sha256 and consent.ip
    assert BaseMembership.get_by_id(signed_in_parent["membership"].id).status == "active"
    assert consents.may_take_part(child, "mentee")
    assert AuditEvent.select().where(AuditEvent.action == "consent.signed").count() == 1


@pytest.mark.quality("idempotency")
def test_double_submit_signs_once(client, signed_in_parent):
    child = signed_in_parent["child"]
    client.get(f"/consent/{child.id}/parent_mentee")
    token = client.token
    first = client.post(f"/consent/{child.id}/parent_mentee", SIGN_DATA)
    second = client.raw.post(f"/consent/{child.id}/parent_mentee", data={**SIGN_DATA, "csrf_token": token})
    assert first.status_code == 303 and second.status_code == 200
    assert parent_consents().count() == 1


@pytest.mark.clause("4.11")
@pytest.mark.parametrize("field,value,message", [
    ("password", "wrong password!", "Пароль введён неверно"),
    ("agree", "", "Отметьте, что вы прочитали текст"),
    ("identity_document", "", "Укажите документ, удостоверяющий личность"),
    ("subject_document", "", "Укажите документ ребёнка"),
])
def test_bad_signature_is_refused_beside_the_field(client, signed_in_parent, field, value, message):
    child = signed_in_parent["child"]
    client.get(f"/consent/{child.id}/parent_mentee")
    response = client.post(f"/consent/{child.id}/parent_mentee", {**SIGN_DATA, field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert not consents.may_take_part(child, "mentee")


@pytest.mark.clause("4.11")
def test_parent_cannot_sign_for_a_child_not_linked(client, signed_in_parent, make_person):
    stranger = make_person(kind="student")
    assert client.get(f"/consent/{stranger.id}/parent_mentee").status_code == 404
    client.get(f"/consent/{signed_in_parent['child'].id}/parent_mentee")
    assert client.post(f"/consent/{stranger.id}/parent_mentee", SIGN_DATA).status_code == 404
    assert Consent.select().where(Consent.subject == stranger).count() == 0


@pytest.mark.clause("4.11")
def test_signing_needs_the_esign_agreement_first(client, login, family):
    login(family["parent"].login)
    response = client.get(f"/consent/{family['child'].id}/parent_mentee")
    assert response.status_code == 302 and "/consent/esign" in response.headers["Location"]


@pytest.mark.clause("4.10")
def test_withdrawal_takes_effect_at_once(client, signed_in_parent):
    child = signed_in_parent["child"]
    client.get(f"/consent/{child.id}/parent_mentee")
    client.post(f"/consent/{child.id}/parent_mentee", SIGN_DATA)
    consent = parent_consents().get()
    confirm = client.get(f"/consent/signed/{consent.id}/withdraw")
    assert "Отозвать согласие?" in confirm.get_data(as_text=True)
    assert client.post(f"/consent/signed/{consent.id}/withdraw").status_code == 303
    assert not consents.may_take_part(child, "mentee")
    assert BaseMembership.get_by_id(signed_in_parent["membership"].id).status == "left"
    withdrawal = ConsentWithdrawal.get()
    assert (withdrawal.destruction_due_on - withdrawal.withdrawn_at.date()).days == 30
    assert parent_consents().count() == 1  # the evidence stays


@pytest.mark.clause("4.11")
def test_consent_pdf_downloads_with_the_signature_record(client, signed_in_parent):
    from io import BytesIO

    from pypdf import PdfReader
    child = signed_in_parent["child"]
    client.get(f"/consent/{child.id}/parent_mentee")
    client.post(f"/consent/{child.id}/parent_mentee", SIGN_DATA)
    consent = parent_consents().get()
    response = client.get(f"/consent/signed/{consent.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(response.data)).pages)
    assert "Иванова Петра Сергеевича" in text
    assert consent.text_sha256[:16] in text.replace(" ", "")
