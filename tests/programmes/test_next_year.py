"""The next school year (5.4, 4.12, 5.2; DECISIONS.md "The school year"): the programme in force copied as a
draft with new dates, published and acknowledged again; a year that is over left read-only; its unfinished
pairs finished or carried into the new programme with their history linked."""
from datetime import date, timedelta

import pytest

from portal.models import (
    Acknowledgement, AuditEvent, BaseMembership, Mentorship, MentorshipMember, Notification, Programme,
)
from portal.services import carrying, pairing
from portal.services import programmes as programme_rules
from portal.services.staff import scope_for
from tests.conftest import field_errors
from tests.programmes.helpers import events, text

TODAY = date.today()


@pytest.fixture
def last_year(pair):
    """`pair` whose programme's period ended forty days ago: a year that is over, its pair still active."""
    programme = pair["programme"]
    Programme.update(starts_on=TODAY - timedelta(days=400), ends_on=TODAY - timedelta(days=40)) \
        .where(Programme.id == programme.id).execute()
    for account in (pair["mentor"], pair["mentee"]):
        Acknowledgement.create(person=account.person_id, programme=programme)
    return {**pair, "programme": Programme.get_by_id(programme.id)}


@pytest.fixture
def coordinator(login_as):
    return login_as("coordinator")


@pytest.fixture
def scope(coordinator):
    return scope_for(coordinator)


def dates(starts: date, ends: date) -> dict:
    return {"starts_on": starts.isoformat(), "ends_on": ends.isoformat()}


NEW_START = TODAY - timedelta(days=30)
NEW_END = NEW_START + timedelta(days=300)


def posted(values: dict) -> dict:
    """The «новый учебный год» form as the browser sends it: its fields carry the prefix «next»."""
    return {f"next-{name}": value for name, value in values.items()}


def next_year(client, fmt, starts=NEW_START, ends=NEW_END):
    return client.post(f"/staff/formats/{fmt.id}/next-year", posted(dates(starts, ends)))


def published_next_year(client, fmt) -> Programme:
    response = next_year(client, fmt)
    assert response.status_code == 303, text(response)
    draft = programme_rules.draft_of(fmt.id)
    assert client.post(f"/staff/programmes/{draft.id}/publish").status_code == 303
    return Programme.get_by_id(draft.id)


def acknowledge_all(programme, *accounts):
    for account in accounts:
        pairing.acknowledge(account.person, programme.id)


# --- the next year's programme ------------------------------------------------------------------------

@pytest.mark.clause("5.4")
def test_a_new_year_copies_the_programme_as_a_draft_participants_do_not_see(client, coordinator, last_year):
    fmt, old = last_year["format"], last_year["programme"]
    Programme.update(goals="Цели прошлого года", presented_teachers_council_on=old.starts_on) \
        .where(Programme.id == old.id).execute()
    page = text(client.get(f"/staff/formats/{fmt.id}/programme"))
    assert "Новый учебный год" in page and "Подготовить программу нового года" in page
    # The form offers the day after the year in force ends, for twelve months.
    assert f'id="next-starts_on" name="next-starts_on" type="date" value="{(old.ends_on + timedelta(days=1)).isoformat()}"' in page

    response = next_year(client, fmt)
    assert response.status_code == 303
    draft = programme_rules.draft_of(fmt.id)
    assert (draft.title, draft.goals, draft.starts_on, draft.ends_on) == ("Программа", "Цели прошлого года",
                                                                          NEW_START, NEW_END)
    assert draft.presented_teachers_council_on is None  # presented anew (5.2)
    assert events("programme.next_year")[0].object_id == draft.id
    # Not in force: pairing and the participants still read last year's programme.
    assert pairing.programme_of(fmt.id).id == old.id
    rows = programme_rules.for_participant(last_year["mentee"].person)
    assert [row["programme"].id for row in rows] == [old.id]
    with pytest.raises(Exception):
        pairing.acknowledge(last_year["mentee"].person, draft.id)
    assert "черновик" in text(client.get(response.headers["Location"]))


