"""The two bases of each format (4.4–4.10, 2.9): staff nominate, consent decides who takes part."""
import re
from datetime import date

import pytest

from portal.models import (
    Account, AuditEvent, BaseMembership, Guardianship, MembershipCategory, MentoringFormat, Mentorship,
    SchoolClass,
)
from portal.models.base import utcnow
from portal.models.bases import MENTOR_CATEGORIES, STUDENT_MENTEE_CATEGORIES, TEACHER_MENTEE_CATEGORIES
from portal.services import bases as base_rules
from portal.services import consent as consents
from portal.services.staff import scope_for
from tests.conftest import field_errors
from tests.factories import PASSWORD
from tests.querycount import count_queries

YEAR = date.today().year
CHILD_BORN = date(YEAR - 12, 3, 1)
ADULT_BORN = date(1985, 4, 12)
IDENTITY = {"identity_document": "паспорт 7801 123456, выдан ОВД Кировского района 01.02.2005",
            "address": "г. Ярославль, ул. Свободы, д. 1, кв. 2",
            "subject_document": "свидетельство о рождении II-ГР 654321",
            "subject_address": "г. Ярославль, ул. Свободы, д. 1, кв. 2"}


@pytest.fixture
def formats(school) -> dict[str, MentoringFormat]:
    return {f.name: f for f in MentoringFormat.of_school(school)}


@pytest.fixture
def pupils(formats):
    return formats["Ученик – ученик"]


@pytest.fixture
def teachers(formats):
    return formats["Учитель – учитель"]


@pytest.fixture
def teacher_student(formats):
    return formats["Учитель – ученик"]


@pytest.fixture
def coordinator(login_as):
    return login_as("coordinator")


def page_url(fmt) -> str:
    return f"/staff/bases/{fmt.id}"


def nominate_data(base, person, categories=(), **fields) -> dict:
    """The nomination form of one base as a browser sends it (its fields carry the base as a prefix)."""
    data = {"base": base, f"{base}-person": str(getattr(person, "id", person))}
    data.update({f"{base}-{name}": value for name, value in fields.items()})
    if categories:
        data[f"{base}-categories"] = list(categories)
    return data


def nominate(client, fmt, base, person, categories=(), htmx=False, **fields):
    return client.post(f"{page_url(fmt)}/nominate", nominate_data(base, person, categories, **fields), htmx=htmx)


def text(response) -> str:
    return response.get_data(as_text=True)


def row(response, membership) -> str:
    """The member's row on a bases page ('' when it is not shown)."""
    match = re.search(rf'<tr id="member-{membership.id}">(.*?)</tr>', text(response), re.S)
    return match.group(1) if match else ""


def membership_of(person, base="mentee") -> BaseMembership:
    return BaseMembership.get((BaseMembership.person == person) & (BaseMembership.base == base))


def sign_as_parent(make_person, make_account, child, kind="parent_mentee"):
    """A parent linked by the school accepts the e-signature agreement and signs for the child."""
    parent_person = make_person(kind="parent", sex="f", surname="Иванова", birth_date=ADULT_BORN)
    parent = make_account("parent", person=parent_person)
    Guardianship.create(parent=parent_person, child=child, confirmed_at=utcnow())
    consents.accept_esign_agreement(parent, PASSWORD, True)
    return consents.sign(parent, child.id, kind, password=PASSWORD, agree=True,
                         details=consents.SigningDetails(**IDENTITY))


def sign_for_self(make_account, person):
    account = make_account(person=person)
    consents.accept_esign_agreement(account, PASSWORD, True)
    return consents.sign(account, person.id, "adult_self", password=PASSWORD, agree=True,
                         details=consents.SigningDetails(IDENTITY["identity_document"], IDENTITY["address"]))


# --- nomination and consent ----------------------------------------------------------------------

