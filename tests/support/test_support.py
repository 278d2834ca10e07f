"""Psychological support (s6, s8; DECISIONS.md, "Voice, support, training, motivation"): a mentor, a mentee or a
parent asks; the school's psychologist records a contact and closes the request with a note only psychologists
read; the asker follows the state; a child under 15 asks with their parents' knowledge. Nobody else reads a
request: the coordinator, a curator, the mentor of the pair and a class teacher meet «not found», and the
coordinator sees counts by month and form only."""
from datetime import date

import pytest

from portal.models import (
    Account, AuditEvent, Guardianship, Notification, Person, RoleGrant, SupportNote, SupportRequest,
)
from portal.models.base import utcnow
from portal.services import accounts, passwords, support
from portal.services.staff import scope_for
from tests.conftest import error_messages, field_errors
from tests.factories import PASSWORD
from tests.querycount import count_queries

SECRET_TOPIC = "Не справляюсь с тревогой перед экзаменами"
SECRET_NOTE = "Договорились о встрече в четверг, тревожность высокая"
UNDER_15 = date(date.today().year - 12, 3, 1)
AGED_16 = date(date.today().year - 17, 3, 1)


def switch_to(client, login, account) -> None:
    """Log out and in as another account; the new session brings a new CSRF token."""
    client.post("/logout", {})
    client.token = None
    login(account.login)


@pytest.fixture
def psychologist(make_account):
    return make_account("psychologist")


def _child(make_person, make_account, born=UNDER_15, parent=None):
    child = make_account("mentee", person=make_person(birth_date=born))
    if parent is not None:
        Guardianship.create(parent=parent.person_id, child=child.person_id, confirmed_at=utcnow())
    return child


# --- granting -----------------------------------------------------------------------------------------------

@pytest.mark.clause("s6")
def test_the_coordinator_grants_and_removes_the_psychologist_role(client, login_as, make_person, conn):
    login_as("coordinator")
    person = make_person(kind="staff", sex="f", birth_date=date(1980, 1, 1), position="педагог-психолог")
    page = client.get("/coordinator/psychologists")
    assert page.status_code == 200 and "Назначить педагогом-психологом" in page.get_data(as_text=True)
    assert client.post("/coordinator/psychologists", {"person": person.id}).status_code == 303
    grant = RoleGrant.get(RoleGrant.role == "psychologist")
    assert grant.account.person_id == person.id
    assert AuditEvent.select().where(AuditEvent.action == "psychologist.granted").count() == 1
    assert person.full_name in client.get("/coordinator/psychologists").get_data(as_text=True)

    again = client.post("/coordinator/psychologists", {"person": person.id})
    assert again.status_code == 422 and field_errors(again, "person") == [
        f"{person.full_name} уже педагог-психолог в портале."]
    assert client.post("/coordinator/psychologists", {"person": "abc"}).status_code == 422

    confirm = client.get(f"/coordinator/psychologists/{grant.id}/remove")
    assert "Снять" in confirm.get_data(as_text=True) and "с роли педагога-психолога?" in confirm.get_data(as_text=True)
    assert client.post(f"/coordinator/psychologists/{grant.id}/remove", {}).status_code == 303
    assert not RoleGrant.select().where(RoleGrant.role == "psychologist").exists()
    assert AuditEvent.select().where(AuditEvent.action == "psychologist.removed").count() == 1


@pytest.mark.quality("security")
def test_the_psychologist_is_staff_with_a_second_factor_and_a_home_of_their_own(client, login_as, conn):
    login_as("psychologist")
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"] == "/psychologist/"
    page = client.get("/psychologist/").get_data(as_text=True)
    assert "Обращения за психологической поддержкой" in page and "Второй фактор" in page


# --- asking and the psychologist's work -------------------------------------------------------------------------

