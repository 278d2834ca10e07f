"""The stage rules of 5.3 and the programme period of 5.4, in the one service that holds them."""
from datetime import date, timedelta

import pytest

from portal.models import AuditEvent, Meeting, Mentorship
from portal.services import NotAllowed, ServiceError
from portal.services import cycle
from portal.services.cycle import MeetingData, PlanData
from tests.factories import agree_plan


def held(stage, days_ago=10, topic=None):
    return MeetingData(stage=stage, held_on=date.today() - timedelta(days=days_ago), topic=topic or f"Встреча: {stage}")


def log(pair, data, **kw):
    return cycle.log_meeting(pair["mentor"].person, pair["mentorship"].id, data, **kw)


@pytest.mark.clause("5.3")
@pytest.mark.parametrize("stage,expected", [
    ("trial", "«первая, организационная встреча»"),
    ("planning", "«первая, организационная встреча»"),
    ("regular", "«первая, организационная встреча»"),
    ("final", "«первая, организационная встреча»"),
])
def test_nothing_before_the_first_meeting(pair, stage, expected):
    with pytest.raises(ServiceError) as refused:
        log(pair, held(stage))
    assert expected in refused.value.message and refused.value.field == "stage"
    assert Meeting.select().count() == 0


@pytest.mark.clause("5.3")
def test_stages_go_in_the_regulations_order(pair):
    log(pair, held("first", 40))
    with pytest.raises(ServiceError, match="вторая, пробная рабочая встреча"):
        log(pair, held("planning", 35))
    log(pair, held("trial", 35))
    with pytest.raises(ServiceError, match="встреча-планирование"):
        log(pair, held("regular", 30))
    with pytest.raises(ServiceError):
        log(pair, held("first", 30, topic="ещё одна первая"))
    log(pair, held("planning", 30))
    agree_plan(pair["mentorship"])
    log(pair, held("regular", 20))
    log(pair, held("regular", 10, topic="вторая регулярная"))
    assert cycle.next_stages(cycle.current_meetings([pair["mentorship"].id]), True) == ["regular", "final"]
    log(pair, held("final", 1))
    assert Mentorship.get_by_id(pair["mentorship"].id).status == "completed"
    with pytest.raises(ServiceError):
        log(pair, held("regular", 0, topic="после конца"))


@pytest.mark.clause("5.5", "s7")
def test_regular_and_final_meetings_wait_for_the_plan_both_sides_agreed(pair):
    mentor, mentee, mentorship = pair["mentor"].person, pair["mentee"].person, pair["mentorship"]
    for stage, days_ago in (("first", 40), ("trial", 35), ("planning", 30)):
        log(pair, held(stage, days_ago))
    meetings = list(cycle.current_meetings([mentorship.id]))
    assert cycle.next_stages(meetings, cycle.plan_agreed(mentorship.id)) == []
    assert cycle.waits_for_plan(meetings, False)
    for stage in ("regular", "final"):
        with pytest.raises(ServiceError) as refused:
            log(pair, held(stage, 20))
        assert "когда план наставничества согласуют обе стороны" in refused.value.message
    # Proposed by the mentor only: not yet agreed.
    plan = cycle.propose_plan(mentor, mentorship.id, PlanData("Олимпиада", 8, []))
    with pytest.raises(ServiceError, match="п. 5.5 Положения"):
        log(pair, held("regular", 20))
    assert Meeting.select().where(Meeting.stage == "regular").count() == 0
    cycle.confirm_plan(mentee, plan.id)
    log(pair, held("regular", 20))
    # A newer version waiting for the mentee does not stop the meetings agreed on before.
    cycle.propose_plan(mentor, mentorship.id, PlanData("Олимпиада и проект", 9, []))
    log(pair, held("regular", 10, topic="вторая регулярная"))
    assert cycle.mentor_pair(mentor, mentorship.id)["progress"]["planned"] == 8


@pytest.mark.clause("5.4")
def test_dates_fall_inside_the_programme_period_and_not_in_the_future(pair):
    before = MeetingData(stage="first", held_on=pair["start"] - timedelta(days=1), topic="Знакомство")
    with pytest.raises(ServiceError, match="в сроке программы") as refused:
        log(pair, before)
    assert refused.value.field == "held_on"
    tomorrow = MeetingData(stage="first", held_on=date.today() + timedelta(days=1), topic="Знакомство")
    with pytest.raises(ServiceError, match="не может быть в будущем"):
        log(pair, tomorrow)
    assert Meeting.select().count() == 0


@pytest.mark.quality("idempotency")
def test_a_double_submit_logs_once(pair):
    first = log(pair, held("first"))
    again = log(pair, held("first"))
    assert first.id == again.id and Meeting.select().count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "meeting.logged").count() == 1


@pytest.mark.clause("4.13")
def test_only_an_active_pair_runs_a_cycle(pair):
    Mentorship.update(status="in_order").where(Mentorship.id == pair["mentorship"].id).execute()
    with pytest.raises(ServiceError, match="утверждённой приказом"):
        log(pair, held("first"))


@pytest.mark.quality("access")
def test_a_mentor_cannot_log_for_another_mentors_pair(pair, make_account):
    stranger = make_account("mentor")
    with pytest.raises(NotAllowed):
        cycle.log_meeting(stranger.person, pair["mentorship"].id, held("first"))


def test_a_planned_meeting_is_superseded_when_it_takes_place(pair):
    planned = MeetingData(stage="first", held_on=date.today() + timedelta(days=3), topic="Знакомство", planned=True)
    first_plan = log(pair, planned)
    assert first_plan.status == "planned"
    done = log(pair, held("first", 0, topic="Знакомство"))
    assert done.supersedes_id == first_plan.id
    assert [m.id for m in cycle.current_meetings([pair["mentorship"].id])] == [done.id]


