"""Each state change that asks something of a person leaves that person exactly one unread inbox item of its
kind, written by the service that made the change, in its transaction — and nobody else gets one.

The changes are made through the real services (as the pairing, cycle, orders and monitoring tests make
them); the items are read back from the database. The link of each item is opened by its recipient, so a
link that does not fit the recipient's role fails here.
"""
from datetime import date, timedelta

import pytest

from portal.db import db
from portal.models import (
    Account, BaseMembership, Guardianship, Mentorship, MonitoringRound, Notification, Person, Proposal,
)
from portal.models.base import utcnow
from portal.services import (
    ServiceError, accounts, bases, cycle, matching, monitoring, notifications, pairing, passwords, programmes,
    resets, support,
)
from portal.services.cycle import MeetingData, PlanData
from portal.services.orders import drafting, registration
from portal.services.people import guardianship
from portal.services.staff import scope_for
from tests.cycle.conftest import make_pair  # noqa: F401  (fixture)
from tests.factories import PASSWORD
from tests.orders.conftest import order_world  # noqa: F401  (fixture)
from tests.pairing.conftest import pairing_world  # noqa: F401  (fixture)

PUPILS = "Ученик – ученик"
pytestmark = pytest.mark.quality("notifications")


def items(kind: str) -> list[Notification]:
    return list(Notification.select().where(Notification.kind == kind).order_by(Notification.id))


def assert_notified(kind: str, *people) -> list[Notification]:
    """Exactly one unread item of `kind` for each of `people`, and none of that kind for anyone else."""
    found = items(kind)
    assert sorted(n.person_id for n in found) == sorted(getattr(p, "id", p) for p in people), kind
    assert all(n.read_at is None for n in found)
    assert all(n.title == notifications.TITLES[kind] for n in found)
    return found


def open_link(client, login, account, item) -> str:
    """The recipient logs in and opens the item from the inbox: it lands on a page of theirs (200)."""
    Account.update(password_hash=passwords.hash_password(PASSWORD)).where(Account.id == account.id).execute()
    login(account.login)
    response = client.get(f"/inbox/{item.id}")
    assert response.status_code == 303
    target = response.headers["Location"]
    page = client.get(target)
    assert page.status_code == 200, (item.kind, target)
    assert Notification.get_by_id(item.id).read_at is not None
    return target


# --- consent and programme: asked when a person comes into a base -----------------------------------

def test_a_minor_nominated_without_consent_asks_the_confirmed_parent_only(pairing_world, make_person):
    world = pairing_world
    child = make_person(kind="student", birth_date=date(date.today().year - 12, 3, 1), sex="f")
    mother = make_person(kind="parent", sex="f", birth_date=date(1984, 6, 1))
    father = make_person(kind="parent", birth_date=date(1983, 6, 1))
    Guardianship.create(parent=mother, child=child, confirmed_at=utcnow())
    Guardianship.create(parent=father, child=child, status="pending", requested_at=utcnow())

    membership = bases.nominate(world["scope"], world["formats"][PUPILS].id, child.id, "mentee")

    assert membership.status == "awaiting_consent"
    item, = assert_notified("consent.to_sign", mother)
    assert (item.object_type, item.object_id) == ("Person", child.id)
    assert PUPILS in item.details and "Петрова" in item.details


def test_an_adult_nominated_without_consent_is_asked_themself_and_a_consenting_one_is_not(pairing_world,
                                                                                          make_person):
    world = pairing_world
    teachers = world["formats"]["Учитель – учитель"]
    adult = make_person(kind="staff", birth_date=date(1990, 1, 1))
    bases.nominate(world["scope"], teachers.id, adult.id, "mentee")
    assert_notified("consent.to_sign", adult)

    world["mentor"]("Учитель – учитель")  # consent signed before the nomination: nothing to ask
    assert_notified("consent.to_sign", adult)


def test_a_parents_link_confirmed_asks_that_parent_for_the_waiting_childs_consent(pairing_world, make_person):
    world = pairing_world
    child = make_person(kind="student", birth_date=date(date.today().year - 12, 3, 1))
    bases.nominate(world["scope"], world["formats"][PUPILS].id, child.id, "mentee")
    assert items("consent.to_sign") == []  # nobody can sign for the child yet
    parent = make_person(kind="parent", sex="f", birth_date=date(1984, 6, 1))
    link = Guardianship.create(parent=parent, child=child, status="pending", requested_at=utcnow())

    guardianship.confirm_link(world["scope"], link.id, "свидетельство о рождении")

    assert_notified("consent.to_sign", parent)


