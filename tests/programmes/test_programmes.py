"""Each format's programme (2.3, 2.7, 5.2, 5.4) and what a participant reads of it (4.12)."""
import re
from datetime import date

import pytest

from portal.models import (
    Acknowledgement, BaseMembership, Meeting, MentoringFormat, Mentorship, Programme,
)
from portal.services import accounts, pairing
from portal.services import programmes as programme_rules
from tests.conftest import field_errors
from tests.programmes.helpers import events, text
from tests.querycount import count_queries

ADULT_BORN = date(1980, 2, 3)
PROGRAMME = {
    "title": "Адаптация молодых педагогов",
    "goals": "Помочь молодому учителю освоиться в школе",
    "expected_results": "Уверенное ведение уроков",
    "starts_on": "2026-09-01",
    "ends_on": "2027-05-31",
    "presented_student_conference_on": "",
    "presented_teachers_council_on": "2026-08-28",
    "presented_parents_council_on": "2026-09-10",
}


@pytest.fixture
def teachers(formats):
    return formats["Учитель – учитель"]


@pytest.fixture
def coordinator(login_as):
    return login_as("coordinator")


def url(fmt) -> str:
    return f"/staff/formats/{fmt.id}/programme"


def save(client, fmt, **fields):
    return client.post(url(fmt), {**PROGRAMME, **fields})


def make_programme(fmt, **fields) -> Programme:
    data = {"title": "Программа", "starts_on": date(2026, 9, 1), "ends_on": date(2027, 5, 31), **fields}
    return Programme.create(mentoring_format=fmt, **data)


def curator_of(fmt, make_account, make_person):
    account = make_account(person=make_person(kind="staff", birth_date=ADULT_BORN))
    accounts.grant_role(None, account, "curator", fmt, order_number="7", order_date=date(2026, 1, 1))
    return account


def unchanged(programme) -> bool:
    fresh = Programme.get_by_id(programme.id)
    return all(getattr(fresh, name) == getattr(programme, name) for name in programme_rules.PROGRAMME_FIELDS)


# --- writing the programme ----------------------------------------------------------------------------

@pytest.mark.clause("3.2")
def test_the_coordinator_writes_a_formats_programme(client, coordinator, teachers):
    empty = client.get(url(teachers))
    assert empty.status_code == 200 and "Программы у формы пока нет" in text(empty)
    response = save(client, teachers)
    assert response.status_code == 303
    programme = pairing.programme_of(teachers.id)
    assert (programme.title, programme.starts_on, programme.ends_on) == (
        "Адаптация молодых педагогов", date(2026, 9, 1), date(2027, 5, 31))
    assert programme.presented_student_conference_on is None
    assert programme.presented_teachers_council_on == date(2026, 8, 28)
    page = text(client.get(response.headers["Location"]))
    assert "Действует с 1 сентября 2026 г. по 31 мая 2027 г." in page and 'value="2026-08-28"' in page
    event = events("programme.created")[0]
    assert event.object_id == programme.id and event.actor_id == coordinator.person_id


@pytest.mark.clause("5.4")
@pytest.mark.parametrize("starts,ends", [
    ("2026-09-01", "2027-09-01"),   # one day over a year
    ("2026-01-10", "2027-03-01"),
    ("01.09.2026", "01.09.2027"),
])
def test_a_programme_longer_than_twelve_months_is_refused(client, coordinator, teachers, starts, ends):
    response = save(client, teachers, starts_on=starts, ends_on=ends)
    assert response.status_code == 422
    message = field_errors(response, "ends_on")[0]
    assert "не больше 12 месяцев (п. 5.4 Положения)" in message
    assert not Programme.select().exists() and not events("programme.created")


@pytest.mark.clause("5.4")
def test_twelve_months_to_the_day_before_is_accepted(client, coordinator, teachers):
    assert save(client, teachers, starts_on="2026-09-01", ends_on="31.08.2027").status_code == 303
    assert pairing.programme_of(teachers.id).ends_on == date(2027, 8, 31)
    assert programme_rules.last_day(date(2028, 2, 29)) == date(2029, 2, 28)


@pytest.mark.quality("validation")
@pytest.mark.parametrize("fields,field,message", [
    ({"starts_on": "2026-09-01", "ends_on": "2026-08-31"}, "ends_on", "раньше её начала"),
    ({"starts_on": ""}, "starts_on", "Укажите дату"),
    ({"ends_on": "2027-02-30"}, "ends_on", "Такой даты нет"),
    ({"starts_on": "1 сентября"}, "starts_on", "ДД.ММ.ГГГГ"),
    ({"starts_on": "1826-09-01", "ends_on": "1827-05-31"}, "starts_on", "Проверьте год"),
    ({"title": ""}, "title", "Заполните это поле."),
    ({"goals": "ц" * 5001}, "goals", "Не длиннее 5000"),
])
def test_a_bad_programme_is_refused_beside_its_field(client, coordinator, teachers, fields, field, message):
    response = save(client, teachers, **fields)
    assert response.status_code == 422
    assert any(message in m for m in field_errors(response, field)), field_errors(response, field)
    assert not Programme.select().exists()