@pytest.mark.clause("s6")
def test_a_mentor_asks_and_the_psychologist_takes_it_up_and_closes_it(client, login, pair, psychologist, conn):
    mentor = pair["mentor"]
    login(mentor.login)
    form = client.get("/support/ask").get_data(as_text=True)
    assert "Попросить о психологической поддержке" in form and "для себя" not in form  # nobody else to choose
    response = client.post("/support/ask", {"about": str(mentor.person_id), "topic": SECRET_TOPIC,
                                            "contact": "+7 900 000-00-00"})
    assert response.status_code == 303
    request = SupportRequest.get()
    assert (request.asked_by_id, request.about_id, request.asked_as, request.status) == (
        mentor.person_id, mentor.person_id, "mentor", "new")
    assert request.mentoring_format_id == pair["format"].id and not request.parents_see
    assert [n.person_id for n in Notification.select().where(Notification.kind == "support.requested")] == [
        psychologist.person_id]
    audit = AuditEvent.get(AuditEvent.action == "support.asked")
    assert SECRET_TOPIC not in (audit.details or "")
    mine = client.get("/support/").get_data(as_text=True)
    assert "новая" in mine

    again = client.post("/support/ask", {"about": str(mentor.person_id), "topic": "", "contact": ""})
    assert again.status_code == 422
    assert error_messages(again) == ["Ваша просьба уже отправлена и ждёт психолога: он свяжется с вами."]

    switch_to(client, login, psychologist)
    listed = client.get("/psychologist/").get_data(as_text=True)
    assert mentor.person.full_name in listed
    assert client.post(f"/support/{request.id}/contact", {"note": SECRET_NOTE}).status_code == 303
    assert SupportRequest.get_by_id(request.id).status == "contacted"
    assert [n.person_id for n in Notification.select().where(Notification.kind == "support.taken_up")] == [
        mentor.person_id]
    refused = client.post(f"/support/{request.id}/close", {"note": ""})
    assert refused.status_code == 422 and field_errors(refused, "close-note") == [
        "Напишите заметку о закрытии: её увидят только психологи."]
    assert client.post(f"/support/{request.id}/close", {"note": "Помощь оказана"}).status_code == 303
    closed = SupportRequest.get_by_id(request.id)
    assert closed.status == "closed" and closed.closed_at is not None
    page = client.get(f"/support/{request.id}").get_data(as_text=True)
    assert SECRET_NOTE in page and "Помощь оказана" in page and "Записать контакт" not in page
    assert client.post(f"/support/{request.id}/contact", {"note": ""}).status_code == 422  # closed stays closed
    assert [e.action for e in AuditEvent.select().where(AuditEvent.action.startswith("support."))
            .order_by(AuditEvent.id)] == ["support.asked", "support.contacted", "support.closed"]

    switch_to(client, login, mentor)
    own = client.get(f"/support/{request.id}").get_data(as_text=True)
    assert "закрыта" in own and SECRET_TOPIC in own
    assert SECRET_NOTE not in own and "Помощь оказана" not in own  # the notes are the psychologists' alone
    assert client.post(f"/support/{request.id}/contact", {"note": "x"}).status_code == 404


@pytest.mark.clause("s8")
def test_a_mentee_under_15_asks_with_the_parents_knowledge(client, login, make_account, make_person, psychologist,
                                                            conn):
    parent = make_account("parent", person=make_person(kind="parent", sex="f", birth_date=date(1985, 1, 1)))
    child = _child(make_person, make_account, parent=parent)
    login(child.login)
    form = client.get("/support/ask").get_data(as_text=True)
    assert "Вам ещё нет 15 лет" in form
    assert client.post("/support/ask", {"topic": SECRET_TOPIC, "contact": ""}).status_code == 303
    request = SupportRequest.get()
    assert request.parents_see and request.asked_as == "mentee"
    told = list(Notification.select().where(Notification.kind == "support.child_asked"))
    assert [n.person_id for n in told] == [parent.person_id]

    switch_to(client, login, parent)
    assert "Ваш ребёнок попросил" in client.get("/inbox/").get_data(as_text=True)
    opened = client.get(f"/inbox/{told[0].id}")
    assert opened.headers["Location"] == f"/support/{request.id}"
    page = client.get(f"/support/{request.id}").get_data(as_text=True)
    assert child.person.full_name in page and SECRET_TOPIC in page
    assert child.person.full_name in client.get("/support/").get_data(as_text=True)


@pytest.mark.clause("s8")
def test_a_mentee_of_16_asks_alone_and_the_parent_reads_nothing(client, login, make_account, make_person,
                                                                 psychologist, conn):
    parent = make_account("parent", person=make_person(kind="parent", sex="f", birth_date=date(1985, 1, 1)))
    child = _child(make_person, make_account, born=AGED_16, parent=parent)
    login(child.login)
    assert "Вам ещё нет 15 лет" not in client.get("/support/ask").get_data(as_text=True)
    assert client.post("/support/ask", {"topic": SECRET_TOPIC}).status_code == 303
    request = SupportRequest.get()
    assert not request.parents_see
    assert not Notification.select().where(Notification.kind == "support.child_asked").exists()
    switch_to(client, login, parent)
    assert client.get(f"/support/{request.id}").status_code == 404
    assert child.person.full_name not in client.get("/support/").get_data(as_text=True)


