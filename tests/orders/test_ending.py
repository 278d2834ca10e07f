"""Ending a pair (4.9, 4.13, s8; DECISIONS.md "The school year"): the curator of the form or the coordinator
ends a working pair early or cancels one not yet approved, with a reason; the mentor's place is free, the
mentee is back in the queue with the proposals still open; everyone concerned is told; a participant or a
parent asks the curator to end a pair; removing a base member in a pair ends it in the same step."""
import re
from datetime import date

import pytest

from portal.formatting import ru_date
from portal.models import (
    Account, AuditEvent, BaseMembership, Guardianship, Mentorship, MentorshipMember, Notification, OrderItem, Person,
    Proposal,
)
from portal.services import ServiceError, accounts, bases, ending, matching, orders, pairing, passwords
from portal.services.orders import drafting
from tests.conftest import PortalClient, error_messages, field_errors
from tests.factories import PASSWORD
from tests.orders.test_orders import PUPILS, TEACHER_PUPIL, TEACHERS, drafted, register, text


def as_(app, account: Account) -> PortalClient:
    """A second browser, signed in as `account` (past the regulation), beside the coordinator's."""
    other = PortalClient(app.test_client())
    assert other.post("/login", {"login": account.login, "password": PASSWORD}).status_code == 303
    other.get("/regulation/acknowledge")
    other.post("/regulation/acknowledge")
    return other


def activate(client, *pairs):
    assert register(client, drafted(client, *pairs), f"{pairs[0].id}-од").status_code == 303
    return [Mentorship.get_by_id(p.id) for p in pairs]


def membership(person, base="mentor") -> BaseMembership:
    return BaseMembership.get((BaseMembership.person == person) & (BaseMembership.base == base))


def notified(person, kind) -> int:
    return Notification.select().where((Notification.person == person) & (Notification.kind == kind)).count()


def parent_of(child):
    return Guardianship.get(Guardianship.child == child).parent


def end(client, pair, reason="mentee_request", note="Переезжает в другой город"):
    return client.post(f"/staff/pairs/{pair.id}/end", {"reason": reason, "text": note})


@pytest.fixture
def active_pair(order_world, client, coordinator):
    """Петрова Анна Сергеевна (one place) and Иванов Пётр, a minor, approved by a registered order."""
    w = order_world
    teacher = w.mentor(TEACHER_PUPIL, "Петрова", "Анна", "Сергеевна", sex="f", capacity=1)
    pupil = w.mentee(TEACHER_PUPIL, "Иванов", "Пётр", "Сергеевич", school_class="7Б")
    (pair,) = activate(client, w.pair(teacher, pupil))
    assert pair.status == "active"
    return teacher, pupil, pair


@pytest.mark.clause("4.9")
@pytest.mark.clause("s8")
def test_ending_frees_the_place_and_the_mentee_chooses_again(order_world, client, coordinator, active_pair):
    teacher, pupil, pair = active_pair
    w = order_world
    fmt = w.formats[TEACHER_PUPIL]
    other_teacher = w.mentor(TEACHER_PUPIL, "Смирнов", "Олег", "Петрович", capacity=2)
    still_open = Proposal.create(mentoring_format=fmt, mentee=pupil, mentor=other_teacher, proposed_by=w.scope.person)
    assert pairing.free_places(membership(teacher)) == 0

    page = client.get(f"/staff/pairs/{pair.id}")
    assert "Завершить досрочно" in text(page)
    form = client.get(f"/staff/pairs/{pair.id}/end")
    assert form.status_code == 200 and "Завершить пару досрочно?" in text(form)
    response = end(client, pair)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/staff/pairs/{pair.id}")
    card = text(client.get(f"/staff/pairs/{pair.id}"))
    assert "досрочно завершена" in card and "по просьбе наставляемого" in card and "Переезжает" in card
    assert "Завершить досрочно" not in card

    pair = Mentorship.get_by_id(pair.id)
    assert (pair.status, pair.end_reason, pair.ended_reason) == ("ended", "mentee_request", "Переезжает в другой город")
    assert Proposal.get((Proposal.mentee == pupil) & (Proposal.mentor == teacher)).status == "ended"
    # The mentor's place is free: another pupil takes it.
    assert pairing.free_places(membership(teacher)) == 1
    newcomer = w.mentee(TEACHER_PUPIL, "Сидоров", "Кирилл", "Львович")
    taken = pairing.choose(newcomer, Proposal.create(mentoring_format=fmt, mentee=newcomer, mentor=teacher).id)
    assert taken.mentor_id == teacher.id and taken.status == "chosen"
    # The mentee is back in the queue with the proposal still open, and chooses again.
    queue = matching.queue(w.scope, fmt.id)
    row = next(r for r in queue["rows"] + queue["waiting"] if r.membership.person_id == pupil.id)
    assert row.open_proposals == 1
    choice = next(r for r in pairing.proposals_for(pupil) if r["format"].id == fmt.id)
    assert choice["pair"] is None and [c["mentor"].id for c in choice["cards"]] == [other_teacher.id]
    again = pairing.choose(pupil, still_open.id)
    assert again.mentor_id == other_teacher.id