@pytest.mark.clause("5.4")
@pytest.mark.parametrize("starts, ends, field, words", [
    (NEW_START, NEW_START + timedelta(days=400), "ends_on", "не больше 12 месяцев"),
    (TODAY - timedelta(days=100), TODAY + timedelta(days=100), "starts_on", "после окончания предыдущей"),
    (NEW_START, NEW_START - timedelta(days=1), "ends_on", "раньше её начала"),
    (None, NEW_END, "starts_on", ""),
])
def test_bad_dates_for_the_new_year_are_refused_beside_the_field(client, coordinator, last_year, starts, ends,
                                                                 field, words):
    fmt = last_year["format"]
    response = client.post(f"/staff/formats/{fmt.id}/next-year",
                           posted({"starts_on": starts.isoformat() if starts else "", "ends_on": ends.isoformat()}))
    assert response.status_code == 422
    assert any(words in message for message in field_errors(response, f"next-{field}")), text(response)
    assert programme_rules.draft_of(fmt.id) is None
    assert Programme.select().where(Programme.mentoring_format == fmt).count() == 1


@pytest.mark.clause("5.4")
def test_one_draft_at_a_time_and_none_without_a_programme(scope, last_year, formats_without_programme):
    fmt = last_year["format"]
    programme_rules.start_next_year(scope, fmt.id, dates(NEW_START, NEW_END))
    with pytest.raises(Exception, match="уже есть"):
        programme_rules.start_next_year(scope, fmt.id, dates(NEW_START, NEW_END))
    with pytest.raises(Exception, match="Сначала составьте программу"):
        programme_rules.start_next_year(scope, formats_without_programme.id, dates(NEW_START, NEW_END))


@pytest.fixture
def formats_without_programme(school):
    from portal.models import MentoringFormat
    return MentoringFormat.get((MentoringFormat.school == school) & (MentoringFormat.name == "Ученик – ученик"))


@pytest.mark.clause("4.12")
def test_publishing_makes_it_current_and_asks_the_bases_to_acknowledge_again(client, coordinator, last_year):
    fmt, old = last_year["format"], last_year["programme"]
    confirm = client.get(f"/staff/programmes/{next_year_draft(client, fmt).id}/publish")
    assert confirm.status_code == 200 and "Опубликовать программу нового учебного года?" in text(confirm)
    new = published_next_year_from_draft(client, fmt)
    assert pairing.programme_of(fmt.id).id == new.id and new.published_at is not None
    assert events("programme.published")[0].object_id == new.id
    # Everyone in the bases is asked to read it; last year's «ознакомлен» does not count for it.
    asked = {n.person_id for n in Notification.select().where(Notification.kind == "programme.to_acknowledge")}
    assert {last_year["mentor"].person_id, last_year["mentee"].person_id} <= asked
    assert not pairing.has_acknowledged(last_year["mentee"].person, new)
    assert pairing.has_acknowledged(last_year["mentee"].person, old)
    # The bases carried over: the members are still active, nobody signs a consent again.
    assert BaseMembership.select().where((BaseMembership.mentoring_format == fmt)
                                         & (BaseMembership.status == "active")).count() == 2


def next_year_draft(client, fmt) -> Programme:
    assert next_year(client, fmt).status_code == 303
    return programme_rules.draft_of(fmt.id)


def published_next_year_from_draft(client, fmt) -> Programme:
    draft = programme_rules.draft_of(fmt.id)
    assert client.post(f"/staff/programmes/{draft.id}/publish").status_code == 303
    return Programme.get_by_id(draft.id)


