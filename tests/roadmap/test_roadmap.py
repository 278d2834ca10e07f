"""The roadmap of introducing the target model (3.2, s10): the typical roadmap, the coordinator's changes, the
overdue rule, who reads it, the dashboard's attention list and the roadmap as PDF and XLSX."""
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.models import AuditEvent, IssuedDocument, RoadmapEvent
from portal.services import roadmap
from portal.services.staff import scope_for
from tests.conftest import field_errors
from tests.dashboard.test_dashboard import number
from tests.querycount import count_queries

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _event(school, title="Педагогический совет", due_on=None, status="planned", **kw):
    return RoadmapEvent.create(school=school, section="programmes", title=title, responsible_text="координатор",
                               due_on=due_on or date.today() + timedelta(days=10), status=status, **kw)


def _form(**changes):
    data = {"section": "monitoring", "title": "Промежуточный мониторинг", "responsible": "",
            "responsible_text": "кураторы", "due_on": "2027-01-31", "status": "planned", "document": "", "note": ""}
    return data | changes


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


# --- the overdue rule -----------------------------------------------------------------------------------------

@pytest.mark.clause("3.2")
@pytest.mark.parametrize("due, status, overdue", [
    (-1, "planned", True), (-1, "in_progress", True), (-1, "done", False), (0, "planned", False),
    (5, "in_progress", False), (-30, "done", False)])
def test_an_event_not_done_after_its_deadline_is_overdue(school, due, status, overdue):
    today = date(2026, 12, 6)
    row = _event(school, due_on=today + timedelta(days=due), status=status)
    assert row.is_overdue(today) is overdue
    assert row.state(today) == ("overdue" if overdue else status)
    assert [e["id"] for e in roadmap.overdue(school.id, today)] == ([row.id] if overdue else [])


# --- the typical roadmap ----------------------------------------------------------------------------------------

@pytest.mark.clause("3.2")
def test_the_typical_roadmap_covers_the_school_year_from_the_regulations_tasks(client, school, login_as):
    coordinator = login_as("coordinator")
    page = client.get("/staff/roadmap").get_data(as_text=True)
    assert "Заполнить типовой дорожной картой" in page
    response = client.post("/staff/roadmap/fill")
    assert response.status_code == 303
    rows = list(RoadmapEvent.select().where(RoadmapEvent.school == school).order_by(RoadmapEvent.due_on))
    assert 14 <= len(rows) <= 18
    year = roadmap.typical_year(date.today())
    assert all(date(year, 9, 1) <= r.due_on < date(year + 1, 9, 1) for r in rows)
    assert all(r.section in roadmap.SECTION_TITLES and r.status == "planned" for r in rows)
    titles = " ".join(r.title for r in rows)
    for words in ("о внедрении целевой модели", "координатора и кураторов", "базы наставляемых",
                  "базы наставников", "ученической конференции", "педагогическом совете", "родительском совете",
                  "наставнических пар", "Об утверждении наставников", "Промежуточный мониторинг",
                  "Итоговый мониторинг", "Итоговое мероприятие", "за учебный год"):
        assert words in titles, words
    assert AuditEvent.select().where((AuditEvent.action == "roadmap.filled")
                                     & (AuditEvent.actor == coordinator.person)).count() == 1
    page = client.get("/staff/roadmap").get_data(as_text=True)
    assert "Заполнить типовой дорожной картой" not in page and "Приказ о внедрении целевой модели" in page

    # A second click (a double submit) adds nothing.
    client.post("/staff/roadmap/fill")
    assert RoadmapEvent.select().where(RoadmapEvent.school == school).count() == len(rows)


@pytest.mark.quality("accessibility")
def test_the_roadmaps_buttons_one_a_row_repeat_no_element_id(client, school, login_as):
    """«Выполнено» and «Начато» are a form each, on every row (the post_button macro): each carries the CSRF token,
    none under a repeated id."""
    login_as("coordinator")
    client.post("/staff/roadmap/fill")
    page = client.get("/staff/roadmap").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert page.count("Выполнено</button>") > 10 and page.count('name="csrf_token"') > 20
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