def test_a_nomination_asks_to_read_the_programme_and_links_to_the_sides_home(pairing_world, client, login):
    world = pairing_world
    world["programme"](PUPILS)
    mentor = world["mentor"](PUPILS, acknowledge=False, account=True)
    reader = world["mentee"](PUPILS, account=True)  # acknowledged at once by the builder: asked, then done

    item, = assert_notified("programme.to_acknowledge", mentor.person_id, reader.person_id)[:1]
    assert (item.object_type, item.object_id) == ("BaseMembership", mentor.id)
    assert "базе наставников" in item.details
    assert open_link(client, login, Account.get(Account.person == mentor.person_id), item) == "/mentor/"


def test_a_programme_approved_asks_those_already_in_the_bases(pairing_world):
    world = pairing_world
    fmt = world["formats"][PUPILS]
    mentor = world["mentor"](PUPILS, acknowledge=False)
    assert items("programme.to_acknowledge") == []  # no programme yet: nothing to read

    programmes.save_programme(world["scope"], fmt.id, {
        "title": "Программа", "goals": "Цели.", "expected_results": "Результаты.",
        "starts_on": date.today().isoformat(), "ends_on": (date.today() + timedelta(days=200)).isoformat()})

    assert_notified("programme.to_acknowledge", mentor.person_id)


# --- pairing -------------------------------------------------------------------------------------

def test_proposing_mentors_asks_the_mentee_once_per_round(pairing_world, client, login):
    world = pairing_world
    mentee = world["mentee"](PUPILS, needs="математика", account=True)
    first, second = world["mentor"](PUPILS, can_help_with="математика"), world["mentor"](PUPILS)

    matching.propose(world["scope"], mentee.mentoring_format_id, mentee.person_id,
                     [first.person_id, second.person_id])

    item, = assert_notified("proposal.made", mentee.person_id)
    assert item.details.endswith("новых кандидатов в наставники: 2")
    assert open_link(client, login, Account.get(Account.person == mentee.person_id), item) == "/mentee/choice"


def test_a_refused_proposal_leaves_no_item(pairing_world):
    world = pairing_world
    mentee = world["mentee"](PUPILS)
    stranger = world["mentor"]("Учитель – учитель")  # not a candidate of this format
    with pytest.raises(ServiceError):
        matching.propose(world["scope"], mentee.mentoring_format_id, mentee.person_id, [stranger.person_id])
    assert Notification.select().where(Notification.kind == "proposal.made").count() == 0


def test_the_item_is_written_in_the_changes_transaction(pairing_world):
    """Rolled back with the change, the item goes too: it is never committed on its own."""
    world = pairing_world
    mentee, mentor = world["mentee"](PUPILS), world["mentor"](PUPILS)
    with db.atomic() as outer:
        matching.propose(world["scope"], mentee.mentoring_format_id, mentee.person_id, [mentor.person_id])
        assert len(items("proposal.made")) == 1
        outer.rollback()
    assert Proposal.select().count() == 0 and items("proposal.made") == []


def test_the_mentees_choice_asks_the_mentor_and_the_mentors_refusal_tells_the_mentee(pairing_world, client,
                                                                                      login):
    world = pairing_world
    mentor = world["mentor"](PUPILS, account=True)
    mentee = world["mentee"](PUPILS, sex="f", surname="Смирнова", first_name="Алла", patronymic="Игоревна")
    proposal = Proposal.create(mentoring_format=mentor.mentoring_format_id, mentee=mentee.person_id,
                               mentor=mentor.person_id)

    mentorship = pairing.choose(Person.get_by_id(mentee.person_id), proposal.id)

    item, = assert_notified("choice.to_confirm", mentor.person_id)
    assert (item.object_type, item.object_id) == ("Mentorship", mentorship.id)
    assert item.details == "Выбор сделала: Смирнова А. И."
    assert open_link(client, login, Account.get(Account.person == mentor.person_id), item) == "/mentor/"

    pairing.decline(Person.get_by_id(mentor.person_id), mentorship.id, reason="нет времени")

    assert_notified("choice.declined", mentee.person_id)
    assert [n.person_id for n in items("choice.to_confirm")] == [mentor.person_id]  # nothing more for the mentor


