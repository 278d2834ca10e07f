"""The mentor's pair page: the journal by stages (5.3) inside the programme's period (5.4), the joint plan
(5.5, s5) and the final report (s5) — through the HTTP client, as the mentor's browser sees them."""
import re
from datetime import date, timedelta

import pytest

from portal.models import AuditEvent, FinalReport, Meeting, Mentorship, Plan, PlanTask
from portal.services import cycle
from portal.services.cycle import MeetingData, PlanData
from tests.conftest import field_errors
from tests.factories import agree_plan
from tests.querycount import count_queries

TODAY = date.today()
OPTION = re.compile(r'<option[^>]*value="([^"]*)"')


def text(response) -> str:
    return response.get_data(as_text=True)


def offered(response, select_id="stage") -> list[str]:
    """The stage codes a select of the page offers."""
    found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', text(response), re.S)
    return OPTION.findall(found.group(1)) if found else []


def days_ago(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


def form(stage, when, topic="Знакомство и ожидания", **extra) -> dict:
    return {"stage": stage, "held_on": when, "duration_minutes": "45", "format": "in_person", "topic": topic,
            "notes": "", "next_steps": "", **extra}


def held(pair, stage, n_days_ago, topic=None):
    """A meeting logged through the service, for the pages under test to show."""
    return cycle.log_meeting(pair["mentor"].person, pair["mentorship"].id,
                             MeetingData(stage=stage, held_on=TODAY - timedelta(days=n_days_ago),
                                         topic=topic or f"Встреча: {cycle.STAGE_TITLES[stage]}"))


@pytest.fixture
def mentor(pair, login, client):
    """The pair's mentor, logged in; returns the pair page's URL."""
    login(pair["mentor"].login)
    return f"/mentor/pairs/{pair['mentorship'].id}"


# --- the stages offered and refused (5.3) -----------------------------------------------------------

@pytest.mark.clause("5.3")
def test_the_form_offers_only_the_legal_next_stages(client, pair, mentor):
    page = client.get(mentor)
    assert page.status_code == 200
    assert offered(page) == ["first"] and "первая, организационная встреча" in text(page)
    assert offered(page, "plan-stage") == ["first"]
    for stage, n in (("first", 30), ("trial", 25)):
        held(pair, stage, n)
    assert offered(client.get(mentor)) == ["planning"]
    held(pair, "planning", 20)
    # After the planning meeting the journal waits for the plan both sides agree, and says so (5.5).
    page = client.get(mentor)
    assert offered(page) == [] and offered(page, "plan-stage") == []
    assert "когда план наставничества согласуют обе стороны" in text(page)
    assert "Дальше:</strong> согласовать план наставничества" in text(page)
    agree_plan(pair["mentorship"])
    page = client.get(mentor)
    assert offered(page) == ["regular", "final"] and offered(page, "plan-stage") == ["regular", "final"]


@pytest.mark.clause("5.3")
@pytest.mark.parametrize("stage", ["trial", "planning", "regular", "final", "someday"])
def test_an_illegal_stage_posted_anyway_is_refused_beside_the_stage(client, pair, mentor, stage):
    client.get(mentor)
    response = client.post(f"{mentor}/meetings", form(stage, days_ago(3)), htmx=True)
    assert response.status_code == 422
    assert "<html" not in text(response)
    message = " ".join(field_errors(response, "stage"))
    assert "первая, организационная встреча" in message or "Выберите этап" in message
    assert Meeting.select().count() == 0


@pytest.mark.clause("5.3")
def test_a_stage_cannot_be_dated_before_the_stage_it_follows(client, pair, mentor):
    held(pair, "first", 10)
    client.get(mentor)
    response = client.post(f"{mentor}/meetings", form("trial", days_ago(12)))
    assert response.status_code == 422
    assert "раньше" in " ".join(field_errors(response, "held_on"))
    assert Meeting.select().count() == 1


# --- dates (5.4) -------------------------------------------------------------------------------------

@pytest.mark.clause("5.4")
@pytest.mark.parametrize("when,expected", [
    ("before", "в сроке программы"),
    ("2026-02-31", "Такой даты нет"),
    ("вчера", "ДД.ММ.ГГГГ"),
    ("", "Укажите дату"),
])
def test_a_date_outside_the_programme_or_unreadable_is_refused_beside_the_date(client, pair, mentor, when,
                                                                             expected):
    if when == "before":
        when = (pair["start"] - timedelta(days=1)).isoformat()
    client.get(mentor)
    response = client.post(f"{mentor}/meetings", form("first", when))
    assert response.status_code == 422 and "<html" in text(response)  # no JS: the whole page
    assert expected in " ".join(field_errors(response, "held_on"))
    assert Meeting.select().count() == 0


@pytest.mark.quality("validation")
def test_a_held_meeting_in_the_future_is_refused_but_may_be_scheduled(client, pair, mentor):
    client.get(mentor)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    refused = client.post(f"{mentor}/meetings", form("first", tomorrow), htmx=True)
    assert refused.status_code == 422
    assert "не может быть в будущем" in " ".join(field_errors(refused, "held_on"))
    assert Meeting.select().count() == 0

    scheduled = client.post(f"{mentor}/meetings", {"planned": "1", "plan-csrf_token": client.token,
                                                   **{f"plan-{k}": v for k, v in form("first", tomorrow).items()}})
    assert scheduled.status_code == 303
    page = client.get(mentor)
    planned_list = text(page).split('id="planned-meetings"')[1].split("</section>")[0]
    assert "Знакомство и ожидания" in planned_list and "первая, организационная встреча" in planned_list
    assert offered(page, "plan-stage") == []  # the first meeting is already scheduled
    assert "уже запланирована" in text(page)

    # It took place today: logged as held, it replaces the planned record.
    done = client.post(f"{mentor}/meetings", form("first", TODAY.isoformat()), htmx=True)
    assert done.status_code == 200
    assert "Запланированных встреч нет" in text(done)
    assert [m.status for m in cycle.current_meetings([pair["mentorship"].id])] == ["held"]

    # Scheduling is for today or later: a past date comes back beside the small form's date.
    past = client.post(f"{mentor}/meetings", {"planned": "1", "plan-csrf_token": client.token,
                                              **{f"plan-{k}": v for k, v in form("trial", days_ago(1)).items()}},
                       htmx=True)
    assert past.status_code == 422 and text(past).lstrip().startswith('<form id="schedule-form"')
    assert "сегодня или позже" in " ".join(field_errors(past, "plan-held_on"))


@pytest.mark.quality("validation")
def test_bad_duration_and_missing_topic_are_shown_beside_their_fields(client, pair, mentor):
    client.get(mentor)
    for minutes in ("час", "4²", "100000", "0"):
        response = client.post(f"{mentor}/meetings", form("first", days_ago(1), duration_minutes=minutes), htmx=True)
        assert response.status_code == 422 and field_errors(response, "duration_minutes"), minutes
    response = client.post(f"{mentor}/meetings", form("first", days_ago(1), topic="  "), htmx=True)
    assert response.status_code == 422 and "Укажите тему" in " ".join(field_errors(response, "topic"))
    response = client.post(f"{mentor}/meetings", form("first", days_ago(1), notes="a\x00b"), htmx=True)
    assert response.status_code == 422 and "недопустимые символы" in " ".join(field_errors(response, "notes"))
    assert Meeting.select().count() == 0


# --- logging inline (htmx) and without JS ----------------------------------------------------------

@pytest.mark.quality("htmx")
def test_htmx_log_answers_the_fresh_form_and_the_new_row_out_of_band(client, pair, mentor):
    client.get(mentor)
    response = client.post(f"{mentor}/meetings", form("first", days_ago(2), topic="Знакомство с классом"),
                           htmx=True)
    assert response.status_code == 200 and "<html" not in text(response)
    meeting = Meeting.get()
    body = text(response)
    row = re.search(r'<tbody hx-swap-oob="beforeend:#journal-rows">(.*?)</tbody>', body, re.S)
    assert row and f'id="meeting-{meeting.id}"' in row.group(1) and "Знакомство с классом" in row.group(1)
    assert body.lstrip().startswith('<form id="meeting-form"')
    assert offered(response) == ["trial"]  # the fresh form moved on to the next stage
    assert "Записано: первая, организационная встреча" in body


@pytest.mark.quality("htmx")
def test_without_js_a_log_redirects_back_to_the_pair_page(client, pair, mentor):
    client.get(mentor)
    response = client.post(f"{mentor}/meetings", form("first", days_ago(2), topic="Знакомство с классом"))
    assert response.status_code == 303 and response.headers["Location"].startswith(mentor)
    page = client.get(mentor)
    assert "Знакомство с классом" in text(page) and "Записано: первая, организационная встреча" in text(page)


@pytest.mark.quality("idempotency")
def test_a_double_submit_logs_once(client, pair, mentor):
    client.get(mentor)
    data = form("first", days_ago(2))
    first = client.post(f"{mentor}/meetings", data, htmx=True)
    again = client.post(f"{mentor}/meetings", data, htmx=True)
    assert first.status_code == again.status_code == 200
    assert Meeting.select().count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "meeting.logged").count() == 1
    assert "уже записана" in text(again) and "journal-rows" not in text(again)  # no second row appended