@pytest.mark.quality("audit")
def test_a_correction_keeps_the_earlier_version(pair):
    first = log(pair, held("first", 5, topic="Знакомство"))
    fixed = cycle.correct_meeting(pair["mentor"].person, first.id,
                                  MeetingData(stage="trial", held_on=first.held_on, topic="Знакомство и цели"))
    assert fixed.stage == "first" and fixed.supersedes_id == first.id
    assert [m.topic for m in cycle.history_of(fixed)] == ["Знакомство", "Знакомство и цели"]
    assert Meeting.get_by_id(first.id).topic == "Знакомство"  # never edited in place


@pytest.mark.clause("s7")
def test_the_mentee_confirms_or_disputes_with_a_comment(pair):
    meeting = log(pair, held("first"))
    mentee = pair["mentee"].person
    with pytest.raises(ServiceError, match="Напишите"):
        cycle.confirm_meeting(mentee, meeting.id, "disputed", "")
    confirmation = cycle.confirm_meeting(mentee, meeting.id, "confirmed")
    assert confirmation.verdict == "confirmed"
    assert cycle.confirm_meeting(mentee, meeting.id, "confirmed").id == confirmation.id


@pytest.mark.clause("5.5")
def test_the_plan_needs_both_confirmations_and_a_change_needs_them_again(pair):
    mentor, mentee = pair["mentor"].person, pair["mentee"].person
    plan = cycle.propose_plan(mentor, pair["mentorship"].id, cycle.PlanData(
        goals="Освоить проектную деятельность", planned_meetings=8, tasks=[("Открытый урок", None)]))
    assert not cycle.is_agreed(plan)
    plan = cycle.confirm_plan(mentee, plan.id)
    assert cycle.is_agreed(plan)
    changed = cycle.propose_plan(mentee, pair["mentorship"].id, cycle.PlanData(
        goals="Освоить проектную деятельность", planned_meetings=10, tasks=[]))
    assert changed.version == 2 and not cycle.is_agreed(changed)
    with pytest.raises(ServiceError, match="заменён"):
        cycle.confirm_plan(mentor, plan.id)
    assert cycle.is_agreed(cycle.confirm_plan(mentor, changed.id))
    assert cycle.progress(pair["mentorship"].id)["planned"] == 10


@pytest.mark.clause("s5")
def test_the_report_comes_after_the_final_meeting(pair):
    mentor = pair["mentor"].person
    fields = dict(work_done="Провели 6 встреч", results="Цели достигнуты", conclusions="Пара сработалась",
                  proposals="Продолжить в следующем году")
    with pytest.raises(ServiceError, match="после заключительной"):
        cycle.write_report(mentor, pair["mentorship"].id, **fields)
    for i, stage in enumerate(("first", "trial", "planning")):
        log(pair, held(stage, 40 - i))
    agree_plan(pair["mentorship"])
    log(pair, held("final", 30))
    report = cycle.write_report(mentor, pair["mentorship"].id, **fields)
    assert report.conclusions == "Пара сработалась"


@pytest.mark.clause("6.1")
def test_quiet_pairs_are_marked_after_30_days(pair):
    mentorship = pair["mentorship"]
    log(pair, held("first", 31))
    assert cycle.quiet_pairs([Mentorship.get_by_id(mentorship.id)]) == {mentorship.id}
    log(pair, held("trial", 3))
    assert cycle.quiet_pairs([Mentorship.get_by_id(mentorship.id)]) == set()


def test_planned_meetings_appear_on_both_home_pages(pair, client, login):
    planned = MeetingData(stage="first", held_on=date.today() + timedelta(days=5), topic="Знакомство в библиотеке",
                          planned=True)
    log(pair, planned)
    for account, home in ((pair["mentor"], "/mentor/"), (pair["mentee"], "/mentee/")):
        login(account.login)
        page = client.get(home).get_data(as_text=True)
        assert "Запланированные встречи" in page and "Знакомство в библиотеке" in page
        client.post("/logout")
        client.get("/login")  # a fresh page, a fresh CSRF token, as a browser would have


def test_the_service_says_when_a_submit_was_a_double(pair):
    """The view learns from the return value, not from an attribute set on the model, that nothing new was logged."""
    data = (pair["mentor"].person, pair["mentorship"].id)
    first = cycle.record_meeting(*data, held("first"))
    again = cycle.record_meeting(*data, held("first"))
    assert (first.repeated, again.repeated) == (False, True)
    assert first.meeting.id == again.meeting.id and Meeting.select().count() == 1


def test_one_fetcher_refuses_another_mentors_pair_alike(pair, make_account):
    """The cycle, the pair page, the report and the answer to a choice fetch the mentor's pair in one place."""
    from portal.services import pairing

    stranger = make_account("mentor").person
    mentorship_id = pair["mentorship"].id
    assert pairing.mentorship_of_mentor is cycle.mentorship_of_mentor is cycle.pair_for_mentor
    for refused in (lambda: cycle.mentorship_of_mentor(stranger, mentorship_id),
                    lambda: cycle.mentor_pair(stranger, mentorship_id),
                    lambda: cycle.report_of(stranger, mentorship_id),
                    lambda: pairing.confirm(stranger, mentorship_id),
                    lambda: pairing.decline(stranger, mentorship_id)):
        with pytest.raises(NotAllowed, match="Нет такой пары"):
            refused()
    assert cycle.mentorship_of_mentor(pair["mentor"].person, mentorship_id).mentor.id == pair["mentor"].person.id
