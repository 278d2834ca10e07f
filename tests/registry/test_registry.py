"""The registry of documents (s10): the regulation, the target model of the school (versioned uploads), the
roadmap, every order by kind with its state and verification, and the other issued documents — each reader
seeing their part of it."""
import io
import zipfile
from datetime import date, timedelta

import pytest

from portal.models import (
    AuditEvent, IssuedDocument, MentoringFormat, Mentorship, MentorshipMember, Order, OrderItem, RoadmapEvent,
    StoredFile, TargetModelVersion,
)
from portal.models.mentorship import ORDER_KINDS
from portal.services import registry, uploads
from tests.conftest import field_errors
from tests.factories import sign_own_consent
from tests.querycount import count_queries

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PARTICIPANTS = ("mentor", "mentee", "parent", "class_teacher")


def docx() -> bytes:
    """The smallest file the uploads module reads as a Word document: by its parts, not by its name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _upload(client, data: bytes, name: str, note: str = ""):
    return client.post("/documents/target-model", {"file": (io.BytesIO(data), name), "note": note},
                       content_type="multipart/form-data")


_codes = iter(range(1, 10**6))


def _order(school, kind="introduction", number=None, dated_on=None, corrects=None, pairs=()):
    """An order of `kind`; with a number it is registered and frozen (its PDF kept), as registration leaves it."""
    order = Order.create(school=school, kind=kind, title=dict(ORDER_KINDS)[kind], corrects=corrects,
                         status="registered" if number else "draft", number=number,
                         dated_on=(dated_on or date.today()) if number else None)
    for pair in pairs:
        OrderItem.create(order=order, mentorship=pair)
    if number:
        IssuedDocument.create(school=school, kind="order", title=order.title, number=number, order=order,
                              code=f"RGT{next(_codes):07d}", html="<p>Приказ</p>", html_sha256="0" * 64,
                              pdf=PDF, pdf_sha256="1" * 64)
    return order


def _pair_in(fmt, make_person) -> Mentorship:
    pair = Mentorship.create(mentoring_format=fmt, mentor=make_person(kind="staff", birth_date=date(1980, 1, 1)),
                             status="in_order")
    MentorshipMember.create(mentorship=pair, mentee=make_person())
    return pair


def _formats(school) -> list[MentoringFormat]:
    return list(MentoringFormat.select().where(MentoringFormat.school == school).order_by(MentoringFormat.id))


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- what the coordinator sees ------------------------------------------------------------------------------------

@pytest.mark.clause("s10")
def test_the_coordinator_sees_every_document_of_section_10_with_its_state(client, school, login_as):
    login_as("coordinator")
    page = _text(client.get("/documents/"))
    # The regulation, the portal's own copy: its version and its text.
    assert "«Положение о наставничестве в МОУ СОШ № 62»" in page and registry.regulation()["version"] in page
    assert 'href="/regulation"' in page
    # Empty states, not blank sections.
    assert "Целевая модель ещё не загружена." in page
    assert "В дорожной карте пока нет мероприятий." in page and 'href="/staff/roadmap"' in page
    for _, title in ORDER_KINDS:  # every kind of order, even one the portal drafts no order of yet
        assert title.replace("«", "„").replace("»", "“") in page or title in page
    assert page.count("Таких приказов пока нет.") == len(ORDER_KINDS)

    introduction = _order(school, "introduction", "5-од", date.today() - timedelta(days=30))
    correction = _order(school, "introduction", "9-од", date.today(), corrects=introduction)
    draft = _order(school, "pairs")
    RoadmapEvent.create(school=school, section="roadmap", title="Приказ о внедрении", responsible_text="директор",
                        due_on=date.today(), status="done")
    RoadmapEvent.create(school=school, section="records", title="База наставников", responsible_text="кураторы",
                        due_on=date.today() - timedelta(days=3))
    page = _text(client.get("/documents/"))
    assert "Выполнено 1 из 2 мероприятий (50 %)" in page and "просрочено: 1" in page
    row = page.split(f'id="order-{introduction.id}"')[1].split("</tr>")[0]
    assert f"зарегистрирован, № 5-од от {introduction.dated_on:%d.%m.%Y}" in row
    assert "изменён приказом № 9-од" in row
    code = IssuedDocument.get(IssuedDocument.order == introduction).code
    assert f'href="/verify/{code}"' in row and f'href="/documents/orders/{introduction.id}.pdf"' in row
    assert "вносит изменения в приказ № 5-од" in page.split(f'id="order-{correction.id}"')[1].split("</tr>")[0]
    draft_row = page.split(f'id="order-{draft.id}"')[1].split("</tr>")[0]
    assert "проект" in draft_row and f'href="/coordinator/orders/{draft.id}"' in draft_row  # its own page
    assert "/documents/orders/" not in draft_row  # a draft has no frozen PDF yet

    download = client.get(f"/documents/orders/{introduction.id}.pdf")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert AuditEvent.select().where(AuditEvent.action == "document.downloaded").count() == 1
    assert client.get(f"/documents/orders/{draft.id}.pdf").status_code == 404


@pytest.mark.clause("s10")
def test_the_coordinator_opens_the_other_issued_documents_by_kind(client, school, login_as, make_person):
    login_as("coordinator")
    external = make_person(kind="external", birth_date=date(1979, 6, 1))
    agreement = IssuedDocument.create(school=school, kind="agreement", title="Договор о сотрудничестве",
                                      person=external, code="RGTAGREE01", html="<p>Договор</p>",
                                      html_sha256="0" * 64, pdf=PDF, pdf_sha256="1" * 64)
    page = _text(client.get("/documents/"))
    row = page.split('id="issued-agreement"')[1].split("</tr>")[0]
    assert ">1<" in row and 'href="/documents/issued/agreement"' in row
    listing = _text(client.get("/documents/issued/agreement"))
    assert external.surname in listing and 'href="/verify/RGTAGREE01"' in listing
    download = client.get(f"/documents/issued/{agreement.id}.pdf")
    assert download.status_code == 200 and download.data == PDF
    assert AuditEvent.select().where((AuditEvent.action == "document.downloaded")
                                     & (AuditEvent.object_id == agreement.id)).count() == 1
    assert "Таких документов портал пока не выдавал." in _text(client.get("/documents/issued/report"))
    teacher = make_person(kind="staff", surname="Согласнова", birth_date=date(1985, 1, 1))
    IssuedDocument.create(school=school, kind="consent", title="Согласие", consent=sign_own_consent(teacher),
                          code="RGTCONSNT1", html="<p>Согласие</p>", html_sha256="0" * 64)
    assert "Согласнова" in _text(client.get("/documents/issued/consent"))  # whom a consent is about
    assert client.get("/documents/issued/order").status_code == 404  # orders are listed by kind on the registry


# --- what a curator and a participant see --------------------------------------------------------------------------

@pytest.mark.clause("s10")
def test_a_curator_sees_their_forms_orders_and_the_school_wide_ones(client, school, curator_of, make_person):
    mine, other = _formats(school)[:2]
    own_order = _order(school, "pairs", "11-од", pairs=[_pair_in(mine, make_person)])
    others_order = _order(school, "pairs", "12-од", pairs=[_pair_in(other, make_person)])
    school_wide = _order(school, "final_event", "13-од")
    mixed = _order(school, "pairs", "14-од", pairs=[_pair_in(mine, make_person), _pair_in(other, make_person)])
    IssuedDocument.create(school=school, kind="report", title="Отчёт", code="RGTREPORT1", html="<p>Отчёт</p>",
                          html_sha256="0" * 64)
    curator_of(mine)
    page = _text(client.get("/documents/"))
    assert f'id="order-{own_order.id}"' in page and f'id="order-{school_wide.id}"' in page
    assert f'id="order-{others_order.id}"' not in page and "12-од" not in page
    assert "Другие выданные документы" not in page and "Загрузить" not in page
    assert f'href="/coordinator/orders/{own_order.id}"' not in page  # drafting and registering are the coordinator's
    assert client.get(f"/documents/orders/{own_order.id}.pdf").status_code == 200
    assert client.get(f"/documents/orders/{school_wide.id}.pdf").status_code == 200
    assert client.get(f"/documents/orders/{others_order.id}.pdf").status_code == 404
    # An order that also names another form's children is listed, but its PDF stays with the coordinator.
    mixed_row = page.split(f'id="order-{mixed.id}"')[1].split("</tr>")[0]
    assert "14-од" in mixed_row and "PDF у координатора" in mixed_row and ".pdf" not in mixed_row
    assert client.get(f"/documents/orders/{mixed.id}.pdf").status_code == 404
    assert client.get("/documents/issued/report").status_code == 403


@pytest.mark.clause("s10")
@pytest.mark.parametrize("role", PARTICIPANTS)
def test_every_participant_reads_the_regulation_and_the_target_model(client, school, login_as, role):
    coordinator_upload = TargetModelVersion.create(
        school=school, number=1, file=uploads.store(school.id, None, "Целевая модель.pdf", PDF, allowed=("pdf",)))
    _order(school, "introduction", "5-од")
    login_as(role)
    response = client.get("/documents/")
    page = _text(response)
    assert response.status_code == 200
    assert 'href="/regulation"' in page and registry.regulation()["version"] in page
    assert "Целевая модель.pdf" in page and 'href="/documents/"' in page  # and the menu leads here
    assert "Приказы директора" not in page and "Дорожная карта" not in page and "5-од" not in page
    assert "Загрузить" not in page
    download = client.get(f"/documents/target-model/{coordinator_upload.id}")
    assert download.status_code == 200 and download.data == PDF
    event = AuditEvent.get(AuditEvent.action == "target_model.downloaded")
    assert event.object_id == coordinator_upload.id and event.actor_id is not None


# --- the target model: versions ------------------------------------------------------------------------------------

@pytest.mark.clause("s10", part="target-model")
def test_each_upload_of_the_target_model_is_a_new_version_and_the_old_ones_stay(client, school, login_as):
    coordinator = login_as("coordinator")
    client.get("/documents/")
    assert _upload(client, PDF, "Целевая модель 2025.pdf").status_code == 303
    client.get("/documents/")
    response = _upload(client, docx(), "Целевая модель 2026.docx", note="Добавлена форма «Студент – ученик»")
    assert response.status_code == 303
    versions = list(TargetModelVersion.select().where(TargetModelVersion.school == school)
                    .order_by(TargetModelVersion.number))
    assert [(v.number, v.file.kind, v.note) for v in versions] == [
        (1, "pdf", ""), (2, "docx", "Добавлена форма «Студент – ученик»")]
    assert all(v.file.uploaded_by_id == coordinator.person_id for v in versions)
    page = _text(client.get("/documents/"))
    assert "Действующая редакция 2 от" in page and "Целевая модель 2026.docx" in page
    assert "Целевая модель 2025.pdf" in page and "Добавлена форма «Студент – ученик»" in page
    assert "Загрузить новую редакцию" in page
    old = client.get(f"/documents/target-model/{versions[0].id}")
    assert old.status_code == 200 and old.data == PDF and old.mimetype == "application/pdf"
    uploaded = [e.details for e in AuditEvent.select().where(AuditEvent.action == "target_model.uploaded")
                .order_by(AuditEvent.id)]
    assert len(uploaded) == 2 and '"number": 2' in uploaded[1] and versions[1].file.sha256 in uploaded[1]
    assert AuditEvent.select().where((AuditEvent.action == "target_model.downloaded")
                                     & (AuditEvent.actor == coordinator.person)).count() == 1


@pytest.mark.clause("s10")
@pytest.mark.parametrize("data, name, note, field, message", [
    (b"#!/bin/sh\necho hi\n", "model.pdf", "", "file", "Этот файл не подходит: нужен PDF, документ Word."),
    (b"\xff\xd8\xff\xe0 a photo", "model.jpg", "", "file", "Этот файл не подходит: нужен PDF, документ Word."),
    (b"", "model.pdf", "", "file", "Выберите файл."),
    (PDF, "model.pdf", "а" * 1001, "note", "Примечание — не длиннее 1000 символов."),
])
def test_a_wrong_file_is_refused_beside_its_field_and_nothing_is_kept(client, school, login_as, app, data, name,
                                                                      note, field, message):
    login_as("coordinator")
    client.get("/documents/")
    files_before = StoredFile.select().count()
    response = _upload(client, data, name, note)
    assert response.status_code == 422
    assert field_errors(response, field) == [message]
    assert TargetModelVersion.select().count() == 0 and StoredFile.select().count() == files_before
    assert not AuditEvent.select().where(AuditEvent.action == "target_model.uploaded").exists()
    stored = uploads.Store.root
    assert stored is None or not any(path.is_file() for path in stored.rglob("*"))


@pytest.mark.quality("validation")
def test_a_file_posted_as_the_note_is_refused_beside_the_note(client, school, login_as):
    login_as("coordinator")
    client.get("/documents/")
    response = client.post("/documents/target-model", {"file": (io.BytesIO(PDF), "model.pdf"),
                                                       "note": (io.BytesIO(b"not a note"), "note.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert field_errors(response, "note") == ["Примечание — это текст: напишите его, а не прикладывайте файл."]
    assert TargetModelVersion.select().count() == 0 and StoredFile.select().count() == 0


@pytest.mark.quality("security")
def test_the_target_models_upload_is_audited_with_its_purpose_and_ip(client, school, login_as):
    login_as("coordinator")
    client.get("/documents/")
    assert _upload(client, PDF, "model.pdf").status_code == 303
    uploaded = AuditEvent.get(AuditEvent.action == "file.uploaded")
    assert uploaded.details_dict["purpose"] == "target_model" and uploaded.ip


@pytest.mark.quality("idempotency")
def test_the_same_file_twice_is_one_version(client, school, login_as):
    login_as("coordinator")
    client.get("/documents/")
    assert _upload(client, PDF, "model.pdf").status_code == 303
    client.get("/documents/")
    response = _upload(client, PDF, "model (копия).pdf")
    assert response.status_code == 422
    assert field_errors(response, "file") == ["Этот файл уже загружен: это действующая редакция 1."]
    assert TargetModelVersion.select().count() == 1 and StoredFile.select().count() == 1


@pytest.mark.clause("s10")
def test_only_the_coordinator_uploads_the_target_model(client, school, login_as, curator_of):
    curator_of(_formats(school)[0])
    client.get("/documents/")
    assert _upload(client, PDF, "model.pdf").status_code == 403
    assert TargetModelVersion.select().count() == 0


@pytest.mark.clause("s10")
def test_another_schools_target_model_is_not_found(client, school, other_school, login_as):
    theirs = TargetModelVersion.create(
        school=other_school, number=1, file=uploads.store(other_school.id, None, "model.pdf", PDF, allowed=("pdf",)))
    login_as("mentor")
    assert client.get(f"/documents/target-model/{theirs.id}").status_code == 404
    assert "model.pdf" not in _text(client.get("/documents/"))


# --- the page's cost -------------------------------------------------------------------------------------------------

def _fill(school, make_person, size: int):
    fmt = _formats(school)[0]
    for i in range(size):
        version = TargetModelVersion.select().where(TargetModelVersion.school == school).count() + 1
        TargetModelVersion.create(school=school, number=version,
                                  file=uploads.store(school.id, None, f"model-{i}.pdf", PDF, allowed=("pdf",)))
        first = _order(school, "pairs", f"{100 + version}-од", pairs=[_pair_in(fmt, make_person)])
        _order(school, "pairs", f"{500 + version}-од", corrects=first)
        _order(school, "final_event")
        RoadmapEvent.create(school=school, section="roadmap", title=f"Мероприятие {i}", responsible_text="директор",
                            due_on=date.today())
        IssuedDocument.create(school=school, kind="report", title="Отчёт", code=f"RGTQ{next(_codes):06d}",
                              html="<p>Отчёт</p>", html_sha256="0" * 64)
        IssuedDocument.create(school=school, kind="consent", title="Согласие", code=f"RGTQ{next(_codes):06d}",
                              consent=sign_own_consent(make_person(kind="staff", birth_date=date(1985, 1, 1))),
                              html="<p>Согласие</p>", html_sha256="0" * 64)


@pytest.mark.quality("query count")
@pytest.mark.parametrize("role", ["coordinator", "curator", "mentor"])
def test_the_registry_costs_the_same_number_of_queries_whatever_the_data(client, school, login_as, curator_of,
                                                                         make_person, role):
    if role == "curator":
        curator_of(_formats(school)[0])
    else:
        login_as(role)
    _fill(school, make_person, 1)
    client.get("/documents/")
    with count_queries() as small:
        assert client.get("/documents/").status_code == 200
    _fill(school, make_person, 6)
    with count_queries() as large:
        page = _text(client.get("/documents/"))
    assert len(large) == len(small), "\n".join(large)
    assert "model-5.pdf" in page


@pytest.mark.quality("query count")
def test_a_list_of_issued_documents_costs_the_same_whatever_its_length(client, school, login_as, make_person):
    login_as("coordinator")
    _fill(school, make_person, 1)
    client.get("/documents/issued/consent")
    with count_queries() as small:
        assert client.get("/documents/issued/consent").status_code == 200
    _fill(school, make_person, 6)
    with count_queries() as large:
        page = _text(client.get("/documents/issued/consent"))
    assert len(large) == len(small), "\n".join(large)
    assert page.count('id="document-') == 7
