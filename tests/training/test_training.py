"""«Школа наставников» (s10, s6, 3.2): programmes, groups with a schedule, enrolment, attendance per session,
completion by the programme's rule with a certificate as an issued document, external courses with an uploaded
certificate, the training history on the person's card and in the exports, and the order that lists it all."""
from datetime import date, timedelta
from io import BytesIO

import pytest

from portal.models import AuditEvent, ExternalCourse, IssuedDocument, Notification, TrainingEnrolment
from portal.services import ServiceError, training
from tests.conftest import field_errors
from tests.orders.test_orders import pdf_text
from tests.querycount import count_queries
from tests.training.helpers import PDF, actor, attend, certified, coordinator_of, group


@pytest.mark.clause("s10")
@pytest.mark.parametrize("present,total,done", [(74, 100, False), (75, 100, True), (3, 4, True), (2, 4, False),
                                                (0, 0, False)])
def test_the_completion_rule_at_its_boundary(present, total, done):
    assert training.completed(present, total, 75) is done


@pytest.mark.clause("s10")
def test_74_per_cent_attended_gets_no_certificate_and_75_per_cent_does(conn, school, make_account):
    """A programme asking 75 %: of 100 sessions, 74 attended is short, 75 is enough (counted through the service)."""
    made = group(school.id, sessions=4, min_attendance=75)
    boss = coordinator_of(school.id)
    short, enough = make_account("mentor"), make_account("mentor")
    e_short = training.enrol(boss, made.id, short.person_id)
    e_enough = training.enrol(boss, made.id, enough.person_id)
    sessions = training.sessions([made.id])
    for n, session in enumerate(sessions):
        training.mark_attendance(boss, session.id, [e_enough.id] + ([e_short.id] if n < 2 else []))
    progress = {p.enrolment.id: p for p in training.roster(made)}
    assert (progress[e_short.id].percent, progress[e_enough.id].percent) == (50, 100)
    done = training.complete(boss, made.id)
    assert [e.id for e in done] == [e_enough.id]
    assert TrainingEnrolment.get_by_id(e_short.id).certificate_id is None
    assert Notification.select().where((Notification.kind == "training.certificate")
                                       & (Notification.person == enough.person_id)).count() == 1
    # A second summing-up issues nothing twice.
    assert training.complete(boss, made.id) == []


@pytest.mark.clause("s10")
def test_a_programme_asking_74_per_cent_certifies_74_of_100(conn, school, make_account):
    made = group(school.id, sessions=100, min_attendance=75)
    boss = coordinator_of(school.id)
    mentor = make_account("mentor")
    enrolment = training.enrol(boss, made.id, mentor.person_id)
    sessions = training.sessions([made.id])
    for session in sessions[:74]:
        training.mark_attendance(boss, session.id, [enrolment.id])
    assert training.complete(boss, made.id) == []
    training.mark_attendance(boss, sessions[74].id, [enrolment.id])
    assert [e.id for e in training.complete(boss, made.id)] == [enrolment.id]


@pytest.mark.clause("s6")
def test_a_mentor_enrols_in_an_open_group_and_is_notified(client, school, login_as):
    made = group(school.id)
    mentor = login_as("mentor")
    page = client.get(f"/training/groups/{made.id}").get_data(as_text=True)
    assert "Записаться в группу" in page and "Занятие 1" in page
    assert client.post(f"/training/groups/{made.id}/join", {}).status_code == 303
    enrolment = TrainingEnrolment.get(TrainingEnrolment.person == mentor.person_id)
    assert enrolment.group_id == made.id
    assert Notification.get(Notification.person == mentor.person_id).kind == "training.enrolled"
    page = client.get(f"/training/groups/{made.id}").get_data(as_text=True)
    assert "Вы записаны в эту группу: посещено 0 из 4 занятий" in page
    # Twice is refused with a message, nothing doubled.
    client.post(f"/training/groups/{made.id}/join", {})
    assert TrainingEnrolment.select().count() == 1


@pytest.mark.clause("s6")
def test_a_closed_group_takes_only_the_coordinators_enrolment(client, school, login_as):
    made = group(school.id, is_open=False)
    login_as("mentor")
    assert "Записаться в группу" not in client.get(f"/training/groups/{made.id}").get_data(as_text=True)
    client.post(f"/training/groups/{made.id}/join", {})
    assert TrainingEnrolment.select().count() == 0