@pytest.mark.clause("5.4")
def test_a_past_year_is_read_only(client, coordinator, last_year):
    fmt, old = last_year["format"], last_year["programme"]
    published_next_year(client, fmt)
    page = client.get(f"/staff/programmes/{old.id}")
    assert page.status_code == 200
    assert "Программа прошлого учебного года" in text(page) and "<form" not in text(page).split("<main")[-1]
    # Posting to it changes nothing; the format's page now edits the new year.
    client.post(f"/staff/programmes/{old.id}", {"title": "Переписано", **dates(old.starts_on, old.ends_on)})
    assert Programme.get_by_id(old.id).title == "Программа"
    listed = text(client.get(f"/staff/formats/{fmt.id}/programme"))
    assert "Программы прошлых лет" in listed and f"/staff/programmes/{old.id}" in listed


@pytest.mark.clause("5.4")
def test_years_never_overlap(scope, client, last_year):
    fmt, old = last_year["format"], last_year["programme"]
    new = published_next_year(client, fmt)
    stretched = {"title": new.title, "goals": "", "expected_results": "",
                 **dates(old.ends_on - timedelta(days=5), new.ends_on)}
    with pytest.raises(Exception, match="после окончания предыдущей"):
        programme_rules.save_programme(scope, fmt.id, stretched)
    assert Programme.get_by_id(new.id).starts_on == NEW_START


@pytest.mark.clause("5.4")
def test_a_draft_is_discarded_after_a_question(client, coordinator, last_year):
    fmt = last_year["format"]
    draft = next_year_draft(client, fmt)
    assert "Удалить черновик программы?" in text(client.get(f"/staff/programmes/{draft.id}/discard"))
    assert client.post(f"/staff/programmes/{draft.id}/discard").status_code == 303
    assert programme_rules.draft_of(fmt.id) is None and Programme.get_or_none(Programme.id == draft.id) is None


# --- unfinished pairs -----------------------------------------------------------------------------------

@pytest.mark.clause("5.4")
def test_the_curator_sees_the_unfinished_pairs_of_a_year_that_is_over(client, coordinator, scope, last_year):
    fmt, mentorship = last_year["format"], last_year["mentorship"]
    assert [p.id for p in carrying.unfinished(scope, fmt.id)] == [mentorship.id]
    page = text(client.get(f"/staff/formats/{fmt.id}/programme"))
    assert "Незавершённые пары прошлого года" in page
    assert "опубликуйте программу нового учебного года" in page  # nothing to carry into yet
    assert f"/staff/pairs/{mentorship.id}/carry" not in page
    assert "Перенести в новый год" in text(client.get(f"/staff/pairs/{mentorship.id}"))


@pytest.mark.clause("5.4")
def test_the_curators_home_says_the_year_is_over(client, curator_of, last_year):
    curator_of(last_year["format"])
    home = text(client.get("/curator/"))
    assert "Срок программы истёк: подготовьте программу нового учебного года." in home
    assert "Незавершённых пар прошлого года: 1." in home


@pytest.mark.clause("5.4")
@pytest.mark.clause("4.13")
def test_an_unfinished_pair_is_carried_into_the_new_year_with_its_history_linked(client, coordinator, last_year):
    fmt, old_pair = last_year["format"], last_year["mentorship"]
    new = published_next_year(client, fmt)
    # Not before both have read the new programme (4.12): nothing changes.
    refused = client.post(f"/staff/pairs/{old_pair.id}/carry")
    assert refused.status_code == 422 and "не ознакомлены с программой" in text(refused)
    assert Mentorship.get_by_id(old_pair.id).status == "active"
    assert Mentorship.select().where(Mentorship.carried_from == old_pair.id).count() == 0

    acknowledge_all(new, last_year["mentor"], last_year["mentee"])
    assert "Перенести пару в новый учебный год?" in text(client.get(f"/staff/pairs/{old_pair.id}/carry"))
    response = client.post(f"/staff/pairs/{old_pair.id}/carry")
    assert response.status_code == 303
    carried = Mentorship.get(Mentorship.carried_from == old_pair.id)
    assert response.headers["Location"].endswith(f"/staff/pairs/{carried.id}")
    assert (carried.status, carried.programme_id, carried.mentor_id) == ("confirmed", new.id,
                                                                      last_year["mentor"].person_id)
    assert [m.mentee_id for m in carried.members] == [last_year["mentee"].person_id]
    assert Mentorship.get_by_id(old_pair.id).status == "carried"
    # Both ends of the link show; the old year's pair is no longer unfinished.
    assert f"/staff/pairs/{old_pair.id}" in text(client.get(f"/staff/pairs/{carried.id}"))
    assert f"/staff/pairs/{carried.id}" in text(client.get(f"/staff/pairs/{old_pair.id}"))
    assert "Незавершённые пары" not in text(client.get(f"/staff/formats/{fmt.id}/programme"))
    assert {n.person_id for n in Notification.select().where(Notification.kind == "pair.carried")} == {
        last_year["mentor"].person_id, last_year["mentee"].person_id}
    assert AuditEvent.get(AuditEvent.action == "mentorship.carried").object_id == old_pair.id
    # The mentor's journal of last year stays readable and says where the work went on.
    assert MentorshipMember.select().where(MentorshipMember.mentorship == old_pair.id).count() == 1