@pytest.mark.clause("5.2")
def test_where_the_programme_was_presented_is_shown_in_russian(client, coordinator, teachers):
    save(client, teachers, presented_student_conference_on="2026-09-03")
    page = client.get("/coordinator/formats")
    card = re.search(rf'id="format-{teachers.id}">(.*?)</section>', text(page), re.S).group(1)
    assert "на ученической конференции 3 сентября 2026 г." in card
    assert "на педагогическом совете 28 августа 2026 г." in card
    assert "на родительском совете 10 сентября 2026 г." in card
    assert "Адаптация молодых педагогов" in card and "с 1 сентября 2026 г. по 31 мая 2027 г." in card


@pytest.mark.clause("5.2")
def test_a_presentation_after_the_programme_ended_is_refused(client, coordinator, teachers):
    response = save(client, teachers, presented_parents_council_on="2027-06-01")
    assert response.status_code == 422
    assert "не позже её окончания (31 мая 2027 г.)" in field_errors(response, "presented_parents_council_on")[0]
    assert not Programme.select().exists()


# --- who may write it (2.7) ---------------------------------------------------------------------------

@pytest.mark.clause("2.7")
def test_a_curator_writes_their_formats_programme_and_not_another(client, login, formats, make_account,
                                                                  make_person):
    own, other = formats["Учитель – учитель"], formats["Учитель – ученик"]
    theirs = make_programme(other, title="Чужая программа")
    curator = curator_of(own, make_account, make_person)
    login(curator.login)
    assert save(client, own).status_code == 303
    assert pairing.programme_of(own.id).title == "Адаптация молодых педагогов"
    assert events("programme.created")[0].actor_id == curator.person_id
    assert client.get(url(other)).status_code == 404
    assert save(client, other, title="Переписано").status_code == 404
    assert unchanged(theirs) and not events("programme.updated")
    assert "«Учитель – учитель»" in text(client.get("/staff/programmes"))


@pytest.mark.quality("access")
def test_another_curator_of_the_school_gets_not_found(client, login, formats, make_account, make_person):
    own = formats["Учитель – учитель"]
    programme = make_programme(own)
    stranger = curator_of(formats["Ученик – ученик"], make_account, make_person)
    login(stranger.login)
    assert client.get(url(own)).status_code == 404
    assert save(client, own, title="Подмена").status_code == 404
    assert unchanged(programme)


@pytest.mark.quality("access")
@pytest.mark.parametrize("role", ["mentor", "mentee", "parent"])
def test_participants_do_not_edit_programmes(client, login_as, teachers, role):
    programme = make_programme(teachers)
    login_as(role)
    assert client.get(url(teachers)).status_code == 403
    assert client.get("/staff/programmes").status_code == 403
    assert save(client, teachers, title="Подмена").status_code == 403
    assert unchanged(programme)


@pytest.mark.quality("csrf")
def test_a_change_without_the_forms_token_changes_nothing(client, coordinator, teachers):
    programme = make_programme(teachers)
    client.get(url(teachers))
    assert client.post(url(teachers), {**PROGRAMME, "title": "Без токена"}, csrf=False).status_code == 400
    assert unchanged(programme)


# --- editing a programme in use (5.4) -------------------------------------------------------------------

@pytest.fixture
def programme_in_use(teachers, make_person):
    """A programme acknowledged by a mentee who is in an active pair with a logged meeting."""
    programme = make_programme(teachers, title="Старое название")
    mentor = make_person(kind="staff", birth_date=ADULT_BORN)
    mentee = make_person(kind="staff", birth_date=ADULT_BORN)
    Acknowledgement.create(person=mentee, programme=programme)
    pair = Mentorship.create(mentoring_format=teachers, programme=programme, mentor=mentor, status="active")
    Meeting.create(mentorship=pair, stage="first", held_on=date(2026, 9, 15))
    return programme


