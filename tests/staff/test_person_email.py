"""The e-mail address on a person's card (README «Mail»): staff who reach the person set, correct or remove
it; a bad address is refused in Russian beside the field and nothing is saved."""
import pytest

from portal.models import AuditEvent, BaseMembership, MentoringFormat, Notification, Person
from tests.conftest import field_errors

pytestmark = pytest.mark.quality("mail")


@pytest.fixture
def person(make_person):
    return make_person(kind="staff", sex="f", email="")


def save(client, person, email):
    client.get(f"/staff/people/{person.id}")
    return client.post(f"/staff/people/{person.id}/email", {"email": email})


def test_the_coordinator_sets_corrects_and_removes_the_address(client, login_as, person):
    coordinator = login_as("coordinator")
    page = client.get(f"/staff/people/{person.id}").get_data(as_text=True)
    assert 'id="email-form"' in page
    response = save(client, person, "  sokolova@school62.example ")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/staff/people/{person.id}")
    assert Person.get_by_id(person.id).email == "sokolova@school62.example"
    assert "sokolova@school62.example" in client.get(f"/staff/people/{person.id}").get_data(as_text=True)
    save(client, person, "sokolova@mail.example")
    save(client, person, "")
    assert Person.get_by_id(person.id).email == ""
    # The person is told, once while unread: reset links go to this address.
    [told] = Notification.select().where((Notification.person == person.id) & (Notification.kind == "email.changed"))
    assert told.details == f"Изменил: {coordinator.person.short_name}"  # the test's coordinator is a man
    events = [e for e in AuditEvent.select().where(AuditEvent.action == "person.email_changed").order_by(AuditEvent.id)]
    assert len(events) == 3 and all("@" not in e.details for e in events)  # the trail says what, not the address


@pytest.mark.quality("validation")
@pytest.mark.parametrize("email", ["не адрес", "a@b", "two@@example.org", "a b@example.org", "x@example.org\x00",
                                   "Иван <ivan@example.org>", "a" * 195 + "@example.org"])
def test_a_bad_address_is_refused_beside_the_field_and_nothing_is_saved(client, login_as, person, email):
    login_as("coordinator")
    Person.update(email="kept@example.org").where(Person.id == person.id).execute()
    response = save(client, person, email)
    assert response.status_code == 422
    [message] = field_errors(response, "email")
    assert "не похож на адрес" in message or "Не длиннее 200 символов" in message
    assert Person.get_by_id(person.id).email == "kept@example.org"
    assert not AuditEvent.select().where(AuditEvent.action == "person.email_changed").exists()


@pytest.mark.quality("security")
def test_a_curator_does_not_change_the_address_of_someone_who_logs_in(client, login_as, make_account):
    """A reset link goes to the address: changing it for an account in use would hand the account over."""
    mentor = make_account("mentor")  # in use: a password is set
    login_as("curator")
    BaseMembership.create(mentoring_format=MentoringFormat.select().order_by(MentoringFormat.id).first(),
                          person=mentor.person_id, base="mentor")  # in the curator's circle
    answer = save(client, mentor.person, "curator-owns-this@example.org")
    assert answer.status_code == 422
    assert field_errors(answer, "email") == ["Адрес человека, который уже входит в портал, меняет координатор: "
                                             "на этот адрес приходит ссылка для смены пароля."]
    assert Person.get_by_id(mentor.person_id).email == ""