def test_a_refused_choice_leaves_no_item(pairing_world):
    world = pairing_world
    mentor = world["mentor"](PUPILS, capacity=1)
    first, second = world["mentee"](PUPILS), world["mentee"](PUPILS)
    for mentee in (first, second):
        Proposal.create(mentoring_format=mentor.mentoring_format_id, mentee=mentee.person_id,
                        mentor=mentor.person_id)
    pairing.choose(Person.get_by_id(first.person_id),
                   Proposal.get(Proposal.mentee == first.person_id).id)
    with pytest.raises(ServiceError):  # the only place is taken
        pairing.choose(Person.get_by_id(second.person_id), Proposal.get(Proposal.mentee == second.person_id).id)
    assert_notified("choice.to_confirm", mentor.person_id)  # the first choice's item only


# --- the director's order ------------------------------------------------------------------------

def test_a_registered_order_tells_the_members_of_each_pair_it_activates(order_world, make_account, client,
                                                                         login):
    people = order_world
    teacher = people.mentor("Учитель – ученик", capacity=3)
    pupil, other = people.mentee("Учитель – ученик"), people.mentee("Учитель – ученик")
    pairs = [people.pair(teacher, pupil), people.pair(teacher, other)]
    waiting = people.pair(people.mentor("Учитель – ученик"), people.mentee("Учитель – ученик"))  # not in the order
    order = drafting.create_draft(people.scope, [str(p.id) for p in pairs])  # as the form posts them

    registration.register(people.scope, order.id, "52-од", date.today())

    found = assert_notified("order.registered", teacher, teacher, pupil, other)
    assert {n.object_id for n in found} == {p.id for p in pairs} and waiting.id not in {n.object_id for n in found}
    assert all(n.details == f"Приказ № 52-од от {date.today():%d.%m.%Y}" for n in found)
    mentee_item = next(n for n in found if n.person_id == pupil.id)
    mentor_item = next(n for n in found if n.person_id == teacher.id)
    pupil_account = make_account("mentee", person=pupil)
    assert open_link(client, login, pupil_account, mentee_item) == f"/mentee/pairs/{mentee_item.object_id}"
    client.post("/logout", {})
    client.token = None  # the next login reads a fresh form, as a browser would
    teacher_account = make_account("mentor", person=teacher)
    assert open_link(client, login, teacher_account, mentor_item) == f"/mentor/pairs/{mentor_item.object_id}"


# --- the cycle: meetings and the plan ---------------------------------------------------------------

def meeting(stage="first", planned=False, days=3):
    held_on = date.today() + timedelta(days=days) if planned else date.today() - timedelta(days=days)
    return MeetingData(stage=stage, held_on=held_on, topic="Знакомство", planned=planned)


def test_a_logged_meeting_asks_the_mentee_to_confirm_and_a_planned_one_does_not(pair, client, login):
    mentor, mentee = pair["mentor"].person, pair["mentee"].person
    cycle.log_meeting(mentor, pair["mentorship"].id, meeting("first", planned=True))
    assert items("meeting.to_confirm") == []

    cycle.log_meeting(mentor, pair["mentorship"].id, meeting("first"))

    item, = assert_notified("meeting.to_confirm", mentee)
    assert item.details.startswith("Первая встреча") or "записал" in item.details
    assert open_link(client, login, pair["mentee"], item) == f"/mentee/pairs/{pair['mentorship'].id}"


def test_a_refused_meeting_leaves_no_item(pair):
    with pytest.raises(ServiceError):  # «trial» before «first»: out of the regulation's order
        cycle.log_meeting(pair["mentor"].person, pair["mentorship"].id, meeting("trial"))
    assert items("meeting.to_confirm") == []


def test_a_disputed_meeting_tells_the_mentor_and_the_formats_curators(pair, make_account, make_person, client,
                                                                       login):
    curator = make_account(person=make_person(kind="staff", birth_date=date(1980, 1, 1)))
    accounts.grant_role(None, curator, "curator", pair["format"])
    make_account("curator")  # a curator of another format hears nothing
    logged = cycle.log_meeting(pair["mentor"].person, pair["mentorship"].id, meeting("first"))

    cycle.confirm_meeting(pair["mentee"].person, logged.id, "disputed", comment="Встречи не было")

    mentor_item, = assert_notified("meeting.disputed", pair["mentor"].person)
    staff_item, = assert_notified("meeting.disputed_staff", curator.person_id)
    assert "оспорила" in mentor_item.details and "«Встречи не было»" in mentor_item.details
    assert open_link(client, login, curator, staff_item) == f"/staff/pairs/{pair['mentorship'].id}"


