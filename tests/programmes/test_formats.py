"""Mentoring formats (5.1) and their curators appointed by the director's order (4.3, 2.7)."""
import re
from datetime import date

import pytest

from portal.models import Account, Appointment, MentoringFormat, Order, Programme, RoleGrant
from portal.services import accounts
from tests.conftest import field_errors
from tests.programmes.helpers import events, text
from tests.querycount import count_queries

ADULT_BORN = date(1980, 2, 3)
ORDER_SIGNED = {"number": "112-к", "dated_on": "2026-01-12"}


@pytest.fixture
def coordinator(login_as):
    return login_as("coordinator")


def section(response, fmt) -> str:
    """The format's card on the formats page."""
    match = re.search(rf'<section class="card" id="format-{fmt.id}">(.*?)</section>', text(response), re.S)
    return match.group(1) if match else ""


def appoint(client, fmt, person, **fields):
    return client.post(f"/coordinator/formats/{fmt.id}/curators/new",
                       {"person": str(getattr(person, "id", person)), **fields})


def curator_of(fmt, make_account, make_person, **kw):
    """An account holding only the curator role of this format (appointed by order)."""
    account = make_account(person=make_person(kind="staff", birth_date=ADULT_BORN, **kw))
    accounts.grant_role(None, account, "curator", fmt, order_number="7", order_date=date(2026, 1, 1))
    return account


# --- formats (5.1) ----------------------------------------------------------------------------------

@pytest.mark.clause("5.1")
def test_the_coordinator_sees_the_three_standard_formats(client, coordinator, formats):
    page = client.get("/coordinator/formats")
    assert page.status_code == 200
    for fmt in formats.values():
        assert f"«{fmt.name}»" in section(page, fmt)
    assert "Куратор не назначен." in section(page, formats["Учитель – учитель"])
    assert "Программы пока нет." in section(page, formats["Учитель – учитель"])


@pytest.mark.clause("5.1")
def test_the_coordinator_adds_a_format_of_the_schools_own(client, coordinator, school):
    assert client.get("/coordinator/formats/new").status_code == 200
    response = client.post("/coordinator/formats/new", {
        "name": "Работодатель – ученик", "description": "Профориентация старшеклассников",
        "mentor_kind": "external", "mentee_kind": "student"})
    assert response.status_code == 303
    fmt = MentoringFormat.get(MentoringFormat.name == "Работодатель – ученик")
    assert (fmt.school_id, fmt.mentor_kind, fmt.mentee_kind, fmt.is_active) == (school.id, "external", "student", True)
    page = client.get(response.headers["Location"])
    assert "Добавлена форма «Работодатель – ученик»" in text(page)
    card = section(page, fmt)
    assert "Профориентация старшеклассников" in card and "Наставники: внешние участники" in card
    assert [e.object_id for e in events("format.created")] == [fmt.id]
    assert events("format.created")[0].actor_id == coordinator.person_id


@pytest.mark.quality("validation")
@pytest.mark.parametrize("fields,field,message", [
    ({"name": ""}, "name", "Заполните это поле."),
    ({"name": "ученик – УЧЕНИК"}, "name", "уже есть"),
    ({"name": "x" * 101}, "name", "Не длиннее 100"),
    ({"name": "Со\x00бой"}, "name", "недопустимые"),
    ({"mentee_kind": "parent"}, "mentee_kind", "обучающиеся или педагоги"),
    ({"mentor_kind": "director"}, "mentor_kind", "кто будет наставниками"),
])
def test_a_bad_format_is_refused_beside_its_field(client, coordinator, school, fields, field, message):
    data = {"name": "Студент – ученик", "description": "", "mentor_kind": "student", "mentee_kind": "student"}
    response = client.post("/coordinator/formats/new", {**data, **fields})
    assert response.status_code == 422
    assert any(message in m for m in field_errors(response, field))
    assert MentoringFormat.of_school(school).count() == 3 and not events("format.created")


@pytest.mark.clause("5.1")
def test_the_coordinator_renames_a_format(client, coordinator, formats):
    fmt = formats["Учитель – ученик"]
    page = client.get(f"/coordinator/formats/{fmt.id}/edit")
    assert page.status_code == 200 and 'value="Учитель – ученик"' in text(page)
    clash = client.post(f"/coordinator/formats/{fmt.id}/edit", {"name": "Учитель – учитель"})
    assert clash.status_code == 422 and field_errors(clash, "name")
    response = client.post(f"/coordinator/formats/{fmt.id}/edit",
                           {"name": "Педагог – ученик", "description": "Предметное наставничество"})
    assert response.status_code == 303
    renamed = MentoringFormat.get_by_id(fmt.id)
    assert (renamed.name, renamed.description, renamed.mentor_kind) == (
        "Педагог – ученик", "Предметное наставничество", "staff")
    assert events("format.updated")[0].details_dict["name_before"] == "Учитель – ученик"


