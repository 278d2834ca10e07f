"""Consent texts are versioned (4.11): a new wording is a new version; signed consents keep theirs."""
import hashlib
import io

import pytest
from pypdf import PdfReader

from portal.models import AuditEvent, Consent, ConsentDocument, Guardianship
from portal.models.base import utcnow
from portal.services import consent as consents
from tests.conftest import field_errors
from tests.consent.conftest import SIGN_DATA
from tests.consent.test_gate import counted_queries, log_in_as

NEW_CLAUSE = "6. Оператор не передаёт персональные данные за пределы Российской Федерации."


@pytest.fixture
def coordinator(make_account):
    return make_account("coordinator")


def current(school, kind) -> ConsentDocument:
    return consents.current_documents(school.id)[kind]


def amended(document) -> str:
    return document.body.replace("Согласие подписано", NEW_CLAUSE + "\n\nСогласие подписано")


def publish(client, school, kind, body=None, title=None):
    document = current(school, kind)
    client.get(f"/coordinator/consent-texts/{kind}/new")
    return client.post(f"/coordinator/consent-texts/{kind}/new", {
        "title": document.title if title is None else title,
        "body": amended(document) if body is None else body})


def sign_for(client, child, kind="parent_mentee") -> Consent:
    client.get(f"/consent/{child.id}/{kind}")
    response = client.post(f"/consent/{child.id}/{kind}", SIGN_DATA)
    assert response.status_code == 303, response.get_data(as_text=True)
    return Consent.select().where(Consent.subject == child).order_by(Consent.id.desc()).get()


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def kind_section(html: str, kind: str) -> str:
    return html.split(f'id="kind-{kind}"')[1].split("</section>")[0]


@pytest.mark.clause("4.11")
def test_the_list_shows_each_kind_with_version_hash_author_and_signatures(client, login, signed_in_parent,
                                                                          coordinator, school):
    sign_for(client, signed_in_parent["child"])
    log_in_as(client, login, coordinator)
    page = client.get("/coordinator/consent-texts")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for kind, title in consents.KIND_TITLES.items():
        section = kind_section(html, kind)
        assert title.capitalize() in section
        assert current(school, kind).sha256 in section
        assert "№ 1" in section and "стандартный текст портала" in section
    assert "Подписей под этой редакцией</th><td>1<" in kind_section(html, "parent_mentee")
    assert "Подписей под этой редакцией</th><td>0<" in kind_section(html, "parent_mentor")