@pytest.mark.clause("4.13", "5.3")
def test_a_pair_not_yet_approved_or_completed_takes_no_meetings(client, pair, mentor):
    Mentorship.update(status="in_order").where(Mentorship.id == pair["mentorship"].id).execute()
    page = client.get(mentor)
    assert "пара ещё не утверждена приказом" in text(page) and offered(page) == []
    refused = client.post(f"{mentor}/meetings", form("first", days_ago(2)), htmx=True)
    assert refused.status_code == 422 and Meeting.select().count() == 0

    Mentorship.update(status="active").where(Mentorship.id == pair["mentorship"].id).execute()
    for i, stage in enumerate(("first", "trial", "planning")):
        held(pair, stage, 30 - i)
    agree_plan(pair["mentorship"])
    client.get(mentor)
    final = client.post(f"{mentor}/meetings", form("final", days_ago(1), topic="Подводим итоги"), htmx=True)
    assert final.status_code == 200 and "цикл завершён" in text(final)
    assert re.search(r'id="pair-head"[^>]*hx-swap-oob="true"[^<]*<p>[^<]*<span class="status status-completed">завершена',
                     text(final))
    page = client.get(mentor)
    assert "цикл завершён" in text(page) and offered(page) == []
    assert "Подводим итоги" in text(page) and "Написать отчёт" in text(page)