@pytest.mark.clause("4.9")
def test_the_participants_and_the_parent_are_told_and_see_why(app, order_world, client, coordinator, active_pair):
    teacher, pupil, pair = active_pair
    parent = parent_of(pupil)
    assert end(client, pair, "mentor_request", "Уходит в декретный отпуск").status_code == 303
    for person in (teacher, pupil, parent):
        assert notified(person, "pair.ended") == 1
    item = Notification.get((Notification.person == pupil) & (Notification.kind == "pair.ended"))
    assert "Причина: по просьбе наставника: Уходит в декретный отпуск" in item.details

    said = (f"Пара досрочно завершена {ru_date(Mentorship.get_by_id(pair.id).status_changed_at)} "
            "Причина: по просьбе наставника — Уходит в декретный отпуск.")
    mentee_home = text(as_(app, _account(pupil, "mentee")).get("/mentee/"))
    assert "Пара досрочно завершена" in mentee_home and said in mentee_home
    assert "Попросить завершить пару" not in mentee_home
    mentor_home = text(as_(app, _account(teacher, "mentor")).get("/mentor/"))
    assert "Пара досрочно завершена" in mentor_home and said in mentor_home
    parent_client = as_(app, _account(parent, "parent"))
    assert said in text(parent_client.get("/parent/"))
    child_page = parent_client.get(f"/parent/children/{pupil.id}/pairs/{pair.id}")
    assert child_page.status_code == 200 and said in text(child_page)


def _account(person, role) -> Account:
    """An account for a person of the world, holding only `role`."""
    account = accounts.create_account(None, person, f"{role}-{person.id}")
    accounts.grant_role(None, account, role, None)
    Account.update(password_hash=passwords.hash_password(PASSWORD)).where(Account.id == account.id).execute()
    return Account.get_by_id(account.id)


@pytest.mark.clause("4.9")
def test_a_curator_of_another_form_gets_404_and_nothing_changes(app, order_world, client, coordinator, active_pair,
                                                                 make_account, make_person):
    _, _, pair = active_pair
    stranger = make_account(person=make_person(kind="staff", birth_date=date(1980, 1, 1)))
    accounts.grant_role(None, stranger, "curator", order_world.formats[TEACHERS])
    other = as_(app, stranger)
    assert other.get(f"/staff/pairs/{pair.id}/end").status_code == 404
    assert end(other, pair).status_code == 404
    assert Mentorship.get_by_id(pair.id).status == "active"
    assert not AuditEvent.select().where(AuditEvent.action == "mentorship.ended").exists()
    # The form's own curator may.
    own = make_account(person=make_person(kind="staff", birth_date=date(1980, 1, 1)))
    accounts.grant_role(None, own, "curator", order_world.formats[TEACHER_PUPIL])
    assert end(as_(app, own), pair).status_code == 303
    assert Mentorship.get_by_id(pair.id).status == "ended"


@pytest.mark.clause("4.9")
def test_a_refused_end_leaves_nothing_changed(order_world, client, coordinator, active_pair):
    teacher, pupil, pair = active_pair
    before = (Proposal.select(Proposal.id, Proposal.status).tuples()[:], Notification.select().count(),
              AuditEvent.select().count())
    response = end(client, pair, reason="")
    assert response.status_code == 422 and field_errors(response, "reason") == ["Выберите причину из списка."]
    response = end(client, pair, reason="other", note="   ")
    assert response.status_code == 422 and field_errors(response, "text") == [
        "Для «другой причины» опишите её словами."]
    assert end(client, pair, reason="not-a-reason").status_code == 422
    assert Mentorship.get_by_id(pair.id).status == "active"
    assert (Proposal.select(Proposal.id, Proposal.status).tuples()[:], Notification.select().count(),
            AuditEvent.select().count()) == before
    assert pairing.free_places(membership(teacher)) == 0
    # Ended once, it cannot be ended again.
    assert end(client, pair).status_code == 303
    again = client.get(f"/staff/pairs/{pair.id}/end")
    assert "Пара уже досрочно завершена" in text(again)
    with pytest.raises(ServiceError, match="уже досрочно завершена"):
        ending.end_pair(order_world.scope, pair.id, "other", "ещё раз")