@pytest.mark.clause("s10")
def test_the_coordinator_builds_a_programme_a_group_and_a_schedule_through_the_pages(client, school, login_as,
                                                                                     make_person):
    login_as("coordinator")
    bad = client.post("/training/programmes/new", {"title": "", "hours": "сорок", "min_attendance": "75"})
    assert bad.status_code == 422 and field_errors(bad, "title") == ["Укажите название программы."]
    response = client.post("/training/programmes/new", {"title": "Школа молодого наставника", "hours": "24",
                                                        "topics": "Роль наставника\nОбратная связь",
                                                        "min_attendance": "75"})
    assert response.status_code == 303
    programme_url = response.headers["Location"]
    programme_id = int(programme_url.rstrip("/").rsplit("/", 1)[1])
    material = client.post(f"/training/programmes/{programme_id}/materials",
                           {"file": (BytesIO(PDF), "Памятка.pdf")}, content_type="multipart/form-data")
    assert material.status_code == 303
    page = client.get(programme_url).get_data(as_text=True)
    assert "Памятка.pdf" in page and "Обратная связь" in page
    person = make_person(kind="staff", sex="f", birth_date=date(1980, 1, 1))
    response = client.post(f"/training/programmes/{programme_id}/groups",
                           {"title": "Группа 1", "trainer": str(person.id), "is_open": "y"})
    assert response.status_code == 303
    group_url = response.headers["Location"]
    group_id = int(group_url.rstrip("/").rsplit("/", 1)[1])
    bad = client.post(f"/training/groups/{group_id}/sessions", {"held_on": "01.10.2026", "starts_at": "25:00",
                                                                "topic": "Роль наставника"})
    assert bad.status_code == 422 and field_errors(bad, "starts_at")
    assert client.post(f"/training/groups/{group_id}/sessions", {"held_on": "01.10.2026", "starts_at": "15:00",
                                                                 "place": "каб. 21", "topic": "Роль наставника"}
                       ).status_code == 303
    assert "1 октября 2026" in client.get(group_url).get_data(as_text=True)


@pytest.mark.clause("s10")
def test_attendance_is_marked_by_the_trainer_not_by_a_mentor_of_the_group(client, school, login_as, login,
                                                                         make_account, make_person):
    """The trainer is a teacher who mentors too: no staff role, yet theirs to mark; a mentor of the group is not."""
    trainer_account = make_account("mentor", person=make_person(kind="staff", birth_date=date(1980, 1, 1)))
    made = group(school.id, sessions=2, trainer_person=trainer_account.person)
    boss = coordinator_of(school.id)
    mentor = login_as("mentor")
    enrolment = training.enrol(boss, made.id, mentor.person_id)
    session = training.sessions([made.id])[0]
    assert client.get(f"/training/sessions/{session.id}/attendance").status_code == 404
    assert client.post(f"/training/sessions/{session.id}/attendance", {"present": str(enrolment.id)}).status_code == 404
    client.post("/logout")
    client.get("/login")
    login(trainer_account.login)
    response = client.post(f"/training/sessions/{session.id}/attendance", {"present": str(enrolment.id)})
    assert response.status_code == 303
    assert training.roster(made)[0].present == 1


@pytest.mark.clause("s10")
def test_a_trainer_with_no_training_role_marks_attendance_of_their_own_group_only(client, school, login_as,
                                                                                  make_person, make_account):
    """The group's trainer is a class teacher, neither mentor, curator nor coordinator: their group's page and its
    attendance are theirs; another group, the programme and the coordinator's steps are not."""
    trainer_account = login_as("class_teacher", person=make_person(kind="staff", birth_date=date(1980, 1, 1)))
    made = group(school.id, sessions=2, trainer_person=trainer_account.person)
    other = group(school.id, sessions=1)
    boss = coordinator_of(school.id)
    enrolment = training.enrol(boss, made.id, make_account("mentor").person_id)
    session = training.sessions([made.id])[0]
    page = client.get(f"/training/groups/{made.id}")
    assert page.status_code == 200 and "Отметить посещаемость" in page.get_data(as_text=True)
    assert client.get(f"/training/sessions/{session.id}/attendance").status_code == 200
    response = client.post(f"/training/sessions/{session.id}/attendance", {"present": str(enrolment.id)})
    assert response.status_code == 303
    assert training.roster(made)[0].present == 1
    assert "Группа 1" in client.get("/training/").get_data(as_text=True)
    assert client.get(f"/training/groups/{other.id}").status_code == 404
    other_session = training.sessions([other.id])[0]
    assert client.get(f"/training/sessions/{other_session.id}/attendance").status_code == 404
    assert client.get(f"/training/programmes/{made.programme_id}").status_code == 403
    assert client.post(f"/training/groups/{made.id}/complete").status_code == 403