def test_a_confirmed_meeting_tells_nobody(pair):
    logged = cycle.log_meeting(pair["mentor"].person, pair["mentorship"].id, meeting("first"))
    cycle.confirm_meeting(pair["mentee"].person, logged.id, "confirmed")
    assert items("meeting.disputed") == [] and items("meeting.disputed_staff") == []


def test_the_mentors_plan_asks_the_mentee_to_agree(pair, client, login):
    data = PlanData(goals="Освоить методику", planned_meetings=8, tasks=[])
    cycle.propose_plan(pair["mentee"].person, pair["mentorship"].id, data)
    assert items("plan.to_agree") == []  # the mentee's own proposal asks the mentee nothing

    cycle.propose_plan(pair["mentor"].person, pair["mentorship"].id, data)

    item, = assert_notified("plan.to_agree", pair["mentee"].person)
    assert item.details == "Вариант плана № 2"
    assert open_link(client, login, pair["mentee"], item) == f"/mentee/pairs/{pair['mentorship'].id}"


# --- monitoring ----------------------------------------------------------------------------------

def test_an_opened_round_asks_the_respondents_and_an_overdue_one_reminds_the_late(pair, make_pair, client,
                                                                                 login):
    quiet = make_pair(status="confirmed")  # not surveyed: waits for the order
    scope = scope_for(Account.get(Account.login == "coordinator0"))

    monitoring.open_round(scope, pair["format"].id, "intermediate")

    found = assert_notified("questionnaire.waiting", pair["mentor"].person, pair["mentee"].person)
    assert quiet["mentor"].id not in {n.person_id for n in found}
    mentor_item = next(n for n in found if n.person_id == pair["mentor"].person_id)
    assert open_link(client, login, pair["mentor"], mentor_item) == "/mentor/monitoring"

    assert monitoring.notify_overdue() == 0  # not overdue yet
    MonitoringRound.update(opened_at=utcnow() - timedelta(days=monitoring.OVERDUE_DAYS)).execute()
    for task in monitoring.pending_for(pair["mentee"].person):
        answers = {f"q{q.id}": ("" if q.answer_type == "text" else monitoring.SCALES[q.answer_type][-1][0])
                   for q in monitoring.questions_of(task.questionnaire.id)}
        monitoring.answer(pair["mentee"].person, task.questionnaire.id, task.mentorship.id, task.round_id, answers)

    assert monitoring.notify_overdue() == 1
    assert_notified("questionnaire.overdue", pair["mentor"].person)  # the mentee has answered
    assert monitoring.notify_overdue() == 0  # the unread reminder is not repeated


def test_the_overdue_command_runs(pair, app):
    scope = scope_for(Account.get(Account.login == "coordinator0"))
    monitoring.open_round(scope, pair["format"].id, "final")
    MonitoringRound.update(opened_at=utcnow() - timedelta(days=30)).execute()
    result = app.test_cli_runner().invoke(args=["notify-overdue"])
    assert result.exit_code == 0 and "2 уведомления" in result.output
    assert_notified("questionnaire.overdue", pair["mentor"].person, pair["mentee"].person)
    again = app.test_cli_runner().invoke(args=["notify-overdue"])
    assert "Напоминать некому" in again.output


# --- accounts ------------------------------------------------------------------------------------

def test_a_first_invitation_tells_the_person_and_a_reset_says_it_was_a_reset(school, make_person):
    coordinator = Account.get(Account.login == "coordinator0")
    scope = scope_for(coordinator)
    Account.update(password_hash="x").where(Account.id == coordinator.id).execute()
    Notification.delete().execute()  # the school's creation invited its coordinator
    person = make_person(kind="staff", birth_date=date(1980, 1, 1))
    account = accounts.create_account(None, person, "teacher1")

    resets.reissue(scope, account, timedelta(days=7))

    item, = assert_notified("account.invited", person)
    assert (item.object_type, item.object_id) == ("Account", account.id)

    Account.update(password_hash="set").where(Account.id == account.id).execute()
    resets.reissue(scope, Account.get_by_id(account.id), timedelta(days=7), reason="потерян пароль")

    reset, = assert_notified("password.reset", person)
    assert reset.details.startswith("Сбросила Смирнова Е. В.")
    assert_notified("account.invited", person)  # the reset is not a second invitation