@pytest.mark.clause("4.10")
def test_a_nominated_minor_waits_for_consent_and_may_not_take_part(client, coordinator, pupils, make_person):
    child = make_person(kind="student", surname="Соколов", birth_date=CHILD_BORN)
    response = nominate(client, pupils, "mentee", child, ["low_results"], needs="математика, 7 класс")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(page_url(pupils))

    membership = membership_of(child)
    assert membership.status == "awaiting_consent"
    assert not consents.may_take_part(child, "mentee")
    shown = row(client.get(page_url(pupils)), membership)
    assert "Соколов" in shown and "ожидает согласия" in shown
    assert "нет согласия родителя" in shown and "может участвовать" not in shown


@pytest.mark.clause("4.11")
def test_the_member_takes_part_once_a_parent_signs(client, coordinator, pupils, make_person, make_account):
    child = make_person(kind="student", surname="Соколов", birth_date=CHILD_BORN)
    nominate(client, pupils, "mentee", child)
    sign_as_parent(make_person, make_account, child)

    membership = membership_of(child)
    assert membership.status == "active"
    assert consents.may_take_part(child, "mentee")
    shown = row(client.get(page_url(pupils)), membership)
    assert "участвует" in shown and "может участвовать" in shown and "нет согласия" not in shown


@pytest.mark.clause("4.11")
def test_a_parents_consent_as_mentee_does_not_open_the_mentor_base(client, coordinator, pupils, make_person,
                                                                  make_account):
    child = make_person(kind="student", birth_date=CHILD_BORN)
    sign_as_parent(make_person, make_account, child, kind="parent_mentee")
    nominate(client, pupils, "mentor", child, ["student"])
    assert membership_of(child, "mentor").status == "awaiting_consent"


@pytest.mark.clause("4.11")
def test_an_adult_with_a_valid_consent_is_active_at_once(client, coordinator, teachers, make_person, make_account):
    teacher = make_person(kind="staff", sex="f", surname="Орлова", birth_date=ADULT_BORN)
    sign_for_self(make_account, teacher)
    response = nominate(client, teachers, "mentee", teacher, ["young_specialist"], needs="классное руководство")
    assert response.status_code == 303
    membership = membership_of(teacher)
    assert membership.status == "active"
    shown = row(client.get(page_url(teachers)), membership)
    assert "участвует" in shown and "может участвовать" in shown


# --- categories ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt_name,base,kind,code", [
    pytest.param("Ученик – ученик", "mentee", "student", "young_specialist", marks=pytest.mark.clause("4.6")),
    pytest.param("Учитель – учитель", "mentee", "staff", "gifted", marks=pytest.mark.clause("4.7")),
    pytest.param("Ученик – ученик", "mentor", "student", "gifted", marks=pytest.mark.clause("4.8")),
    pytest.param("Учитель – ученик", "mentor", "staff", "no_such_category", marks=pytest.mark.clause("4.8")),
])
def test_a_category_from_another_list_is_refused(client, coordinator, formats, make_person, fmt_name, base, kind,
                                                  code):
    person = make_person(kind=kind, birth_date=ADULT_BORN if kind == "staff" else CHILD_BORN)
    response = nominate(client, formats[fmt_name], base, person, [code])
    assert response.status_code == 422
    assert field_errors(response, f"{base}-categories") == ["Эта категория не относится к выбранной базе."]
    assert BaseMembership.select().count() == 0 and MembershipCategory.select().count() == 0


@pytest.mark.clause("4.6", "4.7", "4.8")
def test_each_base_offers_its_own_list_in_the_regulations_words(client, coordinator, pupils, teachers):
    page = text(client.get(page_url(pupils)))
    mentor_form = page[page.index('id="nominate-mentor"'):page.index('id="nominate-mentee"')]
    mentee_form = page[page.index('id="nominate-mentee"'):]
    assert all(title in mentor_form for _, title in MENTOR_CATEGORIES)
    assert all(title in mentee_form for _, title in STUDENT_MENTEE_CATEGORIES)
    assert "молодой специалист" not in page and "выдающиеся способности" not in mentor_form

    page = text(client.get(page_url(teachers)))
    assert all(title in page for _, title in TEACHER_MENTEE_CATEGORIES)
    assert "ограниченные возможности здоровья" not in page


