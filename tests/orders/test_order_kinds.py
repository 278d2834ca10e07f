"""The orders of s10 that are not about pairs — the introduction of the target model (4.1), the «Школа
наставников», the final event of the year — and the DOCX of every kind, the pairs order included.

Each kind: drafted from the school's data and a few typed fields, shown as a draft, printed as PDF and DOCX
that say the same (both read back as text), registered with a number, a date and a scan, then frozen —
editing a registered order is refused and its PDF/DOCX come from the frozen HTML."""
import io
import re
from datetime import date, timedelta

import pytest
from docx import Document

from portal.documents.docx import docx_text
from portal.models import AuditEvent, IssuedDocument, Order, Person, School, StoredFile
from portal.services import ServiceError
from portal.services import orders as order_rules
from portal.services.staff import scope_for
from tests.conftest import error_messages
from tests.orders.test_orders import drafted, pdf_text, register, teacher_and_pupil  # noqa: F401 (a fixture)

LAST_WEEK = date.today() - timedelta(days=7)
SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
ADDRESS = "150000, г. Ярославль, ул. Школьная, д. 62"


@pytest.fixture
def staff(order_world, make_person):
    """Two of the school's staff to name in an order, and the school's address and director."""
    School.update(address=ADDRESS).where(School.id == order_world.school.id).execute()
    first = make_person(kind="staff", sex="f", birth_date=date(1980, 3, 3), surname="Волкова", first_name="Ирина",
                        patronymic="Павловна", position="учитель истории")
    second = make_person(kind="staff", sex="m", birth_date=date(1979, 4, 4), surname="Зайцев", first_name="Илья",
                         patronymic="Андреевич", position="педагог-организатор")
    return first, second


def typed_fields(kind, staff) -> dict:
    first, second = staff
    year = str(order_rules.kinds.year_choices()[0])
    return {
        "introduction": {"school_year": year, "starts_on": "2026-09-01", "basis": order_rules.kinds.BASIS},
        "school_of_mentors": {"school_year": year, "head": str(first.id),
                              "programme": "Роль наставника в целевой модели\nПсихология общения",
                              "schedule": "15.10 — Роль наставника\n12.11 — Психология общения"},
        "final_event": {"school_year": year, "event_on": "2027-05-20", "starts_at": "14:00",
                        "place": "актовый зал школы", "programme": "Открытие\nВыступления пар\nНаграждение",
                        "responsible": [str(first.id), str(second.id)]},
    }[kind]


def draft_kind(client, kind, fields) -> Order:
    response = client.post(f"/coordinator/orders/new/{kind}", fields)
    assert response.status_code == 303, error_messages(response)
    return Order.get_by_id(int(re.search(r"/coordinator/orders/(\d+)$", response.headers["Location"]).group(1)))


def docx_lines(data: bytes) -> list[str]:
    assert data.startswith(b"PK")
    Document(io.BytesIO(data))  # Word opens it
    return [" ".join(line.split()) for line in docx_text(data)]


def tidy(text: str) -> str:
    """The PDF text layer puts a space where a span changes font («KOD .»): spaces before punctuation go."""
    return re.sub(r"([«(])\s+", r"\1", re.sub(r"\s+([.,;:»)])", r"\1", " ".join(text.split())))


def assert_same_text(pdf: bytes, docx: bytes) -> str:
    """Every meaningful line of the DOCX is in the PDF, and the PDF says no word the DOCX does not."""
    printed = tidy(pdf_text(pdf))
    lines = [tidy(line) for line in docx_lines(docx)]
    assert lines
    for line in lines:
        assert line in printed, line
    words = set(" ".join(lines).split())
    assert set(printed.split()) <= words, set(printed.split()) - words
    return printed


def registered(client, order, number="12-од", scan=SCAN):
    data = {"number": number, "dated_on": LAST_WEEK.isoformat()}
    if scan is not None:
        data["scan"] = (io.BytesIO(scan), "prikaz.pdf")
    return client.post(f"/coordinator/orders/{order.id}/register", data=data, content_type="multipart/form-data")


EXPECTED = {
    "introduction": ["О внедрении целевой модели наставничества", "с 1 сентября 2026 г.",
                     "Координатору внедрения целевой модели наставничества Смирновой Елене Викторовне",
                     "распоряжением Министерства просвещения Российской Федерации",
                     "Контроль за исполнением настоящего приказа оставляю за собой"],
    "school_of_mentors": ["Об организации «Школы наставников»",
                          "Назначить руководителем «Школы наставников» Волкову Ирину Павловну (учитель истории)",
                          "Программа обучения наставников", "Психология общения", "12.11 — Психология общения",
                          "возложить на координатора внедрения целевой модели наставничества Смирнову Елену Викторовну"],
    "final_event": ["О проведении итогового мероприятия", "20 мая 2027 г. в 14:00",
                    "Место проведения: актовый зал школы", "Волкова Ирина Павловна (учитель истории);",
                    "Зайцев Илья Андреевич (педагог-организатор).", "Выступления пар"],
}