def test_a_refused_reset_leaves_no_item(school, make_person):
    scope = scope_for(Account.get(Account.login == "coordinator0"))
    person = make_person(kind="staff", birth_date=date(1980, 1, 1))
    account = accounts.create_account(None, person, "teacher2")
    Account.update(password_hash="set").where(Account.id == account.id).execute()
    with pytest.raises(ServiceError):  # a reset needs its reason
        resets.reissue(scope, Account.get_by_id(account.id), timedelta(days=7), reason="")
    assert Notification.select().where(Notification.person == person.id).count() == 0


# --- proposals to the administration (s6, s8, s9) ----------------------------------------------------

def test_a_proposal_asks_the_coordinators_and_its_answer_tells_the_author(school, make_account, client, login):
    from portal.services import voice
    first = Account.get(Account.login == "coordinator0")
    coordinator = make_account("coordinator")
    author = make_account("mentor")
    with pytest.raises(ServiceError):  # refused: no item
        voice.submit(author.person, "mentor", voice.ProposalData(topic="school", text=""))
    assert items("improvement.submitted") == []

    proposal = voice.submit(author.person, "mentor", voice.ProposalData(topic="school", text="Клуб наставников"))

    item = assert_notified("improvement.submitted", first.person_id, coordinator.person_id)[-1]
    assert (item.object_type, item.object_id) == ("ImprovementProposal", proposal.id)
    assert item.details == "Наставник: развитие школы"
    assert open_link(client, login, coordinator, item) == f"/proposals/{proposal.id}"

    scope = scope_for(coordinator)
    voice.change_state(scope, proposal.id, "review")
    assert items("improvement.answered") == []  # taken under review: nothing asked of the author yet
    voice.change_state(scope, proposal.id, "accept", "Откроем в январе.")
    answered, = assert_notified("improvement.answered", author.person_id)
    assert answered.details == "Принято: Откроем в январе."
    client.post("/logout")
    client.get("/login")
    assert open_link(client, login, author, answered) == f"/proposals/{proposal.id}"
# --- psychological support (s6, s8) --------------------------------------------------------------

@pytest.mark.clause("s8")
def test_a_request_for_support_tells_the_psychologists_and_a_childs_parents_and_its_taking_up_the_asker(
        make_account, make_person, client, login):
    psychologist = make_account("psychologist")
    other_psychologist = make_account("psychologist")
    make_account("coordinator")
    parent = make_account("parent", person=make_person(kind="parent", sex="f", birth_date=date(1985, 1, 1)))
    child = make_account("mentee", person=make_person(birth_date=date(date.today().year - 12, 3, 1)))
    Guardianship.create(parent=parent.person_id, child=child.person_id, confirmed_at=utcnow())

    request = support.ask(child, None, "", "")

    new, _ = assert_notified("support.requested", psychologist.person, other_psychologist.person)
    assert (new.object_type, new.object_id) == ("SupportRequest", request.id)
    told, = assert_notified("support.child_asked", parent.person)
    assert told.details == child.person.full_name
    assert open_link(client, login, parent, told) == f"/support/{request.id}"
    client.post("/logout", {})
    client.token = None
    assert open_link(client, login, psychologist, new) == f"/support/{request.id}"

    support.record_contact(psychologist, request.id, "")
    taken, = assert_notified("support.taken_up", child.person)
    support.record_contact(psychologist, request.id, "ещё раз")  # a later contact tells nobody again
    assert_notified("support.taken_up", child.person)
    client.post("/logout", {})
    client.token = None
    assert open_link(client, login, child, taken) == f"/support/{request.id}"


@pytest.mark.clause("s6")
def test_a_refused_request_for_support_leaves_no_item(make_account):
    make_account("psychologist")
    mentor = make_account("mentor")
    with pytest.raises(ServiceError):
        support.ask(mentor, None, "x" * (support.MAX_TOPIC + 1), "")
    assert not Notification.select().where(Notification.kind.startswith("support.")).exists()


# --- one link per kind -----------------------------------------------------------------------------

def test_every_kind_has_a_link(app):
    from portal.web.notices import LINKS
    assert set(LINKS) == set(notifications.TITLES)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    for link in LINKS.values():
        for endpoint, _ in (link.values() if isinstance(link, dict) else [link]):
            assert endpoint in endpoints
