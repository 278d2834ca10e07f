"""Reports and exports (issue 6 item 4; 6.1, 3.2, s10): the school's own tables with names and categories,
the municipality's counts without a single name, and the internal monitoring report as a PDF."""
import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.models import (
    Answer, AuditEvent, BaseMembership, Consent, Meeting, MeetingConfirmation, MembershipCategory,
    MentoringFormat, Mentorship, MentorshipMember, MonitoringRound, Order, OrderItem, Question,
    Questionnaire, Response,
)
from portal.formatting import ru_date
from portal.services import consent as consents
from tests.factories import next_version
from tests.querycount import count_queries

TABLES = ("bases", "pairs", "meetings", "monitoring")
URLS = [f"/coordinator/exports/{what}.{fmt}" for what in TABLES + ("municipal",) for fmt in ("xlsx", "csv")] + [
    "/coordinator/exports/monitoring-report.pdf", "/coordinator/exports"]


def _consent(person):
    document = consents.current_documents(person.school_id)["adult_self"]
    Consent.create(document=document, subject=person, signer=person, text_sha256=document.sha256)


def _format(school, name):
    return MentoringFormat.get((MentoringFormat.school == school) & (MentoringFormat.name == name))


@pytest.fixture
def fixture(school, make_person):
    """«Учитель – учитель»: a mentor and a mentee with consents, an active pair in a registered order, two
    meetings (one corrected), an answered entry questionnaire; a second mentee in «Ученик – ученик»."""
    fmt = _format(school, "Учитель – учитель")
    mentor = make_person(kind="staff", surname="Колокольцев", first_name="Вениамин", patronymic="Аркадьевич",
                         birth_date=date(1975, 2, 3))
    mentee = make_person(kind="staff", sex="f", surname="Незабудкина", first_name="Ульяна", patronymic="Тимофеевна",
                         birth_date=date(1999, 5, 6))
    for person, base in ((mentor, "mentor"), (mentee, "mentee")):
        BaseMembership.create(mentoring_format=fmt, person=person, base=base, status="active",
                              can_help_with="Классное руководство" if base == "mentor" else "",
                              needs="Дисциплина на уроке" if base == "mentee" else "")
        _consent(person)
    membership = BaseMembership.get((BaseMembership.person == mentee) & (BaseMembership.base == "mentee"))
    MembershipCategory.create(membership=membership, code="young_specialist")
    pair = Mentorship.create(mentoring_format=fmt, mentor=mentor, status="active")
    MentorshipMember.create(mentorship=pair, mentee=mentee)
    order = Order.create(school=school, kind="pairs", title="Об утверждении наставников", status="registered",
                         number="17-од", dated_on=date(2025, 9, 1))
    OrderItem.create(order=order, mentorship=pair)
    first = Meeting.create(mentorship=pair, stage="first", held_on=date(2025, 9, 5), duration_minutes=40,
                           topic="Знакомство")
    wrong = Meeting.create(mentorship=pair, stage="trial", held_on=date(2025, 9, 12), topic="Пробная (ошибка)")
    Meeting.create(mentorship=pair, stage="trial", held_on=date(2025, 9, 13), format="online", duration_minutes=60,
                   topic="Пробная встреча", supersedes=wrong)
    MeetingConfirmation.create(meeting=first, person=mentee, verdict="confirmed")
    questionnaire = Questionnaire.create(school=school, kind="entry", title="Входная анкета",
                                         version=next_version(school, "entry"))
    agree = Question.create(questionnaire=questionnaire, position=1, text="Я уверенно веду урок", answer_type="agree",
                            anchor="lesson")
    free = Question.create(questionnaire=questionnaire, position=2, text="Чего вы ждёте?", answer_type="text")
    rnd = MonitoringRound.create(mentoring_format=fmt, kind="intermediate")
    response = Response.create(questionnaire=questionnaire, respondent=mentee, mentorship=pair, monitoring_round=rnd)
    Answer.create(response=response, question=agree, scale_value="rather_agree")
    Answer.create(response=response, question=free, text="Поддержки")
    other = make_person(kind="student", sex="f", surname="Ромашкина", first_name="Злата", patronymic="Олеговна",
                        birth_date=date(2010, 1, 1))
    other_membership = BaseMembership.create(mentoring_format=_format(school, "Ученик – ученик"), person=other,
                                             base="mentee")
    MembershipCategory.create(membership=other_membership, code="disability")
    return {"format": fmt, "mentor": mentor, "mentee": mentee, "other": other, "pair": pair}


