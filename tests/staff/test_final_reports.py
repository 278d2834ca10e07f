"""Results reach the administration (s5, DECISIONS «The school year»): the coordinator and the format's curator
read every mentor's final report as frozen when it was written and download the same PDF the mentor does;
the list is filtered by form and period, another format's or school's report is «not found», and the page
costs the same queries however many reports there are."""
import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from portal.models import FinalReport, IssuedDocument, MentoringFormat, Mentorship, MentorshipMember, Person
from portal.models.base import utcnow
from portal.services import cycle, issued
from tests.querycount import count_queries

CONCLUSIONS = "Молодой педагог уверенно ведёт уроки и готов к аттестации."
EMPTY = "Итоговых отчётов за этот период пока нет."


def _fmt(school, name):
    return MentoringFormat.get((MentoringFormat.school == school) & (MentoringFormat.name == name))


def _reported(fmt, make_person, surname="Наставникова", conclusions=CONCLUSIONS, days_ago=0) -> Mentorship:
    """A completed pair of `fmt` whose mentor wrote the final report `days_ago` days ago."""
    mentor = make_person(kind="staff", sex="f", birth_date=date(1975, 2, 3), surname=surname)
    mentee = make_person(kind="staff", sex="f", birth_date=date(1999, 5, 6), surname="Учительская")
    pair = Mentorship.create(mentoring_format=fmt, mentor=mentor, status="completed")
    MentorshipMember.create(mentorship=pair, mentee=mentee)
    report = cycle.write_report(mentor, pair.id, work_done="Проведено шесть встреч.", results="Задачи выполнены.",
                                conclusions=conclusions, proposals="Включить опыт пары в копилку.")
    if days_ago:
        FinalReport.update(written_at=utcnow() - timedelta(days=days_ago)).where(FinalReport.id == report.id).execute()
    return pair


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def _pdf_text(data: bytes) -> str:
    return "".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.mark.clause("s5")