@pytest.mark.clause("4.7")
def test_a_teacher_mentee_may_be_other_with_free_text(client, coordinator, teachers, make_person):
    teacher = make_person(kind="staff", birth_date=ADULT_BORN)
    refused = nominate(client, teachers, "mentee", teacher, ["other"])
    assert refused.status_code == 422
    assert field_errors(refused, "mentee-other_text") == ["Опишите категорию «другое»."]
    assert BaseMembership.select().count() == 0

    response = nominate(client, teachers, "mentee", teacher, ["burnout", "other"],
                        other_text="подготовка к аттестации")
    assert response.status_code == 303
    membership = membership_of(teacher)
    assert {c.code for c in membership.categories} == {"burnout", "other"}
    shown = row(client.get(page_url(teachers)), membership)
    assert "эмоциональное выгорание / хроническая усталость" in shown and "подготовка к аттестации" in shown


@pytest.mark.clause("2.9")
def test_a_grateful_alumnus_is_a_mentor_category(client, coordinator, teacher_student, make_person):
    alumnus = make_person(kind="external", surname="Волков", birth_date=date(2001, 6, 1))
    response = nominate(client, teacher_student, "mentor", alumnus, ["alumnus"], can_help_with="олимпиады по физике",
                        capacity="2")
    assert response.status_code == 303
    membership = membership_of(alumnus, "mentor")
    assert membership.capacity == 2
    shown = row(client.get(page_url(teacher_student)), membership)
    assert "выпускник" in shown and "олимпиады по физике" in shown


@pytest.mark.clause("4.8")
def test_who_may_be_a_mentor_follows_the_format(client, coordinator, teacher_student, pupils, make_person):
    student = make_person(kind="student", surname="Зайцев", birth_date=CHILD_BORN)
    parent = make_person(kind="parent", sex="f", surname="Лебедева", birth_date=ADULT_BORN)
    page = text(client.get(page_url(teacher_student)))
    mentor_form = page[page.index('id="nominate-mentor"'):page.index('id="nominate-mentee"')]
    assert "Лебедева" in mentor_form and "Зайцев" not in mentor_form

    refused = nominate(client, teacher_student, "mentor", student, ["student"])
    assert refused.status_code == 422
    assert "не входят люди вида «обучающийся»" in field_errors(refused, "mentor-person")[0]
    assert nominate(client, teacher_student, "mentor", parent, ["parent"]).status_code == 303
    # «Ученик – ученик» takes students on both sides, and a parent on neither.
    assert nominate(client, pupils, "mentor", parent, ["parent"]).status_code == 422
    assert nominate(client, pupils, "mentor", student, ["student"]).status_code == 303
    assert BaseMembership.select().count() == 2


# --- who may see and change the bases -------------------------------------------------------------

@pytest.mark.clause("4.5")
def test_a_curator_builds_only_their_own_formats_bases(client, login_as, formats, make_person):
    login_as("curator")
    own, other = formats["Ученик – ученик"], formats["Учитель – учитель"]
    overview = text(client.get("/staff/bases"))
    assert page_url(own) in overview and page_url(other) not in overview

    teacher = make_person(kind="staff", birth_date=ADULT_BORN)
    assert client.get(page_url(other)).status_code == 404
    assert nominate(client, other, "mentee", teacher, ["young_specialist"]).status_code == 404
    assert BaseMembership.select().count() == 0

    child = make_person(kind="student", birth_date=CHILD_BORN)
    assert client.get(page_url(own)).status_code == 200
    assert nominate(client, own, "mentee", child).status_code == 303
    membership = membership_of(child)
    assert client.get(f"/staff/bases/members/{membership.id}/edit").status_code == 200


