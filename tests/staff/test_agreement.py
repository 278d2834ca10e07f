"""The external mentor's cooperation agreement (4.14), checked by the text of the PDF."""
import io
from datetime import date

import pytest
from pypdf import PdfReader

from portal.documents.agreement import agreement_html
from portal.documents.pdf import available_engines, render_pdf
from portal.models import AuditEvent, BaseMembership, IssuedDocument, MentoringFormat, Person, School
from portal.services import agreements


def pdf_text(data: bytes) -> str:
    """Whitespace is normalised: engines break lines and wkhtmltopdf puts tabs between words."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def external(make_person, school):
    School.update(director_name="Смирнова Елена Викторовна", address="г. Ярославль, ул. Свободы, д. 62").where(
        School.id == school.id).execute()
    person = make_person(kind="external", sex="m", surname="Кузнецов", first_name="Андрей", patronymic="Петрович",
                         birth_date=date(1979, 6, 1), organisation="ООО «Ярпромсервис»", position="инженер-технолог")
    BaseMembership.create(mentoring_format=MentoringFormat.of_school(school)[2], person=person, base="mentor")
    return person


@pytest.mark.clause("4.14")
def test_agreement_pdf_is_an_unpaid_cooperation_agreement_with_the_mentors_data(client, login_as, school, external):
    login_as("curator")  # of the school's first format, where the mentor is in the base too (their circle)
    BaseMembership.create(mentoring_format=MentoringFormat.of_school(school)[0], person=external, base="mentor")
    client.get(f"/staff/people/{external.id}/agreement")
    assert client.post(f"/staff/people/{external.id}/agreement", {}).status_code == 303
    response = client.get(f"/staff/people/{external.id}/agreement.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="dogovor-{external.id}.pdf"'
    text = pdf_text(response.data)
    assert "Договор о сотрудничестве на безвозмездной основе" in text
    assert "безвозмездной основе" in text and "безвозмездно" in text
    assert school.name in text and "в лице директора Смирновой Елены Викторовны" not in text
    assert "в лице директора Смирнова Елена Викторовна" in text  # one string, printed as typed
    assert "гражданин Кузнецов Андрей Петрович" in text and "именуемый в дальнейшем «Наставник»" in text
    assert "между МОУ СОШ № 62 и Кузнецовым Андреем Петровичем" in text  # the instrumental case
    assert "ООО «Ярпромсервис»" in text and "инженер-технолог" in text
    assert "«Учитель – ученик»" in text  # the format they mentor in
    assert "152-ФЗ" in text and "отдельным документом" in text  # the consent is not merged into the agreement


@pytest.mark.clause("4.14")
def test_only_external_people_get_an_agreement(client, login_as, make_person):
    teacher = make_person(kind="staff", birth_date=date(1980, 1, 1))
    login_as("coordinator")
    assert client.get(f"/staff/people/{teacher.id}/agreement.pdf").status_code == 404
    assert client.get(f"/staff/people/{teacher.id}/agreement").status_code == 404
    client.get("/staff/people")
    assert client.post(f"/staff/people/{teacher.id}/agreement", {}).status_code == 404
    assert client.get("/staff/people/999999/agreement.pdf").status_code == 404
    assert not IssuedDocument.select().exists()


@pytest.mark.clause("4.14")
def test_the_card_of_an_external_person_offers_the_agreement(client, login_as, external):
    login_as("coordinator")
    page = client.get(f"/staff/people/{external.id}").get_data(as_text=True)
    assert f"/staff/people/{external.id}/agreement" in page


@pytest.mark.clause("4.14")
@pytest.mark.parametrize("engine", available_engines())
def test_agreement_renders_with_every_engine(app, external, engine):
    """A woman with no job on record: the feminine forms, and no empty brackets."""
    external.sex, external.surname, external.first_name, external.patronymic = "f", "Кузнецова", "Анна", "Петровна"
    external.position = external.organisation = ""
    text = pdf_text(render_pdf(agreement_html(agreements.agreement_data(external)), engine))
    assert "гражданка Кузнецова Анна Петровна, именуемая в дальнейшем «Наставник»" in text
    assert "между МОУ СОШ № 62 и Кузнецовой Анной Петровной" in text


@pytest.mark.clause("4.14")
def test_the_agreement_is_frozen_when_issued_and_a_new_one_is_issued_for_new_data(client, login_as, external, engine):
    """Issued: its HTML frozen with a verification code; the PDF is that HTML, the same file at every
    download, whatever happens to the mentor's name or the school's details afterwards."""
    coordinator = login_as("coordinator")
    before = client.get(f"/staff/people/{external.id}/agreement.pdf")
    assert before.status_code == 303 and before.headers["Location"].endswith(f"/staff/people/{external.id}/agreement")
    client.get(f"/staff/people/{external.id}/agreement")
    assert client.post(f"/staff/people/{external.id}/agreement", {}).status_code == 303
    document = IssuedDocument.get((IssuedDocument.person == external.id) & (IssuedDocument.kind == "agreement"))
    assert document.issued_by_id == coordinator.person_id and document.frozen_late_at is None
    assert AuditEvent.select().where((AuditEvent.action == "agreement.issued")
                                     & (AuditEvent.object_id == external.id)).exists()
    first = client.get(f"/staff/people/{external.id}/agreement.pdf").data
    assert document.code in pdf_text(first) and f"/verify/{document.code}" in pdf_text(first)

    Person.update(surname="Воробьёв", organisation="АО «Новое место»").where(Person.id == external.id).execute()
    School.update(name="МОУ «Другая школа»").where(School.id == external.school_id).execute()
    again = client.get(f"/staff/people/{external.id}/agreement.pdf").data
    assert again == first
    assert "Кузнецов Андрей Петрович" in pdf_text(again) and "Воробьёв" not in pdf_text(again)

    assert client.post(f"/staff/people/{external.id}/agreement", {}).status_code == 303  # issued again
    newest = pdf_text(client.get(f"/staff/people/{external.id}/agreement.pdf").data)
    assert "Воробьёв Андрей Петрович" in newest and "АО «Новое место»" in newest
    codes = [d.code for d in agreements.issued_agreements(external)]
    assert len(codes) == 2 and codes[1] == document.code and codes[0] in newest
    page = client.get(f"/staff/people/{external.id}/agreement").get_data(as_text=True)
    assert codes[0] in page and codes[1] in page
