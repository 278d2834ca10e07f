"""Who may change whom (DECISIONS.md; issue 10, item 1): a curator acts only on the people of their own
forms, a guardian link a curator makes waits for the coordinator, and a new code for an account that has
a password is the coordinator's reset, with a reason, the person's sessions ended and told at next login.

`login_as("curator")` curates the first format, «Ученик – ученик», only.
"""
from datetime import date

import pytest

from portal.models import (
    Account, AuditEvent, BaseMembership, Guardianship, Invitation, MentoringFormat, Mentorship, MentorshipMember,
    Person, RoleGrant,
)
from portal.models.base import utcnow
from portal.formatting import by_sex
from tests.conftest import PortalClient, field_errors
from tests.factories import PASSWORD
from tests.querycount import count_queries

BIRTH_CERTIFICATE = "свидетельство о рождении II-ГР № 654321 от 12.03.2014"
NEW_PASSWORD = "a brand new secret"
INTRUDER = {"surname": "Подставная", "first_name": "Мария", "sex": "f", "basis": "родитель"}


def text(response) -> str:
    return response.get_data(as_text=True)


def minor():
    return date(date.today().year - 12, 3, 1)


def writes():
    """Everything a takeover would leave behind."""
    return (Person.select().count(), Guardianship.select().count(), Invitation.select().count(),
            Account.select().count(), RoleGrant.select().count(), AuditEvent.select().count())


def in_base(person, fmt, base="mentee"):
    return BaseMembership.create(mentoring_format=fmt, person=person, base=base, status="awaiting_consent")


@pytest.fixture
def formats(school):
    ours, theirs = list(MentoringFormat.of_school(school))[:2]
    return ours, theirs


@pytest.fixture
def browser(app):
    """Another person's browser, signed in while staff work in theirs."""
    def make():
        return PortalClient(app.test_client())
    return make


def sign_in(client, login_name, password=PASSWORD):
    client.get("/login")
    response = client.post("/login", {"login": login_name, "password": password})
    assert response.status_code == 303, text(response)
    return response


def slip_code(response) -> str:
    return text(response).split('id="invitation-code">')[1].split("<")[0]


def redeem(client, code, password=NEW_PASSWORD):
    client.get("/invitation")
    return client.post("/invitation", {"code": code, "password": password, "confirm": password})


@pytest.fixture
def other_forms_family(make_person, make_account, formats):
    """A mentee of the second format and their parent, whose account is in use."""
    child = make_person(kind="student", surname="Чужаков", first_name="Пётр", birth_date=minor())
    in_base(child, formats[1])
    parent = make_person(kind="parent", sex="f", surname="Чужакова", first_name="Анна", birth_date=date(1985, 4, 1))
    Guardianship.create(parent=parent, child=child, basis="родитель", confirmed_at=utcnow())
    account = make_account("parent", person=parent, acknowledged=True)
    return {"child": child, "parent": parent, "account": account}


# --- the two takeovers of issue 10 --------------------------------------------------------------

@pytest.mark.quality("access")
def test_a_curator_cannot_link_a_parent_to_a_child_of_another_form(client, login_as, other_forms_family):
    child = other_forms_family["child"]
    login_as("curator")
    before = writes()
    response = client.post(f"/staff/people/{child.id}/guardians", INTRUDER)
    assert response.status_code == 404 and "Страница не найдена" in text(response)
    assert writes() == before
    assert not Person.select().where(Person.surname == "Подставная").exists()


@pytest.mark.quality("access")
def test_a_curator_cannot_reissue_the_code_of_another_forms_parent(client, browser, login_as, other_forms_family):
    """Path 2 of the issue: the code would have set a new password and logged the real parent out."""
    parent_browser = browser()
    sign_in(parent_browser, other_forms_family["account"].login)
    assert parent_browser.get("/parent/").status_code == 200
    login_as("curator")
    before = writes()
    response = client.post(f"/staff/people/{other_forms_family['parent'].id}/invitation")
    assert response.status_code == 404
    assert writes() == before
    assert parent_browser.get("/parent/").status_code == 200  # the real parent is still signed in