@pytest.mark.quality("access")
def test_a_curator_cannot_touch_a_member_of_another_format(client, login_as, school, formats, make_person):
    teacher = make_person(kind="staff", birth_date=ADULT_BORN)
    coordinator_scope = scope_for(Account.get(Account.login == "coordinator0"))
    membership = base_rules.nominate(coordinator_scope, formats["Учитель – учитель"].id, teacher.id, "mentee")
    login_as("curator")
    for path in ("edit", "remove"):
        assert client.get(f"/staff/bases/members/{membership.id}/{path}").status_code == 404
        assert client.post(f"/staff/bases/members/{membership.id}/{path}", {}).status_code == 404
    assert BaseMembership.get_by_id(membership.id).status == "awaiting_consent"


@pytest.mark.quality("access")
@pytest.mark.parametrize("role", ["mentee", "mentor", "parent"])
def test_participants_and_parents_have_no_bases_pages(client, login_as, pupils, role):
    login_as(role)
    assert client.get("/staff/bases").status_code == 403
    assert client.get(page_url(pupils)).status_code == 403


@pytest.mark.quality("privacy")
def test_categories_stay_with_staff(client, login, school, pupils, make_person, make_account):
    child = make_person(kind="student", surname="Соколов", birth_date=CHILD_BORN)
    mentee = make_account("mentee", person=child)
    coordinator_scope = scope_for(Account.get(Account.login == "coordinator0"))
    base_rules.nominate(coordinator_scope, pupils.id, child.id, "mentee", categories=["behaviour", "hardship"])

    staff = make_account("coordinator")
    login(staff.login)
    assert "проблемы с поведением" in text(client.get(page_url(pupils)))
    client.post("/logout")
    client.get("/login")  # a new session, a new form token

    login(mentee.login)
    home = client.get("/mentee/")
    assert home.status_code == 200
    assert "проблемы с поведением" not in text(home) and "трудная жизненная ситуация" not in text(home)
    assert client.get(page_url(pupils)).status_code == 403


# --- changing the bases (4.9) --------------------------------------------------------------------

@pytest.mark.clause("4.9")
def test_removal_asks_first_then_keeps_the_row_as_left(client, coordinator, pupils, make_person):
    child = make_person(kind="student", surname="Соколов", birth_date=CHILD_BORN)
    nominate(client, pupils, "mentee", child, ["gifted"])
    membership = membership_of(child)
    url = f"/staff/bases/members/{membership.id}/remove"

    confirm = client.get(url)
    assert confirm.status_code == 200 and "Исключить" in text(confirm)
    assert membership_of(child).status == "awaiting_consent"

    response = client.post(url)
    assert response.status_code == 303
    left = membership_of(child)
    assert left.status == "left" and left.left_at is not None
    assert BaseMembership.select().count() == 1
    event = AuditEvent.get(AuditEvent.action == "base.member_removed")
    assert event.object_id == membership.id and event.actor_id == coordinator.person_id

    assert row(client.get(page_url(pupils)), membership) == ""
    assert "выбыл" in row(client.get(page_url(pupils) + "?status=left"), membership)
    assert client.post(url).status_code == 303  # a second click changes nothing
    assert AuditEvent.select().where(AuditEvent.action == "base.member_removed").count() == 1

    # The base changes with the school's needs: the same person may come back, on the same row.
    assert nominate(client, pupils, "mentee", child).status_code == 303
    assert membership_of(child).id == membership.id and membership_of(child).status == "awaiting_consent"


@pytest.mark.clause("4.9")
def test_a_member_in_a_running_pair_is_not_removed_behind_its_back(client, coordinator, teacher_student,
                                                                   make_person):
    teacher = make_person(kind="staff", birth_date=ADULT_BORN)
    nominate(client, teacher_student, "mentor", teacher, ["teacher"])
    membership = membership_of(teacher, "mentor")
    Mentorship.create(mentoring_format=teacher_student, mentor=teacher, status="active")
    url = f"/staff/bases/members/{membership.id}/remove"
    client.get(url)
    response = client.post(url)
    assert response.status_code == 422
    assert "сначала завершите или отмените пару" in text(response)
    assert membership_of(teacher, "mentor").status == "awaiting_consent"
    assert not AuditEvent.select().where(AuditEvent.action == "base.member_removed").exists()