# --- corrections keep the history ---------------------------------------------------------------------

@pytest.mark.quality("audit")
def test_a_correction_is_a_new_version_and_the_old_one_stays_in_the_history(client, pair, mentor):
    first = held(pair, "first", 5, topic="Знакомство")
    form_page = client.get(f"/mentor/meetings/{first.id}/correct")
    assert form_page.status_code == 200 and 'value="Знакомство"' in text(form_page)
    response = client.post(f"/mentor/meetings/{first.id}/correct",
                           {"held_on": days_ago(4), "duration_minutes": "60", "format": "online",
                            "topic": "Знакомство и цели", "notes": "Обсудили ожидания", "next_steps": ""})
    assert response.status_code == 303
    fixed = Meeting.get(Meeting.supersedes == first.id)
    assert Meeting.get_by_id(first.id).topic == "Знакомство"  # never edited in place

    page = client.get(mentor)
    assert "Знакомство и цели" in text(page) and "исправлено" in text(page)
    assert f"/mentor/meetings/{fixed.id}/history" in text(page)
    history = client.get(f"/mentor/meetings/{fixed.id}/history")
    assert history.status_code == 200
    assert text(history).index("Знакомство</td>") < text(history).index("Знакомство и цели</td>")
    assert "Версия 2 — текущая" in text(history)

    stale = client.get(f"/mentor/meetings/{first.id}/correct")
    assert "Эта запись уже исправлена" in text(stale) and f"/mentor/meetings/{fixed.id}/correct" in text(stale)
    again = client.post(f"/mentor/meetings/{first.id}/correct",
                        {"held_on": days_ago(4), "duration_minutes": "60", "format": "online", "topic": "Ещё раз"})
    assert again.status_code == 422 and "уже исправлена" in text(again)
    assert Meeting.select().count() == 2