@pytest.mark.quality("access")
def test_a_curator_cannot_reset_the_password_of_a_parent_of_their_own_form_either(
        client, browser, login_as, make_person, make_account, formats):
    child = make_person(kind="student", birth_date=minor())
    in_base(child, formats[0])
    parent = make_person(kind="parent", sex="f", birth_date=date(1985, 1, 1))
    Guardianship.create(parent=parent, child=child, confirmed_at=utcnow())
    account = make_account("parent", person=parent, acknowledged=True)
    parent_browser = browser()
    sign_in(parent_browser, account.login)
    login_as("curator")
    card = text(client.get(f"/staff/people/{parent.id}"))
    assert "сбрасывает пароль только координатор" in card and "Сбросить пароль" not in card
    before = writes()
    assert client.post(f"/staff/people/{parent.id}/invitation", {"reason": "забыла пароль"}).status_code == 404
    assert writes() == before
    assert parent_browser.get("/parent/").status_code == 200


@pytest.mark.quality("access")
@pytest.mark.parametrize("where", ["card", "agreement", "unlink"])
def test_outside_their_circle_a_curator_meets_not_found(client, login_as, make_person, other_forms_family, where):
    login_as("curator")
    if where == "card":
        url = f"/staff/people/{other_forms_family['child'].id}"
    elif where == "agreement":
        url = f"/staff/people/{make_person(kind='external', birth_date=date(1979, 6, 1)).id}/agreement.pdf"
    else:
        link = Guardianship.get(Guardianship.child == other_forms_family["child"])
        url = f"/staff/guardianships/{link.id}/remove"
        before = writes()
        assert client.post(url).status_code == 404
        assert writes() == before and Guardianship.get_by_id(link.id).confirmed_at is not None
    assert client.get(url).status_code == 404


@pytest.mark.quality("access")
def test_the_circle_is_bases_pairs_and_confirmed_parents(client, login_as, make_person, formats, school):
    ours = formats[0]
    member = make_person(kind="student", birth_date=minor())
    in_base(member, ours)
    left = make_person(kind="student", birth_date=minor())
    BaseMembership.create(mentoring_format=ours, person=left, base="mentee", status="left")
    mentor, mentee = make_person(kind="student"), make_person(kind="student", birth_date=minor())
    pair = Mentorship.create(mentoring_format=ours, mentor=mentor, status="active")
    MentorshipMember.create(mentorship=pair, mentee=mentee)
    confirmed_parent, pending_parent = make_person(kind="parent", sex="f"), make_person(kind="parent", sex="f")
    Guardianship.create(parent=confirmed_parent, child=mentee, confirmed_at=utcnow())
    Guardianship.create(parent=pending_parent, child=member, status="pending", requested_at=utcnow())
    login_as("curator")
    for person in (member, mentor, mentee, confirmed_parent):
        assert client.get(f"/staff/people/{person.id}").status_code == 200, person.surname
    for person in (left, pending_parent):
        assert client.get(f"/staff/people/{person.id}").status_code == 404, person.surname


@pytest.mark.quality("access")
def test_the_roster_shows_a_curator_every_name_but_a_card_only_within_their_circle(
        client, login_as, make_person, formats):
    ours = in_base(make_person(kind="student", surname="Своев", birth_date=minor()), formats[0]).person
    theirs = in_base(make_person(kind="student", surname="Чужаков", birth_date=minor()), formats[1]).person
    login_as("curator")
    page = text(client.get("/staff/people", headers={"HX-Request": "true"}))
    assert f'href="/staff/people/{ours.id}"' in page
    assert theirs.full_name in page and f'href="/staff/people/{theirs.id}"' not in page
    assert f"{theirs.full_name} <span class=\"muted\">· вне ваших форм</span>" in page


@pytest.mark.quality("query count")
def test_the_curators_roster_costs_the_same_number_of_queries_for_few_and_many(
        client, login_as, make_person, formats):
    def add(count):
        for _ in range(count):
            in_base(make_person(kind="student", birth_date=minor()), formats[count % 2])
    login_as("curator")
    add(2)
    client.get("/staff/people")
    with count_queries() as few:
        client.get("/staff/people")
    add(30)
    with count_queries() as many:
        client.get("/staff/people")
    assert len(few) == len(many), many


# --- a curator's link waits for the coordinator ---------------------------------------------------