def names(fx):
    return [p.surname for p in (fx["mentor"], fx["mentee"], fx["other"])] + [
        p.first_name for p in (fx["mentor"], fx["mentee"], fx["other"])]


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.data)).active
    return sheet, [[c.value for c in row] for row in sheet.iter_rows()]


def csv_rows(response):
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def coordinator(client, login_as):
    client.account = login_as("coordinator")
    return client


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=") and disposition.isascii()
    return response


@pytest.mark.clause("6.1")
def test_bases_export_holds_names_consent_and_categories(coordinator, fixture):
    sheet, rows = xlsx_rows(download(coordinator, "/coordinator/exports/bases.xlsx"))
    assert rows[0] == ["Форма наставничества", "База", "ФИО", "Класс", "Статус", "Согласие действует", "Категории",
                       "Может помочь", "Нуждается в помощи"]
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2" and sheet.column_dimensions["C"].width > 10
    by_name = {row[2]: row for row in rows[1:]}
    assert by_name["Незабудкина Ульяна Тимофеевна"] == [
        "Учитель – учитель", "база наставляемых", "Незабудкина Ульяна Тимофеевна", None, "участвует", "да",
        "молодой специалист", None, "Дисциплина на уроке"]
    assert by_name["Ромашкина Злата Олеговна"][4:7] == ["ожидает согласия", "нет",
                                                          "ограниченные возможности здоровья"]
    assert by_name["Колокольцев Вениамин Аркадьевич"][7] == "Классное руководство"
    assert len(rows) == 4

    rows_csv = csv_rows(download(coordinator, "/coordinator/exports/bases.csv"))
    assert rows_csv[0] == rows[0]
    assert ["Учитель – учитель", "база наставляемых", "Незабудкина Ульяна Тимофеевна", "", "участвует", "да",
            "молодой специалист", "", "Дисциплина на уроке"] in rows_csv


@pytest.mark.clause("4.13")
def test_pairs_export_names_the_order(coordinator, fixture):
    _, rows = xlsx_rows(download(coordinator, "/coordinator/exports/pairs.xlsx"))
    assert rows[0] == ["Форма наставничества", "Наставник", "Наставляемые", "Статус", "Номер приказа", "Дата приказа",
                       "Учебный год"]
    assert rows[1][:5] == ["Учитель – учитель", "Колокольцев Вениамин Аркадьевич", "Незабудкина Ульяна Тимофеевна",
                           "действует", "17-од"]
    assert rows[1][5].date() == date(2025, 9, 1)
    # The fixture's pair has no programme and its format none either: no school year (services.years).
    assert csv_rows(download(coordinator, "/coordinator/exports/pairs.csv"))[1][4:] == ["17-од", "01.09.2025", "—"]


@pytest.mark.clause("6.1")
def test_meetings_export_shows_current_versions_in_russian(coordinator, fixture):
    rows = csv_rows(download(coordinator, "/coordinator/exports/meetings.csv"))
    assert rows[0] == ["Форма наставничества", "Пара", "Этап", "Дата", "Длительность, мин", "Формат встречи", "Тема",
                       "Состояние", "Подтверждение"]
    pair = "Колокольцев В. А. — Незабудкина У. Т."
    assert rows[1:] == [
        ["Учитель – учитель", pair, "первая, организационная встреча", "05.09.2025", "40", "очно", "Знакомство",
         "проведена", "подтверждена"],
        ["Учитель – учитель", pair, "вторая, пробная рабочая встреча", "13.09.2025", "60", "дистанционно",
         "Пробная встреча", "проведена", "не подтверждена"]]
    _, rows_xlsx = xlsx_rows(download(coordinator, "/coordinator/exports/meetings.xlsx"))
    assert [row[6] for row in rows_xlsx[1:]] == ["Знакомство", "Пробная встреча"]


