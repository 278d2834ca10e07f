"""`/verify/<code>` (DECISIONS.md «What a signed document is»): without login it answers only the kind, the
date, the number, whether the document was withdrawn, and whether an uploaded file is byte-identical to the
PDF the portal issued — never a name. Also: the codes, the size and rate limits of the upload, destruction
of the frozen copy with the personal data, and `flask db-upgrade` freezing what was issued before."""
import io
from datetime import date

import pytest

from portal.models import (
    AuditEvent, Consent, ConsentDocument, FinalReport, IssuedDocument, Mentorship, MentorshipMember, Order, OrderItem,
    Person, School,
)
from portal.services import consent as consents
from portal.services import issued
from portal.services.staff import scope_for
from tests.factories import PASSWORD
from tests.querycount import count_queries

ADULT = consents.SigningDetails("паспорт 7805 246810, выдан УМВД по Ярославской области 03.03.2010",
                                "г. Ярославль, пр. Ленина, д. 5, кв. 17")
NAMES = ("Соколова", "Мария", "Андреевна")


@pytest.fixture
def signer(make_person, make_account):
    person = make_person(kind="staff", sex="f", surname=NAMES[0], first_name=NAMES[1], patronymic=NAMES[2],
                         birth_date=date(1990, 6, 15))
    return make_account("mentor", person=person)


@pytest.fixture
def signed_consent(signer):
    consents.accept_esign_agreement(signer, PASSWORD, True)
    return consents.sign(signer, signer.person_id, "adult_self", password=PASSWORD, agree=True, details=ADULT)


@pytest.fixture
def document(signed_consent):
    return IssuedDocument.get(IssuedDocument.consent == signed_consent.id)


@pytest.fixture
def downloaded(signed_consent, document):
    """The PDF as the signer got it (the first download stores it)."""
    return consents.consent_pdf(signed_consent)


def page(response) -> str:
    return response.get_data(as_text=True)