@pytest.mark.clause("5.1")
def test_closing_a_format_asks_first_and_keeps_it(client, coordinator, formats):
    fmt = formats["Ученик – ученик"]
    url = f"/coordinator/formats/{fmt.id}/deactivate"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Закрыть форму «Ученик – ученик»?" in text(confirm)
    assert MentoringFormat.get_by_id(fmt.id).is_active  # a GET changes nothing
    assert client.post(url, {}, csrf=False).status_code == 400
    assert MentoringFormat.get_by_id(fmt.id).is_active
    assert client.post(url).status_code == 303
    assert client.post(url).status_code == 303  # a second click changes nothing more
    assert not MentoringFormat.get_by_id(fmt.id).is_active
    assert len(events("format.deactivated")) == 1
    card = section(client.get("/coordinator/formats"), fmt)
    assert "закрыта" in card and "Назначить куратора" not in card

    assert client.post(f"/coordinator/formats/{fmt.id}/activate").status_code == 303
    assert MentoringFormat.get_by_id(fmt.id).is_active and len(events("format.activated")) == 1


@pytest.mark.quality("access")
def test_another_schools_format_is_not_found(client, coordinator, other_school):
    foreign = MentoringFormat.of_school(other_school).first()
    for url in (f"/coordinator/formats/{foreign.id}/edit", f"/coordinator/formats/{foreign.id}/deactivate",
                f"/coordinator/formats/{foreign.id}/curators/new", f"/staff/formats/{foreign.id}/programme"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "Чужая"}).status_code == 404
    assert client.post(f"/coordinator/formats/{foreign.id}/activate").status_code == 404
    assert MentoringFormat.get_by_id(foreign.id).name == "Ученик – ученик"


# --- curators by order (4.3, 2.7) -------------------------------------------------------------------

@pytest.mark.clause("4.3")
def test_appointing_a_curator_drafts_the_order_and_grants_nothing_yet(client, coordinator, formats, make_person,
                                                                     make_account):
    fmt = formats["Учитель – учитель"]
    teacher = make_person(kind="staff", sex="f", surname="Орлова", birth_date=ADULT_BORN, position="учитель химии")
    make_account("mentor", person=teacher)
    form = client.get(f"/coordinator/formats/{fmt.id}/curators/new")
    assert form.status_code == 200 and "Орлова Анна Сергеевна — учитель химии" in text(form)

    response = appoint(client, fmt, teacher)
    assert response.status_code == 303
    order = Order.get(Order.kind == "appointment")
    assert response.headers["Location"].endswith(f"/coordinator/orders/{order.id}") and order.status == "draft"
    assert not RoleGrant.select().where(RoleGrant.role == "curator").exists()
    card = section(client.get("/coordinator/formats"), fmt)
    assert "Орлова Анна Сергеевна" in card and "назначение ждёт приказа" in card
    event = events("curator.proposed")[0]
    assert event.object_id == fmt.id and event.actor_id == coordinator.person_id
    assert event.details_dict == {"person": teacher.id, "order": order.id}
    again = appoint(client, fmt, teacher)
    assert again.status_code == 422 and "ждёт приказа" in field_errors(again, "person")[0]
    assert Appointment.select().count() == 1


@pytest.mark.clause("2.7")
def test_a_curator_is_staff_or_from_a_partner_organisation(client, coordinator, formats, make_person):
    fmt = formats["Ученик – ученик"]
    pupil = make_person(kind="student")
    refused = appoint(client, fmt, pupil)
    assert refused.status_code == 422 and "п. 2.7" in field_errors(refused, "person")[0]
    assert field_errors(appoint(client, fmt, ""), "person") == ["Выберите человека из списка."]
    assert appoint(client, fmt, 999999).status_code == 404
    partner = make_person(kind="external", birth_date=ADULT_BORN, organisation="ООО «Вектор»")
    assert appoint(client, fmt, partner).status_code == 303
    assert Appointment.get().person_id == partner.id


def test_a_person_without_an_account_gets_one_and_then_an_invitation(client, coordinator, formats, make_person):
    fmt = formats["Ученик – ученик"]
    teacher = make_person(kind="staff", birth_date=ADULT_BORN, surname="Белова", sex="f")
    response = appoint(client, fmt, teacher)
    assert response.status_code == 303
    assert not Account.select().where(Account.person == teacher).exists()  # nothing until the order is signed
    order = Order.get(Order.kind == "appointment")
    registered = client.post(f"/coordinator/orders/{order.id}/register", ORDER_SIGNED)
    assert registered.status_code == 303
    account = Account.get(Account.person == teacher)
    assert account.role_names() == ["curator"] and account.password_hash == ""
    slip = client.post(f"/staff/people/{teacher.id}/invitation")
    assert slip.status_code == 200 and account.login in text(slip)