@pytest.mark.clause("4.13")
def test_the_carried_pair_waits_for_the_new_years_order(client, coordinator, last_year):
    from portal.services import orders as order_rules
    fmt, old_pair = last_year["format"], last_year["mentorship"]
    new = published_next_year(client, fmt)
    acknowledge_all(new, last_year["mentor"], last_year["mentee"])
    client.post(f"/staff/pairs/{old_pair.id}/carry")
    carried = Mentorship.get(Mentorship.carried_from == old_pair.id)
    waiting = order_rules.pairs(scope_for(coordinator), "waiting", fmt.id)
    assert [p.id for p in waiting] == [carried.id]


@pytest.mark.clause("5.4")
def test_a_pair_that_never_worked_simply_moves_to_the_new_programme(client, coordinator, last_year):
    fmt, old_pair = last_year["format"], last_year["mentorship"]
    Mentorship.update(status="confirmed").where(Mentorship.id == old_pair.id).execute()
    new = published_next_year(client, fmt)
    acknowledge_all(new, last_year["mentor"], last_year["mentee"])
    response = client.post(f"/staff/pairs/{old_pair.id}/carry")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/staff/pairs/{old_pair.id}")
    moved = Mentorship.get_by_id(old_pair.id)
    assert (moved.status, moved.programme_id) == ("confirmed", new.id)
    assert Mentorship.select().where(Mentorship.carried_from == old_pair.id).count() == 0


@pytest.mark.clause("5.4")
def test_a_pair_whose_year_still_runs_is_not_carried(client, coordinator, pair):
    response = client.get(f"/staff/pairs/{pair['mentorship'].id}/carry", follow_redirects=True)
    assert "Переносят только незавершённые пары" in text(response)
    refused = client.post(f"/staff/pairs/{pair['mentorship'].id}/carry")
    assert refused.status_code == 303 and refused.headers["Location"].endswith(f"/staff/pairs/{pair['mentorship'].id}")
    assert Mentorship.get_by_id(pair["mentorship"].id).status == "active"
    assert Mentorship.select().count() == 1


@pytest.mark.clause("5.4")
def test_an_unfinished_pair_is_finished_with_the_period_over_reason(client, coordinator, last_year):
    old_pair = last_year["mentorship"]
    response = client.post(f"/staff/pairs/{old_pair.id}/end", {"reason": "period_over", "text": ""})
    assert response.status_code == 303
    ended = Mentorship.get_by_id(old_pair.id)
    assert (ended.status, ended.end_reason_title) == ("ended", "истёк срок программы")
    assert ended.status_title == "завершена по истечении срока программы"  # not «досрочно»
    assert "завершена по истечении срока программы" in text(client.get(f"/staff/pairs/{old_pair.id}"))