@pytest.mark.parametrize("kind", [
    pytest.param("introduction", marks=[pytest.mark.clause("4.1"), pytest.mark.clause("s10", part="target-model-order")]),
    pytest.param("school_of_mentors", marks=pytest.mark.clause("s10", part="school-of-mentors-order")),
    pytest.param("final_event", marks=pytest.mark.clause("s10", part="final-event-order")),
])
def test_each_kind_drafted_printed_registered_and_frozen(client, coordinator, staff, kind, engine):
    order = draft_kind(client, kind, typed_fields(kind, staff))
    assert (order.kind, order.status, order.title) == (kind, "draft", order_rules.KIND_TITLES[kind])
    page = client.get(f"/coordinator/orders/{order.id}").get_data(as_text=True)
    assert "Проект приказа" in page and "Скачать DOCX" in page
    assert "ПРИКАЗЫВАЮ:" in page and EXPECTED[kind][1] in page.replace("&#34;", '"')  # the draft's text is shown
    assert order.id in [o.id for o in order_rules.orders(scope_for(coordinator))]  # one list of orders

    draft_pdf = client.get(f"/coordinator/orders/{order.id}/pdf").data
    draft_docx = client.get(f"/coordinator/orders/{order.id}/docx")
    assert draft_docx.mimetype.endswith("wordprocessingml.document")
    printed = assert_same_text(draft_pdf, draft_docx.data)
    for words in EXPECTED[kind] + ["ПРИКАЗ", "ПРИКАЗЫВАЮ:", "г. Ярославль", "Директор", "/ О. И. Кузнецов",
                                   "МОУ СОШ № 62", "от «___» ________ 20__ г."]:
        assert words in printed, words
    assert "Код проверки" not in printed

    # The draft is edited; the next print says so.
    changed = dict(typed_fields(kind, staff))
    if kind == "final_event":
        changed["place"] = "спортивный зал"
    elif kind == "school_of_mentors":
        changed["schedule"] = "15.10 — Роль наставника"
    else:
        changed["starts_on"] = "2026-10-01"
    assert client.post(f"/coordinator/orders/{order.id}/details", changed).status_code == 303
    assert {"final_event": "спортивный зал", "school_of_mentors": "15.10 — Роль наставника",
            "introduction": "с 1 октября 2026 г."}[kind] in pdf_text(client.get(f"/coordinator/orders/{order.id}/pdf").data)

    response = registered(client, order)
    assert response.status_code == 303, error_messages(response)
    order = Order.get_by_id(order.id)
    assert (order.status, order.number, order.dated_on) == ("registered", "12-од", LAST_WEEK)
    scan = StoredFile.get_by_id(order.scan_id)
    assert scan.kind == "pdf" and client.get(f"/coordinator/orders/{order.id}/scan").data == SCAN
    assert AuditEvent.select().where(AuditEvent.action == "order.scan_downloaded").exists()
    document = IssuedDocument.get(IssuedDocument.order == order.id)

    pdf = client.get(f"/coordinator/orders/{order.id}/pdf").data
    docx = client.get(f"/coordinator/orders/{order.id}/docx").data
    printed = assert_same_text(pdf, docx)
    assert "№ 12-од" in printed and document.code in printed and "от ________" not in printed.split("Приложение")[0]

    # Frozen: editing the registered order is refused, and later changes of the school's data change nothing.
    before = Order.select().where(Order.id == order.id).dicts().get()
    refused = client.post(f"/coordinator/orders/{order.id}/details", typed_fields(kind, staff))
    assert refused.status_code == 422 and "не изменяется" in refused.get_data(as_text=True)
    assert Order.select().where(Order.id == order.id).dicts().get() == before
    with pytest.raises(ServiceError):
        order_rules.kinds.update(scope_for(coordinator), order.id, typed_fields(kind, staff))
    assert client.post(f"/coordinator/orders/{order.id}/delete").status_code == 422
    School.update(name="МОУ «Совсем другая школа»", director_name="Иванов Пётр Петрович").where(
        School.id == order.school_id).execute()
    Person.update(surname="Кузнецова").where(Person.id == staff[0].id).execute()
    assert client.get(f"/coordinator/orders/{order.id}/pdf").data == pdf
    assert client.get(f"/coordinator/orders/{order.id}/docx").data == docx or \
        docx_lines(client.get(f"/coordinator/orders/{order.id}/docx").data) == docx_lines(docx)

    client.post("/logout")
    verified = client.get(f"/verify/{document.code}").get_data(as_text=True)
    assert order_rules.KIND_TITLES[kind] in verified and "12-од" in verified


