"""Personal records (3.2): the roster, the card, the export; guardianship and invitations (4.11)."""
import json
from datetime import date

import pytest

from portal.models import (
    Account, AuditEvent, BaseMembership, Consent, Guardianship, Invitation, MembershipCategory, MentoringFormat,
    Mentorship, MentorshipMember, Person, SchoolClass,
)
from portal.models.base import utcnow
from portal.services import consent as consents
from portal.services import people as records
from portal.services.people.listing import surname_matches
from portal.services.staff import scope_for
from tests.conftest import PortalClient, field_errors
from tests.factories import PASSWORD
from tests.querycount import count_queries

PASSPORT = "паспорт 7801 123456, выдан ОВД Кировского района 01.02.2005"
CHILD_BIRTH_SUBJECT_DOC = "свидетельство о рождении II-ГР 654321"
# What the coordinator writes when confirming a link: the document they saw.
BIRTH_CERTIFICATE = "свидетельство о рождении II-ГР № 654321 от 12.03.2014"


def minor_birth_date():
    return date(date.today().year - 12, 3, 1)


def in_curators_base(person, base="mentee"):
    """Into a base of the first format: the curator from `login_as("curator")` now reaches the person."""
    fmt = MentoringFormat.of_school(person.school_id).first()
    return BaseMembership.create(mentoring_format=fmt, person=person, base=base, status="awaiting_consent")


def text(response) -> str:
    return response.get_data(as_text=True)


def signed_consent(subject, signer, kind="parent_mentee"):
    """A consent as the signing screen stores it (the signing itself is tested in tests/consent)."""
    document = consents.current_documents(subject.school_id)[kind]
    return Consent.create(document=document, subject=subject, signer=signer, text_sha256=document.sha256,
                          identity_document=PASSPORT, address="г. Ярославль, ул. Свободы, д. 1, кв. 2",
                          subject_document=CHILD_BIRTH_SUBJECT_DOC, subject_address="г. Ярославль, ул. Свободы, д. 1")


@pytest.fixture
def second_client(app):
    """Another browser: the parent signs in while the staff member stays signed in."""
    return PortalClient(app.test_client())


def sign_in(client, login_name):
    client.get("/login")
    assert client.post("/login", {"login": login_name, "password": PASSWORD}).status_code == 303
    client.get("/regulation/acknowledge")
    client.post("/regulation/acknowledge")


@pytest.fixture
def child(make_person):
    return make_person(kind="student", sex="m", surname="Иванов", first_name="Пётр", patronymic="Сергеевич",
                       birth_date=minor_birth_date())


@pytest.fixture
def mother(make_person):
    return make_person(kind="parent", sex="f", surname="Иванова", first_name="Ольга", patronymic="Николаевна",
                       birth_date=date(1985, 4, 12))


# --- the roster ----------------------------------------------------------------------------------

def fill_roster(school, count, surname="Соколов"):
    cls, _ = SchoolClass.get_or_create(school=school, name="7Б")
    Person.insert_many([{"school": school.id, "kind": "student", "surname": f"{surname}{i:03d}", "first_name": "Иван",
                         "sex": "m", "birth_date": minor_birth_date(), "school_class": cls.id}
                        for i in range(count)]).execute()
    return cls


@pytest.mark.clause("3.2")
def test_roster_searches_by_surname_whatever_the_case_and_pages_by_fifty(client, login_as, school, make_person):
    fill_roster(school, 60)
    make_person(kind="parent", surname="Кузнецова", sex="f")
    login_as("coordinator")

    first = client.get("/staff/people?q=сокол")
    assert first.status_code == 200
    assert "Найдено: 60" in text(first) and "страница 1 из 2" in text(first)
    assert text(first).count("Соколов0") == 50 and "Кузнецова" not in text(first)

    second = client.get("/staff/people?q=СОКОЛ&page=2")
    assert text(second).count("Соколов0") == 10 and "страница 2 из 2" in text(second)
    assert "Соколов059" in text(second)