@pytest.mark.clause("3.2")
@pytest.mark.parametrize("today, year", [(date(2026, 9, 1), 2026), (date(2027, 3, 1), 2026), (date(2027, 6, 20), 2026),
                                         (date(2027, 6, 21), 2027), (date(2027, 8, 31), 2027)])
def test_the_typical_roadmap_is_for_this_school_year_or_in_the_summer_the_next(today, year):
    assert roadmap.typical_year(today) == year
    dates = roadmap.typical_dates(year)
    assert dates == sorted(dates) and dates[0] >= date(year, 9, 1) and dates[-1] < date(year + 1, 9, 1)


# --- editing ------------------------------------------------------------------------------------------------------

@pytest.mark.clause("3.2")
def test_the_coordinator_adds_edits_marks_and_deletes_events(client, school, login_as, make_person):
    coordinator = login_as("coordinator")
    teacher = make_person(kind="staff", surname="Лебедева", first_name="Ольга", patronymic="Игоревна")
    client.get("/staff/roadmap/new")
    response = client.post("/staff/roadmap/new", _form(responsible=str(teacher.id)))
    assert response.status_code == 303, response.get_data(as_text=True)
    row = RoadmapEvent.get(RoadmapEvent.title == "Промежуточный мониторинг")
    assert (row.section, row.responsible_id, row.due_on, row.status) == ("monitoring", teacher.id,
                                                                         date(2027, 1, 31), "planned")

    client.get(f"/staff/roadmap/{row.id}")
    response = client.post(f"/staff/roadmap/{row.id}", _form(title="Промежуточный мониторинг (6.4)",
                                                                   due_on="15.02.2027", status="in_progress"))
    assert response.status_code == 303
    row = RoadmapEvent.get_by_id(row.id)
    assert (row.title, row.due_on, row.status, row.done_at) == ("Промежуточный мониторинг (6.4)",
                                                                date(2027, 2, 15), "in_progress", None)

    client.get("/staff/roadmap")
    assert client.post(f"/staff/roadmap/{row.id}/status", {"status": "done"}).status_code == 303
    row = RoadmapEvent.get_by_id(row.id)
    assert row.status == "done" and row.done_at is not None

    client.get(f"/staff/roadmap/{row.id}/delete")
    assert client.post(f"/staff/roadmap/{row.id}/delete").status_code == 303
    assert not RoadmapEvent.select().where(RoadmapEvent.id == row.id).exists()
    actions = [a for (a,) in AuditEvent.select(AuditEvent.action).where(AuditEvent.actor == coordinator.person)
               .where(AuditEvent.action.startswith("roadmap.")).order_by(AuditEvent.id).tuples()]
    assert actions == ["roadmap.event_added", "roadmap.event_changed", "roadmap.event_status",
                       "roadmap.event_deleted"]


@pytest.mark.clause("3.2")
@pytest.mark.parametrize("changes, field, message", [
    ({"title": "  "}, "title", "Назовите мероприятие."),
    ({"section": "other"}, "section", "Выберите задачу из перечня п. 3.2 Положения."),
    ({"due_on": ""}, "due_on", "Укажите срок."),
    ({"due_on": "31.02.2027"}, "due_on", "Укажите дату в виде ДД.ММ.ГГГГ."),
    ({"responsible_text": ""}, "responsible_text",
     "Укажите ответственного: выберите сотрудника или впишите, кто отвечает."),
    ({"responsible": "999999"}, "responsible", "Выберите ответственного из списка сотрудников школы."),
    ({"status": "overdue"}, "status", "Выберите состояние из списка."),
    ({"document": "999999"}, "document", "Выберите приказ из списка выданных школой."),
    ({"title": "а" * 301}, "title", "Не длиннее 300 символов."),
])
def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(client, school, login_as, changes, field,
                                                                     message):
    login_as("coordinator")
    client.get("/staff/roadmap/new")
    response = client.post("/staff/roadmap/new", _form(**changes))
    assert response.status_code == 422
    assert field_errors(response, field) == [message]
    assert RoadmapEvent.select().count() == 0