@pytest.mark.clause("6.1")
def test_monitoring_export_lists_every_answer(coordinator, fixture):
    _, rows = xlsx_rows(download(coordinator, "/coordinator/exports/monitoring.xlsx"))
    assert rows[0] == ["Анкета", "Версия", "Респондент", "Пара", "Раунд", "Дата ответа", "№", "Вопрос", "Ответ"]
    # Version 2: the school's standard questionnaires (version 1) come with the school. The round is named
    # by its kind and opening date, so two intermediate rounds never read alike.
    round_title = f"промежуточный этап мониторинга (начат {ru_date(MonitoringRound.get().opened_at)})"
    assert [row[:5] + row[6:] for row in rows[1:]] == [
        ["входная анкета", 2, "Незабудкина Ульяна Тимофеевна", "Колокольцев В. А. — Незабудкина У. Т.",
         round_title, 1, "Я уверенно веду урок", "скорее согласен"],
        ["входная анкета", 2, "Незабудкина Ульяна Тимофеевна", "Колокольцев В. А. — Незабудкина У. Т.",
         round_title, 2, "Чего вы ждёте?", "Поддержки"]]
    assert len(csv_rows(download(coordinator, "/coordinator/exports/monitoring.csv"))) == 3


@pytest.mark.clause("6.5")
def test_monitoring_export_shows_scale_answers_in_words(coordinator, fixture, school):
    questionnaire = Questionnaire.create(school=school, kind="process", title="Качество процесса",
                                         version=next_version(school, "process"))
    question = Question.create(questionnaire=questionnaire, position=1, text="Встречи проходят регулярно",
                               answer_type="frequency")
    response = Response.create(questionnaire=questionnaire, respondent=fixture["mentor"], mentorship=fixture["pair"])
    Answer.create(response=response, question=question, scale_value="often")
    _, rows = xlsx_rows(download(coordinator, "/coordinator/exports/monitoring.xlsx"))
    answers = {row[7]: row[8] for row in rows[1:]}
    assert answers["Я уверенно веду урок"] == "скорее согласен"
    assert answers["Встречи проходят регулярно"] == "часто"
    text = download(coordinator, "/coordinator/exports/monitoring.csv").data.decode("utf-8-sig")
    assert "скорее согласен" in text and "часто" in text
    assert "rather_agree" not in text and "often" not in text


@pytest.mark.clause("6.1")
def test_municipal_report_counts_without_names(coordinator, fixture, school, make_person):
    # Three mentees of «Учитель – ученик» with one category: a count of three is shown, one is not.
    fmt = _format(school, "Учитель – ученик")
    for _ in range(3):
        m = BaseMembership.create(mentoring_format=fmt, person=make_person(), base="mentee")
        MembershipCategory.create(membership=m, code="gifted")
    rows = csv_rows(download(coordinator, "/coordinator/exports/municipal.csv"))
    assert rows[0] == ["Форма наставничества", "Показатель", "Значение"]
    figures = {(f, what): value for f, what, value in rows[1:]}
    assert figures[("Учитель – учитель", "В базе наставников")] == "1"
    assert figures[("Учитель – учитель", "В базе наставляемых")] == "1"
    assert figures[("Учитель – учитель", "Охват согласиями, %")] == "100"
    assert figures[("Учитель – учитель", "Пар и групп: действует")] == "1"
    assert figures[("Учитель – учитель", "Пар и групп: завершена")] == "0"
    assert figures[("Учитель – учитель", "Проведено встреч")] == "2"
    assert figures[("Учитель – учитель", "Получено анкет мониторинга")] == "1"
    assert figures[("Учитель – учитель", "Категория (база наставляемых): молодой специалист")] == "<3"
    assert figures[("Ученик – ученик", "Охват согласиями, %")] == "0"
    assert figures[("Ученик – ученик", "Категория (база наставляемых): ограниченные возможности здоровья")] == "<3"
    assert figures[("Учитель – ученик", "Категория (база наставляемых): выдающиеся способности")] == "3"

    text = download(coordinator, "/coordinator/exports/municipal.csv").data.decode("utf-8-sig")
    _, xlsx = xlsx_rows(download(coordinator, "/coordinator/exports/municipal.xlsx"))
    cells = " ".join(str(v) for row in xlsx for v in row)
    for name in names(fixture) + ["Петров", "Смирнова", "Елена"]:
        assert name not in text and name not in cells
    assert "Дисциплина" not in text and "Классное руководство" not in text


@pytest.mark.clause("3.2")
def test_monitoring_report_pdf(coordinator, fixture, engine):
    response = download(coordinator, "/coordinator/exports/monitoring-report.pdf")
    assert response.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages).split())
    assert "Отчёт о внутреннем мониторинге реализации целевой модели наставничества" in text
    assert "СОШ № 62" in text and "Учитель – учитель" in text
    # One answer of the round's 2 people × 2 questionnaires, as the dashboard and the curator count it.
    assert "Проведено встреч 2" in text and "Промежуточный" in text and "1 из 4 (25 %)" in text
    assert "Результаты анкетирования" in text
    for name in names(fixture):
        assert name not in text


