"""The coordinator's dashboard (6.1, 6.2, 3.2): every number equals a direct count over the fixture."""
import re
from datetime import date, datetime, timedelta

import pytest

from portal.models import (
    BaseMembership, Consent, ConsentWithdrawal, Meeting, MentoringFormat, Mentorship, MentorshipMember,
    MonitoringRound, Plan, Questionnaire, Response,
)
from portal.models.base import utcnow
from portal.services import consent as consents
from tests.querycount import count_queries


def _consent(subject, kind="adult_self"):
    document = consents.current_documents(subject.school_id)[kind]
    return Consent.create(document=document, subject=subject, signer=subject, text_sha256=document.sha256)


def _fmt(school, name="Учитель – учитель"):
    return MentoringFormat.get((MentoringFormat.school == school) & (MentoringFormat.name == name))


def _adult(make_person, **kw):
    return make_person(kind="staff", birth_date=date(1980, 1, 1), **kw)


def build(school, make_person, pairs=2):
    """`pairs` active pairs with meetings and plans, plus one awaiting member, one waiting mentee, one
    withdrawn consent, one quiet pair and an overdue round — every kind of number non-zero."""
    fmt = _fmt(school)
    today = date.today()
    for i in range(pairs):
        mentor, mentee = _adult(make_person), _adult(make_person, sex="f")
        for person, base in ((mentor, "mentor"), (mentee, "mentee")):
            BaseMembership.create(mentoring_format=fmt, person=person, base=base, status="active")
            _consent(person)
        pair = Mentorship.create(mentoring_format=fmt, mentor=mentor, status="active")
        MentorshipMember.create(mentorship=pair, mentee=mentee)
        Plan.create(mentorship=pair, version=1, planned_meetings=4)
        Plan.create(mentorship=pair, version=2, planned_meetings=6)
        Meeting.create(mentorship=pair, stage="first", held_on=today - timedelta(days=5 if i else 60))
        Meeting.create(mentorship=pair, stage="trial", held_on=today + timedelta(days=7), status="planned")
    awaiting = _adult(make_person)
    BaseMembership.create(mentoring_format=fmt, person=awaiting, base="mentor", status="awaiting_consent")
    waiting = _adult(make_person, sex="f")
    BaseMembership.create(mentoring_format=fmt, person=waiting, base="mentee", status="active")
    _consent(waiting)
    gone = _adult(make_person)
    BaseMembership.create(mentoring_format=fmt, person=gone, base="mentee", status="left")
    ConsentWithdrawal.create(consent=_consent(gone), withdrawn_by=gone,
                             destruction_due_on=today + timedelta(days=30))
    round_ = MonitoringRound.create(mentoring_format=fmt, kind="intermediate", opened_at=utcnow() - timedelta(days=20))
    questionnaire, _ = Questionnaire.get_or_create(school=school, kind="process", version=1,
                                                   defaults={"title": "Качество процесса"})
    first_pair = Mentorship.select().where(Mentorship.mentoring_format == fmt).order_by(Mentorship.id).first()
    Response.create(questionnaire=questionnaire, respondent=first_pair.mentor_id, mentorship=first_pair,
                    monitoring_round=round_)
    return fmt


def number(html, key):
    match = re.search(rf'data-number="{key}">(\d+)<', html)
    assert match, key
    return int(match.group(1))


@pytest.mark.clause("6.1")
def test_every_number_equals_a_direct_count(client, school, login_as, make_person):
    fmt = build(school, make_person, pairs=3)
    login_as("coordinator")
    html = client.get("/coordinator/dashboard").get_data(as_text=True)

    members = BaseMembership.select().where(BaseMembership.status != "left")
    assert number(html, "members") == members.count() == 8
    assert number(html, "mentors_active") == members.where((BaseMembership.base == "mentor")
                                                           & (BaseMembership.status == "active")).count() == 3
    assert number(html, "mentors_awaiting") == 1
    assert number(html, "mentees_active") == 4
    # Everyone but the awaiting mentor signed a consent that is still valid.
    assert number(html, "consented") == 7 and number(html, "no_consent") == 1
    assert number(html, "pairs_active") == Mentorship.select().where(Mentorship.status == "active").count() == 3
    assert number(html, "pairs_completed") == 0
    held = Meeting.select().where(Meeting.status == "held").count()
    assert f'data-number="meetings">{held}<' in html and held == 3
    assert 'data-number="meetings">18<' in html  # newest plan versions: 3 × 6
    # Monitoring: one response of 3 pairs × 2 people × 2 questionnaires; the round is 20 days open.
    assert 'data-number="rounds">1<' in html and 'data-number="rounds">12<' in html
    assert number(html, "overdue") == 1
    assert number(html, "quiet") == 1  # the pair whose only meeting was 60 days ago
    assert number(html, "waiting") == 1
    assert number(html, "withdrawn") == ConsentWithdrawal.select().count() == 1
    assert number(html, "destruction") == 1
    assert f'id="format-{fmt.id}"' in html