@pytest.mark.clause("3.2")
def test_evidence_is_an_issued_order_or_an_uploaded_file(client, school, login_as):
    login_as("coordinator")
    order = IssuedDocument.create(school=school, kind="order", title="Приказ о внедрении целевой модели",
                                  number="12-од", code="ROADMAP1", html="<p>Приказ</p>", html_sha256="0" * 64)
    row = _event(school)
    client.get(f"/staff/roadmap/{row.id}")
    assert client.post(f"/staff/roadmap/{row.id}", _form(document=str(order.id))).status_code == 303
    page = client.get("/staff/roadmap").get_data(as_text=True)
    assert "Приказ о внедрении целевой модели № 12-од" in page

    scan = b"%PDF-1.4\n% a scan of the protocol\n"
    response = client.post(f"/staff/roadmap/{row.id}",
                           _form(file=(io.BytesIO(scan), "протокол.pdf")), content_type="multipart/form-data")
    assert response.status_code == 303
    download = client.get(f"/staff/roadmap/{row.id}/evidence")
    assert download.status_code == 200 and download.data == scan
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert AuditEvent.select().where(AuditEvent.action == "roadmap.evidence_downloaded").count() == 1

    # A script renamed to .pdf is refused by its content, beside the file field.
    response = client.post(f"/staff/roadmap/{row.id}",
                           _form(file=(io.BytesIO(b"#!/bin/sh\necho hi\n"), "x.pdf")),
                           content_type="multipart/form-data")
    assert response.status_code == 422 and field_errors(response, "file")


# --- who sees it ----------------------------------------------------------------------------------------------------

@pytest.mark.clause("3.2")
def test_the_curator_reads_the_roadmap_but_does_not_change_it(client, school, login_as):
    row = _event(school, title="Формирование базы наставников")
    login_as("curator")
    page = client.get("/staff/roadmap").get_data(as_text=True)
    assert "Формирование базы наставников" in page
    assert "Изменить" not in page and "Заполнить типовой" not in page
    assert client.get(f"/staff/roadmap/{row.id}").status_code == 403
    assert client.post(f"/staff/roadmap/{row.id}/status", {"status": "done"}).status_code == 403
    assert client.post("/staff/roadmap/fill").status_code == 403
    assert RoadmapEvent.get_by_id(row.id).status == "planned"
    assert client.get("/staff/roadmap.xlsx").status_code == 200


@pytest.mark.clause("3.2")
def test_a_curator_does_not_open_the_evidence_an_order_is_school_wide(client, school, login_as):
    """The pairs order names every form's children: its PDF stays the coordinator's, the label is shown."""
    order = IssuedDocument.create(school=school, kind="order", title="Приказ об утверждении пар",
                                  number="52-од", code="ROADMAP2", html="<p>Приказ</p>", html_sha256="0" * 64)
    row = _event(school)
    RoadmapEvent.update(document=order).where(RoadmapEvent.id == row.id).execute()
    login_as("curator")
    page = client.get("/staff/roadmap").get_data(as_text=True)
    assert "Приказ об утверждении пар № 52-од" in page and f"/staff/roadmap/{row.id}/evidence" not in page
    assert client.get(f"/staff/roadmap/{row.id}/evidence").status_code == 404


@pytest.mark.clause("3.2")
@pytest.mark.parametrize("role", ["mentor", "mentee", "parent", "class_teacher"])
def test_participants_do_not_see_the_roadmap(client, school, login_as, role):
    row = _event(school)
    login_as(role)
    for url in ("/staff/roadmap", "/staff/roadmap.pdf", "/staff/roadmap.xlsx", f"/staff/roadmap/{row.id}/evidence",
                f"/staff/roadmap/{row.id}"):
        assert client.get(url).status_code in (403, 404), url


@pytest.mark.quality("access")
def test_another_schools_event_is_not_found(client, school, other_school, login_as):
    row = _event(other_school)
    login_as("coordinator")
    assert client.get(f"/staff/roadmap/{row.id}").status_code == 404
    assert client.post(f"/staff/roadmap/{row.id}/status", {"status": "done"}).status_code == 404
    assert client.get(f"/staff/roadmap/{row.id}/evidence").status_code == 404
    assert "Педагогический совет" not in client.get("/staff/roadmap").get_data(as_text=True)


