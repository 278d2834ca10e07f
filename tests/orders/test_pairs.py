"""A pair's history for staff (4.13): every step from the mentee's choice to the registered order, with who
and when; a curator sees the pairs of their own formats only; the pages cost the same whatever the data."""
import re
from datetime import date, timedelta

import pytest

from portal.formatting import ru_datetime, ru_short_date
from portal.models import Account, AuditEvent, Mentorship, Order
from portal.services import accounts
from tests.orders.test_orders import PUPILS, TEACHER_PUPIL, TEACHERS, drafted, register, text
from tests.querycount import count_queries

LAST_WEEK = date.today() - timedelta(days=7)
EVENT = re.compile(r'<tr class="event" data-action="([^"]+)">\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>', re.S)


def history(response) -> list[tuple[str, str, str, str]]:
    """(action, when, what, who) for each row of the history table, as shown (newest first)."""
    return [(a, when.strip(), " ".join(re.sub(r"<[^>]+>", "", what).split()), who.strip())
            for a, when, what, who in EVENT.findall(text(response))]


@pytest.fixture
def teacher_and_pupil(order_world):
    teacher = order_world.mentor(TEACHER_PUPIL, "Петрова", "Анна", "Сергеевна", sex="f", capacity=3)
    pupil = order_world.mentee(TEACHER_PUPIL, "Иванов", "Пётр", "Сергеевич", school_class="7Б")
    return teacher, pupil, order_world.pair(teacher, pupil)


def curator_of(make_account, make_person, fmt) -> Account:
    account = make_account(person=make_person(kind="staff", birth_date=date(1980, 1, 1)))
    accounts.grant_role(None, account, "curator", fmt)
    return account


@pytest.mark.clause("4.13")
def test_the_history_shows_every_step_with_who_and_when(client, coordinator, teacher_and_pupil):
    teacher, pupil, pair = teacher_and_pupil
    order = drafted(client, pair)
    assert register(client, order, "45-о", LAST_WEEK).status_code == 303

    response = client.get(f"/staff/pairs/{pair.id}")
    assert response.status_code == 200
    rows = history(response)
    assert [row[0] for row in rows] == ["mentorship.activated", "mentorship.in_order", "mentorship.confirmed",
                                        "mentorship.chosen"]
    assert [(what, who) for _, _, what, who in rows] == [
        (f"приказ зарегистрирован — пара действует (приказ от {ru_short_date(LAST_WEEK)} № 45-о)", "Смирнова Е. В."),
        ("пара включена в проект приказа", "Смирнова Е. В."),
        ("наставник подтвердил пару", "Петрова А. С."),
        ("наставляемый выбрал наставника", "Иванов П. С."),
    ]
    events = {e.action: e for e in AuditEvent.select().where((AuditEvent.object_type == "Mentorship")
                                                             & (AuditEvent.object_id == pair.id))}
    assert [when for _, when, _, _ in rows] == [ru_datetime(events[a].created_at) for a, _, _, _ in rows]

    page = text(response)
    assert "действует" in page and "Иванов Пётр Сергеевич, 7Б" in page and "Петрова Анна Сергеевна" in page
    assert f"приказ № 45-о от {ru_short_date(LAST_WEEK)}" in page  # the order it is in, linked for the coordinator
    assert f'href="/coordinator/orders/{order.id}"' in page
    assert re.search(r"Иванов П\. С\.</td><td[^>]*>Петрова Анна Сергеевна</td>\s*<td[^>]*>[^<]+</td><td[^>]*>выбран</td>", page)


@pytest.mark.clause("4.13")
def test_a_pair_waiting_for_the_order_says_so_and_a_removed_one_shows_it(client, coordinator, teacher_and_pupil):
    teacher, pupil, pair = teacher_and_pupil
    page = text(client.get(f"/staff/pairs/{pair.id}"))
    assert "подтверждена наставником" in page and "Пара ещё не включена в приказ" in page

    order = drafted(client, pair)
    client.post(f"/coordinator/orders/{order.id}/items/{pair.id}/remove")
    assert [row[0] for row in history(client.get(f"/staff/pairs/{pair.id}"))][:2] == [
        "mentorship.removed_from_order", "mentorship.in_order"]


