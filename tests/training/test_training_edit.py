"""«Школа наставников» (s10): the coordinator corrects what was typed — a programme, a group, a session — and
deletes a session, a group or a programme with a confirmation step. Refused are: a new share of sessions to attend
once certificates were issued under it, deleting a session whose attendance is marked or of a group summed up, a
group with people enrolled, a programme with groups; and anyone but the coordinator. A refusal changes nothing."""
import json
import re
from datetime import date, timedelta

import pytest

from portal.models import (AuditEvent, TrainingAttendance, TrainingEnrolment, TrainingGroup, TrainingMaterial,
                           TrainingProgramme, TrainingSession)
from portal.services import training
from tests.conftest import field_errors
from tests.training.helpers import PDF, certified, coordinator_of, group, trainer

pytestmark = pytest.mark.clause("s10")


def _state():
    """Everything the «Школа наставников» holds, and the audit log's length: a refusal leaves all of it as it was."""
    return ([tuple(row) for row in TrainingProgramme.select(
                TrainingProgramme.id, TrainingProgramme.title, TrainingProgramme.hours, TrainingProgramme.topics,
                TrainingProgramme.min_attendance).order_by(TrainingProgramme.id).tuples()],
            [tuple(row) for row in TrainingGroup.select(TrainingGroup.id, TrainingGroup.title, TrainingGroup.trainer,
                                                        TrainingGroup.is_open).order_by(TrainingGroup.id).tuples()],
            [tuple(row) for row in TrainingSession.select(
                TrainingSession.id, TrainingSession.held_on, TrainingSession.starts_at, TrainingSession.place,
                TrainingSession.topic).order_by(TrainingSession.id).tuples()],
            TrainingEnrolment.select().count(), TrainingAttendance.select().count(), TrainingMaterial.select().count(),
            AuditEvent.select().count())


def _last(action: str) -> dict:
    event = AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id.desc()).get()
    return json.loads(event.details) | {"_object": (event.object_type, event.object_id)}


def _bare_programme(school_id: int) -> TrainingProgramme:
    return training.create_programme(coordinator_of(school_id), training.ProgrammeData(
        "Черновик программы", 8, "Одна тема", 75))


# --- editing ----------------------------------------------------------------------------------------------------

def test_the_coordinator_edits_a_programme_and_sees_it_on_its_page(client, school, login_as):
    made = group(school.id)
    login_as("coordinator")
    page = client.get(f"/training/programmes/{made.programme_id}").get_data(as_text=True)
    assert "Изменить программу" in page and "Удалить программу…" in page
    form = client.get(f"/training/programmes/{made.programme_id}/edit").get_data(as_text=True)
    assert "Наставник: роль и инструменты" in form and "readonly" not in form
    response = client.post(f"/training/programmes/{made.programme_id}/edit", {
        "title": "Наставник: роль, инструменты, обратная связь", "hours": "40",
        "topics": "Роль наставника\nОбратная связь", "min_attendance": "80"})
    assert response.status_code == 303
    page = client.get(f"/training/programmes/{made.programme_id}").get_data(as_text=True)
    assert "Наставник: роль, инструменты, обратная связь" in page and "40 академических часов" in page
    assert "Обратная связь" in page and "Планирование встреч" not in page and "не меньше 80 %" in page
    record = _last("training.programme_updated")
    assert record["_object"] == ("TrainingProgramme", made.programme_id)
    assert record["changed"]["title"] == ["Наставник: роль и инструменты",
                                          "Наставник: роль, инструменты, обратная связь"]
    assert record["changed"]["hours"] == [36, 40] and record["changed"]["min_attendance"] == [75, 80]


@pytest.mark.parametrize("form,field,message", [
    ({"title": "", "hours": "36", "min_attendance": "75"}, "title", "Укажите название программы."),
    ({"title": "Программа", "hours": "сорок", "min_attendance": "75"}, "hours", "Укажите число часов от 1 до 1000."),
    ({"title": "Программа", "hours": "36", "min_attendance": "101"}, "min_attendance",
     "Укажите долю посещённых занятий от 1 до 100 %."),
])
def test_a_programme_edited_with_bad_input_is_422_beside_the_field_and_unchanged(client, school, login_as, form,
                                                                                 field, message):
    made = group(school.id)
    login_as("coordinator")
    before = _state()
    response = client.post(f"/training/programmes/{made.programme_id}/edit", form)
    assert response.status_code == 422 and field_errors(response, field) == [message]
    assert _state() == before


