"""The gate every later feature asks (4.10, 4.11): no valid consent — no taking part; a minor needs a parent's."""
import logging
from contextlib import contextmanager
from datetime import date, timedelta

import pytest

from portal.db import db
from portal.models import Consent, Guardianship, Person
from portal.models.base import utcnow
from portal.services import consent as consents
from tests.consent.conftest import SIGN_DATA
from tests.factories import PASSWORD

ADULT_DATA = {"identity_document": SIGN_DATA["identity_document"], "address": SIGN_DATA["address"],
              "agree": "y", "password": PASSWORD}


@contextmanager
def counted_queries():
    """Every SQL statement peewee sends while the block runs, read from peewee's own debug log."""
    statements = []

    class Collect(logging.Handler):
        def emit(self, record):
            statements.append(record.msg)

    logger = logging.getLogger("peewee")
    handler, level = Collect(level=logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def birthday_years_ago(years: int, today: date) -> date:
    """The date whose anniversary is today (29 February falls back to the 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def accept_esign(client):
    client.get("/consent/esign")
    response = client.post("/consent/esign", {"agree": "y", "password": PASSWORD})
    assert response.status_code == 303


def sign_own(client, person, kind="adult_self"):
    client.get(f"/consent/{person.id}/{kind}")
    response = client.post(f"/consent/{person.id}/{kind}", ADULT_DATA)
    assert response.status_code == 303, response.get_data(as_text=True)


def sign_for_child(client, child, kind):
    client.get(f"/consent/{child.id}/{kind}")
    response = client.post(f"/consent/{child.id}/{kind}", SIGN_DATA)
    assert response.status_code == 303, response.get_data(as_text=True)


def log_in_as(client, login, account):
    """Log out whoever is in and log in as `account`, with the new session's CSRF token."""
    client.post("/logout")
    client.get("/login")
    login(account.login)


def fresh(person) -> Person:
    return Person.get_by_id(person.id)


@pytest.mark.clause("4.10")
def test_an_adult_without_consent_takes_no_part(make_person):
    adult = make_person(kind="staff", birth_date=date(1980, 1, 1))
    assert not consents.may_take_part(adult, "mentor")
    assert not consents.may_take_part(adult, "mentee")


@pytest.mark.clause("4.11")
def test_an_adult_signs_for_themself_and_may_take_part_in_both_bases(client, login, make_account):
    account = make_account("mentor")
    login(account.login)
    accept_esign(client)
    sign_own(client, account.person)
    assert consents.may_take_part(account.person, "mentor")
    assert consents.may_take_part(account.person, "mentee")


@pytest.mark.clause("4.11")
@pytest.mark.parametrize("kind", ["adult_self", "dissemination", "parent_mentee"])
def test_a_minor_cannot_sign_for_themself(client, login, make_account, kind):
    account = make_account("mentee")  # a student of 2011: a minor
    assert account.person.is_minor()
    login(account.login)
    assert client.get(f"/consent/{account.person_id}/{kind}").status_code == 404
    assert client.post(f"/consent/{account.person_id}/{kind}", ADULT_DATA).status_code == 404
    assert Consent.select().where(Consent.subject == account.person_id).count() == 0
    assert not consents.may_take_part(account.person, "mentee")


@pytest.mark.clause("4.11")
def test_a_student_whose_birth_date_is_unknown_cannot_sign_for_themself(client, login, make_person, make_account):
    """Unknown age might be a minor's: nobody signs until the school enters the birth date."""
    student = make_person(kind="student", birth_date=None)
    account = make_account("mentee", person=student)
    login(account.login)
    assert client.get(f"/consent/{student.id}/adult_self").status_code == 404
    assert not consents.may_take_part(student, "mentee")


@pytest.mark.clause("4.11")
def test_a_parents_mentee_consent_opens_the_mentee_base_only(client, signed_in_parent):
    child = signed_in_parent["child"]
    sign_for_child(client, child, "parent_mentee")
    assert consents.may_take_part(child, "mentee")
    assert not consents.may_take_part(child, "mentor")
    sign_for_child(client, child, "parent_mentor")
    assert consents.may_take_part(child, "mentor")


@pytest.mark.clause("4.10")
def test_a_withdrawn_consent_lets_nobody_take_part(client, signed_in_parent):
    child = signed_in_parent["child"]
    sign_for_child(client, child, "parent_mentee")
    consent = Consent.get(Consent.subject == child)
    client.get(f"/consent/signed/{consent.id}/withdraw")
    assert client.post(f"/consent/signed/{consent.id}/withdraw").status_code == 303
    assert not consents.may_take_part(child, "mentee")
    assert not consents.participation_gate([(child, "mentee"), (child, "mentor")])[(child.id, "mentee")]


@pytest.mark.clause("4.11")
def test_on_the_eighteenth_birthday_the_parents_consent_stops_counting(client, login, signed_in_parent, make_account,
                                                                       today):
    """A student who turns 18 signs for themself from that day: the parent's consent no longer counts."""
    child = signed_in_parent["child"]
    Person.update(birth_date=birthday_years_ago(18, today) + timedelta(days=1)).where(Person.id == child.id).execute()
    assert fresh(child).is_minor()
    sign_for_child(client, fresh(child), "parent_mentee")
    assert consents.may_take_part(fresh(child), "mentee")
    assert not consents.may_take_part(fresh(child), "mentee", on=today + timedelta(days=1))

    Person.update(birth_date=birthday_years_ago(18, today)).where(Person.id == child.id).execute()
    grown_up = fresh(child)
    assert consents.required_kind(grown_up, "mentee") == "adult_self"
    assert consents.required_kind(grown_up, "mentee", on=today - timedelta(days=1)) == "parent_mentee"
    assert not consents.may_take_part(grown_up, "mentee")
    # The parent can no longer sign for them …
    assert client.get(f"/consent/{child.id}/parent_mentee").status_code == 404

    # … and the student signs for themself.
    log_in_as(client, login, make_account("mentee", person=grown_up))
    accept_esign(client)
    sign_own(client, grown_up)
    assert consents.may_take_part(grown_up, "mentee")
    assert consents.may_take_part(grown_up, "mentor")


@pytest.mark.quality("query count")
def test_the_gate_for_many_people_costs_what_it_costs_for_one(client, signed_in_parent, make_person, today):
    parent = signed_in_parent["parent"].person
    child = signed_in_parent["child"]
    sign_for_child(client, child, "parent_mentee")
    others = [make_person(kind="student", birth_date=date(today.year - 10, 1, 1)) for _ in range(6)]
    for other in others[:3]:
        Guardianship.create(parent=parent, child=other, confirmed_at=utcnow())
        sign_for_child(client, other, "parent_mentor")
    adults = [make_person(kind="staff", birth_date=date(1980, 1, 1)) for _ in range(3)]
    everyone = [child] + others + adults

    db.connect(reuse_if_open=True)
    with counted_queries() as one:
        single = consents.participation_gate([(child, "mentee")])
    with counted_queries() as many:
        answers = consents.participation_gate([(p, base) for p in everyone for base in ("mentor", "mentee")])
    assert len(many) == len(one) == 1
    assert single == {(child.id, "mentee"): True}
    assert answers[(child.id, "mentee")] and not answers[(child.id, "mentor")]
    assert all(answers[(o.id, "mentor")] and not answers[(o.id, "mentee")] for o in others[:3])
    assert not any(answers[(p.id, base)] for p in others[3:] + adults for base in ("mentor", "mentee"))