def upload(client, code, data, name="document.pdf"):
    client.get(f"/verify/{code}")
    return client.post(f"/verify/{code}", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


# --- codes -----------------------------------------------------------------------------------------

def test_codes_are_short_unambiguous_and_unique(document, signed_consent):
    codes = {issued.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == issued.CODE_LENGTH and not set(c) & set("01OIL") for c in codes)
    assert issued.normalise_code(document.code.lower()) == document.code
    spaced = " ".join([document.code[:4], document.code[4:8], document.code[8:]])
    assert issued.normalise_code(spaced.replace(" ", "-", 1)) == document.code
    assert issued.normalise_code("O0O0O0O0O0") is None and issued.normalise_code("x" * 1000) is None
    esign = IssuedDocument.get(IssuedDocument.kind == "esign_agreement")
    assert esign.code != document.code


# --- the page --------------------------------------------------------------------------------------

@pytest.mark.quality("security")
def test_verify_needs_no_login_and_shows_no_personal_data(client, document, downloaded, signed_consent):
    response = client.get(f"/verify/{document.code}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = page(response)
    assert "Согласие совершеннолетнего участника" in html and "без номера" in html
    assert "действует, не отозван(о)" in html and document.code in html
    for private in NAMES + ("7805", "Ленина", signed_consent.ip or "127.0.0.1", signed_consent.text_sha256):
        assert private not in html, f"/verify shows {private}"
    assert client.get(f"/verify/{document.code.lower()}").status_code == 200  # as typed off paper


@pytest.mark.quality("security")
def test_an_unknown_or_malformed_code_is_a_russian_not_found_page(client, document):
    for code in ("AAAAAAAAAA", "0000000000", "x" * 300, "%3Cscript%3E", document.code[:-1]):
        response = client.get(f"/verify/{code}")
        assert response.status_code == 404, code
        assert "Документ не найден" in page(response) and "<script>" not in page(response)
    client.get("/verify")
    response = client.post("/verify/AAAAAAAAAA", {}, content_type="multipart/form-data")
    assert response.status_code == 404 and "Документ не найден" in page(response)


def test_the_code_typed_in_the_form_opens_its_page(client, document):
    assert "Код проверки" in page(client.get("/verify"))
    typed = f" {document.code[:5].lower()}-{document.code[5:]} "
    response = client.get("/verify", query_string={"code": typed})
    assert response.status_code == 303 and response.headers["Location"] == f"/verify/{document.code}"
    wrong = client.get("/verify", query_string={"code": "12"})
    assert wrong.status_code == 422 and "Код проверки — 10 латинских букв и цифр" in page(wrong)


@pytest.mark.quality("security")
def test_an_uploaded_copy_matches_only_when_byte_identical(client, document, downloaded):
    same = upload(client, document.code, downloaded)
    assert same.status_code == 200 and "Файл совпадает с документом" in page(same)
    assert "не совпадает" not in page(same)
    changed = bytearray(downloaded)
    changed[len(changed) // 2] ^= 1
    other = upload(client, document.code, bytes(changed))
    assert other.status_code == 200 and "Файл не совпадает" in page(other)
    checks = AuditEvent.select().where(AuditEvent.action == "document.checked").order_by(AuditEvent.id)
    assert [e.details_dict["matches"] for e in checks] == [True, False]
    assert all(e.actor_id is None and e.object_id == document.id for e in checks)


def test_before_any_download_no_file_matches(client, document):
    html = page(client.get(f"/verify/{document.code}"))
    assert "ещё не скачивали" in html
    assert "Файл не совпадает" in page(upload(client, document.code, b"%PDF-1.4 anything"))


def test_the_upload_is_required_and_size_limited(client, app, document, downloaded):
    client.get(f"/verify/{document.code}")
    empty = client.post(f"/verify/{document.code}", {}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Выберите файл PDF" in page(empty)
    too_big = upload(client, document.code, b"%PDF" + b"0" * issued.MAX_UPLOAD_BYTES)
    assert too_big.status_code == 422 and "Файл больше 4 МБ" in page(too_big)
    huge = upload(client, document.code, b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert huge.status_code == 413 and "Файл слишком большой" in page(huge)
    assert not AuditEvent.select().where(AuditEvent.action == "document.checked").exists()


def test_the_upload_needs_the_csrf_token(client, document, downloaded):
    client.get(f"/verify/{document.code}")
    response = client.post(f"/verify/{document.code}", {"file": (io.BytesIO(downloaded), "a.pdf")},
                           csrf=False, content_type="multipart/form-data")
    assert response.status_code == 400
    assert not AuditEvent.select().where(AuditEvent.action == "document.checked").exists()


def test_verify_is_rate_limited(client, app, document):
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
    assert [client.get(f"/verify/{document.code}").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert "Слишком много попыток" in page(client.get("/verify/AAAAAAAAAA"))


def test_verify_costs_the_same_queries_whatever_the_number_of_documents(client, document, make_person, make_account):
    client.get(f"/verify/{document.code}")
    with count_queries() as few:
        client.get(f"/verify/{document.code}")
    for n in range(4):
        account = make_account("mentor", person=make_person(kind="staff", birth_date=date(1980, 1, 1 + n)))
        consents.accept_esign_agreement(account, PASSWORD, True)
    with count_queries() as many:
        client.get(f"/verify/{document.code}")
    assert len(few) == len(many) == 1, few


# --- destruction -----------------------------------------------------------------------------------

@pytest.mark.clause("4.11")
def test_destruction_erases_the_frozen_copy_and_verify_still_matches(client, login, signer, signed_consent, document,
                                                                     downloaded, make_account):
    consents.withdraw(signer, signed_consent.id)
    coordinator = make_account("coordinator")
    withdrawal = consents.destruction_list(signer.person.school_id).get()
    consents.destroy(coordinator.person, withdrawal.id, signer.person.school_id)

    erased = IssuedDocument.get_by_id(document.id)
    assert erased.html == "" and erased.pdf is None and erased.erased_at is not None
    assert (erased.code, erased.html_sha256, erased.pdf_sha256) == (document.code, document.html_sha256,
                                                                    issued.sha256(downloaded))
    assert IssuedDocument.get(IssuedDocument.kind == "esign_agreement").html == ""  # it named the person too
    html = page(client.get(f"/verify/{document.code}"))
    assert "отозван(о)" in html and "Персональные данные уничтожены" in html
    assert "Файл совпадает" in page(upload(client, document.code, downloaded))


# --- documents issued before freezing: `flask db-upgrade` ------------------------------------------

@pytest.mark.quality("migration")
def test_db_upgrade_freezes_what_was_issued_before_and_marks_it_late(app, school, make_person, make_account):
    """Rows from before migration 006 (written here as they were then: without a document) are frozen from
    what they render at the upgrade, in the same `flask db-upgrade`; a second run finds nothing to do."""
    adult = make_person(kind="staff", sex="f", surname="Орлова", first_name="Нина", birth_date=date(1980, 2, 2))
    kept = ConsentDocument.get((ConsentDocument.school == school) & (ConsentDocument.kind == "adult_self"))
    consent = Consent.create(document=kept, subject=adult, signer=adult, text_sha256=kept.sha256,
                             identity_document="паспорт 7800 111222", address="г. Ярославль")
    coordinator = make_account("coordinator")
    mentee = make_person(kind="staff", birth_date=date(1995, 3, 3), surname="Лебедев")
    fmt = scope_for(coordinator).formats().first()
    pair = Mentorship.create(mentoring_format=fmt, mentor=adult, status="completed")
    MentorshipMember.create(mentorship=pair, mentee=mentee)
    order = Order.create(school=school, kind="pairs", title="Об утверждении наставников и наставнических пар/групп",
                         status="registered", number="12-од", dated_on=date(2025, 9, 1), created_by=coordinator.person)
    OrderItem.create(order=order, mentorship=pair)
    Order.create(school=school, kind="pairs", title="Проект", status="draft")
    report = FinalReport.create(mentorship=pair, work_done="Встречи по плану.", conclusions="Цели достигнуты.",
                                written_by=adult)

    result = app.test_cli_runner().invoke(args=["db-upgrade"])
    assert result.exit_code == 0, result.output
    assert "Применено миграций: 0" in result.output and "Зафиксировано выданных ранее документов: 3" in result.output

    frozen = {d.kind: d for d in IssuedDocument.select()}
    assert set(frozen) == {"consent", "order", "report"}  # the draft is not issued
    assert all(d.frozen_late_at is not None for d in frozen.values())
    assert frozen["consent"].consent_id == consent.id and frozen["consent"].issued_at == consent.signed_at
    assert "Орлова Нина" in frozen["consent"].html and "паспорт 7800 111222" in frozen["consent"].html
    assert frozen["order"].order_id == order.id and frozen["order"].number == "12-од"
    assert "Орлову Нину" in frozen["order"].html
    assert frozen["report"].report_id == report.id and "Цели достигнуты." in frozen["report"].html
    for d in frozen.values():
        assert "Документ выдан до введения кодов проверки" in d.html and d.code in d.html
        assert d.html_sha256 == issued.sha256(d.html)
    assert AuditEvent.select().where(AuditEvent.action == "documents.frozen_late").get().details_dict["count"] == 3

    Person.update(surname="Другая").where(Person.id == adult.id).execute()
    School.update(name="Другая школа").where(School.id == school.id).execute()
    again = app.test_cli_runner().invoke(args=["db-upgrade"])
    assert again.exit_code == 0 and "Зафиксировано" not in again.output
    assert [d.html for d in IssuedDocument.select().order_by(IssuedDocument.id)] == [
        frozen[k].html for k in ("consent", "order", "report")]


def test_a_frozen_document_is_autoescaped(make_person, make_account):
    """Names reach the frozen HTML escaped, as in the app's own templates (pdfkit reads meta tags as options)."""
    person = make_person(kind="staff", surname='<meta name="pdfkit-cookie-jar" content="/tmp/x">', first_name="Ия",
                         birth_date=date(1990, 1, 1))
    consent = consents.accept_esign_agreement(make_account("mentor", person=person), PASSWORD, True)
    html = IssuedDocument.get(IssuedDocument.consent == consent.id).html
    assert "<meta name=\"pdfkit" not in html and "&lt;meta name=&#34;pdfkit-cookie-jar&#34;" in html
