"""The programme period is the school year (5.4, DECISIONS «The school year»): a programme's year is the
September-to-August year its start falls in, and the dashboard, the monitoring results, the final reports,
the monitoring report, the staff pairs list and the form's cycle page each narrow to one year — every year by
default, a junk year falling back to every year — in a fixed number of queries whatever the data size."""
import re
from datetime import date, timedelta

import pytest

from portal.models import FinalReport, MentoringFormat, Mentorship, MentorshipMember, Programme
from portal.models.base import utcnow
from portal.services import cycle, dashboard, years
from portal.services.staff import scope_for
from tests.dashboard.test_dashboard import _adult, _fmt
from tests.dashboard.test_dashboard_matches_report import (  # noqa: F401 (demo is a fixture)
    REPORT, _pair, _programme, dashboard_figures, demo,
)
from tests.documents.test_pdf import pdf_text
from tests.exports.test_exports import csv_rows
from tests.querycount import count_queries

JUNK = ("abc", "1999", "-1", "2026/27", " ", "99999999999999999999", "²", "²⁰²⁶")


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


@pytest.mark.clause("5.4")
def test_a_programme_belongs_to_the_school_year_its_start_falls_in():
    assert years.school_year(date(2026, 9, 1)) == 2026
    assert years.school_year(date(2027, 3, 1)) == 2026
    assert years.school_year(date(2026, 6, 1)) == 2025
    assert years.school_year(date(2026, 8, 31)) == 2025
    assert years.label(2026) == "2026/27 учебный год"
    assert years.label(2099) == "2099/00 учебный год"
    assert years.short_label(2026) == "2026/27" and years.short_label(None) == "—"
    assert years.window(2026) == (date(2026, 9, 1), date(2027, 9, 1))


@pytest.mark.clause("5.4")
def test_the_years_of_a_scope_are_one_query_and_a_pair_without_a_programme_takes_the_earliest(school, make_person):
    teachers, students = _fmt(school), _fmt(school, "Ученик – ученик")
    first, second = _programme(teachers, date(2025, 9, 1)), _programme(teachers, date(2027, 3, 1))
    _programme(students, date(2026, 6, 1))
    draft = _programme(teachers, date(2028, 9, 1))  # the next year's draft makes no year until published
    Programme.update(published_at=None).where(Programme.id == draft.id).execute()
    with count_queries() as queries:
        assert years.of_formats([teachers.id, students.id]) == [2026, 2025]
    assert len(queries) == 1
    assert years.of_formats([]) == []
    old, _, _ = _pair(teachers, make_person, "active")  # no programme: the earliest one's, 2025/26
    new, _, _ = _pair(teachers, make_person, "active")
    Mentorship.update(programme=second).where(Mentorship.id == new.id).execute()
    of_first, _, _ = _pair(teachers, make_person, "completed")
    Mentorship.update(programme=first).where(Mentorship.id == of_first.id).execute()
    lone = MentoringFormat.create(school=school, name="Без программы")
    orphan = Mentorship.create(mentoring_format=lone, mentor=_adult(make_person), status="active")

    def of_year(year):
        return {m.id for m in Mentorship.select().where(years.pair_condition(year))}
    assert of_year(2025) == {old.id, of_first.id}
    assert of_year(2026) == {new.id}
    assert of_year(2024) == set()
    assert years.of_pairs([old.id, new.id, of_first.id, orphan.id]) == {
        old.id: 2025, new.id: 2026, of_first.id: 2025, orphan.id: None}
    assert years.parse("2026", [2026, 2025]) == 2026
    assert all(years.parse(junk, [2026, 2025]) is None for junk in JUNK + ("2024", None))


