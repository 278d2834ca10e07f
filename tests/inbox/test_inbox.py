"""The inbox every signed-in person has: the unread count in the header, newest first, read on opening."""
from datetime import timedelta

import pytest

from portal.db import db
from portal.models import Notification, OutboxMail, Person
from portal.services import notifications
from tests.querycount import count_queries

pytestmark = pytest.mark.quality("notifications")


def _unread_badge(html: str) -> str | None:
    marker = 'id="inbox-unread"><span class="visually-hidden">непрочитанных: </span>'
    if marker not in html:
        return None
    return html.split(marker, 1)[1].split("<", 1)[0]


def test_the_header_counts_unread_items_and_opening_one_reads_it(client, login_as):
    account = login_as("mentor")
    first, second = (notifications.notify([account.person], kind)[0]
                     for kind in ("consent.to_sign", "choice.to_confirm"))
    page = client.get("/mentor/").get_data(as_text=True)
    assert _unread_badge(page) == "2"

    opened = client.get(f"/inbox/{second.id}")
    assert opened.status_code == 303
    assert opened.headers["Location"].endswith("/mentor/")
    assert Notification.get_by_id(second.id).read_at is not None
    assert Notification.get_by_id(first.id).read_at is None
    assert _unread_badge(client.get("/mentor/").get_data(as_text=True)) == "1"


def test_the_inbox_lists_newest_first_and_marks_what_is_new(client, login_as):
    account = login_as("mentee")
    older = notifications.notify([account.person], "proposal.made")[0]
    Notification.update(created_at=older.created_at - timedelta(hours=2)).where(Notification.id == older.id).execute()
    notifications.notify([account.person], "meeting.to_confirm", details="Встреча 12 ноября")
    page = client.get("/inbox/").get_data(as_text=True)
    newest = page.index(notifications.TITLES["meeting.to_confirm"])
    assert newest < page.index(notifications.TITLES["proposal.made"])
    assert "Встреча 12 ноября" in page
    assert page.count(">новое<") == 2
    assert "Отметить всё прочитанным" in page


def test_an_empty_inbox_says_what_will_appear_there(client, login_as):
    login_as("parent")
    page = client.get("/inbox/").get_data(as_text=True)
    assert "Уведомлений пока нет" in page
    assert "Отметить всё прочитанным" not in page
    assert _unread_badge(page) is None


def test_mark_all_read_empties_the_count(client, login_as):
    account = login_as("parent")
    for kind in ("consent.to_sign", "programme.to_acknowledge", "password.reset"):
        notifications.notify([account.person], kind)
    answer = client.post("/inbox/read-all", data={})
    assert answer.status_code == 303
    page = client.get("/inbox/").get_data(as_text=True)
    assert "Все уведомления отмечены прочитанными." in page
    assert _unread_badge(page) is None
    assert notifications.unread_count(account.person_id) == 0


def test_another_persons_item_is_not_found_and_stays_unread(client, login_as, make_person):
    login_as("mentor")
    stranger = make_person(kind="staff")
    item = notifications.notify([stranger], "choice.to_confirm")[0]
    assert client.get(f"/inbox/{item.id}").status_code == 404
    assert Notification.get_by_id(item.id).read_at is None
    assert notifications.TITLES["choice.to_confirm"] not in client.get("/inbox/").get_data(as_text=True)
    client.post("/inbox/read-all", data={})
    assert Notification.get_by_id(item.id).read_at is None


def test_the_same_task_unread_is_not_asked_twice(make_person):
    mentee = make_person()
    assert len(notifications.notify([mentee, mentee.id], "proposal.made", obj=mentee)) == 1
    assert notifications.notify([mentee], "proposal.made", obj=mentee) == []
    notifications.read_all(mentee.id)
    assert len(notifications.notify([mentee], "proposal.made", obj=mentee)) == 1


def test_a_change_rolled_back_leaves_no_item(make_person):
    mentee = make_person()
    with pytest.raises(RuntimeError):
        with db.atomic():
            notifications.notify([mentee], "plan.to_agree")
            raise RuntimeError("the change failed after asking")
    assert notifications.unread_count(mentee.id) == 0


def test_mail_is_queued_only_where_the_school_mails_and_the_person_wants_it(make_person):
    with_address = make_person(kind="parent", birth_date=None, email="mama@example.ru")
    without = make_person(kind="parent", birth_date=None)
    turned_off = make_person(kind="parent", birth_date=None, email="papa@example.ru")
    Person.update(mail_off=True).where(Person.id == turned_off.id).execute()
    notifications.notify([with_address], "consent.to_sign")
    assert OutboxMail.select().count() == 0  # no SMTP: the inbox is the only channel
    notifications.configure(mail_enabled=True)
    try:
        notifications.notify([with_address, without, turned_off], "questionnaire.waiting")
    finally:
        notifications.configure(mail_enabled=False)
    assert [row.person_id for row in OutboxMail.select()] == [with_address.id]


@pytest.mark.quality("query count")
def test_the_unread_count_costs_one_query_however_many_items(client, login_as):
    account = login_as("mentor")
    with count_queries() as empty:
        client.get("/mentor/")
    Notification.insert_many([{"school": account.school_id, "person": account.person_id, "kind": "meeting.disputed",
                               "title": notifications.TITLES["meeting.disputed"], "details": f"встреча {n}",
                               "read_at": Notification.created_at.default() if n % 2 else None}
                              for n in range(40)]).execute()
    with count_queries() as full:
        page = client.get("/mentor/").get_data(as_text=True)
    assert _unread_badge(page) == "20"
    assert len(full) == len(empty)
    assert sum('"notification"' in sql for sql in full) == 1