@pytest.fixture
def family(make_person, make_account, formats):
    """A mentee of the curator's form and a parent with an account that has no role yet."""
    child = make_person(kind="student", surname="Иванов", first_name="Пётр", birth_date=minor())
    in_base(child, formats[0])
    mother = make_person(kind="parent", sex="f", surname="Иванова", first_name="Ольга", patronymic="Николаевна",
                         birth_date=date(1985, 4, 12))
    account = make_account(person=mother, acknowledged=True)
    return {"child": child, "mother": mother, "account": account}


def curator_links(client, family):
    client.get(f"/staff/people/{family['child'].id}")
    response = client.post(f"/staff/people/{family['child'].id}/guardians",
                           {"parent_id": family["mother"].id, "basis": "родитель"})
    assert response.status_code == 303
    return Guardianship.get((Guardianship.parent == family["mother"]) & (Guardianship.child == family["child"]))


def parent_sees_nothing(browser, family):
    parent_browser = browser()
    sign_in(parent_browser, family["account"].login)
    home = parent_browser.get("/parent/")
    assert home.status_code == 403  # no parent role: the parent area is not theirs
    assert parent_browser.get(f"/consent/{family['child'].id}/parent_mentee").status_code == 404
    assert Account.get_by_id(family["account"].id).role_names() == []


@pytest.mark.clause("4.11", "2.7")
def test_a_curators_link_gives_the_parent_no_view_no_signature_and_no_role(client, browser, login_as, family):
    login_as("curator")
    link = curator_links(client, family)
    assert link.status == "pending" and link.confirmed_at is None and link.requested_by_id is not None
    card = text(client.get(f"/staff/people/{family['child'].id}"))
    assert "Ожидают подтверждения координатора" in card and "Иванова Ольга" in card
    assert "подтвердить связь" not in card  # a curator cannot confirm their own link
    invite = client.post(f"/staff/people/{family['mother'].id}/invitation")
    assert invite.status_code == 404  # the mother is not the curator's until the coordinator confirms
    parent_sees_nothing(browser, family)
    assert AuditEvent.get(AuditEvent.action == "guardianship.requested").object_id == link.id


@pytest.mark.clause("4.11", "2.6")
def test_the_coordinator_confirms_a_curators_link_with_the_document_seen(
        client, browser, login_as, login, make_account, family):
    login_as("curator")
    link = curator_links(client, family)
    coordinator = make_account("coordinator", acknowledged=True)
    staff = browser()
    sign_in(staff, coordinator.login)
    page = staff.get("/coordinator/guardianships")
    assert page.status_code == 200 and "Иванова Ольга Николаевна" in text(page) and "Иванов Пётр" in text(page)

    card = text(staff.get(f"/staff/people/{family['child'].id}"))  # the same forms sit on the child's card
    seen = by_sex(coordinator.person, "Документ видел", "Документ видела")  # in the coordinator's own gender
    assert "Ожидают подтверждения координатора" in card and f"{seen} — подтвердить связь" in card
    refused = staff.post(f"/coordinator/guardianships/{link.id}/confirm", {"document": " "})
    assert refused.status_code == 422
    assert f'id="document-{link.id}-error">Укажите документ, который вы видели' in text(refused)
    assert Guardianship.get_by_id(link.id).status == "pending"
    parent_sees_nothing(browser, family)

    done = staff.post(f"/coordinator/guardianships/{link.id}/confirm", {"document": BIRTH_CERTIFICATE, "back": "card"})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/staff/people/{family['child'].id}#guardians")
    link = Guardianship.get_by_id(link.id)
    assert link.status == "confirmed" and link.confirmed_by_id == coordinator.person_id
    assert link.document == BIRTH_CERTIFICATE
    assert Account.get_by_id(family["account"].id).role_names() == ["parent"]
    event = AuditEvent.get(AuditEvent.action == "guardianship.confirmed")
    assert event.actor_id == coordinator.person_id and BIRTH_CERTIFICATE in event.details
    card = text(staff.get(f"/staff/people/{family['child'].id}"))
    confirmed = by_sex(coordinator.person, "подтвердил", "подтвердила")
    assert BIRTH_CERTIFICATE in card and f"координатор {confirmed} связь родителя и ребёнка, сверив документ" in card

    parent_browser = browser()
    sign_in(parent_browser, family["account"].login)
    assert "Пётр" in text(parent_browser.get("/parent/"))
    assert staff.post(f"/coordinator/guardianships/{link.id}/confirm",
                      {"document": BIRTH_CERTIFICATE}).status_code == 404  # decided already


