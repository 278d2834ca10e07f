"""Class teachers build the bases too (4.5; DECISIONS.md, "The school year"): the coordinator grants the role for
a class; the class teacher sees their classes' pupils and proposes one for a base with a category (4.6) and a note;
the format's curator accepts (the pupil is nominated, «ожидает согласия») or declines with a reason. The class
teacher sees nothing of pairs, meetings or answers."""
from datetime import date

import pytest

from portal.models import (
    Account, AuditEvent, BaseMembership, BaseProposal, MembershipCategory, MentoringFormat, Notification, Person,
    RoleGrant, SchoolClass,
)
from portal.services import class_teachers
from portal.services.staff import scope_for
from tests.conftest import field_errors
from tests.querycount import count_queries

CHILD_BORN = date(date.today().year - 12, 3, 1)


@pytest.fixture
def pupils_format(school) -> MentoringFormat:
    return MentoringFormat.get((MentoringFormat.school == school) & (MentoringFormat.name == "Ученик – ученик"))


@pytest.fixture
def class_7a(school) -> SchoolClass:
    return SchoolClass.get_or_create(school=school, name="7А")[0]


@pytest.fixture
def pupil(make_person, class_7a) -> Person:
    return make_person(birth_date=CHILD_BORN, school_class=class_7a)


@pytest.fixture
def class_teacher(make_account, pupil) -> Account:
    """A class teacher of 7А (the class `pupil` is in), not signed in."""
    return make_account("class_teacher")


def propose_data(fmt, base="mentee", category="low_results", note="Нужна помощь с математикой") -> dict:
    return {"mentoring_format": str(fmt.id), "base": base, "category": category, "note": note}


def snapshot():
    """Every table a proposal or its decision touches, counted."""
    return [m.select().count() for m in (BaseProposal, BaseMembership, MembershipCategory, Notification, AuditEvent)]


def _proposal(class_teacher, pupil, fmt, **kw) -> BaseProposal:
    data = propose_data(fmt, **kw)
    return class_teachers.propose(class_teachers.scope_of(class_teacher), pupil.id, data["mentoring_format"],
                                  data["base"], data["category"], data["note"])


def switch_to(client, login, account) -> None:
    """Log out and in as another account; the new session brings a new CSRF token."""
    client.post("/logout", {})
    client.token = None
    login(account.login)


# --- granting ---------------------------------------------------------------------------------------

@pytest.mark.clause("4.5")
def test_the_coordinator_grants_and_removes_the_class_teacher_role(client, login_as, make_person, class_7a, conn):
    login_as("coordinator")
    teacher = make_person(kind="staff", sex="f", birth_date=date(1980, 1, 1), position="учитель истории")
    page = client.get("/coordinator/class-teachers")
    assert page.status_code == 200 and "Назначить классного руководителя" in page.get_data(as_text=True)
    response = client.post("/coordinator/class-teachers", {"person": teacher.id, "school_class": class_7a.id})
    assert response.status_code == 303
    grant = RoleGrant.get((RoleGrant.role == "class_teacher") & (RoleGrant.school_class == class_7a))
    assert grant.account.person_id == teacher.id  # an account made for them, as for a curator
    assert AuditEvent.select().where(AuditEvent.action == "class_teacher.granted").count() == 1
    listed = client.get("/coordinator/class-teachers").get_data(as_text=True)
    assert teacher.full_name in listed and "7А" in listed

    again = client.post("/coordinator/class-teachers", {"person": teacher.id, "school_class": class_7a.id})
    assert again.status_code == 422
    assert "уже классный руководитель" in " ".join(field_errors(again, "school_class"))

    assert client.post(f"/coordinator/class-teachers/{grant.id}/remove", {}).status_code == 303
    assert not RoleGrant.select().where(RoleGrant.role == "class_teacher").exists()
    assert AuditEvent.select().where(AuditEvent.action == "class_teacher.removed").count() == 1


@pytest.mark.clause("4.5")
def test_only_a_staff_member_and_a_class_of_the_school_are_granted(client, login_as, make_person, conn):
    login_as("coordinator")
    student = make_person()
    before = RoleGrant.select().count(), AuditEvent.select().count()
    response = client.post("/coordinator/class-teachers", {"person": student.id, "school_class": "999999"})
    assert response.status_code == 422
    assert field_errors(response, "person") == ["Выберите сотрудника школы из списка."]
    response = client.post("/coordinator/class-teachers",
                           {"person": make_person(kind="staff", birth_date=date(1980, 1, 1)).id, "school_class": "x"})
    assert field_errors(response, "school_class") == ["Выберите класс из списка."]
    assert (RoleGrant.select().count(), AuditEvent.select().count()) == before


