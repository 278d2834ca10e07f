"""The subject-access export (3.2, 152-ФЗ art. 14) holds everything the portal keeps about the person:
beyond the roster, bases and consents, the plans of their pairs with the tasks, the mentor's final reports,
the orders that approved the pairs, the mentors offered with the reasons, the meetings they confirmed
or disputed (a parent's for a child's pair too) — at the same cost whatever the person's history."""
import json
from datetime import date, timedelta

import pytest

from portal.models import (
    FinalReport, Guardianship, Meeting, MeetingConfirmation, Mentorship, MentorshipMember, Order, OrderItem, Person,
    Plan, PlanTask, Proposal,
)
from portal.models.base import utcnow
from tests.querycount import count_queries

GOALS = "Научиться вести урок без конспекта и держать дисциплину в 7Б"
TASK = "Посетить три урока наставника и разобрать их"
WORK_DONE = "Провели восемь встреч, из них три — на уроках наставляемой"
RESULTS = "Уроки без конспекта, замечаний по дисциплине нет"


def history(pair: Mentorship, mentor: Person, mentee: Person, n: int = 1) -> None:
    """A pair's year: the order, the agreed plan with a task, a confirmed meeting, the final report."""
    order = Order.create(school=mentor.school_id, kind="pairs", title="Об утверждении наставников",
                         status="registered", number=f"{51 + n}-од", dated_on=date(2025, 9, 15))
    OrderItem.create(order=order, mentorship=pair)
    plan = Plan.create(mentorship=pair, goals=f"{GOALS} ({n})", planned_meetings=8, created_by=mentor,
                       mentor_confirmed_at=utcnow(), mentee_confirmed_at=utcnow())
    PlanTask.create(plan=plan, title=f"{TASK} ({n})", due_on=date(2025, 10, 1))
    meeting = Meeting.create(mentorship=pair, stage="first", held_on=date(2025, 9, 20), topic="Знакомство",
                             logged_by=mentor)
    MeetingConfirmation.create(meeting=meeting, person=mentee, verdict="disputed", comment="Встреча была короче")
    FinalReport.create(mentorship=pair, work_done=f"{WORK_DONE} ({n})", results=RESULTS, conclusions="Продолжить",
                       proposals="Больше открытых уроков", written_by=mentor)


@pytest.fixture
def year_of_a_pair(pair):
    mentor, mentee = Person.get_by_id(pair["mentor"].person_id), Person.get_by_id(pair["mentee"].person_id)
    Proposal.create(mentoring_format=pair["format"], mentee=mentee, mentor=mentor, status="chosen", rank=3,
                    reason="может помочь с дисциплиной", mentorship=pair["mentorship"])
    history(pair["mentorship"], mentor, mentee)
    return pair, mentor, mentee