@pytest.mark.quality("validation")
def test_a_correction_is_checked_like_a_new_record(client, pair, mentor):
    first = held(pair, "first", 5)
    client.get(f"/mentor/meetings/{first.id}/correct")
    response = client.post(f"/mentor/meetings/{first.id}/correct",
                           {"held_on": (TODAY + timedelta(days=2)).isoformat(), "duration_minutes": "45",
                            "format": "online", "topic": "В будущем"})
    assert response.status_code == 422
    assert "не может быть в будущем" in " ".join(field_errors(response, "held_on"))
    assert Meeting.select().count() == 1


# --- another mentor's pair ------------------------------------------------------------------------

@pytest.mark.quality("access")
def test_another_mentors_pair_is_not_found_on_every_route(client, pair, make_account, login):
    mentor, mentee = pair["mentor"].person, pair["mentee"].person
    mid = pair["mentorship"].id
    meeting = held(pair, "first", 10)
    plan = cycle.propose_plan(mentee, mid, PlanData(goals="Цели", planned_meetings=6, tasks=[("Урок", None)]))
    task = PlanTask.get(PlanTask.plan == plan.id)
    stranger = make_account("mentor")
    login(stranger.login)
    client.get("/mentor/")
    before = (Meeting.select().count(), Plan.select().count(), AuditEvent.select().count())
    gets = [f"/mentor/pairs/{mid}", f"/mentor/meetings/{meeting.id}/correct", f"/mentor/meetings/{meeting.id}/history",
            f"/mentor/pairs/{mid}/report", f"/mentor/pairs/{mid}/report.pdf"]
    posts = [(f"/mentor/pairs/{mid}/meetings", form("trial", days_ago(5))),
             (f"/mentor/meetings/{meeting.id}/correct", form("first", days_ago(9), topic="Чужая правка")),
             (f"/mentor/pairs/{mid}/plan", {"goals": "Чужой план", "planned_meetings": "3"}),
             (f"/mentor/plans/{plan.id}/confirm", {}),
             (f"/mentor/tasks/{task.id}/done", {}),
             (f"/mentor/pairs/{mid}/report", {"work_done": "x", "conclusions": "y"})]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
        assert client.post(url, data, htmx=True).status_code == 404, url
    assert (Meeting.select().count(), Plan.select().count(), AuditEvent.select().count()) == before
    assert Plan.get_by_id(plan.id).mentor_confirmed_at is None and PlanTask.get_by_id(task.id).done_at is None
    assert mentor.id != stranger.person_id


# --- the joint plan (5.5, s5) ----------------------------------------------------------------------

def plan_form(goals="Освоить проектную деятельность", meetings="8", tasks=()):
    data = {"goals": goals, "planned_meetings": meetings}
    for i, (title, due) in enumerate(tasks):
        data[f"tasks-{i}-title"], data[f"tasks-{i}-due_on"] = title, due
    return data