@pytest.mark.clause("4.11", "2.6")
def test_the_coordinator_rejects_a_curators_link_saying_why(client, browser, login_as, make_account, family):
    login_as("curator")
    link = curator_links(client, family)
    staff = browser()
    sign_in(staff, make_account("coordinator", acknowledged=True).login)
    staff.get("/coordinator/guardianships")
    refused = staff.post(f"/coordinator/guardianships/{link.id}/reject", {"reason": ""})
    assert refused.status_code == 422 and "Укажите, почему связь не подтверждена." in text(refused)
    assert staff.post(f"/coordinator/guardianships/{link.id}/reject",
                      {"reason": "свидетельство на другого ребёнка"}).status_code == 303
    link = Guardianship.get_by_id(link.id)
    assert link.status == "rejected" and link.confirmed_at is None
    assert link.rejection_reason == "свидетельство на другого ребёнка"
    assert "Запросов нет" in text(staff.get("/coordinator/guardianships"))
    parent_sees_nothing(browser, family)
    # The curator may ask again (a new document): the same row waits once more.
    assert curator_links(client, family).status == "pending"


@pytest.mark.quality("validation")
def test_a_second_request_for_the_same_link_is_refused_beside_the_field(client, login_as, family):
    login_as("curator")
    curator_links(client, family)
    before = writes()
    response = client.post(f"/staff/people/{family['child'].id}/guardians",
                           {"parent_id": family["mother"].id, "basis": "родитель"})
    assert response.status_code == 422
    assert field_errors(response, "parent_id") == ["Иванова Ольга Николаевна: связь уже ожидает подтверждения "
                                                   "координатора."]
    assert writes() == before


@pytest.mark.clause("4.11", "4.5")
def test_a_curators_import_with_parent_columns_leaves_the_links_waiting(client, login_as, formats, school):
    from tests.staff.test_roster import PARENT_HEADER, commit, csv_file, upload
    login_as("curator")
    year = date.today().year
    data = csv_file(PARENT_HEADER, f"Иванов;Пётр;Сергеевич;м;01.03.{year - 12};7Б;Иванова;Ольга;Николаевна;"
                                   "+7 910 123-45-67")
    preview = upload(client, data, mentoring_format=str(formats[0].id), base="mentee")
    assert "ждут подтверждения координатора" in text(preview)
    assert commit(client).status_code == 303
    [link] = Guardianship.select()
    assert link.status == "pending" and link.confirmed_at is None and link.requested_by_id is not None


@pytest.mark.quality("query count")
def test_the_pending_list_costs_the_same_number_of_queries_for_one_and_ten_links(
        client, login_as, make_person, formats):
    def request_links(count):
        for _ in range(count):
            child = make_person(kind="student", birth_date=minor())
            Guardianship.create(parent=make_person(kind="parent", sex="f"), child=child, status="pending",
                                requested_at=utcnow())
    login_as("coordinator")
    request_links(1)
    client.get("/coordinator/guardianships")
    with count_queries() as few:
        client.get("/coordinator/guardianships")
    request_links(9)
    with count_queries() as many:
        page = client.get("/coordinator/guardianships")
    assert text(page).count('class="card guardian-request"') == 10
    assert len(few) == len(many), many


# --- a reset is the coordinator's, with a reason --------------------------------------------------

@pytest.fixture
def parent_in_use(make_person, make_account, formats):
    child = make_person(kind="student", birth_date=minor())
    in_base(child, formats[0])
    parent = make_person(kind="parent", sex="f", surname="Смирнова", first_name="Ирина", birth_date=date(1985, 1, 1))
    Guardianship.create(parent=parent, child=child, confirmed_at=utcnow())
    return make_account("parent", person=parent, acknowledged=True)


@pytest.mark.quality("security")
def test_a_reset_without_a_reason_is_refused_beside_the_field_and_changes_nothing(
        client, browser, login_as, parent_in_use):
    parent_browser = browser()
    sign_in(parent_browser, parent_in_use.login)
    login_as("coordinator")
    client.get(f"/staff/people/{parent_in_use.person_id}")
    before = writes()
    response = client.post(f"/staff/people/{parent_in_use.person_id}/invitation", {"reason": "  "})
    assert response.status_code == 422
    assert field_errors(response, "reason") == ["Укажите причину сброса пароля: она останется в журнале."]
    assert writes() == before
    assert parent_browser.get("/parent/").status_code == 200