@pytest.mark.clause("4.9")
def test_staff_edit_a_members_categories_and_capacity(client, coordinator, teacher_student, make_person):
    teacher = make_person(kind="staff", surname="Орлова", birth_date=ADULT_BORN)
    nominate(client, teacher_student, "mentor", teacher, ["teacher"])
    membership = membership_of(teacher, "mentor")
    url = f"/staff/bases/members/{membership.id}/edit"
    assert client.get(url).status_code == 200

    refused = client.post(url, {"categories": ["gifted"], "capacity": "3"})
    assert refused.status_code == 422
    assert field_errors(refused, "categories") == ["Эта категория не относится к выбранной базе."]
    refused = client.post(url, {"categories": ["teacher"], "capacity": "50"})
    assert refused.status_code == 422 and field_errors(refused, "capacity")

    response = client.post(url, {"categories": ["teacher", "veteran"], "capacity": "3",
                                 "can_help_with": "исследовательские проекты"})
    assert response.status_code == 303
    changed = BaseMembership.get_by_id(membership.id)
    assert changed.capacity == 3 and changed.can_help_with == "исследовательские проекты"
    assert {c.code for c in changed.categories} == {"teacher", "veteran"}
    event = AuditEvent.get(AuditEvent.action == "base.member_updated")
    assert set(event.details_dict["changed"]) == {"categories", "can_help_with", "capacity"}
    assert "veteran" not in event.details  # categories are sensitive: the audit trail names only what changed
    shown = row(client.get(page_url(teacher_student)), membership)
    assert "ветеран педагогического труда" in shown and ">3<" in shown


# --- htmx ----------------------------------------------------------------------------------------

@pytest.mark.quality("htmx")
def test_htmx_nomination_adds_the_row_in_place_and_shows_mistakes_beside_the_field(client, coordinator, pupils,
                                                                                   make_person):
    child = make_person(kind="student", surname="Соколов", birth_date=CHILD_BORN)
    client.get(page_url(pupils))
    response = nominate(client, pupils, "mentee", child, ["gifted"], htmx=True)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert '<form id="nominate-mentee"' in body and 'id="base-lists" class="grid" hx-swap-oob="true"' in body
    added = "добавлена" if child.sex == "f" else "добавлен"
    assert "Соколов" in row(response, membership_of(child)) and f"{added} в базу наставляемых" in body

    refused = nominate(client, pupils, "mentee", "", htmx=True)
    assert refused.status_code == 422
    assert "<html" not in text(refused) and "base-lists" not in text(refused)
    assert field_errors(refused, "mentee-person") == ["Выберите человека из списка."]