@pytest.mark.quality("access")
def test_someone_from_another_school_is_not_appointed(client, coordinator, formats, other_school):
    from portal.models import Person
    stranger = Person.create(school=other_school, kind="staff", surname="Чужой", first_name="Пётр", sex="m")
    assert appoint(client, formats["Ученик – ученик"], stranger).status_code == 404
    assert not RoleGrant.select().where(RoleGrant.role == "curator").exists()
    assert not Appointment.select().exists()


@pytest.mark.quality("access")
def test_the_appointed_curator_reaches_only_their_format(client, login, formats, make_account, make_person):
    own, other = formats["Учитель – учитель"], formats["Учитель – ученик"]
    curator = curator_of(own, make_account, make_person)
    login(curator.login)
    assert client.get(f"/staff/formats/{own.id}/programme").status_code == 200
    assert client.get(f"/staff/bases/{own.id}").status_code == 200
    assert client.get(f"/staff/formats/{other.id}/programme").status_code == 404
    assert client.get(f"/staff/bases/{other.id}").status_code == 404
    listing = text(client.get("/staff/programmes"))
    assert "«Учитель – учитель»" in listing and "«Учитель – ученик»" not in listing
    assert client.get("/coordinator/formats").status_code == 403
    assert client.post(f"/coordinator/formats/{own.id}/curators/new",
                       {"person": str(curator.person_id)}).status_code == 403


@pytest.mark.clause("4.3")
def test_removing_a_curator_asks_first_and_ends_their_reach(client, login, formats, make_account, make_person):
    fmt = formats["Учитель – учитель"]
    curator = curator_of(fmt, make_account, make_person, surname="Зайцев")
    grant = RoleGrant.get((RoleGrant.account == curator) & (RoleGrant.role == "curator"))
    staff = make_account("coordinator")
    login(staff.login)
    url = f"/coordinator/formats/curators/{grant.id}/remove"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Снять Зайцева Ивана Сергеевича" in text(confirm) and "приказом № 7 от 1 января 2026 г." \
        in text(confirm)
    assert client.post(url, {}, csrf=False).status_code == 400
    assert RoleGrant.get_or_none(RoleGrant.id == grant.id) is not None
    assert client.post(url).status_code == 303
    assert RoleGrant.get_or_none(RoleGrant.id == grant.id) is None
    event = events("curator.removed")[0]
    assert event.object_id == fmt.id and event.details_dict["order_number"] == "7"
    assert client.post(url).status_code == 404  # already gone

    client.post("/logout")
    client.get("/login")
    login(curator.login)
    assert client.get(f"/staff/formats/{fmt.id}/programme").status_code == 403  # no staff role is left


@pytest.mark.quality("access")
def test_a_grant_of_another_school_is_not_found(client, coordinator, other_school, make_account):
    foreign_format = MentoringFormat.of_school(other_school).first()
    other = Account.get(Account.login == "other-coordinator")
    grant = accounts.grant_role(None, other, "curator", foreign_format, order_number="1", order_date=date(2026, 1, 1))
    url = f"/coordinator/formats/curators/{grant.id}/remove"
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404
    assert RoleGrant.get_or_none(RoleGrant.id == grant.id) is not None


# --- who may come here --------------------------------------------------------------------------------

@pytest.mark.quality("access")
@pytest.mark.parametrize("role", ["mentor", "mentee", "parent"])
def test_participants_have_no_formats_pages(client, login_as, formats, role):
    login_as(role)
    fmt = formats["Ученик – ученик"]
    for url in ("/coordinator/formats", "/coordinator/formats/new", f"/coordinator/formats/{fmt.id}/edit",
                f"/coordinator/formats/{fmt.id}/deactivate", f"/coordinator/formats/{fmt.id}/curators/new",
                "/staff/programmes", f"/staff/formats/{fmt.id}/programme"):
        assert client.get(url).status_code == 403, url
    assert client.post("/coordinator/formats/new", {"name": "Взлом", "mentor_kind": "student",
                                                    "mentee_kind": "student"}).status_code == 403
    assert client.post(f"/staff/formats/{fmt.id}/programme", {"title": "Взлом"}).status_code == 403
    assert MentoringFormat.select().count() == 3


@pytest.mark.quality("query count")
def test_the_formats_page_costs_the_same_for_more_formats(client, coordinator, school, make_account, make_person):
    def cost():
        with count_queries() as queries:
            assert client.get("/coordinator/formats").status_code == 200
        return len(queries)

    before = cost()
    for n in range(4):
        fmt = MentoringFormat.create(school=school, name=f"Форма {n}", mentor_kind="staff", mentee_kind="student")
        curator_of(fmt, make_account, make_person)
        Programme.create(mentoring_format=fmt, title=f"Программа {n}", starts_on=date(2026, 9, 1),
                         ends_on=date(2027, 5, 31), presented_teachers_council_on=date(2026, 8, 28))
    assert cost() == before