def test_texts_and_presentations_of_a_programme_in_use_may_change(client, coordinator, teachers, programme_in_use):
    response = save(client, teachers, title="Новое название", starts_on="2026-09-01", ends_on="2027-06-30")
    assert response.status_code == 303
    saved = Programme.get_by_id(programme_in_use.id)
    assert (saved.title, saved.ends_on, saved.presented_teachers_council_on) == (
        "Новое название", date(2027, 6, 30), date(2026, 8, 28))
    assert Acknowledgement.select().where(Acknowledgement.programme == saved).count() == 1
    event = events("programme.updated")[0]
    assert set(event.details_dict["changed"]) >= {"title", "ends_on", "presented_teachers_council_on"}
    assert event.details_dict["ends_on"] == ["2027-05-31", "2027-06-30"]
    assert "Ознакомились: 1" in text(client.get(url(teachers)))


@pytest.mark.clause("5.4")
@pytest.mark.parametrize("starts,ends,field", [
    ("2026-09-01", "2027-04-30", "ends_on"),
    ("2026-09-02", "2027-05-31", "starts_on"),
])
def test_the_period_of_a_programme_with_running_pairs_is_not_shortened(client, coordinator, teachers,
                                                                       programme_in_use, starts, ends, field):
    response = save(client, teachers, starts_on=starts, ends_on=ends)
    assert response.status_code == 422
    assert "Срок нельзя сократить" in field_errors(response, field)[0]
    assert unchanged(programme_in_use) and not events("programme.updated")


@pytest.mark.clause("5.4")
def test_a_logged_meeting_stays_inside_the_period(client, coordinator, teachers, programme_in_use):
    Mentorship.update(status="completed").execute()
    response = save(client, teachers, starts_on="2026-09-20", ends_on="2027-05-31")
    assert response.status_code == 422
    assert "Встреча 15 сентября 2026 г." in field_errors(response, "starts_on")[0]
    assert unchanged(programme_in_use)
    assert save(client, teachers, starts_on="2026-09-15", ends_on="2027-05-31").status_code == 303


@pytest.mark.quality("idempotency")
def test_saving_the_same_programme_again_writes_nothing(client, coordinator, teachers):
    save(client, teachers)
    assert save(client, teachers).status_code == 303
    assert Programme.select().count() == 1 and not events("programme.updated")


# --- what a participant reads (4.12) ------------------------------------------------------------------

def join(person, fmt, base, status="active"):
    return BaseMembership.create(mentoring_format=fmt, person=person, base=base, status=status)


@pytest.mark.clause("4.12")
def test_a_participant_sees_the_programme_of_each_of_their_formats(formats, make_person):
    teacher = make_person(kind="staff", birth_date=ADULT_BORN)
    own, mixed, left = formats["Учитель – учитель"], formats["Учитель – ученик"], formats["Ученик – ученик"]
    old = make_programme(own, title="Прошлый год", starts_on=date(2025, 9, 1), ends_on=date(2026, 5, 31))
    current = make_programme(own, title="Этот год")
    join(teacher, own, "mentee")
    join(teacher, own, "mentor", status="awaiting_consent")
    join(teacher, mixed, "mentor")
    join(teacher, left, "mentor", status="left")
    make_programme(left)
    Acknowledgement.create(person=teacher, programme=old)

    rows = programme_rules.for_participant(teacher)
    assert [(r["format"].id, r["bases"]) for r in rows] == [(own.id, ["mentee", "mentor"]), (mixed.id, ["mentor"])]
    assert rows[0]["programme"].id == current.id == pairing.programme_of(own.id).id
    assert rows[0]["acknowledged"] is False is pairing.has_acknowledged(teacher, current)
    assert rows[1]["programme"] is None and rows[1]["acknowledged"] is False

    pairing.acknowledge(teacher, current.id)
    rows = programme_rules.for_participant(teacher)
    assert rows[0]["acknowledged"] is True is pairing.has_acknowledged(teacher, current)
    assert rows[0]["acknowledged_at"] is not None
    assert programme_rules.for_participant(make_person(kind="staff")) == []


@pytest.mark.quality("query count")
def test_reading_ones_programmes_costs_the_same_for_more_formats(school, make_person):
    teacher = make_person(kind="staff", birth_date=ADULT_BORN)

    def cost():
        with count_queries() as queries:
            programme_rules.for_participant(teacher)
        return len(queries)

    fmt = MentoringFormat.create(school=school, name="Форма 0", mentor_kind="staff", mentee_kind="staff")
    join(teacher, fmt, "mentor")
    Acknowledgement.create(person=teacher, programme=make_programme(fmt))
    once = cost()
    for n in range(1, 5):
        fmt = MentoringFormat.create(school=school, name=f"Форма {n}", mentor_kind="staff", mentee_kind="staff")
        join(teacher, fmt, "mentor")
        join(teacher, fmt, "mentee")
        programme = make_programme(fmt)
        make_programme(fmt, starts_on=date(2025, 9, 1), ends_on=date(2026, 5, 31))
        Acknowledgement.create(person=teacher, programme=programme)
    assert cost() == once == 3
