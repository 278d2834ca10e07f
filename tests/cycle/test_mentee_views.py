"""The mentee's side of the cycle through the browser's eyes (s7, 5.3, 5.5): confirming or disputing the
meetings the mentor logged, the parent's optional confirmation for a minor, and the joint plan."""
from datetime import date, timedelta

import pytest

from portal.models import AuditEvent, Guardianship, MeetingConfirmation, Plan
from portal.names import short_name
from portal.services import accounts, cycle
from portal.services.cycle import MeetingData, PlanData
from tests.conftest import error_messages, field_errors


def log(pair, stage, days_ago=10, topic=None, planned=False):
    day = date.today() + timedelta(days=days_ago) if planned else date.today() - timedelta(days=days_ago)
    return cycle.log_meeting(pair["mentor"].person, pair["mentorship"].id,
                             MeetingData(stage=stage, held_on=day, topic=topic or f"Встреча: {stage}", planned=planned))


def page_url(pair):
    return f"/mentee/pairs/{pair['mentorship'].id}"


def switch_to(client, login, account):
    """Another person at the same browser: «Выйти», then log in."""
    assert client.post("/logout").status_code == 303
    client.token = None  # the session ended with its CSRF token: the login page hands a new one
    login(account.login)


def curator_of(pair, make_account, make_person):
    account = make_account(person=make_person(kind="staff", birth_date=date(1980, 1, 1)))
    accounts.grant_role(None, account, "curator", pair["mentorship"].mentoring_format)
    return account