@pytest.mark.clause("4.13")
def test_a_pair_cancelled_in_a_draft_stops_its_registration_until_taken_out(order_world, client, coordinator):
    w = order_world
    teacher = w.mentor(TEACHER_PUPIL, "Петрова", "Анна", "Сергеевна", sex="f", capacity=1)
    pupil = w.mentee(TEACHER_PUPIL, "Иванов", "Пётр", "Сергеевич")
    pair = w.pair(teacher, pupil)
    order = drafted(client, pair)
    assert Mentorship.get_by_id(pair.id).status == "in_order"
    assert "Отменить пару" in text(client.get("/staff/pairs"))
    assert "Отменить пару?" in text(client.get(f"/staff/pairs/{pair.id}/end"))
    assert end(client, pair, "incompatibility", "").status_code == 303
    assert Mentorship.get_by_id(pair.id).status == "cancelled"
    assert pairing.free_places(membership(teacher)) == 1
    # The printed draft names the pair: registering that paper is refused until the pair is taken out.
    refused = register(client, order, "61-од")
    assert refused.status_code == 422 and "отменена. Уберите её из проекта приказа" in text(refused)
    drafting.remove_pair(w.scope, order.id, pair.id)
    assert not OrderItem.select().where(OrderItem.order == order).exists()
    assert Mentorship.get_by_id(pair.id).status == "cancelled"
    assert AuditEvent.select().where(AuditEvent.action == "mentorship.removed_from_order").count() == 1
    assert notified(pupil, "pair.cancelled") == 1
    # Never approved, so nothing for the next order of changes.
    assert ending.changes_for_next_order(w.scope) == []


@pytest.mark.clause("4.13")
def test_an_early_end_is_listed_for_the_next_order(order_world, client, coordinator, active_pair):
    _, _, pair = active_pair
    page = text(client.get("/coordinator/orders"))
    assert "Изменения для следующего приказа" in page and f'id="change-{pair.id}"' not in page
    assert end(client, pair, "left_school", "").status_code == 303
    page = text(client.get("/coordinator/orders"))
    row = re.search(rf'<tr id="change-{pair.id}">.*?</tr>', page, re.S).group(0)
    assert "Петрова Анна Сергеевна" in row and "Иванов Пётр Сергеевич" in row
    assert "Досрочно завершена: выбытие из школы" in row


@pytest.mark.clause("s8")
def test_a_request_to_end_reaches_the_curator(app, order_world, client, coordinator, active_pair, make_account,
                                              make_person):
    teacher, pupil, pair = active_pair
    curator = make_account(person=make_person(kind="staff", birth_date=date(1980, 1, 1)))
    accounts.grant_role(None, curator, "curator", order_world.formats[TEACHER_PUPIL])
    mentee = as_(app, _account(pupil, "mentee"))
    assert "Попросить завершить пару" in text(mentee.get("/mentee/"))
    empty = mentee.post(f"/mentee/pairs/{pair.id}/end-request", {"text": " "})
    assert empty.status_code == 422 and error_messages(empty) == ["Напишите, почему пару нужно завершить."]
    sent = mentee.post(f"/mentee/pairs/{pair.id}/end-request", {"text": "Не получается договориться о встречах"})
    assert sent.status_code == 303
    assert notified(curator.person, "pair.end_requested") == 1
    assert notified(coordinator.person, "pair.end_requested") == 0   # the form has a curator
    Notification.update(read_at=date.today()).execute()  # the curator read it: the parent's is a new item
    parent = as_(app, _account(parent_of(pupil), "parent"))
    assert parent.post(f"/parent/children/{pupil.id}/pairs/{pair.id}/end-request",
                       {"text": "Ребёнок переходит в другую школу"}).status_code == 303
    assert AuditEvent.select().where(AuditEvent.action == "mentorship.end_requested").count() == 2
    assert Mentorship.get_by_id(pair.id).status == "active"          # the curator decides
    card = text(as_(app, curator).get(f"/staff/pairs/{pair.id}"))
    requests = re.search(r'<section class="card" id="end-requests">.*?</section>', card, re.S).group(0)
    assert "Не получается договориться о встречах" in requests and "Ребёнок переходит в другую школу" in requests
    assert "Иванов Пётр Сергеевич" in requests
    # Who acted for the child is said: on the pair's card and in the curator's notice (s8).
    acted = f"Родитель ({parent_of(pupil).short_name}) за ученика Иванова П. С."
    assert acted in requests
    told = Notification.get((Notification.person == curator.person) & (Notification.kind == "pair.end_requested")
                            & Notification.read_at.is_null())
    assert told.details == f"{acted}: Ребёнок переходит в другую школу"
    # Grown up, the child asks for themself: the parent's request is refused with the reason, nothing sent.
    Person.update(birth_date=date(date.today().year - 19, 1, 1)).where(Person.id == pupil.id).execute()
    grown = parent.post(f"/parent/children/{pupil.id}/pairs/{pair.id}/end-request", {"text": "Ещё раз"})
    assert grown.status_code == 422 and error_messages(grown) == [
        "Ребёнку уже исполнилось 18 лет: теперь он действует в портале от своего имени."]
    assert AuditEvent.select().where(AuditEvent.action == "mentorship.end_requested").count() == 2
    # Another mentee's pair is not theirs to ask about.
    stranger = as_(app, make_account("mentee"))
    assert stranger.post(f"/mentee/pairs/{pair.id}/end-request", {"text": "x"}).status_code == 404