@pytest.mark.clause("s10")
@pytest.mark.clause("3.2")
def test_the_certificate_names_the_person_in_the_dative_and_verifies(app, client, school, login_as, make_person,
                                                                     engine):
    mentor = login_as("mentor", person=make_person(kind="staff", sex="f", surname="Соколова", first_name="Анна",
                                                   patronymic="Сергеевна", birth_date=date(1984, 4, 4)))
    enrolment = certified(school.id, mentor.person)
    document = IssuedDocument.get_by_id(TrainingEnrolment.get_by_id(enrolment.id).certificate_id)
    assert document.kind == "training_certificate" and document.person_id == mentor.person_id
    page = client.get("/training/").get_data(as_text=True)
    assert "Скачать сертификат (PDF)" in page
    pdf = client.get(f"/training/certificates/{enrolment.id}")
    assert pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    person = mentor.person
    assert "СЕРТИФИКАТ" in text and "Соколовой Анне Сергеевне" in text and "она прошла обучение" in text
    assert "36 академических часов" in text and "посетив 2 из 2 занятий" in text and document.code in text
    verified = app.test_client().get(f"/verify/{document.code}").get_data(as_text=True)  # no login needed
    assert "Сертификат об обучении в «Школе наставников»" in verified and "ШН-" in verified
    assert person.surname not in verified
    # Another mentor does not get it: «not found».
    client.post("/logout")
    client.get("/login")
    login_as("mentor")
    assert client.get(f"/training/certificates/{enrolment.id}").status_code == 404


@pytest.mark.clause("s6")
def test_an_external_course_needs_a_scan_checked_by_its_content(client, school, login_as):
    mentor = login_as("mentor")
    form = {"title": "Наставничество в образовании", "provider": "ФГАОУ ДПО «Академия Минпросвещения России»",
            "hours": "36", "completed_on": (date.today() - timedelta(days=30)).isoformat()}
    script = client.post("/training/courses/new", dict(form, file=(BytesIO(b"#!/bin/sh\nrm -rf /\n"), "cert.pdf")),
                         content_type="multipart/form-data")
    assert script.status_code == 422
    assert field_errors(script, "file") == ["Этот файл не подходит: нужен PDF, изображение JPEG, изображение PNG."]
    assert ExternalCourse.select().count() == 0
    future = client.post("/training/courses/new", dict(form, completed_on=(date.today() + timedelta(days=3)).isoformat(),
                                                       file=(BytesIO(PDF), "cert.pdf")),
                         content_type="multipart/form-data")
    assert future.status_code == 422 and field_errors(future, "completed_on")
    done = client.post("/training/courses/new", dict(form, file=(BytesIO(PDF), "сертификат.pdf")),
                       content_type="multipart/form-data")
    assert done.status_code == 303
    course = ExternalCourse.get()
    assert course.person_id == mentor.person_id and course.hours == 36
    assert AuditEvent.select().where(AuditEvent.action == "training.course_recorded").count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "file.uploaded").count() == 1
    assert client.get(f"/training/courses/{course.id}/file").data == PDF


