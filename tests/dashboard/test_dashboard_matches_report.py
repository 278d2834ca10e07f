"""The coordinator's dashboard and the internal monitoring report (6.1, 3.2) show one set of figures.

On the demo the dashboard counted meetings of active pairs only: a completed pair's five meetings vanished
(6 on the dashboard, 11 in the report for the same form and period), and at the year's end, every pair
completed, «проведено» fell to 0. Here every filter the dashboard offers (form × period × school year) is
applied to both, and each figure they share is read from what the coordinator sees: the dashboard's page and
the PDF's text. The world has two school years: two programmes of one form with pairs in each, and a form
whose only programme started in June (so it belongs to the year before) with a pair that has no programme.
"""
import re
from datetime import date, timedelta

import pytest

from portal.models import (
    Answer, BaseMembership, Meeting, MentoringFormat, Mentorship, MentorshipMember, MonitoringRound, Plan,
    Programme, Question, Questionnaire, Response, RoleGrant,
)
from portal.models.base import utcnow
from portal.models.mentorship import MENTORSHIP_STATES
from portal.services import dashboard, overview, years
from tests.dashboard.test_dashboard import _adult, _consent, _fmt
from tests.documents.test_pdf import pdf_text
from tests.factories import next_version

REPORT = "/coordinator/exports/monitoring-report.pdf"
ANCHOR = ("Я уверенно веду урок", "agree", "confidence")


def _member(fmt, person, base, status="active"):
    BaseMembership.create(mentoring_format=fmt, person=person, base=base, status=status)
    if status == "active":
        _consent(person)


def _pair(fmt, make_person, status, held_days_ago=(), planned=None):
    """A pair in `status` with a meeting held that many days ago for each number, and a plan if given."""
    mentor, mentee = _adult(make_person), _adult(make_person, sex="f")
    _member(fmt, mentor, "mentor")
    _member(fmt, mentee, "mentee")
    pair = Mentorship.create(mentoring_format=fmt, mentor=mentor, status=status)
    MentorshipMember.create(mentorship=pair, mentee=mentee)
    stages = ["first", "trial", "planning"] + ["regular"] * 10
    for stage, days in zip(stages, held_days_ago):
        Meeting.create(mentorship=pair, stage=stage, held_on=date.today() - timedelta(days=days))
    if planned:
        Plan.create(mentorship=pair, version=1, planned_meetings=planned)
    return pair, mentor, mentee


def _growth(school, pair, mentee, before, after, exit_days_ago):
    entry, exit_ = (Questionnaire.create(school=school, kind=kind, title=kind, version=next_version(school, kind))
                    for kind in ("entry", "exit"))
    for questionnaire, value, days in ((entry, before, exit_days_ago + 30), (exit_, after, exit_days_ago)):
        question = Question.create(questionnaire=questionnaire, position=1, text=ANCHOR[0], answer_type=ANCHOR[1],
                                   anchor=ANCHOR[2])
        response = Response.create(questionnaire=questionnaire, respondent=mentee, mentorship=pair,
                                   submitted_at=utcnow() - timedelta(days=days))
        Answer.create(response=response, question=question, scale_value=value)


def _round(school, fmt, kind, days_ago, closed, answers):
    round_ = MonitoringRound.create(mentoring_format=fmt, kind=kind, opened_at=utcnow() - timedelta(days=days_ago),
                                    closed_at=utcnow() - timedelta(days=days_ago - 5) if closed else None)
    questionnaire, _ = Questionnaire.get_or_create(school=school, kind="process", version=1,
                                                   defaults={"title": "Качество процесса"})
    for pair, respondent in answers:
        Response.create(questionnaire=questionnaire, respondent=respondent, mentorship=pair, monitoring_round=round_,
                        submitted_at=utcnow() - timedelta(days=days_ago - 1))


def _programme(fmt, starts_on):
    return Programme.create(mentoring_format=fmt, title=f"Программа {starts_on.year}", starts_on=starts_on,
                            ends_on=starts_on.replace(year=starts_on.year + 1) - timedelta(days=1))