# --- the class teacher's pupils ----------------------------------------------------------------------

@pytest.mark.clause("4.5")
def test_a_class_teacher_sees_only_their_classes_pupils(client, login, class_teacher, pupil, make_person, school):
    other_class = SchoolClass.create(school=school, name="9Б")
    stranger = make_person(birth_date=CHILD_BORN, school_class=other_class, surname="Чужаков")
    login(class_teacher.login)
    page = client.get("/class-teacher/").get_data(as_text=True)
    assert pupil.full_name in page and "Чужаков" not in page
    assert client.get(f"/class-teacher/pupils/{pupil.id}/propose").status_code == 200
    assert client.get(f"/class-teacher/pupils/{stranger.id}/propose").status_code == 404
    assert client.post(f"/class-teacher/pupils/{stranger.id}/propose",
                       propose_data(MentoringFormat.of_school(school).first())).status_code == 404
    assert not BaseProposal.select().exists()


@pytest.mark.clause("4.5")
def test_a_class_teacher_is_refused_every_other_area(client, login, class_teacher):
    """Pairs, meetings, answers, the roster and the bases are other roles' areas: 403, and no menu entry to them."""
    login(class_teacher.login)
    for url in ("/staff/people", "/staff/bases", "/staff/proposals", "/staff/pairs", "/staff/cycle", "/staff/reports",
                "/coordinator/", "/curator/", "/curator/results", "/mentor/", "/mentor/monitoring", "/mentee/",
                "/mentee/monitoring", "/parent/"):
        assert client.get(url).status_code == 403, url
    page = client.get("/class-teacher/").get_data(as_text=True)
    for word in ("Пары", "Ход наставничества", "Анкеты", "Итоговые отчёты", "Базы"):
        assert f">{word}<" not in page


# --- proposing, accepting, declining -----------------------------------------------------------------

@pytest.mark.clause("4.5")
def test_proposing_a_pupil_reaches_the_curator(client, login, make_account, class_teacher, pupil, pupils_format):
    curator = make_account("curator")  # curates the school's first format, «Ученик – ученик»
    login(class_teacher.login)
    form = client.get(f"/class-teacher/pupils/{pupil.id}/propose").get_data(as_text=True)
    assert "«Учитель – учитель»" not in form  # a format of teachers only takes no pupil
    response = client.post(f"/class-teacher/pupils/{pupil.id}/propose", propose_data(pupils_format))
    assert response.status_code == 303
    proposal = BaseProposal.get()
    assert (proposal.person_id, proposal.base, proposal.category, proposal.status) == (
        pupil.id, "mentee", "low_results", "pending")
    assert AuditEvent.get(AuditEvent.action == "base_proposal.made").actor_id == class_teacher.person_id
    assert Notification.get(Notification.kind == "base_proposal.made").person_id == curator.person_id
    listed = client.get("/class-teacher/proposals").get_data(as_text=True)
    assert pupil.full_name in listed and "на рассмотрении" in listed


@pytest.mark.clause("4.5")
def test_the_curator_accepts_and_the_pupil_awaits_consent(client, login, make_account, class_teacher, pupil,
                                                          pupils_format):
    proposal = _proposal(class_teacher, pupil, pupils_format)
    curator = make_account("curator")
    login(curator.login)
    bases_page = client.get("/staff/bases").get_data(as_text=True)
    assert "Предложения классных руководителей (1)" in bases_page
    assert pupil.full_name in client.get("/staff/bases/proposals").get_data(as_text=True)
    assert client.post(f"/staff/bases/proposals/{proposal.id}/accept", {}).status_code == 303

    membership = BaseMembership.get((BaseMembership.person == pupil) & (BaseMembership.mentoring_format == pupils_format))
    # The note was written to the curator: it stays on the proposal, out of «что нужно» other pupils read.
    assert (membership.base, membership.status, membership.needs) == ("mentee", "awaiting_consent", "")
    assert BaseProposal.get_by_id(proposal.id).note == "Нужна помощь с математикой"
    assert [c.code for c in membership.categories] == ["low_results"]
    proposal = BaseProposal.get_by_id(proposal.id)
    assert (proposal.status, proposal.membership_id, proposal.decided_by_id) == (
        "accepted", membership.id, curator.person_id)
    actions = {e.action for e in AuditEvent.select()}
    assert {"base.nominated", "base_proposal.accepted"} <= actions
    assert Notification.get(Notification.kind == "base_proposal.accepted").person_id == class_teacher.person_id

    second = client.post(f"/staff/bases/proposals/{proposal.id}/accept", {})  # a double click changes nothing
    assert second.status_code == 422 and "уже рассмотрено" in second.get_data(as_text=True)
    assert BaseMembership.select().count() == 1

    switch_to(client, login, class_teacher)
    assert "принято" in client.get("/class-teacher/proposals").get_data(as_text=True)