@pytest.mark.clause("5.4")
def test_the_dashboard_shows_only_the_chosen_years_pairs_and_figures(client, school, login_as, demo):
    login_as("coordinator")
    this, teachers = demo["this"], demo["teachers"]
    page = client.get(f"/coordinator/dashboard?format={teachers.id}&year={this}").get_data(as_text=True)
    assert f'<option value="{this}" selected>{years.label(this)}</option>' in page
    assert f'<option value="{this - 1}">{years.label(this - 1)}</option>' in page
    now = dashboard_figures(page)
    assert (now["active"], now["completed"], now["cancelled"], now["held"], now["planned"]) == (1, 0, 0, 6, 8)
    assert f"year={this}" in page  # the numbers' links keep the year
    before = dashboard_figures(client.get(f"/coordinator/dashboard?format={teachers.id}&year={this - 1}")
                               .get_data(as_text=True))
    assert (before["active"], before["completed"], before["cancelled"], before["held"], before["planned"]) == \
        (0, 1, 1, 5, 5)
    # The bases carry over between years: the same people whatever the year.
    every = dashboard_figures(client.get(f"/coordinator/dashboard?format={teachers.id}").get_data(as_text=True))
    assert every["mentor"] == now["mentor"] == before["mentor"]
    rows = client.get(f"/coordinator/dashboard/list/meetings?format={teachers.id}&year={this}").get_data(as_text=True)
    assert rows.count("<tr>") == 2  # the header and the year's one pair


@pytest.mark.clause("5.4")
def test_a_junk_year_falls_back_to_every_year_on_every_page(client, school, login_as, demo):
    login_as("coordinator")
    teachers = demo["teachers"]
    pages = ("/coordinator/dashboard", "/coordinator/results", "/staff/reports", "/staff/pairs?state=all",
             f"/staff/formats/{teachers.id}/cycle")
    for url in pages:
        glue = "&" if "?" in url else "?"
        plain = _text(client.get(url))
        for junk in JUNK:
            response = client.get(f"{url}{glue}year={junk}")
            assert response.status_code == 200, (url, junk)
            assert _text(response) == plain, (url, junk)
    response = client.get(f"{REPORT}?year=abc")
    assert response.status_code == 200 and "все учебные годы" in pdf_text(response.data)


@pytest.mark.clause("6.3")
def test_the_results_page_and_the_report_keep_the_years_answers(client, school, login_as, demo):
    login_as("coordinator")
    this = demo["this"]
    done_mentee = demo["done_mentee"].full_name
    running_mentee = Mentorship.get_by_id(demo["running"].id).members.get().mentee.full_name
    now = client.get(f"/coordinator/results?year={this}").get_data(as_text=True)
    assert running_mentee in now and done_mentee not in now
    assert f'<option value="{this}" selected>' in now
    before = client.get(f"/coordinator/results?year={this - 1}").get_data(as_text=True)
    assert done_mentee in before and running_mentee not in before
    text = pdf_text(client.get(f"{REPORT}?year={this}").data)
    assert f"{years.label(this)}." in text and "Учебный год отбирает пары" in text


def _report(pair):
    """The pair completed and its mentor's final report written."""
    Mentorship.update(status="completed").where(Mentorship.id == pair.id).execute()
    cycle.write_report(Mentorship.get_by_id(pair.id).mentor, pair.id, work_done="Проведено шесть встреч.",
                       results="Задачи выполнены.", conclusions="Готов к аттестации.", proposals="Нет.")


@pytest.mark.clause("6.3", "5.4")
def test_final_reports_pairs_and_cycle_narrow_to_the_year(client, school, login_as, demo, make_person):
    login_as("coordinator")
    this, teachers = demo["this"], demo["teachers"]
    _report(demo["done"])
    _report(demo["running"])
    listing = client.get(f"/staff/reports?year={this}").get_data(as_text=True)
    assert f'data-report="{demo["running"].id}"' in listing and f'data-report="{demo["done"].id}"' not in listing
    assert 'id="filter-year"' in listing
    listing = client.get("/staff/reports").get_data(as_text=True)
    assert f'data-report="{demo["running"].id}"' in listing and f'data-report="{demo["done"].id}"' in listing

    pairs = client.get("/staff/pairs?state=all").get_data(as_text=True)
    assert "Учебный год" in pairs
    assert re.search(rf'id="pair-{demo["done"].id}">.*?{years.short_label(this - 1)}', pairs, re.S)
    assert re.search(rf'id="pair-{demo["running"].id}">.*?{years.short_label(this)}', pairs, re.S)
    narrowed = client.get(f"/staff/pairs?state=all&year={this}").get_data(as_text=True)
    assert f'id="pair-{demo["running"].id}"' in narrowed and f'id="pair-{demo["done"].id}"' not in narrowed
    assert f'<option value="{this}" selected>' in narrowed

    cycle_page = client.get(f"/staff/formats/{teachers.id}/cycle").get_data(as_text=True)
    assert f'id="cycle-pair-{demo["done"].id}"' in cycle_page and f'id="cycle-pair-{demo["running"].id}"' in cycle_page
    narrowed = client.get(f"/staff/formats/{teachers.id}/cycle?year={this - 1}").get_data(as_text=True)
    assert f'id="cycle-pair-{demo["done"].id}"' in narrowed
    assert f'id="cycle-pair-{demo["running"].id}"' not in narrowed
    assert years.short_label(this - 1) in narrowed