@pytest.mark.clause("6.1")
def test_each_number_opens_the_list_behind_it(client, school, login_as, make_person):
    build(school, make_person)
    login_as("coordinator")
    waiting = BaseMembership.select().where((BaseMembership.base == "mentee")
                                            & (BaseMembership.status == "active")).order_by(BaseMembership.id)[-1]
    page = client.get("/coordinator/dashboard/list/waiting")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert waiting.person.full_name in html and html.count("<tr>") == 2  # header + one row
    assert client.get("/coordinator/dashboard/list/nothing").status_code == 404
    assert client.get("/coordinator/dashboard/list/quiet?format=abc&period=zzz").status_code == 200
    # «²» is a digit to str.isdigit but not a number to int(): still just «every form».
    assert client.get("/coordinator/dashboard?format=%C2%B2").status_code == 200
    assert client.get("/coordinator/dashboard/list/quiet?format=%C2%B2").status_code == 200


@pytest.mark.clause("6.1")
def test_filters_by_format_and_period(client, school, login_as, make_person):
    build(school, make_person, pairs=2)
    other = _fmt(school, "Ученик – ученик")
    login_as("coordinator")
    html = client.get(f"/coordinator/dashboard?format={other.id}").get_data(as_text=True)
    assert number(html, "members") == 0 and number(html, "pairs_active") == 0
    recent = client.get("/coordinator/dashboard?period=30").get_data(as_text=True)
    assert 'data-number="meetings">1<' in recent  # the 60-day-old meeting falls outside


@pytest.mark.quality("htmx")
def test_htmx_filter_returns_only_the_numbers(client, school, login_as, make_person):
    build(school, make_person)
    login_as("coordinator")
    response = client.get("/coordinator/dashboard?period=90", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="dashboard-numbers">')
    assert "<html" in client.get("/coordinator/dashboard").get_data(as_text=True)


@pytest.mark.quality("htmx")
def test_filtered_url_renders_the_whole_page_with_its_filters_selected(client, school, login_as, make_person):
    """The filter form pushes its URL (hx-push-url): a reload or a shared link of that URL is the full page,
    the filters selected and the numbers filtered; so is htmx restoring it from history after Back."""
    build(school, make_person)
    other = _fmt(school, "Ученик – ученик")
    login_as("coordinator")
    url = f"/coordinator/dashboard?format={other.id}&period=30"
    first = client.get("/coordinator/dashboard").get_data(as_text=True)
    assert re.search(r'<form id="dashboard-filter"[^>]*hx-push-url="true"', first, re.S)
    for headers in ({}, {"HX-Request": "true", "HX-History-Restore-Request": "true"}):
        html = client.get(url, headers=headers).get_data(as_text=True)
        assert "<html" in html and 'id="dashboard-filter"' in html
        assert f'<option value="{other.id}" selected>' in html
        assert re.search(r'<option value="30" selected>', html)
        assert number(html, "members") == 0
        assert f"format={other.id}" in html and "period=30" in html  # the numbers' links keep the filters


@pytest.mark.quality("access")
@pytest.mark.parametrize("roles", [("curator",), ("mentor",), ("mentee",), ("parent",)])
def test_others_are_refused(client, school, login_as, roles):
    login_as(*roles)
    for url in ("/coordinator/dashboard", "/coordinator/dashboard/list/members", "/coordinator/results"):
        assert client.get(url).status_code == 403


@pytest.mark.quality("query count")
def test_query_count_does_not_grow_with_the_data(client, school, login_as, make_person):
    login_as("coordinator")
    build(school, make_person, pairs=1)
    counts = []
    for extra in (0, 6):
        if extra:
            build(school, make_person, pairs=extra)
        for url in ("/coordinator/dashboard", "/coordinator/dashboard/list/members", "/coordinator/results"):
            with count_queries() as queries:
                assert client.get(url).status_code == 200
            counts.append((url, len(queries)))
    assert counts[:3] == counts[3:]


def test_lists_date_events_by_the_schools_clock(client, school, login_as):
    """Times are stored in UTC; a round opened at half past one at night in Moscow belongs to that day."""
    MonitoringRound.create(mentoring_format=_fmt(school), kind="intermediate", opened_at=datetime(2026, 3, 9, 22, 30))
    login_as("coordinator")
    html = client.get("/coordinator/dashboard/list/rounds").get_data(as_text=True)
    assert "10 марта 2026 г." in html and "9 марта 2026 г." not in html