@pytest.mark.clause("4.5")
def test_a_decline_needs_a_reason_and_the_class_teacher_reads_it(client, login, make_account, class_teacher,
                                                                 pupil, pupils_format):
    proposal = _proposal(class_teacher, pupil, pupils_format)
    login(make_account("curator").login)
    url = f"/staff/bases/proposals/{proposal.id}/decline"
    assert client.get(url).status_code == 200
    before = snapshot()
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 422
    assert field_errors(empty, "reason") == ["Укажите причину: её прочтёт классный руководитель."]
    assert snapshot() == before and BaseProposal.get_by_id(proposal.id).status == "pending"

    assert client.post(url, {"reason": "Ученик уже занимается с наставником в кружке"}).status_code == 303
    assert BaseProposal.get_by_id(proposal.id).status == "declined"
    assert not BaseMembership.select().exists()
    assert Notification.get(Notification.kind == "base_proposal.declined").person_id == class_teacher.person_id

    switch_to(client, login, class_teacher)
    page = client.get("/class-teacher/proposals").get_data(as_text=True)
    assert "отклонено" in page and "Ученик уже занимается с наставником в кружке" in page


@pytest.mark.clause("4.6")
def test_the_category_comes_from_the_bases_closed_list(client, login, class_teacher, pupil, pupils_format):
    """A student mentee takes a category of 4.6; a teacher's (4.7) or an unknown code is refused beside the field."""
    login(class_teacher.login)
    url = f"/class-teacher/pupils/{pupil.id}/propose"
    before = snapshot()
    for category in ("young_specialist", "nonsense", ""):
        response = client.post(url, propose_data(pupils_format, category=category))
        assert response.status_code == 422
        assert field_errors(response, "category"), category
    assert snapshot() == before
    for code, title in class_teachers.categories_for_pupils("mentee"):
        assert title in client.get(url).get_data(as_text=True)


@pytest.mark.clause("4.5")
def test_bad_input_leaves_the_database_unchanged(client, login, class_teacher, pupil, pupils_format, school):
    teachers_only = MentoringFormat.get((MentoringFormat.school == school) & (MentoringFormat.name == "Учитель – учитель"))
    teacher_student = MentoringFormat.get((MentoringFormat.school == school)
                                          & (MentoringFormat.name == "Учитель – ученик"))
    login(class_teacher.login)
    url = f"/class-teacher/pupils/{pupil.id}/propose"
    before = snapshot()
    cases = [
        (propose_data(teachers_only), "mentoring_format"),
        ({**propose_data(pupils_format), "mentoring_format": "abc"}, "mentoring_format"),
        (propose_data(teacher_student, base="mentor", category="student"), "base"),  # teachers mentor there
        (propose_data(pupils_format, base="parents"), "base"),
        (propose_data(pupils_format, note="x" * 1001), "note"),
        (propose_data(pupils_format, note="скрытый\x00символ"), "note"),
    ]
    for data, field in cases:
        response = client.post(url, data)
        assert response.status_code == 422, data
        assert field_errors(response, field), (data, field)
    assert snapshot() == before


@pytest.mark.clause("4.5")
def test_duplicates_are_refused(client, login, class_teacher, pupil, pupils_format, conn):
    _proposal(class_teacher, pupil, pupils_format)
    login(class_teacher.login)
    url = f"/class-teacher/pupils/{pupil.id}/propose"
    before = snapshot()
    pending = client.post(url, propose_data(pupils_format))
    assert pending.status_code == 422 and "ждёт куратора" in " ".join(field_errors(pending, "base"))
    assert snapshot() == before

    coordinator = Account.get(Account.login == "coordinator0")
    class_teachers.accept(scope_for(coordinator), BaseProposal.get().id)
    in_base = client.post(url, propose_data(pupils_format, category="gifted"))
    assert in_base.status_code == 422 and "уже в базе наставляемых" in " ".join(field_errors(in_base, "base"))
    # The other base of the same format is a different proposal.
    assert client.post(url, propose_data(pupils_format, base="mentor", category="student")).status_code == 303