def test_the_curator_reads_the_frozen_report_and_downloads_the_mentors_pdf(client, school, curator_of,
                                                                          make_person, engine):
    fmt = _fmt(school, "Учитель – учитель")
    pair = _reported(fmt, make_person)
    mentor = Person.get_by_id(pair.mentor_id)
    written_name = mentor.full_name
    # A later change of the mentor's name changes no issued document: the page shows the report as written.
    Person.update(surname="Переименованная").where(Person.id == mentor.id).execute()
    curator_of(fmt)

    listing = client.get("/staff/reports")
    assert listing.status_code == 200
    assert f'href="/staff/reports/{pair.id}"' in listing.get_data(as_text=True)
    assert f'href="/staff/reports/{pair.id}.pdf"' in listing.get_data(as_text=True)

    page = client.get(f"/staff/reports/{pair.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<h1") == 1
    document = IssuedDocument.get(IssuedDocument.report == FinalReport.get(FinalReport.mentorship == pair.id).id)
    text = _text(page)
    for piece in ("Отчёт наставника о работе по программе наставничества", written_name, CONCLUSIONS,
                  "Проведено шесть встреч.", "Включить опыт пары в копилку.", "Приложение. Журнал встреч",
                  document.code):
        assert piece in text, piece
    assert "Переименованная" not in html.split('id="frozen-report"', 1)[1]

    pdf = client.get(f"/staff/reports/{pair.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == f'attachment; filename="otchet-{pair.id}.pdf"'
    printed = _pdf_text(pdf.data)
    for piece in ("Отчёт наставника о работе по программе наставничества", written_name, CONCLUSIONS,
                  document.code):
        assert "".join(piece.split()) in printed, piece
    # The very file the mentor downloads: made once from the frozen HTML.
    assert pdf.data == bytes(IssuedDocument.get_by_id(document.id).pdf)
    assert cycle.report_pdf(Person.get_by_id(pair.mentor_id), pair.id) == pdf.data


@pytest.mark.clause("s5")
def test_the_coordinator_reads_every_formats_reports(client, school, login_as, make_person):
    ours = _reported(_fmt(school, "Учитель – учитель"), make_person, surname="Первая")
    theirs = _reported(_fmt(school, "Ученик – ученик"), make_person, surname="Вторая")
    login_as("coordinator")
    html = client.get("/staff/reports").get_data(as_text=True)
    assert "Первая" in html and "Вторая" in html and "2 отчёта" in html
    for pair in (ours, theirs):
        assert client.get(f"/staff/reports/{pair.id}").status_code == 200
        assert client.get(f"/staff/reports/{pair.id}.pdf").data.startswith(b"%PDF-")


@pytest.mark.quality("access")
def test_another_formats_report_is_not_found_for_a_curator(client, school, curator_of, make_person):
    mine, foreign = _fmt(school, "Учитель – учитель"), _fmt(school, "Ученик – ученик")
    _reported(mine, make_person, surname="Своя")
    other = _reported(foreign, make_person, surname="Чужая")
    curator_of(mine)
    html = client.get(f"/staff/reports?format={foreign.id}").get_data(as_text=True)
    assert "Своя" in html and "Чужая" not in html  # a foreign format in the query string is dropped
    for url in (f"/staff/reports/{other.id}", f"/staff/reports/{other.id}.pdf"):
        response = client.get(url)
        assert response.status_code == 404 and "Страница не найдена" in response.get_data(as_text=True), url


@pytest.mark.quality("access")
def test_a_pair_without_a_report_is_not_found(client, school, login_as, make_person):
    pair = Mentorship.create(mentoring_format=_fmt(school, "Учитель – учитель"),
                             mentor=make_person(kind="staff", birth_date=date(1975, 1, 1)), status="completed")
    login_as("coordinator")
    assert client.get(f"/staff/reports/{pair.id}").status_code == 404
    assert client.get(f"/staff/reports/{pair.id}.pdf").status_code == 404


@pytest.mark.clause("s5")
def test_the_list_is_filtered_by_form_and_period(client, school, login_as, make_person):
    teachers, students = _fmt(school, "Учитель – учитель"), _fmt(school, "Ученик – ученик")
    _reported(teachers, make_person, surname="Свежая")
    _reported(teachers, make_person, surname="Давняя", days_ago=120)
    _reported(students, make_person, surname="Ученическая", days_ago=10)
    login_as("coordinator")

    def names(query):
        html = client.get(f"/staff/reports?{query}").get_data(as_text=True)
        return {name for name in ("Свежая", "Давняя", "Ученическая") if name in html}

    assert names("") == {"Свежая", "Давняя", "Ученическая"}
    assert names("period=90") == {"Свежая", "Ученическая"}
    assert names(f"format={teachers.id}") == {"Свежая", "Давняя"}
    assert names(f"format={teachers.id}&period=90") == {"Свежая"}
    assert names(f"format={students.id}&period=365") == {"Ученическая"}
    # htmx asks for the list alone; the filter form stays in place.
    fragment = client.get(f"/staff/reports?format={students.id}&period=30", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith("<section") and 'id="reports-list"' in html and "<h1" not in html
    assert "Ученическая" in html


def test_an_empty_period_says_so(client, school, login_as, make_person):
    _reported(_fmt(school, "Учитель – учитель"), make_person, days_ago=200)
    login_as("coordinator")
    html = client.get("/staff/reports?period=30").get_data(as_text=True)
    assert EMPTY in html and "reports-table" not in html and html.count("<h1") == 1
    assert EMPTY not in client.get("/staff/reports?period=365").get_data(as_text=True)


@pytest.mark.clause("s5")
def test_the_dashboard_links_to_the_reports_of_the_chosen_form_and_period(client, school, login_as):
    fmt = _fmt(school, "Учитель – учитель")
    login_as("coordinator")
    html = client.get(f"/coordinator/dashboard?format={fmt.id}&period=90").get_data(as_text=True)
    assert f'href="/staff/reports?format={fmt.id}&amp;period=90">Итоговые отчёты наставников за период</a>' in html
    # The link sits in the part htmx swaps, so it follows the filters as they change.
    fragment = client.get("/coordinator/dashboard?format=&period=30", headers={"HX-Request": "true"})
    assert 'href="/staff/reports?format=&amp;period=30"' in fragment.get_data(as_text=True)


@pytest.mark.parametrize("role, home", [("coordinator", "/coordinator/"), ("curator", "/curator/")])
def test_the_menu_leads_to_the_reports(client, login_as, role, home):
    login_as(role)
    assert '<a href="/staff/reports">Итоговые отчёты</a>' in client.get(home).get_data(as_text=True)
    assert '<a href="/staff/reports" aria-current="page">Итоговые отчёты</a>' in \
        client.get("/staff/reports").get_data(as_text=True)


@pytest.mark.quality("access")
@pytest.mark.parametrize("role", ["mentor", "mentee", "parent"])
def test_participants_have_no_staff_list(client, school, login_as, make_person, role):
    pair = _reported(_fmt(school, "Учитель – учитель"), make_person)
    login_as(role)
    for url in ("/staff/reports", f"/staff/reports/{pair.id}", f"/staff/reports/{pair.id}.pdf"):
        assert client.get(url).status_code == 403, url


@pytest.mark.quality("query count")
def test_the_list_and_a_report_cost_the_same_for_2_and_12_reports(client, school, login_as, make_person):
    fmt = _fmt(school, "Учитель – учитель")
    first = _reported(fmt, make_person)
    _reported(fmt, make_person)
    login_as("coordinator")
    client.get("/staff/reports")
    client.get(f"/staff/reports/{first.id}")
    with count_queries() as few:
        assert client.get("/staff/reports?period=365").status_code == 200
    with count_queries() as one_of_few:
        assert client.get(f"/staff/reports/{first.id}").status_code == 200
    for _ in range(10):
        _reported(fmt, make_person)
    with count_queries() as many:
        html = client.get("/staff/reports?period=365").get_data(as_text=True)
    with count_queries() as one_of_many:
        assert client.get(f"/staff/reports/{first.id}").status_code == 200
    assert html.count('data-report="') == 12
    assert len(many) == len(few), "\n".join(many)
    assert len(one_of_many) == len(one_of_few), "\n".join(one_of_many)


@pytest.mark.quality("privacy")
def test_a_report_destroyed_with_the_personal_data_shows_its_code_only(client, school, login_as, make_person):
    pair = _reported(_fmt(school, "Учитель – учитель"), make_person)
    report = FinalReport.get(FinalReport.mentorship == pair.id)
    issued.erase(IssuedDocument.report == report.id)
    login_as("coordinator")
    listing = client.get("/staff/reports").get_data(as_text=True)
    assert "уничтожен с персональными данными" in listing and f"/staff/reports/{pair.id}.pdf" not in listing
    page = client.get(f"/staff/reports/{pair.id}").get_data(as_text=True)
    assert "Текст отчёта уничтожен" in page and CONCLUSIONS not in page and 'id="frozen-report"' not in page
    assert IssuedDocument.get(IssuedDocument.report == report.id).code in page
    assert client.get(f"/staff/reports/{pair.id}.pdf").status_code == 404