@pytest.mark.clause("s7")
def test_the_mentee_confirms_a_meeting_and_the_row_swaps_in_place(client, login, pair):
    meeting = log(pair, "first", 20, topic="Знакомство и ожидания")
    login(pair["mentee"].login)
    page = client.get(page_url(pair))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Знакомство и ожидания" in text and pair["mentor"].person.full_name in text
    assert "Подтвердить, что встреча состоялась" in text and "Оспорить" in text
    assert f'id="meeting-{meeting.id}" hx-target="this" hx-swap="outerHTML"' in text

    response = client.post(f"/mentee/meetings/{meeting.id}/confirm", {"verdict": "confirmed", "comment": ""},
                           htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and body.lstrip().startswith("<article") and f'id="meeting-{meeting.id}"' in body
    assert "(вы)" in body and "подтвердила, что встреча состоялась" in body
    assert "Подтвердить, что встреча состоялась" not in body  # a verdict is given once
    confirmation = MeetingConfirmation.get(MeetingConfirmation.meeting == meeting.id)
    assert (confirmation.person_id, confirmation.verdict) == (pair["mentee"].person_id, "confirmed")
    assert AuditEvent.select().where(AuditEvent.action == "meeting.confirmed").count() == 1


@pytest.mark.quality("htmx")
def test_without_js_the_confirmation_redirects_back_to_the_pair(client, login, pair):
    meeting = log(pair, "first", 20)
    login(pair["mentee"].login)
    client.get(page_url(pair))
    response = client.post(f"/mentee/meetings/{meeting.id}/confirm", {"verdict": "confirmed"})
    assert response.status_code == 303 and response.headers["Location"].startswith(page_url(pair))
    assert "Отметка сохранена" in client.get(page_url(pair)).get_data(as_text=True)


@pytest.mark.clause("s7")
def test_a_disputed_meeting_reaches_the_curators_list(client, login, pair, make_account, make_person):
    meeting = log(pair, "first", 20, topic="Знакомство")
    log(pair, "trial", 15, topic="Пробная работа")
    curator = curator_of(pair, make_account, make_person)
    login(pair["mentee"].login)
    client.get(page_url(pair))
    response = client.post(f"/mentee/meetings/{meeting.id}/confirm",
                           {"verdict": "disputed", "comment": "Встреча перенесена, мы не виделись"}, htmx=True)
    assert response.status_code == 200
    assert "оспорила запись" in response.get_data(as_text=True)

    switch_to(client, login, curator)
    view = client.get(f"/staff/formats/{pair['mentorship'].mentoring_format_id}/cycle")
    text = view.get_data(as_text=True)
    assert view.status_code == 200
    assert "Оспоренные и неподтверждённые встречи" in text
    assert f'id="unsettled-{meeting.id}" class="unsettled-disputed"' in text
    assert "Встреча перенесена, мы не виделись" in text
    assert 'id="disputed-count">1<' in text and 'id="unconfirmed-count">1<' in text  # the trial meeting


@pytest.mark.quality("validation")
def test_a_dispute_without_a_comment_is_refused_beside_the_comment(client, login, pair):
    meeting = log(pair, "first", 20)
    login(pair["mentee"].login)
    client.get(page_url(pair))
    response = client.post(f"/mentee/meetings/{meeting.id}/confirm", {"verdict": "disputed", "comment": "  "},
                           htmx=True)
    assert response.status_code == 422
    assert "<html" not in response.get_data(as_text=True)
    assert field_errors(response, f"comment-{meeting.id}") == ["Напишите, что не так с этой записью."]
    assert MeetingConfirmation.select().count() == 0

    plain = client.post(f"/mentee/meetings/{meeting.id}/confirm", {"verdict": "disputed"})
    assert plain.status_code == 422 and "<html" in plain.get_data(as_text=True)
    assert field_errors(plain, f"comment-{meeting.id}") == ["Напишите, что не так с этой записью."]
    assert MeetingConfirmation.select().count() == 0


@pytest.mark.clause("s7")
def test_a_corrected_meeting_is_confirmed_in_its_new_version(client, login, pair):
    old = log(pair, "first", 20, topic="Знакомство")
    login(pair["mentee"].login)
    client.get(page_url(pair))
    new = cycle.correct_meeting(pair["mentor"].person, old.id, MeetingData(
        stage="first", held_on=date.today() - timedelta(days=19), topic="Знакомство (исправлено)"))
    stale = client.post(f"/mentee/meetings/{old.id}/confirm", {"verdict": "confirmed"}, htmx=True)
    assert stale.status_code == 422 and "Наставник исправил эту запись" in " ".join(error_messages(stale))
    assert MeetingConfirmation.select().count() == 0
    text = client.get(page_url(pair)).get_data(as_text=True)
    assert f'id="meeting-{new.id}"' in text and f'id="meeting-{old.id}"' not in text


@pytest.mark.clause("5.3")
def test_planned_meetings_are_listed_apart_and_cannot_be_confirmed(client, login, pair):
    log(pair, "first", 20)
    ahead = log(pair, "trial", 5, topic="Пробная: разбор урока", planned=True)
    login(pair["mentee"].login)
    text = client.get(page_url(pair)).get_data(as_text=True)
    planned = text[text.index('id="planned"'):]
    assert f'id="planned-{ahead.id}"' in planned and "Пробная: разбор урока" in planned
    assert f'id="meeting-{ahead.id}"' not in text
    assert client.post(f"/mentee/meetings/{ahead.id}/confirm", {"verdict": "confirmed"}).status_code == 404
    assert MeetingConfirmation.select().count() == 0


@pytest.mark.quality("access")
def test_another_mentee_gets_not_found(client, login_as, pair):
    meeting = log(pair, "first", 20)
    plan = cycle.propose_plan(pair["mentor"].person, pair["mentorship"].id, PlanData("Цели", 10, []))
    login_as("mentee")
    assert client.get(page_url(pair)).status_code == 404
    assert client.post(f"/mentee/meetings/{meeting.id}/confirm", {"verdict": "confirmed"}).status_code == 404
    assert client.post(f"/mentee/plans/{plan.id}/confirm").status_code == 404
    assert client.post(f"/mentee/pairs/{pair['mentorship'].id}/plan",
                       {"goals": "Чужие цели", "planned_meetings": "3"}).status_code == 404
    assert client.get("/mentee/pairs/999999").status_code == 404
    assert MeetingConfirmation.select().count() == 0
    assert Plan.get_by_id(plan.id).mentee_confirmed_at is None and Plan.select().count() == 1


@pytest.mark.quality("access")
def test_the_mentor_of_the_pair_is_not_its_mentee(client, login, pair):
    log(pair, "first", 20)
    accounts.grant_role(None, pair["mentor"], "mentee", None)
    login(pair["mentor"].login)
    assert client.get(page_url(pair)).status_code == 404


@pytest.mark.clause("s8")
def test_a_parent_confirms_for_their_minor_child(client, login, minor_pair):
    meeting = log(minor_pair, "first", 20, topic="Знакомство с наставником")
    child = minor_pair["mentee"].person
    url = f"/parent/children/{child.id}/pairs/{minor_pair['mentorship'].id}"
    login(minor_pair["parent"].login)
    page = client.get(url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and child.full_name in text and "Знакомство с наставником" in text
    assert "Подтвердить, что встреча состоялась" in text and "Подтвердить план" not in text

    confirm = f"/parent/children/{child.id}/meetings/{meeting.id}/confirm"
    refused = client.post(confirm, {"verdict": "disputed"}, htmx=True)
    assert refused.status_code == 422 and field_errors(refused, f"comment-{meeting.id}")
    response = client.post(confirm, {"verdict": "confirmed"}, htmx=True)
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert "(вы)" in response.get_data(as_text=True)
    confirmation = MeetingConfirmation.get(MeetingConfirmation.meeting == meeting.id)
    assert confirmation.person_id == minor_pair["parent"].person_id

    switch_to(client, login, minor_pair["mentee"])
    text = client.get(page_url(minor_pair)).get_data(as_text=True)
    parent = minor_pair["parent"].person
    assert (f"Родитель ({parent.short_name}) за ученика {short_name(child, 'accusative')}: подтвердила, "
            "что встреча состоялась") in " ".join(text.split())
    assert "Подтвердить, что встреча состоялась" in text  # the child may still give their own verdict


@pytest.mark.quality("access")
def test_an_unlinked_parent_gets_not_found(client, login, login_as, minor_pair, pair):
    meeting = log(minor_pair, "first", 20)
    child = minor_pair["mentee"].person
    url = f"/parent/children/{child.id}/pairs/{minor_pair['mentorship'].id}"
    confirm = f"/parent/children/{child.id}/meetings/{meeting.id}/confirm"
    login_as("parent")
    assert client.get(url).status_code == 404
    assert client.post(confirm, {"verdict": "confirmed"}).status_code == 404
    assert MeetingConfirmation.select().count() == 0

    # The linked parent, but another pair (not the child's) or a link the school has not confirmed.
    switch_to(client, login, minor_pair["parent"])
    assert client.get(f"/parent/children/{child.id}/pairs/{pair['mentorship'].id}").status_code == 404
    Guardianship.update(confirmed_at=None).execute()
    assert client.get(url).status_code == 404
    assert client.post(confirm, {"verdict": "confirmed"}).status_code == 404
    assert MeetingConfirmation.select().count() == 0


@pytest.mark.clause("5.5")
def test_the_mentees_confirmation_makes_the_plan_agreed(client, login, pair):
    log(pair, "first", 30)
    log(pair, "trial", 25)
    log(pair, "planning", 20)
    task_due = pair["start"] + timedelta(days=120)
    plan = cycle.propose_plan(pair["mentor"].person, pair["mentorship"].id,
                              PlanData("Освоить проектную методику", 12, [("Провести открытый урок", task_due)]))
    login(pair["mentee"].login)
    text = client.get(page_url(pair)).get_data(as_text=True)
    assert "План ещё не согласован" in text and "Подтвердить план" in text
    assert "Проведено встреч: <strong>3</strong> из 12 по плану" in text
    assert "Провести открытый урок" in text

    response = client.post(f"/mentee/plans/{plan.id}/confirm")
    assert response.status_code == 303
    assert cycle.is_agreed(Plan.get_by_id(plan.id))
    text = " ".join(client.get(page_url(pair)).get_data(as_text=True).split())
    assert "План согласован" in text and "Подтвердить план" not in text
    mentor_line = text[text.index('id="plan-mentor"'):text.index('id="plan-mentee"')]
    mentee_line = text[text.index('id="plan-mentee"'):]
    assert "ещё не" not in mentor_line and "подтвердил" in mentor_line
    # In the confirming mentee's own gender, never «подтвердил(а)».
    mentee_line = mentee_line.split("</li>")[0]
    assert "ещё не" not in mentee_line and "подтвердил" in mentee_line and "(а)" not in mentee_line


@pytest.mark.clause("s7")
def test_the_mentee_proposes_a_changed_plan_that_needs_the_mentor_again(client, login, pair):
    plan = cycle.propose_plan(pair["mentor"].person, pair["mentorship"].id, PlanData("Цели", 10, []))
    cycle.confirm_plan(pair["mentee"].person, plan.id)
    login(pair["mentee"].login)
    text = client.get(page_url(pair)).get_data(as_text=True)
    assert "Предложить изменения в плане" in text

    url = f"/mentee/pairs/{pair['mentorship'].id}/plan"
    empty = client.post(url, {"goals": "Новые цели", "planned_meetings": "", "tasks": ""})
    assert empty.status_code == 422
    assert field_errors(empty, "planned_meetings") == ["Укажите число встреч: от 1 до 200 (п. 5.5 Положения)."]
    bad_date = client.post(url, {"goals": "Новые цели", "planned_meetings": "8", "tasks": "Задача — 31.02.2030"})
    assert bad_date.status_code == 422 and field_errors(bad_date, "tasks")
    assert Plan.select().count() == 1

    due = pair["start"] + timedelta(days=100)
    response = client.post(url, {"goals": "Новые цели", "planned_meetings": "8",
                                 "tasks": f"Посетить уроки коллег — {due:%d.%m.%Y}\nСоставить портфолио"})
    assert response.status_code == 303
    latest = cycle.current_plan(pair["mentorship"].id)
    assert latest.version == 2 and latest.planned_meetings == 8
    assert latest.mentee_confirmed_at is not None and latest.mentor_confirmed_at is None
    assert sorted((t.title, t.due_on) for t in latest.tasks) == [("Посетить уроки коллег", due),
                                                                 ("Составить портфолио", None)]
    text = client.get(page_url(pair)).get_data(as_text=True)
    assert "План ещё не согласован" in text and "(вариант 2)" in text


@pytest.mark.quality("validation")
def test_odd_input_is_refused_in_russian_never_a_500(client, login, pair):
    meeting = log(pair, "first", 20)
    login(pair["mentee"].login)
    client.get(page_url(pair))
    confirm = f"/mentee/meetings/{meeting.id}/confirm"
    for data in ({"verdict": "maybe"}, {}, {"verdict": "disputed", "comment": "я" * 1001}):
        response = client.post(confirm, data, htmx=True)
        assert response.status_code == 422 and error_messages(response), data
    assert MeetingConfirmation.select().count() == 0

    plan_url = f"/mentee/pairs/{pair['mentorship'].id}/plan"
    for value in ("три", "²", "-1", "1e3", "9999", "0"):
        response = client.post(plan_url, {"goals": "Цели", "planned_meetings": value})
        assert response.status_code == 422 and field_errors(response, "planned_meetings"), value
    late = pair["programme"].ends_on + timedelta(days=1)
    response = client.post(plan_url, {"goals": "Цели", "planned_meetings": "5", "tasks": f"Задача {late:%d.%m.%Y}"})
    assert response.status_code == 422 and field_errors(response, "tasks") == ["Сроки задач должны быть в сроке программы."]
    assert client.post(plan_url, {"goals": " ", "planned_meetings": "5"}).status_code == 422
    assert Plan.select().count() == 0