@pytest.mark.clause("4.5")
def test_a_curator_of_another_format_does_not_see_the_proposal(client, login, make_account, class_teacher, pupil,
                                                               school, pupils_format, curator_of):
    proposal = _proposal(class_teacher, pupil, pupils_format)
    other = MentoringFormat.get((MentoringFormat.school == school) & (MentoringFormat.name == "Учитель – ученик"))
    curator_of(other)
    assert pupil.full_name not in client.get("/staff/bases/proposals").get_data(as_text=True)
    assert client.post(f"/staff/bases/proposals/{proposal.id}/accept", {}).status_code == 404
    assert client.post(f"/staff/bases/proposals/{proposal.id}/decline", {"reason": "нет"}).status_code == 404
    assert BaseProposal.get_by_id(proposal.id).status == "pending"


@pytest.mark.clause("4.5")
def test_the_pupils_data_export_holds_the_proposal(client, login_as, class_teacher, pupil, pupils_format):
    """Everything held about a person (152-ФЗ art. 14) includes what their class teacher wrote of them."""
    _proposal(class_teacher, pupil, pupils_format)
    login_as("coordinator")
    exported = client.get(f"/staff/people/{pupil.id}/export").get_json()
    assert [(p["base"], p["category"], p["note"], p["status"]) for p in exported["base_proposals"]] == [
        ("база наставляемых", "неудовлетворительные образовательные результаты", "Нужна помощь с математикой",
         "на рассмотрении")]
    teacher = client.get(f"/staff/people/{class_teacher.person_id}/export").get_json()
    assert [(r["role"], r["school_class"]) for r in teacher["account"]["roles"]] == [("классный руководитель", "7А")]


@pytest.mark.quality("query count")
def test_the_lists_cost_the_same_for_one_proposal_and_for_six(client, login, make_account, make_person, class_teacher,
                                                              pupil, pupils_format, class_7a):
    _proposal(class_teacher, pupil, pupils_format)
    curator = make_account("curator")
    pages = {"/class-teacher/": class_teacher, "/class-teacher/proposals": class_teacher,
             "/staff/bases/proposals": curator, "/staff/bases": curator}

    def costs():
        counted = {}
        for url, account in pages.items():
            switch_to(client, login, account)
            with count_queries() as queries:
                assert client.get(url).status_code == 200
            counted[url] = len(queries)
        return counted

    few = costs()
    for _ in range(5):
        _proposal(class_teacher, make_person(birth_date=CHILD_BORN, school_class=class_7a), pupils_format)
    assert costs() == few



@pytest.mark.clause("4.5")
def test_a_class_taken_away_takes_its_pupils_proposals_out_of_sight(client, login, login_as, make_account, make_person,
                                                                 class_7a, conn):
    """The removal page promises it: the former class teacher sees no more of the class's pupils, not even on
    their own proposals, and hears nothing of the curator's decision."""
    from portal.services import accounts
    teacher = make_account(person=make_person(kind="staff", birth_date=date(1980, 1, 1)))
    accounts.grant_role(None, teacher, "class_teacher", school_class=class_7a)
    pupil = make_person(school_class=class_7a)
    fmt = MentoringFormat.get(MentoringFormat.name == "Ученик – ученик")
    scope = class_teachers.scope_of(Account.get_by_id(teacher.id))
    proposal = class_teachers.propose(scope, pupil.id, fmt.id, "mentee", "low_results", "Отстаёт после болезни")
    other = SchoolClass.create(school=class_7a.school_id, name="8Б")
    accounts.grant_role(None, teacher, "class_teacher", school_class=other)  # still a class teacher, of 8Б
    RoleGrant.delete().where((RoleGrant.account == teacher.id) & (RoleGrant.school_class == class_7a.id)).execute()
    assert class_teachers.proposals_of(class_teachers.scope_of(Account.get_by_id(teacher.id))) == []
    coordinator = make_account("coordinator")
    class_teachers.decline(scope_for(coordinator), proposal.id, "Уже занимается с репетитором")
    assert not Notification.select().where((Notification.person == teacher.person_id)
                                           & (Notification.kind == "base_proposal.declined")).exists()