@pytest.mark.clause("s8")
def test_a_parent_asks_for_their_child(client, login, make_account, make_person, psychologist, conn):
    parent = make_account("parent", person=make_person(kind="parent", sex="f", birth_date=date(1985, 1, 1)))
    child = _child(make_person, make_account, born=AGED_16, parent=parent)
    stranger = make_person(birth_date=UNDER_15)
    login(parent.login)
    form = client.get("/support/ask").get_data(as_text=True)
    assert f"для ребёнка: {child.person.full_name}" in form and "для себя" in form
    refused = client.post("/support/ask", {"about": str(stranger.id), "topic": ""})
    assert refused.status_code == 422 and field_errors(refused, "about") == [
        "Выберите, для кого нужна поддержка, из списка."]
    assert client.post("/support/ask", {"about": str(child.person_id), "topic": SECRET_TOPIC}).status_code == 303
    request = SupportRequest.get()
    assert (request.asked_by_id, request.about_id, request.asked_as) == (parent.person_id, child.person_id, "parent")
    # The child the support is for reads it too; who asked is named, as the parent acting for the child (s8).
    acted = f"родитель ({parent.person.short_name}) за ученика"
    switch_to(client, login, child)
    page = client.get(f"/support/{request.id}").get_data(as_text=True)
    assert acted in page and SECRET_TOPIC in page
    assert acted in client.get("/support/").get_data(as_text=True)
    switch_to(client, login, psychologist)
    assert acted in client.get("/psychologist/").get_data(as_text=True)
    assert acted in client.get(f"/support/{request.id}").get_data(as_text=True)


# --- confidentiality -------------------------------------------------------------------------------------------

@pytest.mark.quality("privacy")
@pytest.mark.parametrize("reader", ["coordinator", "curator", "mentor of the pair", "class_teacher",
                                    "psychologist of another school"])
def test_nobody_else_reads_a_request(client, login, login_as, make_account, pair, other_school, conn, reader):
    mentee = pair["mentee"]
    request = support.ask(mentee, None, SECRET_TOPIC, "")
    if reader == "mentor of the pair":
        login(pair["mentor"].login)
    elif reader == "psychologist of another school":
        person = Person.create(school=other_school, kind="staff", sex="f", surname="Другая", first_name="Анна",
                               birth_date=date(1980, 1, 1))
        account = accounts.create_account(None, person, "other-psychologist")
        accounts.grant_role(None, account, "psychologist")
        Account.update(password_hash=passwords.hash_password(PASSWORD)).where(Account.id == account.id).execute()
        login("other-psychologist")
    else:
        login_as(reader)
    notes = SupportNote.select().count()
    for url in (f"/support/{request.id}",):
        response = client.get(url)
        assert response.status_code == 404 and SECRET_TOPIC not in response.get_data(as_text=True)
    for url in (f"/support/{request.id}/contact", f"/support/{request.id}/close"):
        assert client.post(url, {"note": "x"}).status_code == 404
    assert SupportRequest.get_by_id(request.id).status == "new" and SupportNote.select().count() == notes


@pytest.mark.quality("privacy")
def test_the_coordinator_sees_counts_by_month_and_form_only(client, login_as, pair, make_account, conn):
    support.ask(pair["mentee"], None, SECRET_TOPIC, "")
    support.ask(pair["mentor"], None, "", "")
    login_as("coordinator")
    page = client.get("/coordinator/psychologists").get_data(as_text=True)
    counts = page[page.index("Обращения за"):]
    assert "«Учитель – учитель»" in counts and SECRET_TOPIC not in page
    assert pair["mentee"].person.full_name not in counts and pair["mentor"].person.full_name not in counts
    counted = support.counts(scope_for(make_account("coordinator")))
    assert counted.total == 2
    assert [row[1][pair["format"].id] for row in counted.months] == [2]


# --- query counts ------------------------------------------------------------------------------------------------

@pytest.mark.quality("query count")
def test_the_lists_cost_the_same_whatever_their_length(client, login, make_account, make_person, pair,
                                                        psychologist, conn):
    parent = make_account("parent", person=make_person(kind="parent", sex="f", birth_date=date(1985, 1, 1)))

    def measure(account, url):
        client.post("/logout", {})
        client.token = None
        login(account.login)
        client.get(url)
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def more(n):
        for _ in range(n):
            child = _child(make_person, make_account, parent=parent)
            support.ask(child, None, "", "")
            support.ask(parent, child.person_id, "", "")

    more(1)
    first = {url: measure(account, url) for account, url in ((parent, "/support/"), (psychologist, "/psychologist/"),
                                                             (psychologist, "/psychologist/?state=all"))}
    more(4)
    again = {url: measure(account, url) for account, url in ((parent, "/support/"), (psychologist, "/psychologist/"),
                                                             (psychologist, "/psychologist/?state=all"))}
    assert again == first


@pytest.mark.clause("s6")
def test_the_form_says_when_the_school_has_no_psychologist_yet(client, login_as, conn):
    login_as("mentor")
    assert "Педагог-психолог в портале пока не назначен" in client.get("/support/ask").get_data(as_text=True)
