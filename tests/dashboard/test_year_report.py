"""The year's report for the director and the municipality (s10, 6.1, 3.2, 5.4): one PDF for a school year whose
figures are the coordinator's dashboard's for that year (all forms, all time), with the roadmap's completion and
the orders registered in the year; coordinator only; a fixed number of queries whatever the data size.

The world is test_dashboard_matches_report's (two school years, completed and active pairs, rounds, growth), with
a roadmap and orders in and out of each year."""
import re
from datetime import date, timedelta

import pytest

from portal.models import AuditEvent, ImprovementProposal, Order, RoadmapEvent, SupportRequest
from portal.models.base import utcnow
from portal.models.mentorship import MENTORSHIP_STATES
from portal.services import years
from tests.dashboard.test_dashboard_matches_report import (  # noqa: F401 (demo is a fixture)
    SUMMED, _pair, dashboard_figures, demo, growth_of, report_figures, report_sections,
)
from tests.documents.test_pdf import pdf_text
from tests.querycount import count_queries

URL = "/coordinator/exports/year-report.pdf"


def _event(school, title, due_on, status="planned"):
    return RoadmapEvent.create(school=school, section="programmes", title=title, responsible_text="координатор",
                               due_on=due_on, status=status, done_at=utcnow() if status == "done" else None)


def _order(school, number, dated_on, status="registered", title="Об утверждении наставников и наставнических пар/групп",
           **kw):
    return Order.create(school=school, kind="pairs", title=title, status=status,
                        number=number if status == "registered" else None,
                        dated_on=dated_on if status == "registered" else None, **kw)


def _proposal(school, author, written_on, status):
    return ImprovementProposal.create(school=school, author=author, author_role="mentor", topic="school",
                                      text="Предложение", status=status, created_at=written_on)


@pytest.fixture
def year_world(school, demo, make_person):
    """This school year: four roadmap events (two done, one overdue, one ahead), two orders (one correcting the
    other) and a draft, two proposals and a request for support; last year: one event done, one order, one
    proposal."""
    this = demo["this"]
    start, _ = years.window(this)
    author = demo["done_mentee"]
    _proposal(school, author, start + timedelta(days=3), "accepted")
    _proposal(school, author, date.today(), "new")
    _proposal(school, author, start - timedelta(days=3), "declined")
    SupportRequest.create(school=school, asked_by=author, about=author, asked_as="mentee",
                          asked_at=start + timedelta(days=7))
    today = date.today()
    _event(school, "Приказ о внедрении целевой модели", start + timedelta(days=5), "done")
    _event(school, "Педагогический совет", start + timedelta(days=20), "done")
    _event(school, "Промежуточный мониторинг", today - timedelta(days=1), "in_progress")
    _event(school, "Итоговое мероприятие", today + timedelta(days=3))
    _event(school, "Прошлогодний отчёт", start - timedelta(days=30), "done")
    first = _order(school, "12-од", start + timedelta(days=10))
    _order(school, "31-од", start + timedelta(days=40), title="О внесении изменений в приказ об утверждении пар",
           corrects=first)
    _order(school, None, None, status="draft", title="Проект, ещё не подписанный")
    _order(school, "77-од", start - timedelta(days=60), title="Прошлогодний приказ")
    return demo