@pytest.mark.clause("4.11")
def test_the_form_offers_the_current_text_and_explains_the_placeholders(client, login, coordinator, school):
    log_in_as(client, login, coordinator)
    page = client.get("/coordinator/consent-texts/parent_mentee/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "представителем $minor $subject_genitive" in html  # the current wording, ready to edit
    assert "несовершеннолетней" in html  # the sex-dependent placeholders are explained
    assert "$operator_address" in html and "адрес школы" in html
    assert "в родительном падеже" in html
    assert "ч. 4 ст. 9" in html


@pytest.mark.clause("4.11")
def test_a_new_version_gets_the_next_number_and_its_own_hash(client, login, coordinator, school):
    log_in_as(client, login, coordinator)
    first = current(school, "parent_mentee")
    response = publish(client, school, "parent_mentee")
    assert response.status_code == 303
    second = current(school, "parent_mentee")
    assert second.version == first.version + 1
    assert NEW_CLAUSE in second.body
    assert second.sha256 == hashlib.sha256(second.body.encode("utf-8")).hexdigest() != first.sha256
    assert second.created_by_id == coordinator.person_id
    # The first version is untouched.
    again = ConsentDocument.get_by_id(first.id)
    assert (again.body, again.sha256) == (first.body, first.sha256)
    assert again.sha256 == hashlib.sha256(again.body.encode("utf-8")).hexdigest()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Опубликована редакция 2" in page
    section = kind_section(page, "parent_mentee")
    assert second.sha256 in section and first.sha256 in section and "Прежние редакции" in section
    event = AuditEvent.get(AuditEvent.action == "consent_text.published")
    assert event.details_dict["version"] == 2 and event.details_dict["sha256"] == second.sha256


@pytest.mark.clause("4.11")
def test_signed_consents_keep_their_version_and_new_ones_use_the_new_version(client, login, signed_in_parent,
                                                                            coordinator, school, make_person):
    parent = signed_in_parent["parent"]
    first_child = signed_in_parent["child"]
    old = sign_for(client, first_child)
    old_document = ConsentDocument.get_by_id(old.document_id)

    log_in_as(client, login, coordinator)
    assert publish(client, school, "parent_mentee").status_code == 303
    new_document = current(school, "parent_mentee")

    second_child = make_person(kind="student", sex="f", surname="Иванова", first_name="Мария",
                               patronymic="Сергеевна", birth_date=first_child.birth_date)
    Guardianship.create(parent=parent.person, child=second_child, confirmed_at=utcnow())
    log_in_as(client, login, parent)
    page = client.get(f"/consent/{second_child.id}/parent_mentee").get_data(as_text=True)
    assert NEW_CLAUSE in page and new_document.sha256 in page
    new = sign_for(client, second_child)

    assert (new.document_id, new.text_sha256) == (new_document.id, new_document.sha256)
    old = Consent.get_by_id(old.id)
    assert (old.document_id, old.text_sha256) == (old_document.id, old_document.sha256)
    old_pdf = pdf_text(client.get(f"/consent/signed/{old.id}/pdf").data)
    new_pdf = pdf_text(client.get(f"/consent/signed/{new.id}/pdf").data)
    assert NEW_CLAUSE not in old_pdf and "редакция 1" in old_pdf
    assert old_document.sha256 in old_pdf.replace(" ", "")
    assert NEW_CLAUSE in new_pdf and "редакция 2" in new_pdf
    assert new_document.sha256 in new_pdf.replace(" ", "")

    log_in_as(client, login, coordinator)
    html = client.get("/coordinator/consent-texts").get_data(as_text=True)
    section = kind_section(html, "parent_mentee")
    current_part, older_part = section.split("Прежние редакции")
    assert "Подписей под этой редакцией</th><td>1<" in current_part
    assert old_document.sha256 in older_part and '<td data-label="Подписей" class="num">1</td>' in older_part


@pytest.mark.clause("4.11")
def test_line_endings_from_the_browser_do_not_change_the_hash(client, login, coordinator, school):
    log_in_as(client, login, coordinator)
    body = amended(current(school, "adult_self"))
    assert publish(client, school, "adult_self", body=body.replace("\n", "\r\n")).status_code == 303
    document = current(school, "adult_self")
    assert "\r" not in document.body
    assert document.sha256 == hashlib.sha256(body.strip().encode("utf-8")).hexdigest()


@pytest.mark.clause("4.11")
@pytest.mark.parametrize("change,field,message", [
    (lambda body: "Коротко.", "body", "слишком короткий"),
    (lambda body: "", "body", "Заполните это поле"),
    (lambda body: body.replace("$subject_document", "паспорт"), "body", "нет подстановки $subject_document"),
    (lambda body: body.replace("$authority_basis", "родитель"), "body", "нет подстановки $authority_basis"),
    (lambda body: body.replace("$operator_address", "$operator_adress"), "body", "$operator_adress"),
    (lambda body: body, "body", "Текст не изменился"),
    (lambda body: body + "\x00", "body", "недопустимые символы"),
])
def test_a_bad_text_is_refused_beside_the_field(client, login, coordinator, school, change, field, message):
    log_in_as(client, login, coordinator)
    before = ConsentDocument.select().count()
    response = publish(client, school, "parent_mentor", body=change(current(school, "parent_mentor").body))
    assert response.status_code == 422
    assert any(message in error for error in field_errors(response, field)), field_errors(response, field)
    assert ConsentDocument.select().count() == before


@pytest.mark.quality("validation")
def test_an_empty_title_is_refused_beside_the_field(client, login, coordinator, school):
    log_in_as(client, login, coordinator)
    response = publish(client, school, "adult_self", title="   ")
    assert response.status_code == 422
    assert field_errors(response, "title")
    assert current(school, "adult_self").version == 1


@pytest.mark.quality("validation")
def test_an_unknown_kind_is_not_found(client, login, coordinator):
    log_in_as(client, login, coordinator)
    assert client.get("/coordinator/consent-texts/nonsense/new").status_code == 404
    assert client.post("/coordinator/consent-texts/nonsense/new", {"title": "Заголовок", "body": "x" * 80}
                       ).status_code == 404


@pytest.mark.quality("access")
def test_a_curator_may_not_touch_the_texts(client, login_as, school):
    login_as("curator")
    document = current(school, "adult_self")
    assert client.get("/coordinator/consent-texts").status_code == 403
    assert client.get("/coordinator/consent-texts/adult_self/new").status_code == 403
    response = client.post("/coordinator/consent-texts/adult_self/new", {"title": "Заголовок",
                                                                         "body": amended(document)})
    assert response.status_code == 403
    assert current(school, "adult_self").version == 1


@pytest.mark.quality("access")
def test_the_service_refuses_a_curator_too(make_account, school):
    curator = make_account("curator")
    with pytest.raises(consents.NotAllowed):
        consents.new_version(curator.person, "adult_self", "Заголовок", amended(current(school, "adult_self")))


@pytest.mark.quality("query count")
def test_the_list_costs_the_same_queries_however_many_versions(client, login, coordinator, school):
    log_in_as(client, login, coordinator)
    with counted_queries() as few:
        assert client.get("/coordinator/consent-texts").status_code == 200
    for n in range(3):
        for kind in ("adult_self", "dissemination"):
            consents.new_version(coordinator.person, kind, f"Редакция {n}", amended(current(school, kind)) + f" {n}")
    with counted_queries() as many:
        assert client.get("/coordinator/consent-texts").status_code == 200
    assert len(many) == len(few)


@pytest.mark.quality("csrf")
def test_publishing_without_the_csrf_token_is_refused(client, login, coordinator, school):
    log_in_as(client, login, coordinator)
    document = current(school, "adult_self")
    response = client.post("/coordinator/consent-texts/adult_self/new",
                           {"title": document.title, "body": amended(document)}, csrf=False)
    assert response.status_code == 400
    assert current(school, "adult_self").version == 1