@pytest.fixture
def demo(school, make_person):
    """The demo's situation and more: a completed pair with 5 meetings beside an active one with 6, a
    cancelled pair, a waiting mentee, an awaiting mentor, rounds and growth inside and outside each period.

    Two school years: the completed pair is last year's programme's, the active one this year's, the
    cancelled one has no programme (so it is of its form's earliest, last year's); the other form's only
    programme started on June 1st of this calendar year — last school year — and its pair has no programme."""
    teachers, students = _fmt(school), _fmt(school, "Ученик – ученик")
    this = years.school_year(date.today())
    last_programme, this_programme = (_programme(teachers, years.window(y)[0]) for y in (this - 1, this))
    _programme(students, date(this, 6, 1))
    done, done_mentor, done_mentee = _pair(teachers, make_person, "completed", (200, 100, 50, 20, 5), planned=5)
    running, run_mentor, run_mentee = _pair(teachers, make_person, "active", (300, 80, 40, 25, 10, 2), planned=8)
    Mentorship.update(programme=last_programme).where(Mentorship.id == done.id).execute()
    Mentorship.update(programme=this_programme).where(Mentorship.id == running.id).execute()
    Meeting.create(mentorship=running, stage="regular", held_on=date.today() + timedelta(days=3), status="planned")
    _pair(teachers, make_person, "cancelled")
    _member(teachers, _adult(make_person, sex="f"), "mentee")  # waits for a mentor
    _member(teachers, _adult(make_person), "mentor", status="awaiting_consent")
    other, other_mentor, other_mentee = _pair(students, make_person, "active", (45, 3), planned=4)
    _round(school, teachers, "intermediate", 120, True, [(done, done_mentor), (done, done_mentee),
                                                         (running, run_mentor)])
    _round(school, teachers, "final", 20, False, [(running, run_mentee)])
    _round(school, students, "intermediate", 50, False, [(other, other_mentor)])
    _growth(school, done, done_mentee, "rather_disagree", "agree", 100)
    _growth(school, running, run_mentee, "agree", "rather_agree", 10)
    _growth(school, other, other_mentee, "agree", "agree", 60)
    return {"teachers": teachers, "students": students, "done": done, "running": running,
            "done_mentee": done_mentee, "other": other, "this": this,
            # The pairs of each school year, as the fixture means them (not as services.years reads them).
            "of_year": {this - 1: [done.id, other.id], this: [running.id]}}


# --- what the coordinator sees ------------------------------------------------------------------------

def _cell(html, cell_id):
    match = re.search(rf'id="{cell_id}">(.*?)</td>', html, re.S)
    assert match, cell_id
    return match.group(1)


def _anchors(fragment):
    return [int(n) for n in re.findall(r'data-number="[^"]+">(\d+)<', fragment)]


def _percent(text):
    match = re.search(r"\((\d+ %|—)\)", text)
    assert match, text
    return match.group(1)


def dashboard_figures(html) -> dict:
    """The figures the dashboard shows for its whole selection (the format chosen, or every format)."""
    def first(key):
        match = re.search(rf'data-number="{key}">(\d+)<', html)
        assert match, key
        return int(match.group(1))
    held, planned = _anchors(_cell(html, "meetings-held"))
    answered, expected = _anchors(_cell(html, "monitoring-completion"))
    growth = _anchors(_cell(html, "growth"))
    coverage = _cell(html, "consent-coverage")
    return {"mentor": first("mentors_active") + first("mentors_awaiting"),
            "mentee": first("mentees_active") + first("mentees_awaiting"),
            "consent": _percent(re.sub(r"<[^>]+>", "", coverage)),
            **{status: first(f"pairs_{status}") for status, _ in MENTORSHIP_STATES},
            "held": held, "planned": planned, "answered": answered, "expected": expected, "growth": growth}


def dashboard_format_row(html, format_id) -> dict:
    """The «По формам наставничества» row of one format: what it shares with the report."""
    row = re.search(rf'<tr id="format-{format_id}">(.*?)</tr>', html, re.S).group(1)
    numbers = {key: int(n) for key, n in re.findall(rf'data-number="(\w+)-{format_id}">(\d+)<', row)}
    return {"consent": _percent(re.sub(r"<[^>]+>", "", row)), "active": numbers["pairs_active"],
            "held": numbers["meetings"], "answered": numbers["rounds"]}


def report_sections(text) -> dict:
    """The report's text split by its headings: {format name: section, "school": the school-wide part}."""
    heads = list(re.finditer(r"\d+\. (?:Форма наставничества «([^»]+)»|Результаты анкетирования: школа в целом)", text))
    assert heads and heads[-1].group(1) is None, "no school-wide section"
    ends = [h.start() for h in heads[1:]] + [len(text)]
    return {h.group(1) or "school": text[h.start():end] for h, end in zip(heads, ends)}


def report_figures(section) -> dict:
    def one(label):
        match = re.search(rf"{label} (\d+)", section)
        assert match, label
        return int(match.group(1))
    rounds = [(int(a), int(b)) for a, b in re.findall(r"(\d+) из (\d+)", section)]
    # The label may wrap in the PDF, and the text layer then puts the value inside it: read the cell between the
    # label's first words and the next heading.
    coverage = re.search(r"Охват согласиями на обработку.*?(\d+ %|—).*?Наставнические пары", section).group(1)
    return {"mentor": one("В базе наставников"), "mentee": one("В базе наставляемых"), "consent": coverage,
            **{status: one(title.capitalize()) for status, title in MENTORSHIP_STATES},
            "held": one("Проведено встреч"), "planned": one("Запланировано встреч"),
            "answered": sum(a for a, _ in rounds), "expected": sum(b for _, b in rounds),
            "growth": growth_of(section)}