@pytest.mark.quality("performance")
def test_the_lists_cost_the_same_queries_whatever_their_size(client, school, login_as, make_account):
    coordinator = login_as("coordinator")

    def costs():
        with count_queries() as index:
            client.get("/training/")
        made = group(school.id, sessions=3)
        with count_queries() as page:
            client.get(f"/training/groups/{made.id}")
        return len(index), len(page), made

    group(school.id, sessions=1)  # the list of none skips the groups' query; one and many cost the same
    small = costs()
    boss = actor(coordinator)
    for _ in range(3):
        made = group(school.id, sessions=5)
        for _ in range(3):
            e = training.enrol(boss, made.id, make_account("mentor").person_id)
            attend(made, e, 2)
    big_index, big_page, made = costs()
    for _ in range(4):
        training.enrol(boss, made.id, make_account("curator").person_id)
    with count_queries() as page:
        client.get(f"/training/groups/{made.id}")
    assert (big_index, big_page, len(page)) == (small[0], small[1], small[1])


@pytest.mark.clause("3.2")
def test_the_training_history_is_on_the_card_and_in_the_export(client, school, login_as, make_account, make_person):
    mentor = make_account("mentor", person=make_person(kind="staff", sex="f", surname="Соколова", first_name="Анна",
                                                       birth_date=date(1984, 4, 4)))
    enrolment = certified(school.id, mentor.person)
    training.record_course(actor(mentor), training.CourseData(
        "Наставничество в образовании", "Академия Минпросвещения России", 36, date.today() - timedelta(days=3),
        "удостоверение.pdf", PDF))
    login_as("coordinator")
    card = client.get(f"/staff/people/{mentor.person_id}").get_data(as_text=True)
    assert "Обучение наставника" in card and "Наставник: роль и инструменты" in card
    assert f"Сертификат ШН-{enrolment.id}" in card and "Наставничество в образовании" in card
    assert "(внешний курс)" in card
    export = client.get("/coordinator/exports/training.csv")
    assert export.status_code == 200
    text = export.data.decode("utf-8-sig")
    assert "Соколова Анна" in text and "«Школа наставников»" in text and "внешний курс" in text
    assert "Академия Минпросвещения России" in text and f"сертификат ШН-{enrolment.id}" in text


@pytest.mark.quality("validation")
@pytest.mark.parametrize("starts_at", ["²:00", "1:٣٠", "１５:00"])
def test_a_start_time_in_other_digits_is_refused_beside_the_field(client, school, login_as, starts_at):
    """Characters Python counts as digits but int() cannot read (or reads from another script) are not a time."""
    made = group(school.id, sessions=1)
    login_as("coordinator")
    response = client.post(f"/training/groups/{made.id}/sessions", {"held_on": "01.10.2026", "starts_at": starts_at,
                                                                    "topic": "Обратная связь"})
    assert response.status_code == 422
    assert field_errors(response, "starts_at") == ["Укажите время в виде ЧЧ:ММ, например 15:00."]
    assert len(training.sessions([made.id])) == 1


@pytest.mark.quality("concurrency")
def test_a_double_click_on_join_enrols_once_with_a_message_not_a_500(client, school, login_as, monkeypatch):
    """Two requests at the same moment: the second's check runs before the first commits, so only the unique index
    on (group, person) stops it; the mentor gets the message, and one enrolment and one notification stay."""
    made = group(school.id)
    mentor = login_as("mentor")
    assert client.post(f"/training/groups/{made.id}/join", {}).status_code == 303
    monkeypatch.setattr(training, "_enrolled", lambda *args: False)  # as if the first had not committed yet
    response = client.post(f"/training/groups/{made.id}/join", {}, follow_redirects=True)
    assert response.status_code == 200 and "Вы уже записаны в эту группу." in response.get_data(as_text=True)
    assert TrainingEnrolment.select().count() == 1
    assert Notification.select().where(Notification.person == mentor.person_id).count() == 1


@pytest.mark.quality("language")
def test_the_history_counts_one_session_in_the_genitive_singular(school, make_account):
    """«посещено 0 из 1 занятия», not «из 1 занятий», on the person's card and in the export."""
    mentor = make_account("mentor")
    made = group(school.id, sessions=1)
    training.enrol(coordinator_of(school.id), made.id, mentor.person_id)
    (row,) = training.history(school.id, [mentor.person_id])
    assert row.result == "обучение: посещено 0 из 1 занятия"