@pytest.mark.clause("4.9")
def test_removing_a_base_member_in_a_pair_ends_it_in_one_step(order_world, client, coordinator, active_pair):
    teacher, pupil, pair = active_pair
    member = membership(pupil, "mentee")
    url = f"/staff/bases/members/{member.id}/remove"
    page = text(client.get(url))
    assert 'id="running-pairs"' in page and "Да, завершить и исключить" in page
    refused = client.post(url, {"reason": "", "text": ""})
    assert refused.status_code == 422 and field_errors(refused, "reason") == ["Выберите причину из списка."]
    assert BaseMembership.get_by_id(member.id).status == "active" and Mentorship.get_by_id(pair.id).status == "active"
    with pytest.raises(ServiceError, match="сначала завершите или отмените пару"):
        bases.remove_member(order_world.scope, member.id)

    assert client.post(url, {"reason": "left_school", "text": "Переведён в гимназию № 5"}).status_code == 303
    assert BaseMembership.get_by_id(member.id).status == "left"
    pair = Mentorship.get_by_id(pair.id)
    assert (pair.status, pair.end_reason) == ("ended", "left_school")
    assert pairing.free_places(membership(teacher)) == 1
    assert notified(teacher, "pair.ended") == 1
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.action.in_(
        ["mentorship.ended", "base.member_removed"])).order_by(AuditEvent.id)]
    assert actions == ["mentorship.ended", "base.member_removed"]


@pytest.mark.clause("4.9")
def test_a_student_pair_tells_both_minors_parents(order_world, client, coordinator):
    w = order_world
    mentor = w.mentor(PUPILS, "Орлова", "Мария", "Игоревна", sex="f")
    pupil = w.mentee(PUPILS, "Котов", "Илья", "Андреевич")
    (pair,) = activate(client, w.pair(mentor, pupil))
    assert end(client, pair, "parent_request", "").status_code == 303
    for person in (mentor, pupil, parent_of(mentor), parent_of(pupil)):
        assert notified(person, "pair.ended") == 1


@pytest.mark.clause("4.9")
def test_removing_one_mentee_of_a_group_keeps_the_group(order_world, client, coordinator):
    w = order_world
    teacher = w.mentor(TEACHER_PUPIL, "Петрова", "Анна", "Сергеевна", sex="f", capacity=3)
    first, second = (w.mentee(TEACHER_PUPIL, "Иванов", "Пётр", "Сергеевич"),
                     w.mentee(TEACHER_PUPIL, "Котов", "Илья", "Андреевич"))
    pairs = [w.pair(teacher, first), w.pair(teacher, second)]
    order = drafted(client, *pairs)
    group = orders.merge_group(w.scope, order.id, pairs[0].id)
    assert register(client, order, "77-од").status_code == 303
    assert pairing.free_places(membership(teacher)) == 1

    member = membership(second, "mentee")
    page = text(client.get(f"/staff/bases/members/{member.id}/remove"))
    assert "группа продолжит работу без исключаемого" in page
    assert client.post(f"/staff/bases/members/{member.id}/remove",
                       {"reason": "left_school", "text": ""}).status_code == 303
    assert Mentorship.get_by_id(group.id).status == "active"
    assert [m.mentee_id for m in MentorshipMember.select().where(
        (MentorshipMember.mentorship == group.id) & MentorshipMember.left_at.is_null())] == [first.id]
    assert pairing.free_places(membership(teacher)) == 2
    assert pairing.current_pair(second, w.formats[TEACHER_PUPIL].id) is None
    # The one who left, their parent and the mentor are told; the parent reads of their own child only.
    assert notified(second, "pair.left") == notified(teacher, "pair.left") == 1 and notified(first, "pair.left") == 0
    parent = parent_of(second)
    [told] = Notification.select().where((Notification.person == parent) & (Notification.kind == "pair.left"))
    assert second.short_name in told.details and first.short_name not in told.details