def export_of(client, person) -> dict:
    response = client.get(f"/staff/people/{person.id}/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return json.loads(response.data)


@pytest.mark.clause("3.2")
def test_the_export_of_a_mentor_and_of_a_mentee_holds_the_plan_and_the_final_report(client, login_as,
                                                                                     year_of_a_pair):
    pair, mentor, mentee = year_of_a_pair
    login_as("coordinator")
    for person in (mentor, mentee):
        data = export_of(client, person)
        [plan] = data["plans"]
        assert plan["goals"] == f"{GOALS} (1)" and plan["planned_meetings"] == 8
        assert plan["mentor_confirmed_at"] and plan["mentee_confirmed_at"]
        assert [t["title"] for t in plan["tasks"]] == [f"{TASK} (1)"]
        [report] = data["final_reports"]
        assert (report["work_done"], report["results"]) == (f"{WORK_DONE} (1)", RESULTS)
        assert report["conclusions"] == "Продолжить" and report["proposals"] == "Больше открытых уроков"
        assert report["written_by"]["full_name"] == mentor.full_name
        [order] = data["orders"]
        assert (order["number"], order["dated_on"]) == ("52-од", "2025-09-15")
        [proposal] = data["proposals"]
        assert proposal["reason"] == "может помочь с дисциплиной"
        assert (proposal["mentor"]["id"], proposal["mentee"]["id"]) == (mentor.id, mentee.id)
    disputed = export_of(client, mentee)["meeting_confirmations"]
    assert [(c["verdict"], c["comment"]) for c in disputed] == [("disputed", "Встреча была короче")]
    assert export_of(client, mentor)["meeting_confirmations"] == []


@pytest.mark.clause("3.2")
def test_a_parents_export_holds_the_meetings_they_confirmed_for_their_child(client, login_as, pair, make_person):
    mentee = Person.get_by_id(pair["mentee"].person_id)
    parent = make_person(kind="parent", sex="f", birth_date=date(1980, 1, 1))
    Guardianship.create(parent=parent, child=mentee, confirmed_at=utcnow())
    meeting = Meeting.create(mentorship=pair["mentorship"], stage="first", held_on=date.today() - timedelta(days=3))
    MeetingConfirmation.create(meeting=meeting, person=parent, verdict="confirmed", comment="Сын рассказал")
    login_as("coordinator")
    [confirmation] = export_of(client, parent)["meeting_confirmations"]
    assert confirmation["comment"] == "Сын рассказал" and confirmation["mentorship"] == pair["mentorship"].id


@pytest.mark.clause("3.2")
def test_the_export_costs_the_same_for_one_pair_and_for_four(client, login_as, year_of_a_pair, make_person):
    pair, mentor, mentee = year_of_a_pair
    login_as("coordinator")
    export_of(client, mentor)
    with count_queries() as one:
        export_of(client, mentor)
    for n in range(2, 5):
        other = make_person(kind="staff", sex="f", birth_date=date(1998, 1, 1))
        more = Mentorship.create(mentoring_format=pair["format"], mentor=mentor, status="active")
        MentorshipMember.create(mentorship=more, mentee=other)
        history(more, mentor, other, n)
    with count_queries() as four:
        data = export_of(client, mentor)
    assert len(data["plans"]) == 4 and len(data["final_reports"]) == 4 and len(data["orders"]) == 4
    assert len(four) == len(one)


@pytest.mark.clause("3.2")
def test_the_export_holds_the_documents_issued_about_the_person_as_issued(client, login_as, make_account,
                                                                           make_person):
    from portal.services import consent as consents
    from tests.factories import PASSWORD
    child = make_person(kind="student", sex="m", surname="Соколов", first_name="Артём",
                        birth_date=date(date.today().year - 12, 3, 1))
    parent = make_account("parent", person=make_person(kind="parent", sex="f", surname="Соколова",
                                                      first_name="Мария", birth_date=date(1984, 2, 2)))
    Guardianship.create(parent=parent.person, child=child, confirmed_at=utcnow())
    consents.accept_esign_agreement(parent, PASSWORD, True)
    consents.sign(parent, child.id, "parent_mentee", password=PASSWORD, agree=True,
                  details=consents.SigningDetails("паспорт 7801 123456", "г. Ярославль", "свидетельство II-ГР 1",
                                                  "г. Ярославль"))
    login_as("coordinator")
    [document] = export_of(client, child)["issued_documents"]
    assert document["kind"] == "consent" and len(document["verification_code"]) >= 8
    assert "Соколова Артёма" in document["html"] and len(document["html_sha256"]) == 64
    kinds = sorted(d["kind"] for d in export_of(client, parent.person)["issued_documents"])
    assert kinds == ["consent", "esign_agreement"]


@pytest.mark.clause("s8")
def test_the_export_holds_the_proposals_written_by_the_person_and_for_them(client, login_as, pair, make_person):
    """A proposal a parent wrote for the child is in both exports, naming who acted and for whom."""
    from portal.services import voice
    mentee = Person.get_by_id(pair["mentee"].person_id)
    mentee.birth_date = date(date.today().year - 12, 1, 1)  # a parent writes for a minor (s8)
    mentee.save()
    parent = make_person(kind="parent", sex="f", birth_date=date(1980, 1, 1))
    Guardianship.create(parent=parent, child=mentee, confirmed_at=utcnow())
    voice.submit(parent, "parent", voice.ProposalData(topic="school", child_id=mentee.id, text="Кружок робототехники"))
    login_as("coordinator")
    for person in (parent, mentee):
        [proposal] = export_of(client, person)["improvement_proposals"]
        assert (proposal["author"]["id"], proposal["for"]["id"], proposal["role"], proposal["text"]) == (
            parent.id, mentee.id, "родитель наставляемого", "Кружок робототехники")