def test_the_share_to_attend_stays_once_a_certificate_is_issued_and_the_page_says_why(client, school, login_as,
                                                                                      make_account):
    enrolment = certified(school.id, make_account("mentor").person)
    programme_id = TrainingGroup.get_by_id(enrolment.group_id).programme_id
    login_as("coordinator")
    form = client.get(f"/training/programmes/{programme_id}/edit").get_data(as_text=True)
    assert "readonly" in form and training.MIN_ATTENDANCE_FIXED in form
    before = _state()
    response = client.post(f"/training/programmes/{programme_id}/edit", {
        "title": "Новое название", "hours": "36", "topics": "", "min_attendance": "50"})
    assert response.status_code == 422
    assert field_errors(response, "min_attendance") == [training.MIN_ATTENDANCE_FIXED]
    assert _state() == before
    # The rest may still be corrected.
    response = client.post(f"/training/programmes/{programme_id}/edit", {
        "title": "Новое название", "hours": "36", "topics": "", "min_attendance": "75"})
    assert response.status_code == 303
    assert TrainingProgramme.get_by_id(programme_id).title == "Новое название"


def test_the_coordinator_edits_a_group_and_sees_it_on_its_page(client, school, login_as):
    made = group(school.id, is_open=True)
    other = trainer(school.id)
    other.surname, other.first_name = "Смирнова", "Ольга"
    other.save()
    login_as("coordinator")
    page = client.get(f"/training/groups/{made.id}").get_data(as_text=True)
    assert "Изменить группу" in page and "Удалить группу…" in page
    form = client.get(f"/training/groups/{made.id}/edit").get_data(as_text=True)
    assert re.search(rf'<option selected value="{made.trainer_id}">', form) and 'value="Группа 1"' in form
    assert re.search(r'<input checked id="is_open"', form)
    response = client.post(f"/training/groups/{made.id}/edit", {"title": "Группа «Весна»", "trainer": str(other.id)})
    assert response.status_code == 303
    page = client.get(f"/training/groups/{made.id}").get_data(as_text=True)
    assert "Группа «Весна»" in page and "Ведущий — Смирнова Ольга" in page and "Запись через координатора" in page
    form = client.get(f"/training/groups/{made.id}/edit").get_data(as_text=True)
    assert re.search(r'<input id="is_open" name="is_open" type="checkbox"', form)  # closed: left unticked
    record = _last("training.group_updated")
    assert record["_object"] == ("TrainingGroup", made.id)
    assert record["changed"] == {"title": ["Группа 1", "Группа «Весна»"], "trainer": [made.trainer_id, other.id],
                                 "is_open": [True, False]}


def test_a_group_edited_with_bad_input_is_422_and_unchanged(client, school, login_as):
    made = group(school.id)
    login_as("coordinator")
    before = _state()
    response = client.post(f"/training/groups/{made.id}/edit", {"title": "", "trainer": str(made.trainer_id)})
    assert response.status_code == 422 and field_errors(response, "title")
    response = client.post(f"/training/groups/{made.id}/edit", {"title": "Группа 2", "trainer": "999999"})
    assert response.status_code == 422
    assert field_errors(response, "trainer") == ["Выберите ведущего занятий из сотрудников школы."]
    assert _state() == before


def test_the_coordinator_edits_a_session_and_sees_it_in_the_schedule(client, school, login_as):
    made = group(school.id, sessions=2)
    first = training.sessions([made.id])[0]
    login_as("coordinator")
    page = client.get(f"/training/groups/{made.id}").get_data(as_text=True)
    assert f"/training/sessions/{first.id}/edit" in page and f"/training/sessions/{first.id}/delete" in page
    response = client.post(f"/training/sessions/{first.id}/edit", {
        "held_on": "14.10.2026", "starts_at": "16:30", "place": "актовый зал", "topic": "Обратная связь"})
    assert response.status_code == 303
    page = client.get(f"/training/groups/{made.id}").get_data(as_text=True)
    assert "14 октября 2026" in page and "16:30" in page and "актовый зал" in page and "Обратная связь" in page
    record = _last("training.session_updated")
    assert record["session"] == first.id and record["changed"]["topic"] == ["Занятие 1", "Обратная связь"]
    assert record["changed"]["held_on"][1] == "2026-10-14"