@pytest.mark.clause("4.1")
@pytest.mark.clause("s10", part="target-model-order")
def test_the_introduction_order_names_the_formats_coordinator_and_curators(client, coordinator, staff, order_world,
                                                                           make_account, engine):
    curator = make_account("curator")
    Person.update(surname="Соколова", first_name="Мария", patronymic="Игоревна", sex="f").where(
        Person.id == curator.person_id).execute()
    order = draft_kind(client, "introduction", typed_fields("introduction", staff))
    pdf = client.get(f"/coordinator/orders/{order.id}/pdf").data
    printed = assert_same_text(pdf, client.get(f"/coordinator/orders/{order.id}/docx").data)
    for name in order_world.formats:
        assert f"«{name}»" in printed
    assert "Соколова Мария Игоревна" in printed
    assert "Реализовывать наставничество в следующих формах:" in printed


@pytest.mark.clause("s10", part="final-event-order")
def test_a_draft_with_a_wrong_field_is_refused_beside_it(client, coordinator, staff):
    fields = typed_fields("final_event", staff)
    for name, value, words in (("place", "", "Укажите место проведения."),
                               ("event_on", "31.02.2027", "Укажите дату"),
                               ("responsible", ["999999"], "Выберите сотрудников из списка.")):
        response = client.post("/coordinator/orders/new/final_event", dict(fields, **{name: value}))
        assert response.status_code == 422
        assert any(words in m for m in error_messages(response)), error_messages(response)
    assert not Order.select().exists()
    assert client.get("/coordinator/orders/new/appointment").status_code == 404  # not this kind
    assert client.get("/coordinator/orders/new/final_event").status_code == 200


@pytest.mark.clause("s10", part="target-model-order")
@pytest.mark.clause("s10", part="final-event-order")
def test_registration_refuses_a_scan_that_is_not_one_and_a_taken_number(client, coordinator, staff):
    first = draft_kind(client, "introduction", typed_fields("introduction", staff))
    response = registered(client, first, scan=b"#!/bin/sh\necho hi\n")
    assert response.status_code == 422 and Order.get_by_id(first.id).status == "draft"
    assert registered(client, first, number="7-од").status_code == 303
    second = draft_kind(client, "final_event", typed_fields("final_event", staff))
    response = registered(client, second, number="№ 7-ОД")
    assert response.status_code == 422 and "номер уже занят" in response.get_data(as_text=True)
    # A registered order without a scan gets one later; the frozen text does not change.
    assert registered(client, second, number="8-од", scan=None).status_code == 303
    frozen = IssuedDocument.get(IssuedDocument.order == second.id).html_sha256
    response = client.post(f"/coordinator/orders/{second.id}/scan", data={"scan": (io.BytesIO(SCAN), "s.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 303 and Order.get_by_id(second.id).scan_id is not None
    assert IssuedDocument.get(IssuedDocument.order == second.id).html_sha256 == frozen
    again = client.post(f"/coordinator/orders/{second.id}/scan", data={"scan": (io.BytesIO(SCAN), "s.pdf")},
                        content_type="multipart/form-data")
    assert again.status_code == 422


@pytest.mark.clause("s10", part="pairs-order")
def test_the_pairs_order_as_docx_says_what_its_pdf_says(client, coordinator, teacher_and_pupil, engine):  # noqa: F811
    _, _, pair = teacher_and_pupil
    order = drafted(client, pair)
    printed = assert_same_text(client.get(f"/coordinator/orders/{order.id}/pdf").data,
                               client.get(f"/coordinator/orders/{order.id}/docx").data)
    assert "Петрову Анну Сергеевну" in printed
    response = registered(client, order, number="45-о")
    assert response.status_code == 303, error_messages(response)
    assert Order.get_by_id(order.id).scan_id is not None
    pdf = client.get(f"/coordinator/orders/{order.id}/pdf").data
    docx = client.get(f"/coordinator/orders/{order.id}/docx").data
    printed = assert_same_text(pdf, docx)
    assert "№ 45-о" in printed and "Петрову Анну Сергеевну" in printed
    assert client.post(f"/coordinator/orders/{order.id}/items/{pair.id}/remove").status_code == 422
    # The pairs' actions are not for an order of another kind.
    other = Order.create(school=order.school_id, kind="introduction", title=order_rules.KIND_TITLES["introduction"])
    assert client.post(f"/coordinator/orders/{other.id}/items", {"mentorships": [str(pair.id)]}).status_code == 404
    assert client.post(f"/coordinator/orders/{order.id}/details", {}).status_code == 404