@pytest.mark.quality("htmx")
def test_the_filter_updates_the_lists_by_status_and_surname(client, coordinator, pupils, make_person):
    first = make_person(kind="student", surname="Иванов", birth_date=CHILD_BORN)
    second = make_person(kind="student", surname="Петров", birth_date=CHILD_BORN)
    nominate(client, pupils, "mentee", first)
    nominate(client, pupils, "mentor", second, ["student"])

    fragment = client.get(page_url(pupils) + "?q=иван", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in text(fragment)
    assert "Иванов" in text(fragment) and "Петров" not in text(fragment)
    assert "HX-Request" in fragment.headers["Vary"]

    none_left = client.get(page_url(pupils) + "?status=left", headers={"HX-Request": "true"})
    assert "Никого не нашлось" in text(none_left) and "Иванов" not in text(none_left)
    whole = client.get(page_url(pupils) + "?status=awaiting_consent&q=Петр")
    assert "<html" in text(whole) and "Петров" in text(whole)


@pytest.mark.quality("csrf")
def test_every_change_needs_the_forms_token(client, coordinator, pupils, make_person):
    child = make_person(kind="student", birth_date=CHILD_BORN)
    refused = client.post(f"{page_url(pupils)}/nominate", nominate_data("mentee", child), csrf=False)
    assert refused.status_code == 400 and BaseMembership.select().count() == 0
    nominate(client, pupils, "mentee", child, ["gifted"])
    membership = membership_of(child)
    edit = client.post(f"/staff/bases/members/{membership.id}/edit", {"categories": ["hardship"]}, csrf=False)
    remove = client.post(f"/staff/bases/members/{membership.id}/remove", {}, csrf=False)
    assert edit.status_code == remove.status_code == 400
    assert "Форма устарела" in text(remove)
    assert membership_of(child).status == "awaiting_consent"
    assert [c.code for c in membership_of(child).categories] == ["gifted"]


# --- bad input and cost --------------------------------------------------------------------------

@pytest.mark.quality("validation")
@pytest.mark.parametrize("fields,status", [
    ({"mentee-person": "abc"}, 422),
    ({"mentee-person": "999999"}, 404),
    ({"base": "everyone"}, 400),
    ({"mentee-needs": "x" * 5000}, 422),
    ({"mentee-needs": "нуль\x00внутри"}, 422),
])
def test_bad_input_gets_an_answer_not_an_error(client, coordinator, pupils, make_person, fields, status):
    child = make_person(kind="student", birth_date=CHILD_BORN)
    data = {**nominate_data("mentee", child), **fields}
    assert client.post(f"{page_url(pupils)}/nominate", data).status_code == status
    assert BaseMembership.select().count() == 0


@pytest.mark.quality("validation")
def test_mentor_capacity_must_be_a_small_number(client, coordinator, pupils, make_person):
    child = make_person(kind="student", birth_date=CHILD_BORN)
    for value in ("много", "0", "11"):
        response = nominate(client, pupils, "mentor", child, ["student"], capacity=value)
        assert response.status_code == 422 and field_errors(response, "mentor-capacity")
    assert BaseMembership.select().count() == 0


@pytest.mark.clause("4.4")
def test_the_overview_counts_both_bases_of_every_format(client, coordinator, school, formats, make_person,
                                                        make_account):
    child = make_person(kind="student", birth_date=CHILD_BORN)
    nominate(client, formats["Ученик – ученик"], "mentee", child)
    page = text(client.get("/staff/bases"))
    for fmt in formats.values():
        assert page_url(fmt) in page
    line = re.search(r'<tr>\s*<td[^>]*><a href="/staff/bases/%d">.*?</tr>' % formats["Ученик – ученик"].id, page, re.S)
    cells = re.findall(r'<td[^>]*class="num">(\d+)</td>', line.group(0))
    assert cells == ["0", "0", "0", "0", "1", "0"]  # mentors: none; mentees: one waiting for consent


def _fill(scope, fmt, school, make_person, count: int, start: int):
    cls, _ = SchoolClass.get_or_create(school=school, name="7Б")
    for n in range(start, start + count):
        person = make_person(kind="student", birth_date=CHILD_BORN, school_class=cls)
        base = "mentor" if n % 2 else "mentee"
        codes = ["student"] if base == "mentor" else ["gifted", "hardship"]
        base_rules.nominate(scope, fmt.id, person.id, base, categories=codes, needs="чтение", can_help_with="шахматы")


@pytest.mark.quality("query count")
def test_the_bases_page_costs_the_same_for_3_and_for_30_members(client, coordinator, school, pupils, make_person,
                                                                 make_account):
    scope = scope_for(coordinator)
    _fill(scope, pupils, school, make_person, 3, 0)
    sign_as_parent(make_person, make_account, BaseMembership.select().first().person)
    client.get(page_url(pupils))
    with count_queries() as few:
        assert client.get(page_url(pupils)).status_code == 200
    with count_queries() as few_overview:
        client.get("/staff/bases")

    _fill(scope, pupils, school, make_person, 27, 3)
    with count_queries() as many:
        page = client.get(page_url(pupils))
    with count_queries() as many_overview:
        client.get("/staff/bases")
    assert page.get_data(as_text=True).count('<tr id="member-') == 30
    assert len(many) == len(few), "\n".join(many)
    assert len(many_overview) == len(few_overview)