@pytest.mark.clause("4.13")
def test_a_group_keeps_the_history_of_the_pairs_merged_into_it(client, coordinator, order_world, teacher_and_pupil):
    teacher, pupil, first = teacher_and_pupil
    second = order_world.pair(teacher, order_world.mentee(TEACHER_PUPIL, "Орлова", "Мария", "Ивановна", sex="f"))
    order = drafted(client, first, second)
    assert client.post(f"/coordinator/orders/{order.id}/merge/{first.id}").status_code == 303

    group = client.get(f"/staff/pairs/{first.id}")
    assert "Группа: Петрова Анна Сергеевна" in text(group)
    rows = history(group)
    assert rows[0][0] == "mentorship.merged" and rows[0][3] == "Смирнова Е. В."
    assert ("mentorship.chosen", "Орлова М. И.") in [(a, who) for a, _, _, who in rows]

    emptied = text(client.get(f"/staff/pairs/{second.id}"))
    assert "отменена" in emptied and "объединена в группу" in emptied
    assert history(client.get(f"/staff/pairs/{second.id}"))[0][2] == "пара объединена в группу"


def test_the_pairs_list_shows_state_mentor_mentees_and_last_change(client, coordinator, order_world,
                                                                   teacher_and_pupil):
    teacher, pupil, active = teacher_and_pupil
    assert register(client, drafted(client, active)).status_code == 303
    waiting = order_world.pair(order_world.mentor(TEACHERS, "Громова", "Ирина", "Павловна", sex="f"),
                               order_world.mentee(TEACHERS, "Лебедев", "Никита", "Андреевич"))

    page = text(client.get("/staff/pairs"))
    row = re.search(rf'<tr id="pair-{active.id}">(.*?)</tr>', page, re.S).group(1)
    assert "Петрова Анна Сергеевна" in row and "Иванов Пётр Сергеевич" in row and "действует" in row
    assert ru_datetime(Mentorship.get_by_id(active.id).status_changed_at) in row
    assert f'id="pair-{waiting.id}"' in page and "подтверждена наставником" in page

    only_waiting = text(client.get("/staff/pairs?state=waiting"))
    assert f'id="pair-{waiting.id}"' in only_waiting and f'id="pair-{active.id}"' not in only_waiting
    teachers = order_world.formats[TEACHERS]
    one_format = text(client.get(f"/staff/pairs?format={teachers.id}"))
    assert f'id="pair-{waiting.id}"' in one_format and f'id="pair-{active.id}"' not in one_format
    assert client.get("/staff/pairs?state=nonsense&format=abc").status_code == 200


@pytest.mark.quality("access")
def test_a_curator_sees_the_pairs_of_their_own_formats_only(client, login, order_world, make_account, make_person,
                                                            teacher_and_pupil):
    teacher, pupil, other_format_pair = teacher_and_pupil
    own = order_world.pair(order_world.mentor(PUPILS, "Соколов", "Андрей", "Викторович", school_class="10А"),
                           order_world.mentee(PUPILS, "Белова", "Дарья", "Олеговна", sex="f", school_class="5В"))
    curator = curator_of(make_account, make_person, order_world.formats[PUPILS])
    login(curator.login)

    page = text(client.get("/staff/pairs"))
    assert f'id="pair-{own.id}"' in page and "Соколов Андрей Викторович" in page
    assert f'id="pair-{other_format_pair.id}"' not in page and "Петрова" not in page
    assert client.get(f"/staff/pairs?format={order_world.formats[TEACHER_PUPIL].id}").status_code == 200
    assert f'id="pair-{other_format_pair.id}"' not in text(
        client.get(f"/staff/pairs?format={order_world.formats[TEACHER_PUPIL].id}"))

    card = client.get(f"/staff/pairs/{own.id}")
    assert card.status_code == 200 and "/coordinator/orders" not in text(card)
    assert client.get(f"/staff/pairs/{other_format_pair.id}").status_code == 404
    assert client.get("/staff/pairs/999999").status_code == 404


@pytest.mark.quality("query count")
def test_the_pair_pages_cost_the_same_whatever_the_data(client, coordinator, order_world):
    def cost(count, number):
        mentor = order_world.mentor(TEACHERS, capacity=10)
        pairs = [order_world.pair(mentor, order_world.mentee(TEACHERS)) for _ in range(count)]
        order = drafted(client, *pairs)
        if count > 1:  # one group with a long history
            assert client.post(f"/coordinator/orders/{order.id}/merge/{pairs[0].id}").status_code == 303
        assert register(client, order, number).status_code == 303
        with count_queries() as card:
            assert client.get(f"/staff/pairs/{pairs[0].id}").status_code == 200
        with count_queries() as listing:
            assert client.get("/staff/pairs?state=all").status_code == 200
        return len(card), len(listing)

    assert cost(1, "1-о") == cost(10, "2-о")
    assert Order.select().count() == 2