@pytest.mark.clause("5.4")
def test_a_curator_of_another_format_reaches_no_year_of_this_one(client, curator_of, last_year, formats_without_programme):
    curator_of(formats_without_programme)
    fmt, old = last_year["format"], last_year["programme"]
    assert client.get(f"/staff/programmes/{old.id}").status_code == 404
    assert next_year(client, fmt).status_code == 404
    assert client.post(f"/staff/pairs/{last_year['mentorship'].id}/carry").status_code == 404
    assert programme_rules.draft_of(fmt.id) is None


# --- what a year that is over refuses, and what the order of the years keeps ----------------------------

@pytest.mark.clause("4.13")
def test_no_order_approves_a_pair_whose_year_is_over(scope, last_year):
    from portal.services import orders as order_rules
    pair = last_year["mentorship"]
    Mentorship.update(status="confirmed").where(Mentorship.id == pair.id).execute()
    with pytest.raises(Exception, match="срок её программы истёк"):
        order_rules.create_draft(scope, [str(pair.id)])
    assert Mentorship.get_by_id(pair.id).status == "confirmed"
    # A pair already in a draft when the year ran out is not registered either.
    Mentorship.update(status="in_order").where(Mentorship.id == pair.id).execute()
    from portal.models import Order, OrderItem
    order = Order.create(school=scope.school_id, kind="pairs", title=order_rules.PAIRS_TITLE)
    OrderItem.create(order=order, mentorship=pair)
    with pytest.raises(Exception, match="срок её программы истёк"):
        order_rules.register(scope, order.id, "80-од", TODAY)
    assert (Order.get_by_id(order.id).status, Mentorship.get_by_id(pair.id).status) == ("draft", "in_order")


@pytest.mark.clause("4.13")
def test_no_new_pair_under_a_programme_whose_year_is_over(last_year):
    pair = last_year["mentorship"]
    Mentorship.update(status="chosen").where(Mentorship.id == pair.id).execute()
    with pytest.raises(Exception, match="Срок программы формы истёк"):
        pairing.confirm(last_year["mentor"].person, pair.id)
    assert Mentorship.get_by_id(pair.id).status == "chosen"


@pytest.mark.clause("5.4")
def test_the_next_year_is_published_only_when_the_current_one_is_over(client, coordinator, pair):
    fmt, running = pair["format"], pair["programme"]
    starts = running.ends_on + timedelta(days=1)
    assert next_year(client, fmt, starts, starts + timedelta(days=300)).status_code == 303
    draft = programme_rules.draft_of(fmt.id)
    assert "Текущая программа ещё действует" in text(client.get(f"/staff/programmes/{draft.id}"))
    assert "Опубликовать программу пока нельзя" in text(client.get(f"/staff/programmes/{draft.id}/publish"))
    refused = client.post(f"/staff/programmes/{draft.id}/publish")
    assert refused.status_code == 422 and "можно опубликовать с" in text(refused)
    assert Programme.get_by_id(draft.id).is_draft and pairing.programme_of(fmt.id).id == running.id


@pytest.mark.clause("5.4")
def test_the_programme_in_force_cannot_move_before_last_year_or_past_the_draft(scope, client, last_year):
    fmt, old = last_year["format"], last_year["programme"]
    new = published_next_year(client, fmt)
    text_of = {"title": new.title, "goals": "", "expected_results": ""}
    before = dates(old.starts_on - timedelta(days=200), old.starts_on - timedelta(days=10))
    with pytest.raises(Exception, match="после окончания предыдущей"):
        programme_rules.save_programme(scope, fmt.id, {**text_of, **before})
    assert pairing.programme_of(fmt.id).id == new.id and Programme.get_by_id(new.id).starts_on == NEW_START
    draft = programme_rules.start_next_year(scope, fmt.id, dates(NEW_END + timedelta(days=1),
                                                                 NEW_END + timedelta(days=200)))
    with pytest.raises(Exception, match="раньше, чем начинается программа следующего"):
        programme_rules.save_programme(scope, fmt.id, {**text_of, **dates(NEW_START, draft.starts_on)})
    assert Programme.get_by_id(new.id).ends_on == NEW_END