@pytest.mark.quality("access")
def test_the_service_refuses_a_curator(school, make_account):
    curator = make_account("curator")
    with pytest.raises(roadmap.NotAllowed):
        roadmap.fill_typical(scope_for(curator))
    assert RoadmapEvent.select().count() == 0


# --- the dashboard ---------------------------------------------------------------------------------------------------

@pytest.mark.clause("3.2")
def test_the_dashboard_lists_overdue_events(client, school, login_as):
    _event(school, title="Приказ о назначении кураторов", due_on=date.today() - timedelta(days=1))
    _event(school, title="Отчёт за год", due_on=date.today() - timedelta(days=3), status="done")
    _event(school, title="Итоговое мероприятие", due_on=date.today() + timedelta(days=3))
    login_as("coordinator")
    html = client.get("/coordinator/dashboard").get_data(as_text=True)
    assert "Дорожная карта: просроченные мероприятия" in html and number(html, "roadmap") == 1
    listed = client.get("/coordinator/dashboard/list/roadmap").get_data(as_text=True)
    assert "Приказ о назначении кураторов" in listed
    assert "Отчёт за год" not in listed and "Итоговое мероприятие" not in listed


@pytest.mark.quality("performance")
def test_the_dashboard_costs_the_same_at_1_and_30_events(client, school, login_as):
    login_as("coordinator")
    counts = []
    for n in (1, 30):
        RoadmapEvent.delete().execute()
        for i in range(n):
            _event(school, title=f"Мероприятие {i}", due_on=date.today() - timedelta(days=i + 1))
        client.get("/coordinator/dashboard")
        with count_queries() as queries:
            html = client.get("/coordinator/dashboard").get_data(as_text=True)
        assert number(html, "roadmap") == n
        counts.append(len(queries))
        with count_queries() as queries:
            assert client.get("/staff/roadmap").status_code == 200
        counts.append(len(queries))
    assert counts[:2] == counts[2:]


# --- the files ---------------------------------------------------------------------------------------------------------

@pytest.fixture
def filled(school):
    today = date.today()
    _event(school, title="Приказ о внедрении целевой модели наставничества", due_on=today - timedelta(days=20),
           status="done", done_at=None)
    _event(school, title="Представление программ на родительском совете", due_on=today - timedelta(days=2))
    _event(school, title="Итоговый мониторинг", due_on=today + timedelta(days=40), status="in_progress")


@pytest.mark.clause("3.2")
@pytest.mark.clause("s10", part="roadmap")
def test_the_roadmap_as_pdf(client, school, login_as, filled, engine):
    login_as("coordinator")
    response = client.get("/staff/roadmap.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Дорожная карта внедрения целевой модели наставничества" in text
    assert school.name in text
    for words in ("Приказ о внедрении целевой модели наставничества", "родительском совете", "Итоговый мониторинг",
                  "выполнено", "просрочено", "выполняется", "Всего мероприятий: 3"):
        assert words in text, words
    assert AuditEvent.select().where(AuditEvent.action == "export.downloaded").count() == 1


@pytest.mark.clause("3.2")
@pytest.mark.clause("s10", part="roadmap")
def test_the_roadmap_as_xlsx(client, school, login_as, filled):
    login_as("coordinator")
    response = client.get("/staff/roadmap.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("№", "Задача (п. 3.2 Положения)", "Мероприятие", "Ответственный", "Срок", "Состояние")
    states = {r[2]: r[5] for r in rows[1:]}
    assert states == {"Приказ о внедрении целевой модели наставничества": "выполнено",
                      "Представление программ на родительском совете": "просрочено",
                      "Итоговый мониторинг": "выполняется"}


@pytest.mark.quality("validation")
def test_a_file_posted_as_the_deadline_is_refused_not_a_500(client, school, login_as):
    login_as("coordinator")
    client.get("/staff/roadmap/new")
    response = client.post("/staff/roadmap/new", _form(due_on=(io.BytesIO(b"x"), "date.txt")),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert field_errors(response, "due_on") == ["Укажите дату в виде ДД.ММ.ГГГГ."]
    assert RoadmapEvent.select().count() == 0