def growth_of(section) -> list[int]:
    part = section.split("Изменения от входной анкеты к выходной", 1)[1]
    if part.lstrip().startswith("Пока нет участников"):
        return [0, 0, 0]
    match = re.match(r"\s*Рост (\d+) Без изменений (\d+) Снижение (\d+)", part)
    assert match, part[:80]
    return [int(n) for n in match.groups()]


SUMMED = ("mentor", "mentee", *(s for s, _ in MENTORSHIP_STATES), "held", "planned", "answered", "expected")


@pytest.mark.clause("6.1", "3.2", "5.4")
@pytest.mark.parametrize("year", ["", "last", "this"])
def test_every_shared_figure_is_the_same_on_the_dashboard_and_in_the_report(client, school, login_as, demo, year):
    login_as("coordinator")
    year = {"": "", "last": demo["this"] - 1, "this": demo["this"]}[year]
    formats = list(MentoringFormat.select().where(MentoringFormat.school == school).order_by(MentoringFormat.id))
    for fmt in [None, *formats]:
        for period, _ in dashboard.PERIODS:
            query = f"?format={fmt.id if fmt else ''}&period={period}" + (f"&year={year}" if year else "")
            html = client.get(f"/coordinator/dashboard{query}").get_data(as_text=True)
            response = client.get(REPORT + query)
            assert response.status_code == 200, query
            sections = report_sections(pdf_text(response.data))
            seen = dashboard_figures(html)
            if fmt:
                assert set(sections) == {fmt.name, "school"}, query
                assert seen == report_figures(sections[fmt.name]), query
            else:
                assert set(sections) == {f.name for f in formats} | {"school"}, query
                per_format = {f.id: report_figures(sections[f.name]) for f in formats}
                for key in SUMMED:
                    assert seen[key] == sum(r[key] for r in per_format.values()), (query, key)
                for f in formats:
                    row, report = dashboard_format_row(html, f.id), per_format[f.id]
                    assert row == {"consent": report["consent"], "active": report["active"],
                                   "held": report["held"], "answered": report["answered"]}, (query, f.name)
            assert seen["growth"] == growth_of(sections["school"]), query
            # Both read one service; so that it cannot be wrong in both at once, one figure against the rows.
            held = (Meeting.select().join(Mentorship)
                    .where((Meeting.status == "held") & Meeting.is_current()
                           & Mentorship.mentoring_format.in_([f.id for f in formats if fmt in (None, f)])))
            if year:
                held = held.where(Mentorship.id.in_(demo["of_year"][year]))
            since = dashboard.Filters(period=period).since()
            assert seen["held"] == (held.where(Meeting.held_on >= since) if since else held).count(), query
            assert f'href="{REPORT}{query.replace("&", "&amp;")}"' in html, "the dashboard links its own report"


@pytest.mark.clause("6.1")
def test_a_completed_pairs_meetings_stay_counted(client, school, login_as, demo):
    """The demo's fault: 5 meetings of the completed pair beside 6 of the active one make 11, not 6; at the
    year's end, every pair completed, the 11 stay."""
    login_as("coordinator")
    url = f"/coordinator/dashboard?format={demo['teachers'].id}"
    seen = dashboard_figures(client.get(url).get_data(as_text=True))
    assert (seen["held"], seen["planned"]) == (11, 13)
    Mentorship.update(status="completed").where(Mentorship.id == demo["running"].id).execute()
    seen = dashboard_figures(client.get(url).get_data(as_text=True))
    assert (seen["held"], seen["planned"], seen["completed"], seen["active"]) == (11, 13, 2, 0)
    rows = client.get(f"/coordinator/dashboard/list/meetings?format={demo['teachers'].id}").get_data(as_text=True)
    assert rows.count("<tr>") == 3  # the header and both pairs


@pytest.mark.clause("6.1")
def test_a_completed_mentee_does_not_wait_for_a_mentor(client, school, login_as, demo, make_account):
    """A mentee whose pair ended with its final meeting has had their mentor; the dashboard and the curator's
    home page list them nowhere as waiting. A cancelled pair (a decline) returns its mentee to the queue
    (DECISIONS «States»), and a mentee whose consent no longer lets them in is not waiting but without consent."""
    login_as("coordinator")
    teachers = demo["teachers"]
    waiting = client.get(f"/coordinator/dashboard/list/waiting?format={teachers.id}").get_data(as_text=True)
    assert demo["done_mentee"].full_name not in waiting
    cancelled = Mentorship.get((Mentorship.mentoring_format == teachers) & (Mentorship.status == "cancelled"))
    assert cancelled.members.get().mentee.full_name in waiting
    assert waiting.count("<tr>") == 3  # the header, the cancelled pair's mentee, the mentee never paired

    curator = make_account("curator", login="curator2")
    RoleGrant.update(mentoring_format=teachers).where(RoleGrant.account == curator).execute()
    names = {p.full_name for f in overview.curated_formats(curator.id) if f["format"].id == teachers.id
             for p in f["waiting"]}
    assert demo["done_mentee"].full_name not in names and len(names) == 2