@pytest.mark.quality("htmx")
def test_roster_search_by_htmx_answers_only_the_rows(client, login_as, school, make_person):
    make_person(kind="parent", surname="Кузнецова", sex="f")
    make_person(kind="student", surname="Смирнов")
    login_as("coordinator")
    response = client.get("/staff/people?q=Кузн&kind=parent", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert "<html" not in text(response) and "Кузнецова" in text(response) and "Смирнов" not in text(response)
    row_link = f'href="/staff/people/{Person.get(Person.surname.startswith("Кузнецова")).id}"'
    assert row_link in text(response)


@pytest.mark.clause("3.2")
def test_roster_filters_by_class_and_says_when_nobody_matches(client, login_as, school, make_person):
    cls = fill_roster(school, 3)
    make_person(kind="student", surname="Бесклассный")
    login_as("coordinator")
    by_class = client.get(f"/staff/people?class={cls.id}")
    assert "Найдено: 3" in text(by_class) and "Бесклассный" not in text(by_class)
    nobody = client.get("/staff/people?q=Несуществующая")
    assert "Никого не нашлось" in text(nobody)
    garbage = client.get("/staff/people?q=%00x&page=abc&class=zz&kind=hacker")
    assert garbage.status_code == 200


@pytest.mark.clause("3.2")
def test_roster_search_finds_the_same_people_as_a_plain_prefix_match(login_as, school, make_person):
    """The coordinator's search narrows SQLite's LIKE by surname ranges (an index instead of the whole school):
    whatever is typed — lowercase, capitals, a hyphen, Latin letters, «ё» — it finds exactly whom the prefix
    match alone finds."""
    for surname in ("Ивлев", "ивлева", "Ив", "Иванов-Петров", "Ивушкин", "Ия", "Их", "Ёлкин", "Елкин", "Ivanov",
                    "ivanova", "IVANOV", "Ив-Иванов"):
        make_person(kind="student", surname=surname)
    scope = scope_for(login_as("coordinator"))
    for typed in ("Ив", "ив", "ИВ", "иванов-п", "Ё", "ё", "Е", "iv", "IV", "Iv", "Их", "Я", "ив-и"):
        plain = {p.id for p in Person.select().where((Person.school == school.id) & surname_matches(typed))}
        assert {row.id for row in records.roster(scope, surname=typed).rows} == plain, typed


@pytest.mark.quality("query count")
def test_roster_costs_the_same_number_of_queries_for_5_and_120_people(client, login_as, school):
    login_as("coordinator")
    fill_roster(school, 5)
    client.get("/staff/people")
    with count_queries() as few:
        client.get("/staff/people?q=Соколов")
    fill_roster(school, 115, surname="Соколова")
    with count_queries() as many:
        response = client.get("/staff/people?q=Соколов")
    assert "Найдено: 120" in text(response)
    assert len(few) == len(many), many


# --- the card ------------------------------------------------------------------------------------

@pytest.fixture
def family_with_consent(school, child, mother, make_account):
    parent_account = make_account("parent", person=mother)
    Guardianship.create(parent=mother, child=child, confirmed_at=utcnow())
    fmt = MentoringFormat.of_school(school).first()
    membership = BaseMembership.create(mentoring_format=fmt, person=child, base="mentee", status="active")
    MembershipCategory.create(membership=membership, code="gifted")
    consent = signed_consent(child, mother)
    return {"child": child, "mother": mother, "account": parent_account, "format": fmt, "consent": consent}


@pytest.mark.clause("3.2")
def test_card_shows_data_bases_consents_and_history(client, login_as, family_with_consent):
    child = family_with_consent["child"]
    login_as("coordinator")
    page = text(client.get(f"/staff/people/{child.id}"))
    assert "Иванов Пётр Сергеевич" in page and "несовершеннолетний" in page
    assert "Иванова Ольга Николаевна" in page  # the linked parent
    assert "Ученик – ученик" in page and "выдающиеся способности" in page
    assert "действует" in page
    client.post(f"/staff/people/{child.id}/invitation")  # no account yet, but the child is in a base
    page = text(client.get(f"/staff/people/{child.id}"))
    assert "создана учётная запись" in page and "выдано приглашение" in page


@pytest.mark.quality("privacy")
def test_identity_details_typed_at_signing_are_shown_to_the_coordinator_only(
        client, second_client, login_as, make_account, family_with_consent):
    child = family_with_consent["child"]
    login_as("coordinator")
    assert PASSPORT in text(client.get(f"/staff/people/{child.id}"))

    curator = make_account("curator")
    sign_in(second_client, curator.login)
    page = text(second_client.get(f"/staff/people/{child.id}"))
    assert "Согласие законного представителя (наставляемый)" in page  # the consent itself is visible
    assert PASSPORT not in page and CHILD_BIRTH_SUBJECT_DOC not in page
    assert "видит только координатор" in page


@pytest.mark.quality("privacy")
def test_categories_on_the_card_stay_within_the_curators_formats(client, login_as, school, family_with_consent):
    other_format = MentoringFormat.of_school(school)[2]
    membership = BaseMembership.create(mentoring_format=other_format, person=family_with_consent["child"],
                                       base="mentee")
    MembershipCategory.create(membership=membership, code="behaviour")
    login_as("curator")  # curator of the first format only
    page = text(client.get(f"/staff/people/{family_with_consent['child'].id}"))
    assert "выдающиеся способности" in page
    assert "проблемы с поведением" not in page and "видит куратор этой формы" in page


def add_history(school, person, mentor, count):
    """`count` more of everything a card lists, so its query count can be compared."""
    fmt = MentoringFormat.of_school(school).first()
    for i in range(count):
        other = Person.create(school=school, kind="student", surname=f"Друг{i}", first_name="Иван", sex="m",
                              birth_date=minor_birth_date())
        Guardianship.create(parent=person, child=other, confirmed_at=utcnow())
        signed_consent(other, person)
        pair = Mentorship.create(mentoring_format=fmt, mentor=mentor, status="active")
        MentorshipMember.create(mentorship=pair, mentee=other)
        if i == 0:
            MentorshipMember.create(mentorship=pair, mentee=person)
    for f in MentoringFormat.of_school(school):
        m, _ = BaseMembership.get_or_create(mentoring_format=f, person=person, base="mentor")
        MembershipCategory.get_or_create(membership=m, code="parent")


@pytest.mark.quality("query count")
def test_card_costs_the_same_number_of_queries_however_long_the_history(
        client, login_as, school, mother, make_account, make_person):
    make_account("parent", person=mother)
    mentor = make_person(kind="staff", birth_date=date(1980, 1, 1))
    coordinator = login_as("coordinator")
    add_history(school, mother, mentor, 1)
    client.get(f"/staff/people/{mother.id}")
    with count_queries() as few:
        client.get(f"/staff/people/{mother.id}")
    add_history(school, mother, mentor, 12)
    Person.update(surname="Иванова").where(Person.id == mother.id).execute()
    for _ in range(3):  # the account has a password: each new code is a reset, with its reason
        assert client.post(f"/staff/people/{mother.id}/invitation", {"reason": "забыла пароль"}).status_code == 200
    with count_queries() as many:
        page = client.get(f"/staff/people/{mother.id}")
    assert page.status_code == 200 and "Друг11" in text(page) and coordinator.person.short_name in text(page)
    assert len(few) == len(many), many


@pytest.mark.quality("access")
def test_a_person_of_another_school_is_not_found(client, login_as, other_school):
    stranger = Person.create(school=other_school, kind="student", surname="Чужой", first_name="Иван", sex="m")
    login_as("coordinator")
    for url in (f"/staff/people/{stranger.id}", f"/staff/people/{stranger.id}/export",
                f"/staff/people/{stranger.id}/agreement.pdf"):
        assert client.get(url).status_code == 404
    assert client.post(f"/staff/people/{stranger.id}/invitation").status_code == 404
    assert client.post(f"/staff/people/{stranger.id}/guardians", {"surname": "Чужая", "first_name": "Анна",
                                                                  "sex": "f", "basis": "родитель"}).status_code == 404
    assert Account.select().where(Account.person == stranger).count() == 0


# --- the export ----------------------------------------------------------------------------------

@pytest.mark.clause("3.2")
def test_export_holds_the_persons_consents_and_memberships_and_is_audited(client, login_as, family_with_consent):
    child = family_with_consent["child"]
    login_as("coordinator")
    response = client.get(f"/staff/people/{child.id}/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="person-{child.id}.json"'
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["person"]["surname"] == "Иванов" and data["person"]["birth_date"] == str(minor_birth_date())
    [consent] = data["consents"]
    assert consent["kind"] == "parent_mentee" and consent["signer"]["full_name"] == "Иванова Ольга Николаевна"
    assert consent["identity_document"] == PASSPORT and consent["withdrawal"] is None
    [membership] = data["memberships"]
    assert membership["format"] == "Ученик – ученик" and membership["categories"] == ["выдающиеся способности"]
    assert data["guardianships"][0]["parent"]["full_name"] == "Иванова Ольга Николаевна"
    assert AuditEvent.select().where((AuditEvent.action == "person.exported")
                                     & (AuditEvent.object_id == child.id)).count() == 1


@pytest.mark.quality("security")
def test_export_of_an_account_holder_never_carries_the_password_hash(client, login_as, family_with_consent):
    mother = family_with_consent["mother"]
    login_as("coordinator")
    data = json.loads(client.get(f"/staff/people/{mother.id}/export").data)
    assert data["account"]["login"] == family_with_consent["account"].login
    assert data["account"]["roles"][0]["role"] == "родитель" and data["account"]["password_set"] is True
    assert Account.get_by_id(family_with_consent["account"].id).password_hash not in json.dumps(data)
    assert data["consents"][0]["subject"]["full_name"] == "Иванов Пётр Сергеевич"  # signed for the child


@pytest.mark.quality("access")
def test_export_is_refused_to_a_curator(client, login_as, family_with_consent):
    login_as("curator")
    response = client.get(f"/staff/people/{family_with_consent['child'].id}/export")
    assert response.status_code == 403
    assert AuditEvent.select().where(AuditEvent.action == "person.exported").count() == 0


# --- guardianship --------------------------------------------------------------------------------

def parent_signing_page(client, parent_login, child_id):
    sign_in(client, parent_login)
    client.get("/consent/esign")
    assert client.post("/consent/esign", {"agree": "y", "password": PASSWORD}).status_code == 303
    return client.get(f"/consent/{child_id}/parent_mentee")


@pytest.mark.clause("4.11")
def test_a_linked_parent_may_sign_for_the_child_and_an_unlinked_one_may_not(
        client, second_client, login_as, make_account, child, mother, app):
    account = make_account("parent", person=mother)
    login_as("coordinator")
    client.get(f"/staff/people/{child.id}")
    response = client.post(f"/staff/people/{child.id}/guardians", {"parent_id": mother.id, "basis": "опекун",
                                                                    "document": BIRTH_CERTIFICATE})
    assert response.status_code == 303
    link = Guardianship.get((Guardianship.parent == mother) & (Guardianship.child == child))
    assert link.basis == "опекун" and link.confirmed_at is not None and link.confirmed_by_id is not None
    assert link.status == "confirmed" and link.document == BIRTH_CERTIFICATE

    assert parent_signing_page(second_client, account.login, child.id).status_code == 200

    stranger = make_account("parent", person=Person.create(school=child.school_id, kind="parent", sex="m",
                                                           surname="Посторонний", first_name="Иван"))
    third = PortalClient(app.test_client())
    assert parent_signing_page(third, stranger.login, child.id).status_code == 404


@pytest.mark.clause("4.11")
def test_unlinking_asks_first_and_then_the_parent_can_no_longer_sign(
        client, second_client, login_as, make_account, child, mother):
    account = make_account("parent", person=mother)
    login_as("coordinator")
    client.get(f"/staff/people/{child.id}")
    client.post(f"/staff/people/{child.id}/guardians", {"parent_id": mother.id, "basis": "родитель",
                                                        "document": BIRTH_CERTIFICATE})
    link = Guardianship.get(Guardianship.child == child)

    confirm = client.get(f"/staff/guardianships/{link.id}/remove")
    assert confirm.status_code == 200 and "Снять связь родителя и ребёнка?" in text(confirm)
    assert Guardianship.get_by_id(link.id).confirmed_at is not None  # the GET changed nothing
    assert client.post(f"/staff/guardianships/{link.id}/remove").status_code == 303
    assert consents.guardianship(mother, child) is None

    assert parent_signing_page(second_client, account.login, child.id).status_code == 404
    assert client.get(f"/staff/guardianships/{link.id}/remove").status_code == 404
    page = text(client.get(f"/staff/people/{child.id}"))
    assert "связь родителя и ребёнка снята" in page


@pytest.mark.clause("4.11")
def test_a_parent_typed_by_hand_joins_the_roster_and_is_linked(client, login_as, child):
    login_as("coordinator")
    client.get(f"/staff/people/{child.id}")
    response = client.post(f"/staff/people/{child.id}/guardians", {
        "surname": "Петрова", "first_name": "Мария", "patronymic": "Ивановна", "sex": "f",
        "phone": "+7 (4852) 12-34-56", "basis": "приёмный родитель", "document": BIRTH_CERTIFICATE})
    assert response.status_code == 303
    parent = Person.get(Person.surname == "Петрова")
    assert parent.kind == "parent" and parent.school_id == child.school_id and parent.phone == "+7 (4852) 12-34-56"
    assert consents.guardianship(parent, child).basis == "приёмный родитель"


@pytest.mark.quality("htmx")
def test_the_parent_search_on_the_card_offers_roster_parents(client, login_as, child, mother, make_person):
    make_person(kind="student", surname="Иванович")  # not a parent: never offered
    in_curators_base(child)
    login_as("curator")
    response = client.get(f"/staff/people/{child.id}?parent_q=иван", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in text(response)
    assert f'value="{mother.id}"' in text(response) and "Иванович" not in text(response)
    full = client.get(f"/staff/people/{child.id}?parent_q=Иван")
    assert f'name="parent_id" value="{mother.id}"' in text(full)


@pytest.mark.clause("4.11")
@pytest.mark.parametrize("case,message", [
    ("adult", "законный представитель не нужен"),
    ("non_student", "только с обучающимся"),
    ("duplicate", "уже связан"),
    ("other_school", "Такого родителя нет в списке школы"),
    ("not_a_parent", "Такого родителя нет в списке школы"),
    ("nobody", "Выберите родителя из списка школы или введите его данные"),
    ("bad_basis", "Выберите основание"),
    ("no_sex", "Укажите пол"),
    ("no_document", "Укажите документ, который вы видели"),
])
def test_linking_is_refused_with_a_reason_and_nothing_changes(
        client, login_as, make_person, child, mother, other_school, case, message):
    login_as("coordinator")
    target, data = child, {"parent_id": mother.id, "basis": "родитель", "document": BIRTH_CERTIFICATE}
    if case == "adult":
        target = make_person(kind="student", birth_date=date(date.today().year - 19, 1, 1))
    elif case == "non_student":
        target = make_person(kind="staff", birth_date=date(1990, 1, 1))
    elif case == "duplicate":
        Guardianship.create(parent=mother, child=child, confirmed_at=utcnow())
    elif case == "other_school":
        data["parent_id"] = Person.create(school=other_school, kind="parent", surname="Чужая", first_name="Анна",
                                          sex="f").id
    elif case == "not_a_parent":
        data["parent_id"] = make_person(kind="student").id
    elif case == "nobody":
        data = {"basis": "родитель", "document": BIRTH_CERTIFICATE}
    elif case == "bad_basis":
        data["basis"] = "сосед"
    elif case == "no_sex":
        data = {"surname": "Петрова", "first_name": "Мария", "basis": "родитель", "document": BIRTH_CERTIFICATE}
    elif case == "no_document":
        data["document"] = "  "
    links, people = Guardianship.select().count(), Person.select().count()
    client.get(f"/staff/people/{target.id}")
    response = client.post(f"/staff/people/{target.id}/guardians", data)
    assert response.status_code == 422
    assert message in text(response)
    assert Guardianship.select().count() == links and Person.select().count() == people


@pytest.mark.quality("validation")
def test_a_bad_parent_id_is_answered_beside_the_field(client, login_as, child):
    login_as("coordinator")
    client.get(f"/staff/people/{child.id}")
    response = client.post(f"/staff/people/{child.id}/guardians", {"parent_id": "1 OR 1=1", "basis": "родитель"})
    assert response.status_code == 422
    assert field_errors(response, "parent_id") == ["Выберите родителя из списка."]


# --- invitations ---------------------------------------------------------------------------------

@pytest.mark.clause("4.11")
def test_invitation_creates_the_parents_account_and_its_code_works_once(
        client, second_client, login_as, school, child, mother, app):
    Guardianship.create(parent=mother, child=child, confirmed_at=utcnow())
    in_curators_base(child)  # the mother is the curator's through her child
    login_as("curator")
    client.get(f"/staff/people/{mother.id}")
    slip = client.post(f"/staff/people/{mother.id}/invitation")
    assert slip.status_code == 200
    account = Account.get(Account.person == mother)
    assert account.login == "ivanova.olga" and account.role_names() == ["parent"]
    assert account.password_hash == ""
    page = text(slip)
    assert "ivanova.olga" in page and "http://localhost/invitation" in page
    code = page.split('id="invitation-code">')[1].split("<")[0]
    assert Invitation.select().where(Invitation.account == account).count() == 1

    second_client.get("/invitation")
    form = {"code": code, "password": "a brand new secret", "confirm": "a brand new secret"}
    assert second_client.post("/invitation", form).status_code == 303
    assert second_client.get("/parent/").status_code in (200, 302)
    again = PortalClient(app.test_client())
    again.get("/invitation")
    assert again.post("/invitation", form).status_code == 422
    assert code not in text(client.get(f"/staff/people/{mother.id}"))  # the code is shown only on the slip


def test_a_taken_login_gets_a_number(client, login_as, make_person, make_account, child, mother):
    namesake = make_person(kind="parent", sex="f", surname="Иванова", first_name="Ольга")
    make_account("parent", person=namesake, login="ivanova.olga")
    Guardianship.create(parent=mother, child=child, confirmed_at=utcnow())
    login_as("coordinator")
    client.get(f"/staff/people/{mother.id}")
    assert client.post(f"/staff/people/{mother.id}/invitation").status_code == 200
    assert Account.get(Account.person == mother).login == "ivanova.olga2"


def test_a_mentor_base_member_gets_the_mentor_role(client, login_as, school, make_person):
    teacher = make_person(kind="staff", sex="f", surname="Щукина", first_name="Юлия", birth_date=date(1980, 1, 1))
    BaseMembership.create(mentoring_format=MentoringFormat.of_school(school).first(), person=teacher, base="mentor")
    login_as("coordinator")
    client.get(f"/staff/people/{teacher.id}")
    assert client.post(f"/staff/people/{teacher.id}/invitation").status_code == 200
    account = Account.get(Account.person == teacher)
    assert account.login == "shchukina.iuliia" and account.role_names() == ["mentor"]


@pytest.mark.quality("validation")
def test_nobody_is_invited_to_nothing(client, login_as, make_person):
    loner = make_person(kind="parent", sex="f", surname="Одинокова")
    login_as("coordinator")
    client.get(f"/staff/people/{loner.id}")
    response = client.post(f"/staff/people/{loner.id}/invitation")
    assert response.status_code == 422 and "Приглашать пока не к чему" in text(response)
    assert Account.select().where(Account.person == loner).count() == 0


@pytest.mark.quality("security")
def test_a_curator_cannot_take_over_a_coordinators_account_by_invitation(client, login_as, school):
    coordinator = Account.get(Account.login == "coordinator0")
    login_as("curator")
    assert client.get(f"/staff/people/{coordinator.person_id}").status_code == 404  # outside the curator's circle
    invitations = Invitation.select().count()
    response = client.post(f"/staff/people/{coordinator.person_id}/invitation")
    assert response.status_code == 404
    assert Invitation.select().count() == invitations


@pytest.mark.clause("2.7")
def test_a_curator_cannot_invite_a_staff_role_holder_even_within_their_bases(client, login_as, make_account):
    """A teacher in the curator's mentor base who is also a curator, account not yet used: still the
    coordinator's, since the code would set the password of an account with staff rights."""
    teacher = make_account("curator", password="")
    Account.update(password_hash="").where(Account.id == teacher.id).execute()
    in_curators_base(teacher.person, base="mentor")
    login_as("curator")
    client.get(f"/staff/people/{teacher.person_id}")
    invitations = Invitation.select().count()
    response = client.post(f"/staff/people/{teacher.person_id}/invitation")
    assert response.status_code == 422 and "выдаёт координатор" in text(response)
    assert Invitation.select().count() == invitations