@pytest.mark.quality("query count")
def test_a_page_filtered_by_year_costs_the_same_queries_whatever_the_data(client, school, login_as, make_person):
    login_as("coordinator")
    teachers = _fmt(school)
    this = years.school_year(date.today())
    programme = _programme(teachers, years.window(this)[0])

    def grow(n):
        for _ in range(n):
            pair, _, _ = _pair(teachers, make_person, "active", (30, 20, 10), planned=5)
            Mentorship.update(programme=programme).where(Mentorship.id == pair.id).execute()
            _report(pair)
    urls = [f"{url}?year={this}" for url in (
        "/coordinator/dashboard", "/coordinator/dashboard/list/meetings", "/coordinator/results", "/staff/reports",
        "/staff/pairs", f"/staff/formats/{teachers.id}/cycle")]
    grow(1)
    counts = []
    for extra in (0, 5):
        grow(extra)
        for url in urls:
            with count_queries() as queries:
                assert client.get(url).status_code == 200, url
            counts.append((url, len(queries)))
    assert counts[:len(urls)] == counts[len(urls):]


@pytest.mark.clause("5.4")
def test_the_exports_page_offers_the_year_and_the_pairs_file_names_each_pairs_year(client, school, login_as, demo):
    login_as("coordinator")
    this = demo["this"]
    page = client.get(f"/coordinator/exports?year={this}").get_data(as_text=True)
    assert f'<option value="{this}" selected>' in page
    assert f'monitoring-report.pdf?format=&amp;period=all&amp;year={this}"' in page and years.label(this) in page
    fragment = client.get(f"/coordinator/exports?year={this - 1}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="exports-report"' in fragment and "<html" not in fragment and f"year={this - 1}" in fragment
    header, *rows = csv_rows(client.get("/coordinator/exports/pairs.csv"))
    assert header[-1] == "Учебный год"
    assert {row[-1] for row in rows} == {years.short_label(this), years.short_label(this - 1)}


@pytest.mark.clause("5.4")
def test_a_round_belongs_to_the_year_of_the_programme_it_ran_in(school, login_as, make_person):
    """A programme may start outside September: a round opened while it ran is of its year, as its pairs are,
    and «answered» counts the same year's pairs as «expected»."""
    from tests.dashboard.test_dashboard_matches_report import _round
    teachers = _fmt(school)
    start = date.today() - timedelta(days=200)
    programme = _programme(teachers, start)
    pair, mentor, _ = _pair(teachers, make_person, "active")
    Mentorship.update(programme=programme).where(Mentorship.id == pair.id).execute()
    _round(school, teachers, "intermediate", 10, False, [(pair, mentor)])
    scope = scope_for(login_as("coordinator"))
    year = years.school_year(start)

    def rounds(year):
        listed = dashboard.overview(scope, dashboard.Filters(year=year))["lists"]["rounds"]
        return [(row["answered"], row["expected"]) for row in listed]
    assert len(rounds(year)) == 1 and rounds(year)[0][0] == 1
    other = year + 1 if years.school_year(date.today()) == year else years.school_year(date.today())
    if other != year:
        assert rounds(other) == []
