"""The curator's view of the form (issue 5 items 3 and 6; 5.3, 5.5): each pair's stage, last meeting and
meetings held of planned, a mark on pairs quiet for 30 days; only for the coordinator and the form's curator."""
import re
from datetime import date, timedelta

import pytest

from portal.formatting import ru_date
from portal.models import Mentorship
from portal.models.base import utcnow
from portal.services import accounts, cycle
from portal.services.cycle import MeetingData, PlanData
from tests.querycount import count_queries


def log(mentor, mentorship, stage, days_ago, topic=None):
    return cycle.log_meeting(mentor, mentorship.id, MeetingData(
        stage=stage, held_on=date.today() - timedelta(days=days_ago), topic=topic or f"Встреча: {stage}"))


def url(pair):
    return f"/staff/formats/{pair['mentorship'].mentoring_format_id}/cycle"


@pytest.fixture
def curator(pair, make_account, make_person):
    """A curator of the pair's form, «Учитель – учитель» (make_account("curator") takes the first form)."""
    account = make_account(person=make_person(kind="staff", birth_date=date(1980, 1, 1)))
    accounts.grant_role(None, account, "curator", pair["mentorship"].mentoring_format)
    return account


def row_of(text, mentorship):
    """The row's words as a reader sees them."""
    start = text.index(f'id="cycle-pair-{mentorship.id}"')
    return " ".join(re.sub(r"<[^>]+>", " ", text[text.index(">", start) + 1:text.index("</tr>", start)]).split())


@pytest.mark.clause("5.3", "2.7")
def test_stage_last_meeting_held_of_planned_and_the_quiet_mark(client, login, pair, make_pair, curator):
    log(pair["mentor"].person, pair["mentorship"], "first", 40, topic="Знакомство")  # quiet since
    busy = make_pair()
    log(busy["mentor"], busy["mentorship"], "first", 30)
    log(busy["mentor"], busy["mentorship"], "trial", 20)
    log(busy["mentor"], busy["mentorship"], "planning", 5)
    cycle.propose_plan(busy["mentor"], busy["mentorship"].id, PlanData("Цели", 8, []))
    fresh = make_pair()  # activated today, nothing logged yet: not started, not quiet
    old = make_pair()  # activated long ago and never met
    Mentorship.update(status_changed_at=utcnow() - timedelta(days=45)).where(
        Mentorship.id == old["mentorship"].id).execute()
    waiting = make_pair(status="in_order")  # not approved yet: no cycle to follow

    login(curator.login)
    response = client.get(url(pair))
    text = response.get_data(as_text=True)
    assert response.status_code == 200

    quiet = row_of(text, pair["mentorship"])
    assert "нет встреч 30+ дней" in quiet and f'id="cycle-pair-{pair["mentorship"].id}" class="quiet"' in text
    assert "первая, организационная встреча" in quiet
    assert ru_date(date.today() - timedelta(days=40)) in quiet
    assert "1 из — (плана нет)" in quiet

    active = row_of(text, busy["mentorship"])
    assert "встреча-планирование" in active and "3 из 8" in active and "(план не согласован)" in active
    assert "нет встреч" not in active

    not_started = row_of(text, fresh["mentorship"])
    assert "ещё не начат" in not_started and "нет встреч" not in not_started
    assert "нет встреч 30+ дней" in row_of(text, old["mentorship"])
    assert f'id="cycle-pair-{waiting["mentorship"].id}"' not in text


@pytest.mark.clause("5.5")
def test_held_of_planned_counts_against_the_agreed_plan(client, login, pair, curator):
    mentor, mentee, mentorship = pair["mentor"].person, pair["mentee"].person, pair["mentorship"]
    for stage, days in (("first", 25), ("trial", 20), ("planning", 15)):
        log(mentor, mentorship, stage, days)
    plan = cycle.propose_plan(mentor, mentorship.id, PlanData("Цели", 6, []))
    cycle.confirm_plan(mentee, plan.id)
    log(mentor, mentorship, "regular", 10)
    login(curator.login)
    row = row_of(client.get(url(pair)).get_data(as_text=True), mentorship)
    assert "4 из 6" in row and "не согласован" not in row and "регулярная встреча" in row
    # A new version waiting for the mentee changes nothing until it is agreed.
    cycle.propose_plan(mentor, mentorship.id, PlanData("Цели шире", 9, []))
    row = row_of(client.get(url(pair)).get_data(as_text=True), mentorship)
    assert "4 из 6" in row and "не согласован" not in row


@pytest.mark.quality("access")
def test_another_curators_form_is_not_found(client, login_as, pair):
    login_as("curator")  # curates the school's first form, «Ученик – ученик»
    assert client.get(url(pair)).status_code == 404
    assert client.get("/staff/formats/999999/cycle").status_code == 404
    index = client.get("/staff/cycle").get_data(as_text=True)
    assert "Ученик – ученик" in index and "Учитель – учитель" not in index


@pytest.mark.quality("access")
def test_the_coordinator_sees_every_form(client, login_as, pair):
    login_as("coordinator")
    assert client.get(url(pair)).status_code == 200
    index = client.get("/staff/cycle").get_data(as_text=True)
    assert "Ход наставничества" in index and f"/staff/formats/{pair['mentorship'].mentoring_format_id}/cycle" in index


def test_the_curator_finds_the_view_in_the_menu(client, login, pair, curator):
    login(curator.login)
    home = client.get("/curator/").get_data(as_text=True)
    assert 'href="/staff/cycle">Ход наставничества</a>' in home
    index = client.get("/staff/cycle").get_data(as_text=True)
    assert f'href="{url(pair)}"' in index


@pytest.mark.quality("access")
@pytest.mark.parametrize("role", ["mentor", "mentee", "parent"])
def test_participants_have_no_staff_view(client, login_as, pair, role):
    login_as(role)
    assert client.get(url(pair)).status_code == 403
    assert client.get("/staff/cycle").status_code == 403


@pytest.mark.quality("query count")
def test_the_view_costs_the_same_for_2_and_20_pairs(client, login, pair, make_pair, curator):
    def add_pairs(n):
        for _ in range(n):
            other = make_pair()
            first = log(other["mentor"], other["mentorship"], "first", 20)
            log(other["mentor"], other["mentorship"], "trial", 10)
            cycle.propose_plan(other["mentor"], other["mentorship"].id, PlanData("Цели", 5, []))
            cycle.confirm_meeting(other["mentee"], first.id, "disputed", "Не было")

    add_pairs(1)
    login(curator.login)
    client.get(url(pair))
    with count_queries() as few:
        assert client.get(url(pair)).status_code == 200
    add_pairs(18)
    with count_queries() as many:
        text = client.get(url(pair)).get_data(as_text=True)
    assert text.count('id="cycle-pair-') == 20 and text.count('class="unsettled-disputed"') == 19
    assert len(many) == len(few), "\n".join(many)