def test_a_session_edited_with_bad_input_is_422_and_unchanged(client, school, login_as):
    made = group(school.id, sessions=1)
    session = training.sessions([made.id])[0]
    login_as("coordinator")
    before = _state()
    response = client.post(f"/training/sessions/{session.id}/edit", {"held_on": "", "starts_at": "25:00",
                                                                      "topic": "Тема"})
    assert response.status_code == 422 and field_errors(response, "held_on") == ["Укажите дату занятия."]
    response = client.post(f"/training/sessions/{session.id}/edit", {"held_on": "01.10.2026", "starts_at": "25:00",
                                                                      "topic": "Тема"})
    assert response.status_code == 422 and field_errors(response, "starts_at")
    assert _state() == before


def test_a_session_with_attendance_is_not_moved_to_a_day_ahead(client, school, login_as, make_account):
    made = group(school.id, sessions=1)
    session = training.sessions([made.id])[0]
    enrolment = training.enrol(coordinator_of(school.id), made.id, make_account("mentor").person_id)
    training.mark_attendance(coordinator_of(school.id), session.id, [enrolment.id])
    login_as("coordinator")
    before = _state()
    ahead = (date.today() + timedelta(days=3)).strftime("%d.%m.%Y")
    response = client.post(f"/training/sessions/{session.id}/edit", {"held_on": ahead, "topic": "Тема"})
    assert response.status_code == 422 and "уже отмечена" in field_errors(response, "held_on")[0]
    assert _state() == before


# --- deleting ---------------------------------------------------------------------------------------------------

def test_a_session_is_deleted_after_the_confirmation_step(client, school, login_as):
    made = group(school.id, sessions=2)
    first, second = training.sessions([made.id])
    login_as("coordinator")
    page = client.get(f"/training/sessions/{first.id}/delete").get_data(as_text=True)
    assert "Удалить занятие" in page and "?" in page and "«Занятие 1»" in page and "Да, удалить занятие" in page
    assert TrainingSession.get_or_none(TrainingSession.id == first.id) is not None  # GET only asks
    response = client.post(f"/training/sessions/{first.id}/delete", {})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/training/groups/{made.id}")
    assert [s.id for s in training.sessions([made.id])] == [second.id]
    page = client.get(f"/training/groups/{made.id}").get_data(as_text=True)
    assert "Занятие 1" not in page and "Занятие 2" in page
    record = _last("training.session_deleted")
    assert record["session"] == first.id and record["topic"] == "Занятие 1"
    assert record["_object"] == ("TrainingGroup", made.id)


def test_a_session_with_attendance_marked_is_not_deleted(client, school, login_as, make_account):
    made = group(school.id, sessions=2)
    first = training.sessions([made.id])[0]
    enrolment = training.enrol(coordinator_of(school.id), made.id, make_account("mentor").person_id)
    training.mark_attendance(coordinator_of(school.id), first.id, [])  # marked: nobody was there, still marked
    login_as("coordinator")
    page = client.get(f"/training/sessions/{first.id}/delete").get_data(as_text=True)
    assert "удалить нельзя" in page and "посещаемость уже отмечена" in page and "Да, удалить" not in page
    before = _state()
    response = client.post(f"/training/sessions/{first.id}/delete", {})
    assert response.status_code == 422 and "посещаемость уже отмечена" in response.get_data(as_text=True)
    assert _state() == before
    assert enrolment.id  # the enrolment stays, as does its attendance


def test_a_session_of_a_group_summed_up_is_not_deleted(client, school, login_as, make_account):
    enrolment = certified(school.id, make_account("mentor").person)
    boss = coordinator_of(school.id)
    late = training.add_session(boss, enrolment.group_id, date.today(), "15:00", "", "Добавлено после итогов")
    login_as("coordinator")
    before = _state()
    response = client.post(f"/training/sessions/{late.id}/delete", {})
    assert response.status_code == 422 and "итоги группы подведены" in response.get_data(as_text=True)
    assert _state() == before


def test_a_group_nobody_is_enrolled_in_is_deleted_with_its_schedule(client, school, login_as):
    made = group(school.id, sessions=3)
    login_as("coordinator")
    page = client.get(f"/training/groups/{made.id}/delete").get_data(as_text=True)
    assert "Удалить группу «Группа 1»?" in page and "3 занятия" in page
    response = client.post(f"/training/groups/{made.id}/delete", {})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/training/programmes/{made.programme_id}")
    assert TrainingGroup.get_or_none(TrainingGroup.id == made.id) is None
    assert TrainingSession.select().where(TrainingSession.group == made.id).count() == 0
    assert "Групп пока нет." in client.get(f"/training/programmes/{made.programme_id}").get_data(as_text=True)
    record = _last("training.group_deleted")
    assert record["title"] == "Группа 1" and len(record["sessions"]) == 3