@pytest.mark.clause("5.5", "s5", "2.4", "2.5")
def test_the_plan_is_proposed_and_needs_both_confirmations(client, pair, mentor):
    mid = pair["mentorship"].id
    for i, stage in enumerate(("first", "trial", "planning")):
        held(pair, stage, 30 - i)
    page = client.get(mentor)
    assert "Плана пока нет" in text(page)
    due = (TODAY + timedelta(days=30)).isoformat()
    response = client.post(f"{mentor}/plan", plan_form(tasks=[("Провести открытый урок", due),
                                                              ("Посетить два урока наставника", "")]))
    assert response.status_code == 303
    page = text(client.get(mentor))
    assert "Освоить проектную деятельность" in page and "Провести открытый урок" in page
    assert "нужно подтверждение наставляемого" in page and "План согласован" not in page
    # «Изменить план» starts from it: closed under the plan, its form comes when opened (htmx, the same URL),
    # or, without JS, from its link as the page with the form open.
    assert 'name="tasks-0-title"' not in page and 'hx-get="/mentor/pairs/%d?form=plan"' % mid in page
    form = text(client.get(f"{mentor}?form=plan", headers={"HX-Request": "true"}))
    assert 'name="tasks-0-title" type="text" value="Провести открытый урок"' in form and "<html" not in form
    assert 'name="goals"' in form and "Сохранить новый вариант" in form
    page_open = text(client.get(f"{mentor}?form=plan"))
    assert '<details id="plan-form-box" open>' in page_open
    assert 'name="tasks-0-title" type="text" value="Провести открытый урок"' in page_open
    assert "Проведено встреч:</strong> 3 из 8 по плану" in page and "(план ещё не согласован)" in page

    plan = cycle.current_plan(mid)
    cycle.confirm_plan(pair["mentee"].person, plan.id)
    page = text(client.get(mentor))
    assert "План согласован обеими сторонами" in page and "нужно подтверждение наставляемого" not in page
    # Each side in its own gender: «подтвердил 6 декабря…» or «подтвердила 6 декабря…», never «подтвердил(а)».
    assert "подтвердил(а)" not in page and len(re.findall(r"подтвердила? \d", page)) == 2

    task = PlanTask.get(PlanTask.title == "Провести открытый урок")
    assert client.post(f"/mentor/tasks/{task.id}/done").status_code == 303
    page = text(client.get(mentor))
    assert "выполнено 1 из 2" in page
    assert AuditEvent.select().where(AuditEvent.action == "plan.task_done").count() == 1

    # The mentee changes the plan: the mentor must confirm the new version, and the done task stays done.
    changed = cycle.propose_plan(pair["mentee"].person, mid, PlanData(
        goals="Освоить проектную деятельность", planned_meetings=10,
        tasks=[("Провести открытый урок", date.fromisoformat(due)), ("Выступить на педсовете", None)]))
    page = text(client.get(mentor))
    assert "нужно ваше подтверждение" in page and f"/mentor/plans/{changed.id}/confirm" in page
    assert "выполнено 1 из 2" in page
    stale = client.post(f"/mentor/plans/{plan.id}/confirm")
    assert stale.status_code == 422 and "заменён" in text(stale)
    assert client.post(f"/mentor/plans/{changed.id}/confirm").status_code == 303
    assert cycle.is_agreed(Plan.get_by_id(changed.id))
    assert "Проведено встреч:</strong> 3 из 10 по плану" in text(client.get(mentor))


@pytest.mark.quality("validation")
def test_a_plan_with_mistakes_is_refused_beside_the_field(client, pair, mentor):
    client.get(mentor)
    for data, field, message in [
        (plan_form(meetings="восемь"), "planned_meetings", "цифрами"),
        (plan_form(meetings=""), "planned_meetings", "число встреч"),
        (plan_form(goals=" "), "goals", "цели"),
        (plan_form(tasks=[("Урок", "31.02.2026")]), "tasks-0-due_on", "Такой даты нет"),
        (plan_form(tasks=[("", days_ago(-5))]), "tasks-0-title", "что сделать"),
        (plan_form(tasks=[("Урок", (pair["start"] - timedelta(days=3)).isoformat())]), "tasks", "сроке программы"),
    ]:
        response = client.post(f"{mentor}/plan", data)
        assert response.status_code == 422, data
        assert message in " ".join(field_errors(response, field)), (field, field_errors(response, field))
    assert Plan.select().count() == 0


# --- the report comes after the final meeting (s5) --------------------------------------------------

REPORT = {"work_done": "Провели шесть встреч", "results": "Цели плана достигнуты",
          "conclusions": "Пара сработалась", "proposals": "Продолжить в следующем году"}


@pytest.mark.clause("s5")
def test_the_report_is_written_only_after_the_final_meeting(client, pair, mentor):
    report_url = f"{mentor}/report"
    page = client.get(report_url)
    assert page.status_code == 200 and "после заключительной встречи" in text(page)
    assert 'name="conclusions"' not in text(page)
    refused = client.post(report_url, REPORT)
    assert refused.status_code == 422 and "после заключительной" in text(refused)
    assert client.get(f"{report_url}.pdf").status_code == 303
    assert FinalReport.select().count() == 0

    for i, stage in enumerate(("first", "trial", "planning")):
        held(pair, stage, 30 - i)
    agree_plan(pair["mentorship"])
    held(pair, "regular", 27)
    held(pair, "final", 26)
    assert 'name="conclusions"' in text(client.get(report_url))
    missing = client.post(report_url, {**REPORT, "conclusions": ""})
    assert missing.status_code == 422 and "Сформулируйте выводы" in " ".join(field_errors(missing, "conclusions"))
    assert client.post(report_url, REPORT).status_code == 303
    page = text(client.get(report_url))
    assert "Пара сработалась" in page and f"{report_url}.pdf" in page
    twice = client.post(report_url, {**REPORT, "conclusions": "Другие выводы"})
    assert twice.status_code == 422 and "уже составлен" in text(twice)
    assert FinalReport.get().conclusions == "Пара сработалась"