@pytest.mark.clause("s10")
def test_attendance_at_a_session_not_yet_held_is_refused(client, school, login_as, make_account):
    """Nobody attended a session that is still ahead: ticking it would count towards the certificate in advance."""
    made = group(school.id, sessions=1)
    boss = coordinator_of(school.id)
    enrolment = training.enrol(boss, made.id, make_account("mentor").person_id)
    upcoming = training.add_session(boss, made.id, date.today() + timedelta(days=1), "15:00", "каб. 21",
                                    "Итоговая встреча")
    login_as("coordinator")
    page = client.get(f"/training/groups/{made.id}").get_data(as_text=True)
    assert page.count("Отметить посещаемость") == 1 and "занятие ещё не прошло" in page
    form = client.get(f"/training/sessions/{upcoming.id}/attendance").get_data(as_text=True)
    assert "Занятие ещё не прошло" in form and 'name="present"' not in form
    response = client.post(f"/training/sessions/{upcoming.id}/attendance", {"present": str(enrolment.id)})
    assert response.status_code == 422 and "ещё не прошло" in response.get_data(as_text=True)
    assert training.attendance_of([upcoming.id]) == {}
    with pytest.raises(ServiceError):
        training.mark_attendance(boss, upcoming.id, [enrolment.id])
    # On the session's day it is marked.
    assert training.mark_attendance(boss, upcoming.id, [enrolment.id], today=upcoming.held_on) == 1


@pytest.mark.quality("privacy")
def test_destroying_a_mentors_data_erases_the_scan_of_their_external_course(client, school, login_as, make_account):
    """The scan of a course certificate names the person: it goes with their data (4.11), the course's hours stay."""
    from portal.models import Consent, ConsentWithdrawal, StoredFile
    from portal.services import consent as consents
    mentor = make_account("mentor")
    course = training.record_course(actor(mentor), training.CourseData(
        "Наставничество в образовании", "Академия Минпросвещения России", 36, date.today() - timedelta(days=3),
        "удостоверение Соколовой.pdf", PDF))
    document = consents.current_documents(school.id)["adult_self"]
    signed = Consent.create(document=document, subject=mentor.person, signer=mentor.person,
                            text_sha256=document.sha256)
    consents.withdraw(mentor, signed.id)
    boss = login_as("coordinator")
    consents.destroy(boss.person, ConsentWithdrawal.get().id, school.id)
    assert "Соколовой" not in StoredFile.get_by_id(course.certificate_id).name
    assert client.get(f"/training/courses/{course.id}/file").status_code == 404
    assert ExternalCourse.get_by_id(course.id).hours == 36


@pytest.mark.quality("privacy")
def test_a_curator_downloads_the_course_scans_of_their_circle_only(client, school, login, make_account):
    """A course scan names its person: a curator reaches it as they reach the person's card — their forms' people."""
    from portal.models import BaseMembership, MentoringFormat
    curator = make_account("curator")
    inside, outside = make_account("mentor"), make_account("mentor")
    BaseMembership.create(mentoring_format=MentoringFormat.of_school(school).first(), person=inside.person,
                          base="mentor", status="active")
    courses = [training.record_course(actor(m), training.CourseData(
        "Наставничество в образовании", "Академия Минпросвещения России", 36, date.today() - timedelta(days=3),
        "удостоверение.pdf", PDF)) for m in (inside, outside)]
    login(curator.login)
    assert client.get(f"/training/courses/{courses[0].id}/file").data == PDF
    assert client.get(f"/training/courses/{courses[1].id}/file").status_code == 404


@pytest.mark.quality("privacy")
def test_destroying_a_mentors_data_erases_their_training_certificate(client, school, login_as, make_account):
    """The certificate names its holder (4.11): it goes with their data; /verify still knows the code."""
    from portal.models import Consent, ConsentWithdrawal
    from portal.services import consent as consents
    mentor = make_account("mentor")
    boss = login_as("coordinator")
    enrolment = certified(school.id, mentor.person)
    document = consents.current_documents(school.id)["adult_self"]
    signed = Consent.create(document=document, subject=mentor.person, signer=mentor.person,
                            text_sha256=document.sha256)
    consents.withdraw(mentor, signed.id)
    consents.destroy(boss.person, ConsentWithdrawal.get().id, school.id)
    certificate = IssuedDocument.get_by_id(TrainingEnrolment.get_by_id(enrolment.id).certificate_id)
    assert certificate.erased_at is not None and certificate.html == ""
    assert client.get(f"/training/certificates/{enrolment.id}").status_code == 404