def test_a_group_with_people_enrolled_is_not_deleted(client, school, login_as, make_account):
    made = group(school.id)
    training.enrol(coordinator_of(school.id), made.id, make_account("mentor").person_id)
    login_as("coordinator")
    page = client.get(f"/training/groups/{made.id}/delete").get_data(as_text=True)
    assert "удалить нельзя" in page and "1 участник" in page and "Да, удалить" not in page
    before = _state()
    response = client.post(f"/training/groups/{made.id}/delete", {})
    assert response.status_code == 422 and "Группу нельзя удалить: в ней 1 участник," in response.get_data(as_text=True)
    assert _state() == before


def test_a_programme_without_groups_is_deleted_with_its_materials(client, school, login_as):
    bare = _bare_programme(school.id)
    boss = coordinator_of(school.id)
    training.add_material(boss, bare.id, "Памятка.pdf", PDF)
    login_as("coordinator")
    page = client.get(f"/training/programmes/{bare.id}/delete").get_data(as_text=True)
    assert "Удалить программу «Черновик программы»?" in page and "материалы (1)" in page
    response = client.post(f"/training/programmes/{bare.id}/delete", {})
    assert response.status_code == 303 and response.headers["Location"].endswith("/training/")
    assert TrainingProgramme.get_or_none(TrainingProgramme.id == bare.id) is None
    assert TrainingMaterial.select().count() == 0
    page = client.get("/training/").get_data(as_text=True)
    assert "Программа «Черновик программы» удалена." in page and f'href="/training/programmes/{bare.id}"' not in page
    record = _last("training.programme_deleted")
    assert record["title"] == "Черновик программы" and len(record["material_files"]) == 1


def test_a_programme_with_groups_is_not_deleted(client, school, login_as):
    made = group(school.id)
    login_as("coordinator")
    page = client.get(f"/training/programmes/{made.programme_id}/delete").get_data(as_text=True)
    assert "удалить нельзя" in page and "1 группа" in page and "Да, удалить" not in page
    before = _state()
    response = client.post(f"/training/programmes/{made.programme_id}/delete", {})
    assert response.status_code == 422 and "Программу нельзя удалить" in response.get_data(as_text=True)
    assert _state() == before


# --- who may ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["curator", "mentor"])
def test_only_the_coordinator_edits_or_deletes(client, school, login_as, role):
    made = group(school.id, sessions=1)
    session = training.sessions([made.id])[0]
    bare = _bare_programme(school.id)
    login_as(role)
    assert "Изменить группу" not in client.get(f"/training/groups/{made.id}").get_data(as_text=True)
    assert "Изменить программу" not in client.get(f"/training/programmes/{made.programme_id}").get_data(as_text=True)
    before = _state()
    for url, form in [
        (f"/training/programmes/{made.programme_id}/edit", {"title": "Чужая правка", "hours": "1",
                                                           "min_attendance": "1"}),
        (f"/training/programmes/{bare.id}/delete", {}),
        (f"/training/groups/{made.id}/edit", {"title": "Чужая правка", "trainer": str(made.trainer_id)}),
        (f"/training/groups/{made.id}/delete", {}),
        (f"/training/sessions/{session.id}/edit", {"held_on": "01.10.2026", "topic": "Чужая правка"}),
        (f"/training/sessions/{session.id}/delete", {}),
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, form).status_code == 403, url
    assert _state() == before


def test_the_services_refuse_anyone_but_the_coordinator(school, make_account):
    from portal.services import NotAllowed
    from tests.training.helpers import actor
    made = group(school.id, sessions=1)
    session = training.sessions([made.id])[0]
    curator = actor(make_account("curator"))
    before = _state()
    for call in (lambda: training.update_programme(curator, made.programme_id, training.ProgrammeData("x", 1, "", 1)),
                 lambda: training.delete_programme(curator, made.programme_id),
                 lambda: training.update_group(curator, made.id, "x", made.trainer_id, True),
                 lambda: training.delete_group(curator, made.id),
                 lambda: training.update_session(curator, session.id, date(2026, 10, 1), "", "", "x"),
                 lambda: training.delete_session(curator, session.id)):
        with pytest.raises(NotAllowed):
            call()
    assert _state() == before
