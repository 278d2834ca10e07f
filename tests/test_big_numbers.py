"""Numbers beyond a database integer in query strings and forms (SECURITY.md: no 500 on any input).

The URL converter answers `/staff/people/99999999999999999999` with 404; the same number in a filter
(`?class=`, `?pair=`) or in a form field that names a row (a person to nominate, a curator, a parent) used
to reach SQLite as an OverflowError. A filter out of range is now ignored (or «not found», where it names
the one thing the page is about), a form field out of range gets a Russian message beside it (422).
"""
from datetime import date

import pytest

from portal.models import BaseMembership, MentoringFormat, Person
from portal.services import monitoring
from tests.conftest import field_errors, is_russian

HUGE = ("9223372036854775808", "99999999999999999999", "-9223372036854775809")


def _fmt(school, name="Учитель – учитель"):
    return MentoringFormat.get((MentoringFormat.school == school) & (MentoringFormat.name == name))


@pytest.fixture
def coordinator(login_as):
    return login_as("coordinator")


@pytest.mark.quality("validation")
@pytest.mark.parametrize("value", HUGE)
def test_filters_of_staff_pages_out_of_range_are_ignored(client, coordinator, school, make_person, value):
    person = make_person(kind="student", surname="Большечислова")
    for url in (f"/staff/people?class={value}", f"/staff/people?page={value}",
                f"/staff/people?class={value}&page={value}&q=Большечисл", f"/staff/pairs?format={value}",
                f"/coordinator/dashboard?format={value}", f"/coordinator/results?format={value}"):
        response = client.get(url)
        assert response.status_code == 200, url
    roster = client.get(f"/staff/people?class={value}")
    assert person.surname in roster.get_data(as_text=True)  # the whole roster, as with no filter


@pytest.mark.quality("validation")
@pytest.mark.parametrize("value", HUGE)
def test_an_answering_page_for_a_pair_out_of_range_is_not_found(client, login, pair, value):
    questionnaire = monitoring.current_questionnaires(pair["format"].school_id)["entry"]
    real = pair["mentorship"].id
    for role in ("mentor", "mentee"):
        client.post("/logout")
        client.get("/login")
        login(pair[role].login)
        base = f"/{role}/monitoring/{questionnaire.id}"
        assert client.get(f"{base}?pair={value}").status_code == 404
        assert client.get(f"{base}?pair={value}&round={value}").status_code == 404
        assert client.get(f"{base}?pair={real}&round={value}").status_code in (200, 404)
        assert client.post(f"{base}?pair={value}", {}).status_code == 404


@pytest.mark.quality("validation")
@pytest.mark.parametrize("value", HUGE)
def test_nominating_a_person_out_of_range_is_refused_beside_the_field(client, coordinator, school, make_person,
                                                                       value):
    fmt = _fmt(school)
    candidate = make_person(kind="staff", birth_date=date(1980, 1, 1))
    before = BaseMembership.select().count()
    response = client.post(f"/staff/bases/{fmt.id}/nominate", {"base": "mentee", "mentee-person": value})
    assert response.status_code == 422
    assert field_errors(response, "mentee-person") == ["Выберите человека из списка."]
    response = client.post(f"/staff/bases/{fmt.id}/nominate",
                           {"base": "mentor", "mentor-person": str(candidate.id), "mentor-capacity": value})
    assert response.status_code == 422
    assert all(is_russian(m) for m in field_errors(response, "mentor-capacity"))
    assert field_errors(response, "mentor-capacity")
    assert BaseMembership.select().count() == before


@pytest.mark.quality("validation")
@pytest.mark.parametrize("value", HUGE)
def test_appointing_a_curator_out_of_range_is_refused_beside_the_field(client, coordinator, school, value):
    fmt = _fmt(school)
    response = client.post(f"/coordinator/formats/{fmt.id}/curators/new",
                           {"person": value, "order_number": "112-к", "order_date": "2026-01-12"})
    assert response.status_code == 422
    assert field_errors(response, "person") == ["Выберите человека из списка."]


@pytest.mark.quality("validation")
@pytest.mark.parametrize("value", HUGE)
def test_other_id_fields_out_of_range_never_give_500(client, coordinator, school, make_person, pair, value):
    child = make_person(kind="student")
    mentee = Person.get_by_id(pair["mentee"].person_id)
    posts = [
        (f"/staff/people/{child.id}/guardians", {"parent_id": value, "basis": "мать"}),
        ("/coordinator/orders/new", {"mentorships": [value]}),
        (f"/staff/formats/{pair['format'].id}/proposals/{mentee.id}", {"mentors": [value]}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (404, 422), (url, response.status_code)
        if response.status_code == 422:
            assert is_russian(response.get_data(as_text=True))