def test_the_exports_page_links_every_file(coordinator):
    text = coordinator.get("/coordinator/exports").get_data(as_text=True)
    for url in URLS[:-2]:
        assert f'href="{url}"' in text
    # The report follows the filter form (format × period × school year), as the dashboard's link does.
    assert 'href="/coordinator/exports/monitoring-report.pdf?format=&amp;period=all"' in text
    assert "Для муниципалитета" in text


@pytest.mark.quality("audit")
def test_a_download_is_audited(coordinator, fixture, school):
    download(coordinator, "/coordinator/exports/bases.xlsx")
    download(coordinator, "/coordinator/exports/municipal.csv")
    events = list(AuditEvent.select().where(AuditEvent.action == "export.downloaded").order_by(AuditEvent.id))
    assert [(e.details_dict["what"], e.details_dict["file_format"]) for e in events] == [
        ("bases", "xlsx"), ("municipal", "csv")]
    assert all(e.actor_id == coordinator.account.person_id and e.school_id == school.id for e in events)


@pytest.mark.quality("access")
@pytest.mark.parametrize("role", ["curator", "mentor", "mentee", "parent"])
def test_only_the_coordinator_exports(client, login_as, fixture, role):
    login_as(role)
    for url in URLS:
        assert client.get(url).status_code == 403, url
    assert not AuditEvent.select().where(AuditEvent.action == "export.downloaded").exists()


@pytest.mark.quality("validation")
def test_unknown_exports_are_not_found(coordinator):
    for url in ("/coordinator/exports/people.xlsx", "/coordinator/exports/bases.pdf",
                "/coordinator/exports/municipal.pdf", "/coordinator/exports/bases"):
        assert coordinator.get(url).status_code == 404


@pytest.mark.quality("security")
def test_typed_text_never_becomes_a_formula(coordinator, fixture):
    Meeting.update(topic="=HYPERLINK(\"http://evil\")").where(Meeting.topic == "Знакомство").execute()
    sheet, rows = xlsx_rows(download(coordinator, "/coordinator/exports/meetings.xlsx"))
    assert sheet["G2"].data_type == "s" and rows[1][6] == "=HYPERLINK(\"http://evil\")"
    assert csv_rows(download(coordinator, "/coordinator/exports/meetings.csv"))[1][6].startswith("'=")


@pytest.mark.quality("query count")
def test_an_export_costs_the_same_for_2_and_20_pairs(coordinator, fixture, school, make_person):
    fmt = fixture["format"]
    questionnaire = Questionnaire.get(Questionnaire.school == school)
    question = Question.get(Question.questionnaire == questionnaire, Question.position == 1)

    def add_pairs(n):
        for _ in range(n):
            mentor, mentee = make_person(kind="staff", birth_date=date(1970, 1, 1)), make_person(kind="staff")
            for person, base in ((mentor, "mentor"), (mentee, "mentee")):
                m = BaseMembership.create(mentoring_format=fmt, person=person, base=base, status="active")
                MembershipCategory.create(membership=m, code="young_specialist" if base == "mentee" else "teacher")
                _consent(person)
            pair = Mentorship.create(mentoring_format=fmt, mentor=mentor, status="active")
            MentorshipMember.create(mentorship=pair, mentee=mentee)
            meeting = Meeting.create(mentorship=pair, stage="first", held_on=date.today() - timedelta(days=3))
            MeetingConfirmation.create(meeting=meeting, person=mentee, verdict="disputed")
            response = Response.create(questionnaire=questionnaire, respondent=mentee, mentorship=pair)
            Answer.create(response=response, question=question, scale_value="agree")

    urls = URLS[:-2]
    add_pairs(1)
    few = {}
    for url in urls:
        coordinator.get(url)
        with count_queries() as queries:
            assert coordinator.get(url).status_code == 200
        few[url] = len(queries)
    add_pairs(18)
    assert Mentorship.select().count() == 20
    for url in urls:
        with count_queries() as queries:
            assert coordinator.get(url).status_code == 200
        assert len(queries) == few[url], (url, "\n".join(queries))