@pytest.mark.clause("s10")
@pytest.mark.clause("6.1", "6.2", "3.2", "5.4", "s6", "s9")
@pytest.mark.parametrize("which", ["last", "this"])
def test_the_years_report_says_what_the_dashboard_says_for_that_year(client, school, login_as, year_world, which):
    login_as("coordinator")
    year = year_world["this"] - (which == "last")
    html = client.get(f"/coordinator/dashboard?format=&period=all&year={year}").get_data(as_text=True)
    assert f'href="{URL}?year={year}"' in html, "the dashboard offers the report of the year it shows"
    response = client.get(f"{URL}?year={year}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="year-report-{year}-{(year + 1) % 100:02d}.pdf"' in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert f"за {years.label(year)}" in text

    seen = dashboard_figures(html)
    sections = report_sections(text)
    per_format = [report_figures(section) for name, section in sections.items() if name != "school"]
    for key in SUMMED:
        assert seen[key] == sum(r[key] for r in per_format), key
    assert seen["growth"] == growth_of(sections["school"])

    # The summary at the top: the dashboard's whole-school figures, in the same words a director reads.
    summary = text.split("Итоги года", 1)[1].split("1. Форма наставничества", 1)[0]
    assert f"Встречи: проведено из запланированных {seen['held']} из {seen['planned']}" in summary
    assert f"Анкеты мониторинга: получено из ожидаемых {seen['answered']} из {seen['expected']}" in summary
    for status, title in MENTORSHIP_STATES:
        assert re.search(rf"Пары и группы: {title} {seen[status]}\b", summary), status
    assert f"Форм наставничества {len(per_format)}" in summary
    # Satisfaction in words (6.5: no marks), as in the monitoring report.
    assert "Качество процесса и удовлетворённость" in text

    roadmap = text.split("Дорожная карта внедрения целевой модели наставничества", 1)[1]
    orders = text.split("Приказы, изданные в учебном году", 1)[1]
    if which == "this":
        assert "выполнено: 2; выполняется: 0; запланировано: 1; просрочено: 1" in roadmap
        assert "Дорожная карта: выполнено мероприятий 2 из 4 (50 %)" in summary
        assert "Прошлогодний отчёт" not in text
        assert "№ 12-од" in orders and "№ 31-од" in orders and "изменяет приказ № 12-од" in orders
        assert "77-од" not in text and "Проект, ещё не подписанный" not in text
        assert "Приказов зарегистрировано 2" in summary
        assert "Предложений участников поступило 2 (новое — 1, принято — 1)" in summary
        assert "Обращений за психологической поддержкой 1" in summary
    else:
        assert "Дорожная карта: выполнено мероприятий 1 из 1 (100 %)" in summary
        assert "№ 77-од" in orders and "12-од" not in text
        assert "Предложений участников поступило 1 (отклонено — 1)" in summary
        assert "Обращений за психологической поддержкой 0" in summary
    event = AuditEvent.select().where(AuditEvent.action == "export.downloaded").order_by(AuditEvent.id.desc()).get()
    assert event.details_dict["what"] == "year-report"


@pytest.mark.clause("5.4")
def test_without_a_year_the_report_is_of_the_newest_year(client, login_as, year_world):
    login_as("coordinator")
    this = year_world["this"]
    response = client.get(URL)
    assert f'year-report-{this}-{(this + 1) % 100:02d}.pdf' in response.headers["Content-Disposition"]
    assert f"за {years.label(this)}" in pdf_text(response.data)
    page = client.get("/coordinator/exports").get_data(as_text=True)
    assert f'href="{URL}?year={this}"' in page and f"за {years.label(this)}" in page


@pytest.mark.quality("access")
@pytest.mark.parametrize("role", ["curator", "mentor", "mentee", "parent"])
def test_only_the_coordinator_takes_the_years_report(client, login_as, year_world, role):
    """The year's report is the school's: school-wide orders and roadmap beside every form's figures. A curator
    reads their forms' figures on the results page."""
    login_as(role)
    assert client.get(f"{URL}?year={year_world['this']}").status_code == 403
    assert not AuditEvent.select().where(AuditEvent.action == "export.downloaded").exists()


@pytest.mark.quality("query count")
def test_the_years_report_costs_the_same_queries_however_much_the_year_holds(client, school, login_as, year_world,
                                                                          make_person):
    login_as("coordinator")
    url = f"{URL}?year={year_world['this']}"
    client.get(url)
    with count_queries() as before:
        client.get(url)
    this_programme = year_world["running"].programme_id
    start, _ = years.window(year_world["this"])
    for n in range(6):
        pair, _, _ = _pair(year_world["teachers"], make_person, "active", (10, 5, 2), planned=6)
        pair.programme = this_programme
        pair.save()
        _event(school, f"Мероприятие {n}", start + timedelta(days=60 + n), "done")
        _order(school, f"{40 + n}-од", start + timedelta(days=70 + n))
    with count_queries() as after:
        response = client.get(url)
    assert "№ 45-од" in pdf_text(response.data)
    assert len(after) == len(before), "\n".join(after)