@pytest.mark.quality("security")
def test_a_reset_ends_the_persons_sessions_and_they_are_told_who_and_when(
        client, browser, login_as, parent_in_use):
    parent_browser = browser()
    sign_in(parent_browser, parent_in_use.login)
    coordinator = login_as("coordinator")
    slip = client.post(f"/staff/people/{parent_in_use.person_id}/invitation", {"reason": "забыла пароль"})
    assert slip.status_code == 200
    event = AuditEvent.get(AuditEvent.action == "password.reset")
    assert event.actor_id == coordinator.person_id and "забыла пароль" in event.details
    assert parent_browser.get("/parent/").status_code == 302  # the old session ended at once

    # The old password still opens the account until the code is used; the first login says who reset it.
    sign_in(parent_browser, parent_in_use.login)
    page = text(parent_browser.get("/parent/"))
    reset = by_sex(coordinator.person, "сбросил", "сбросила")
    assert f"Пароль к вашей учётной записи {reset} координатор {coordinator.person.short_name}" in page
    assert "Если вы об этом не просили, сообщите в школу." in page
    parent_browser.post("/logout", {})
    sign_in(parent_browser, parent_in_use.login)
    assert f"{reset} координатор" not in text(parent_browser.get("/parent/"))  # told once

    new_browser = browser()
    assert redeem(new_browser, slip_code(slip)).status_code == 303
    assert parent_browser.get("/parent/").status_code == 302  # redeeming ends the other sessions too
    card = text(client.get(f"/staff/people/{parent_in_use.person_id}"))
    assert f"координатор {reset} пароль и {by_sex(coordinator.person, 'выдал', 'выдала')} новое приглашение" in card


@pytest.mark.quality("security")
def test_the_person_redeeming_a_reset_code_sees_who_reset_the_password(client, browser, login_as, parent_in_use):
    coordinator = login_as("coordinator")
    slip = client.post(f"/staff/people/{parent_in_use.person_id}/invitation", {"reason": "забыла пароль"})
    new_browser = browser()
    assert redeem(new_browser, slip_code(slip)).status_code == 303
    page = text(new_browser.get("/regulation"))
    assert f"{by_sex(coordinator.person, 'сбросил', 'сбросила')} координатор {coordinator.person.short_name}" in page


@pytest.mark.quality("security")
def test_the_coordinators_account_list_asks_the_reason_of_a_reset_too(client, browser, login_as, parent_in_use):
    login_as("coordinator")
    accounts_page = text(client.get("/coordinator/accounts"))
    assert f'href="/coordinator/accounts/{parent_in_use.id}/invitation">Сбросить пароль…' in accounts_page
    page = client.get(f"/coordinator/accounts/{parent_in_use.id}/invitation")
    assert page.status_code == 200 and "Сбросить пароль?" in text(page)
    before = writes()
    refused = client.post(f"/coordinator/accounts/{parent_in_use.id}/invitation", {})
    assert refused.status_code == 422
    assert field_errors(refused, "reason") == ["Укажите причину сброса пароля: она останется в журнале."]
    assert writes() == before
    slip = client.post(f"/coordinator/accounts/{parent_in_use.id}/invitation", {"reason": "потерян телефон"})
    assert slip.status_code == 200 and 'id="invitation-code"' in text(slip)
    assert "потерян телефон" in AuditEvent.get(AuditEvent.action == "password.reset").details
    assert Account.get_by_id(parent_in_use.id).session_version == parent_in_use.session_version + 1


@pytest.mark.quality("security")
def test_a_first_invitation_reissued_needs_no_reason(client, login_as, make_person, make_account, formats):
    person = make_person(kind="student", birth_date=minor())
    in_base(person, formats[0])
    login_as("curator")
    first = client.post(f"/staff/people/{person.id}/invitation")
    assert first.status_code == 200
    again = client.post(f"/staff/people/{person.id}/invitation")  # lost slip, code never used
    assert again.status_code == 200 and slip_code(again) != slip_code(first)
    assert not AuditEvent.select().where(AuditEvent.action == "password.reset").exists()