# --- a fixed number of queries -----------------------------------------------------------------------

def grow(pair, regular: int, start_day: int):
    """Regular meetings, each confirmed by the mentee; every third one corrected."""
    mentor, mentee = pair["mentor"].person, pair["mentee"].person
    for i in range(regular):
        meeting = held(pair, "regular", start_day - i, topic=f"Регулярная встреча {start_day - i}")
        cycle.confirm_meeting(mentee, meeting.id, "confirmed")
        if i % 3 == 0:
            cycle.correct_meeting(mentor, meeting.id, MeetingData(
                stage="regular", held_on=meeting.held_on, topic=meeting.topic + " (исправлено)"))


@pytest.mark.quality("query count")
def test_the_pair_page_costs_the_same_for_3_and_30_meetings(client, pair, mentor):
    mid = pair["mentorship"].id
    for i, stage in enumerate(("first", "trial", "planning")):
        held(pair, stage, 50 - i)
    plan = cycle.propose_plan(pair["mentor"].person, mid, PlanData(goals="Цели", planned_meetings=30,
                                                                   tasks=[("Урок", None), ("Отчёт", None)]))
    cycle.confirm_plan(pair["mentee"].person, plan.id)
    grow(pair, 1, 45)
    client.get(mentor)
    with count_queries() as few:
        small = client.get(mentor)
    grow(pair, 26, 44)
    with count_queries() as many:
        large = client.get(mentor)
    assert text(small).count('<tr id="meeting-') == 4 and text(large).count('<tr id="meeting-') == 30
    assert len(few) == len(many), "\n".join(many)


@pytest.mark.clause("5.3")
def test_below_a_long_journal_the_meeting_forms_come_when_scrolled_to(client, pair, mentor):
    """Under ten meetings and more the forms are off the first screen: in their place a slot that fetches
    each form from the same URL when it comes into view (htmx), or, without JS, opens the page with it."""
    mid = pair["mentorship"].id
    for i, stage in enumerate(("first", "trial", "planning")):
        held(pair, stage, 50 - i)
    plan = cycle.propose_plan(pair["mentor"].person, mid, PlanData(goals="Цели", planned_meetings=30, tasks=[]))
    cycle.confirm_plan(pair["mentee"].person, plan.id)
    grow(pair, 5, 45)
    short = text(client.get(mentor))
    assert '<form id="meeting-form"' in short and '<form id="schedule-form"' in short  # 8 meetings: with the page
    grow(pair, 2, 39)
    page = text(client.get(mentor))
    assert page.count('<tr id="meeting-') == 10 and 'name="topic"' not in page
    assert f'hx-get="/mentor/pairs/{mid}?form=meeting" hx-trigger="revealed"' in page
    assert f'hx-get="/mentor/pairs/{mid}?form=schedule" hx-trigger="revealed"' in page
    assert f'href="/mentor/pairs/{mid}?form=meeting#meeting-form"' in page
    log = text(client.get(f"{mentor}?form=meeting", headers={"HX-Request": "true"}))
    assert log.lstrip().startswith('<form id="meeting-form"') and "<html" not in log
    assert offered_text(log) == ["regular", "final"]
    schedule = text(client.get(f"{mentor}?form=schedule", headers={"HX-Request": "true"}))
    assert schedule.lstrip().startswith('<form id="schedule-form"') and 'name="planned" value="1"' in schedule
    no_js = text(client.get(f"{mentor}?form=meeting"))
    assert '<form id="meeting-form"' in no_js and '<form id="schedule-form"' in no_js
    # The fetched form logs as the one that came with the page did.
    response = client.post(f"{mentor}/meetings", form("regular", days_ago(1), topic="Одиннадцатая"),
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Одиннадцатая" in text(response)


def offered_text(body: str, select_id="stage") -> list[str]:
    found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', body, re.S)
    return OPTION.findall(found.group(1)) if found else []