@pytest.mark.clause("5.4")
def test_last_years_unfinished_pair_does_not_pin_the_new_years_dates(scope, client, last_year):
    fmt = last_year["format"]
    new = published_next_year(client, fmt)
    shorter = {"title": new.title, "goals": "", "expected_results": "", **dates(NEW_START, NEW_END - timedelta(days=30))}
    assert programme_rules.save_programme(scope, fmt.id, shorter).ends_on == NEW_END - timedelta(days=30)


@pytest.mark.clause("5.4")
def test_pressing_new_year_twice_opens_the_draft(client, coordinator, last_year):
    fmt = last_year["format"]
    draft = next_year_draft(client, fmt)
    again = next_year(client, fmt)
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/staff/programmes/{draft.id}")
    assert Programme.select().where(Programme.mentoring_format == fmt).count() == 2


@pytest.mark.clause("s8")
def test_ending_the_carried_pair_reopens_the_mentee_to_choose(client, coordinator, last_year):
    from portal.models import Proposal
    fmt, old_pair = last_year["format"], last_year["mentorship"]
    proposal = Proposal.create(mentoring_format=fmt, mentee=last_year["mentee"].person_id,
                               mentor=last_year["mentor"].person_id, status="chosen", mentorship=old_pair)
    new = published_next_year(client, fmt)
    acknowledge_all(new, last_year["mentor"], last_year["mentee"])
    client.post(f"/staff/pairs/{old_pair.id}/carry")
    carried = Mentorship.get(Mentorship.carried_from == old_pair.id)
    assert Proposal.get_by_id(proposal.id).mentorship_id == carried.id
    client.post(f"/staff/pairs/{carried.id}/end", {"reason": "mentee_request", "text": ""})
    assert Proposal.get_by_id(proposal.id).status == "ended"
    assert pairing.current_pair(last_year["mentee"].person, fmt.id) is None


@pytest.mark.clause("5.4")
def test_a_closed_format_carries_nothing(client, coordinator, last_year):
    fmt, old_pair = last_year["format"], last_year["mentorship"]
    new = published_next_year(client, fmt)
    acknowledge_all(new, last_year["mentor"], last_year["mentee"])
    from portal.models import MentoringFormat
    MentoringFormat.update(is_active=False).where(MentoringFormat.id == fmt.id).execute()
    refused = client.post(f"/staff/pairs/{old_pair.id}/carry")
    assert refused.status_code == 422 and "закрыта" in text(refused)
    assert Mentorship.get_by_id(old_pair.id).status == "active"
    assert not Mentorship.select().where(Mentorship.carried_from == old_pair.id).exists()


@pytest.mark.clause("5.4")
def test_the_period_over_reason_is_for_pairs_whose_year_is_over(client, coordinator, pair):
    running = pair["mentorship"]
    refused = client.post(f"/staff/pairs/{running.id}/end", {"reason": "period_over", "text": ""})
    assert refused.status_code == 422 and "истёк срок программы" in " ".join(field_errors(refused, "reason"))
    assert Mentorship.get_by_id(running.id).status == "active"


@pytest.mark.clause("5.4")
def test_the_new_year_form_opens_when_the_year_in_force_is_ending(client, coordinator, pair):
    fmt = pair["format"]
    page = text(client.get(f"/staff/formats/{fmt.id}/programme"))
    assert "<details>\n    <summary>Даты нового учебного года</summary>" in page  # folded: ~300 days left
    Programme.update(ends_on=TODAY + timedelta(days=30)).where(Programme.id == pair["programme"].id).execute()
    page = text(client.get(f"/staff/formats/{fmt.id}/programme"))
    assert "<details open>\n    <summary>Даты нового учебного года</summary>" in page
