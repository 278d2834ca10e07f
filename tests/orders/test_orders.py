"""The director's order «Об утверждении наставников и наставнических пар/групп» (4.1, 4.13, s10): only
confirmed pairs go into a draft, the pairs become active only when the signed order is registered, a
registered order is never changed and a correction is a new order. The PDF is read back as text."""
import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from portal.formatting import ru_date, ru_short_date
from portal.models import Account, AuditEvent, Meeting, Mentorship, MentorshipMember, Order, OrderItem, Person
from portal.services import ServiceError, cycle
from portal.services import orders as order_rules
from portal.services import passwords
from tests.conftest import error_messages, field_errors
from tests.factories import PASSWORD
from tests.orders.conftest import DIRECTOR
from tests.querycount import count_queries

TEACHER_PUPIL = "Учитель – ученик"
TEACHERS = "Учитель – учитель"
PUPILS = "Ученик – ученик"
LAST_WEEK = date.today() - timedelta(days=7)


def text(response) -> str:
    return response.get_data(as_text=True)


def pdf_text(data: bytes) -> str:
    """Whitespace normalised: engines break lines and wkhtmltopdf puts tabs between words."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def draft(client, *pairs):
    return client.post("/coordinator/orders/new", {"mentorships": [str(p.id) for p in pairs]})


def drafted(client, *pairs) -> Order:
    response = draft(client, *pairs)
    assert response.status_code == 303, error_messages(response)
    order_id = int(re.search(r"/coordinator/orders/(\d+)$", response.headers["Location"]).group(1))
    return Order.get_by_id(order_id)


def register(client, order, number="45-о", dated_on=LAST_WEEK):
    value = dated_on.isoformat() if isinstance(dated_on, date) else dated_on
    return client.post(f"/coordinator/orders/{order.id}/register", {"number": number, "dated_on": value})


def status_of(pair) -> str:
    return Mentorship.get_by_id(pair.id).status


def snapshot(order) -> tuple:
    """Everything a change to an order could touch: the order row, its items, its pairs and their members."""
    row = Order.select().where(Order.id == order.id).dicts().get()
    items = sorted(OrderItem.select(OrderItem.mentorship).where(OrderItem.order == order.id).tuples())
    ids = [i[0] for i in items]
    pairs = sorted(Mentorship.select(Mentorship.id, Mentorship.status, Mentorship.status_changed_at)
                   .where(Mentorship.id.in_(ids)).tuples())
    members = sorted(MentorshipMember.select(MentorshipMember.mentorship, MentorshipMember.mentee).tuples())
    return row, items, pairs, members, Order.select().count()


@pytest.fixture
def teacher_and_pupil(order_world):
    teacher = order_world.mentor(TEACHER_PUPIL, "Петрова", "Анна", "Сергеевна", sex="f", capacity=3)
    pupil = order_world.mentee(TEACHER_PUPIL, "Иванов", "Пётр", "Сергеевич", school_class="7Б")
    return teacher, pupil, order_world.pair(teacher, pupil)


# --- drafting ----------------------------------------------------------------------------------------

@pytest.mark.clause("4.13")
def test_only_pairs_the_mentor_confirmed_go_into_a_draft(client, coordinator, order_world, teacher_and_pupil):
    teacher, pupil, confirmed = teacher_and_pupil
    waiting_mentee = order_world.mentee(TEACHER_PUPIL, "Сидоров", "Кирилл", "Львович", school_class="7Б")
    chosen = order_world.pair(teacher, waiting_mentee, confirm=False)

    page = text(client.get("/coordinator/orders"))
    assert f'id="ready-{confirmed.id}"' in page and "Иванов Пётр Сергеевич" in page
    assert f'id="ready-{chosen.id}"' not in page and "Сидоров" not in page

    refused = draft(client, confirmed, chosen)
    assert refused.status_code == 422
    assert any("только пары, подтверждённые наставником" in e for e in field_errors(refused, "mentorships"))
    assert Order.select().count() == 0
    assert status_of(confirmed) == "confirmed" and status_of(chosen) == "chosen"

    order = drafted(client, confirmed)
    assert order.status == "draft" and order.kind == "pairs"
    assert order.title == "Об утверждении наставников и наставнических пар/групп"
    assert order.number is None and order.dated_on is None
    assert [i.mentorship_id for i in order.items] == [confirmed.id]
    assert status_of(confirmed) == "in_order"
    # in a draft now, so no longer offered for another order
    assert f'id="ready-{confirmed.id}"' not in text(client.get("/coordinator/orders"))
    again = draft(client, confirmed)
    assert again.status_code == 422 and Order.select().count() == 1


@pytest.mark.quality("validation")
def test_nothing_ticked_is_refused_beside_the_list(client, coordinator, teacher_and_pupil):
    response = client.post("/coordinator/orders/new", {})
    assert response.status_code == 422
    assert field_errors(response, "mentorships") == ["Отметьте пары, которые войдут в приказ."]
    response = client.post("/coordinator/orders/new", {"mentorships": ["abc", "1e9"]})
    assert response.status_code == 422 and Order.select().count() == 0


@pytest.mark.clause("4.13", "4.11")
def test_a_pair_whose_consent_no_longer_holds_is_refused_with_the_person_named(client, coordinator, order_world,
                                                                               teacher_and_pupil):
    """A pupil who turns 18 needs their own consent: the parent's no longer lets them in (4.11)."""
    teacher, pupil, pair = teacher_and_pupil
    today = date.today()
    Person.update(birth_date=date(today.year - 18, today.month, min(today.day, 28)) - timedelta(days=1)).where(
        Person.id == pupil.id).execute()

    page = text(client.get("/coordinator/orders"))
    assert "нет согласия: Иванов П. С." in page
    response = draft(client, pair)
    assert response.status_code == 422
    assert field_errors(response, "mentorships") == [
        "Иванов Пётр Сергеевич: нет действующего согласия на обработку персональных данных — пару "
        "Петрова А. С. — Иванов П. С. нельзя включить в приказ."]
    assert Order.select().count() == 0 and status_of(pair) == "confirmed"


@pytest.mark.clause("4.13")
def test_a_draft_can_drop_a_pair_and_be_deleted_and_its_pairs_wait_again(client, coordinator, order_world,
                                                                         teacher_and_pupil):
    teacher, pupil, first = teacher_and_pupil
    second = order_world.pair(teacher, order_world.mentee(TEACHER_PUPIL, "Орлова", "Мария", "Ивановна", sex="f"))
    order = drafted(client, first, second)

    response = client.post(f"/coordinator/orders/{order.id}/items/{first.id}/remove")
    assert response.status_code == 303
    assert status_of(first) == "confirmed" and [i.mentorship_id for i in order.items] == [second.id]
    assert f'id="ready-{first.id}"' in text(client.get(f"/coordinator/orders/{order.id}"))  # offered to add back

    added = client.post(f"/coordinator/orders/{order.id}/items", {"mentorships": [str(first.id)]})
    assert added.status_code == 303 and status_of(first) == "in_order"

    confirm = client.get(f"/coordinator/orders/{order.id}/delete")
    assert confirm.status_code == 200 and "Удалить проект приказа?" in text(confirm)
    assert Order.select().count() == 1  # a GET only asks
    response = client.post(f"/coordinator/orders/{order.id}/delete")
    assert response.status_code == 303 and response.headers["Location"].endswith("/coordinator/orders")
    assert Order.select().count() == 0 and OrderItem.select().count() == 0
    assert status_of(first) == "confirmed" and status_of(second) == "confirmed"
    page = text(client.get("/coordinator/orders"))
    assert f'id="ready-{first.id}"' in page and f'id="ready-{second.id}"' in page


# --- registration: only then are the pairs active ---------------------------------------------------

@pytest.mark.clause("4.13", "2.6")
def test_pairs_become_active_only_when_the_signed_order_is_registered(client, coordinator, teacher_and_pupil):
    teacher, pupil, pair = teacher_and_pupil
    order = drafted(client, pair)
    page = text(client.get(f"/coordinator/orders/{order.id}"))
    assert "Проект приказа" in page and "в проекте приказа" in page
    assert status_of(pair) == "in_order"  # printed and maybe signed, but not registered: not active
    first_meeting = cycle.MeetingData(stage="first", held_on=date.today(), topic="Знакомство")
    with pytest.raises(ServiceError, match="только в действующей паре"):
        cycle.log_meeting(teacher, pair.id, first_meeting)
    assert Meeting.select().count() == 0

    response = register(client, order, "№ 45-о", LAST_WEEK)
    assert response.status_code == 303
    order = Order.get_by_id(order.id)
    assert (order.status, order.number, order.dated_on) == ("registered", "45-о", LAST_WEEK)
    assert order.registered_by_id == coordinator.person_id and order.registered_at is not None
    assert status_of(pair) == "active"
    page = text(client.get(f"/coordinator/orders/{order.id}"))
    assert f"Приказ № 45-о от {ru_date(LAST_WEEK)}" in page and "действует" in page
    assert AuditEvent.select().where((AuditEvent.action == "order.registered")
                                     & (AuditEvent.object_id == order.id)).count() == 1
    assert cycle.log_meeting(teacher, pair.id, first_meeting).mentorship_id == pair.id  # now the cycle may start


@pytest.mark.clause("4.13")
def test_an_order_with_a_pair_cancelled_meanwhile_is_not_registered(client, coordinator, order_world,
                                                                    teacher_and_pupil):
    teacher, pupil, pair = teacher_and_pupil
    order = drafted(client, pair)
    Mentorship.update(status="cancelled").where(Mentorship.id == pair.id).execute()  # e.g. a consent withdrawn
    before = snapshot(order)
    response = register(client, order)
    assert response.status_code == 422
    assert "Уберите её из проекта приказа" in " ".join(error_messages(response))
    assert snapshot(order) == before
    assert client.post(f"/coordinator/orders/{order.id}/items/{pair.id}/remove").status_code == 303
    assert status_of(pair) == "cancelled"  # removing it does not revive it


@pytest.mark.quality("validation")
def test_the_number_and_date_are_required_and_the_date_not_in_the_future(client, coordinator, teacher_and_pupil):
    teacher, pupil, pair = teacher_and_pupil
    order = drafted(client, pair)
    before = snapshot(order)

    empty = register(client, order, "", "")
    assert empty.status_code == 422
    assert field_errors(empty, "number") == ["Заполните это поле."]
    assert field_errors(empty, "dated_on") == ["Заполните это поле."]
    tomorrow = register(client, order, "46", date.today() + timedelta(days=2))
    assert tomorrow.status_code == 422 and "не может быть позже сегодняшнего дня" in field_errors(tomorrow, "dated_on")[0]
    for nonsense in ("31.02.2025", "вчера", "2025-13-01"):
        response = register(client, order, "46", nonsense)
        assert response.status_code == 422, nonsense
        assert field_errors(response, "dated_on") == ["Укажите дату в виде ДД.ММ.ГГГГ."]
    assert snapshot(order) == before and status_of(pair) == "in_order"

    typed = register(client, order, "46", LAST_WEEK.strftime("%d.%m.%Y"))  # typed by hand, the Russian way
    assert typed.status_code == 303 and Order.get_by_id(order.id).dated_on == LAST_WEEK


LAST_YEAR = date.today().year - 1


def taken(number: str, dated_on: date) -> str:
    return (f"Этот номер уже занят: приказ № {number} от {ru_short_date(dated_on)} уже зарегистрирован, а номер "
            "приказа в школе не повторяется в течение календарного года. Проверьте номер на подписанном экземпляре.")


@pytest.mark.clause("s10", part="pairs-order")
def test_an_order_number_is_taken_for_the_whole_calendar_year(client, coordinator, order_world, teacher_and_pupil):
    """«52-од» of 15 September cannot be registered again on 1 December of that year, however it is typed;
    the refusal stands beside the number, the draft and its pairs stay as they were."""
    teacher, pupil, first_pair = teacher_and_pupil
    second_pair = order_world.pair(teacher, order_world.mentee(TEACHER_PUPIL, "Орлова", "Мария", "Ивановна", sex="f"))
    september, december = date(LAST_YEAR, 9, 15), date(LAST_YEAR, 12, 1)
    first = drafted(client, first_pair)
    assert register(client, first, "52-од", september).status_code == 303
    second = drafted(client, second_pair)
    before = snapshot(second)

    for typed, day in (("52-од", december), (" 52-ОД ", december), ("№ 52 – од", december),
                       ("52-oд", december),  # a Latin «o»: the same number on paper
                       ("52-од", september)):
        response = register(client, second, typed, day)
        assert response.status_code == 422, typed
        assert field_errors(response, "number") == [taken("52-од", september)], typed
        assert snapshot(second) == before and status_of(second_pair) == "in_order"

    next_year = register(client, second, "52-од", date(LAST_YEAR + 1, 1, 1))  # a new year starts the count again
    assert next_year.status_code == 303 and status_of(second_pair) == "active"
    assert Order.get_by_id(second.id).number == "52-од"


@pytest.mark.clause("s10", part="pairs-order")
def test_another_number_the_same_day_and_another_schools_number_are_free(client, coordinator, order_world,
                                                                          other_school, teacher_and_pupil):
    teacher, pupil, first_pair = teacher_and_pupil
    second_pair = order_world.pair(teacher, order_world.mentee(TEACHER_PUPIL, "Орлова", "Мария", "Ивановна", sex="f"))
    Order.create(school=other_school, kind="pairs", title=order_rules.PAIRS_TITLE, status="registered",
                 number="52-од", dated_on=LAST_WEEK)
    assert register(client, drafted(client, first_pair), "52-од", LAST_WEEK).status_code == 303
    assert register(client, drafted(client, second_pair), "52/1-од", LAST_WEEK).status_code == 303
    assert status_of(second_pair) == "active"


@pytest.mark.quality("concurrency")
def test_two_registrations_of_one_number_at_the_same_moment_give_one_order(client, coordinator, order_world,
                                                                            teacher_and_pupil, monkeypatch):
    """The check and the write are not enough on their own under load: the database's unique index on
    (school, year, number) refuses the second, and the coordinator gets the same message, not a 500."""
    teacher, pupil, first_pair = teacher_and_pupil
    second_pair = order_world.pair(teacher, order_world.mentee(TEACHER_PUPIL, "Орлова", "Мария", "Ивановна", sex="f"))
    assert register(client, drafted(client, first_pair), "52-од", LAST_WEEK).status_code == 303
    second = drafted(client, second_pair)
    before = snapshot(second)
    real = order_rules._holder_of
    calls = []

    def late(*args, **kwargs):  # the first look finds nothing, as if the other registration had not committed
        calls.append(args)
        return None if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(order_rules.registration, "_holder_of", late)
    response = register(client, second, "52-ОД", LAST_WEEK)
    assert response.status_code == 422
    assert field_errors(response, "number") == [taken("52-од", LAST_WEEK)]
    assert snapshot(second) == before and status_of(second_pair) == "in_order"


@pytest.mark.clause("s10", part="pairs-order")
def test_a_registered_order_is_never_changed(client, coordinator, order_world, teacher_and_pupil):
    teacher, pupil, pair = teacher_and_pupil
    other = order_world.pair(teacher, order_world.mentee(TEACHER_PUPIL, "Орлова", "Мария", "Ивановна", sex="f"))
    order = drafted(client, pair)
    assert register(client, order).status_code == 303
    before = snapshot(order)
    page = text(client.get(f"/coordinator/orders/{order.id}"))
    assert "убрать из проекта" not in page and "Зарегистрировать приказ" not in page and "Удалить проект" not in page

    attempts = [
        (f"/coordinator/orders/{order.id}/items/{pair.id}/remove", {}),
        (f"/coordinator/orders/{order.id}/items", {"mentorships": [str(other.id)]}),
        (f"/coordinator/orders/{order.id}/register", {"number": "99", "dated_on": LAST_WEEK.isoformat()}),
        (f"/coordinator/orders/{order.id}/merge/{pair.id}", {}),
        (f"/coordinator/orders/{order.id}/delete", {}),
    ]
    for url, data in attempts:
        response = client.post(url, data)
        assert response.status_code == 422, url
        assert order_rules.FROZEN in text(response), url
        assert snapshot(order) == before, url
    assert status_of(pair) == "active" and status_of(other) == "confirmed"
    confirm = client.get(f"/coordinator/orders/{order.id}/delete")
    assert "Зарегистрированный приказ не удаляется" in text(confirm) and "Да, удалить" not in text(confirm)
    merge = client.get(f"/coordinator/orders/{order.id}/merge/{pair.id}")
    assert "Зарегистрированный приказ не изменяется" in text(merge) and "Да, объединить" not in text(merge)


@pytest.mark.clause("4.13")
@pytest.mark.clause("s10", part="pairs-order")
def test_a_correction_is_a_new_order_pointing_at_the_registered_one(client, coordinator, order_world,
                                                                    teacher_and_pupil):
    teacher, pupil, pair = teacher_and_pupil
    late = order_world.pair(teacher, order_world.mentee(TEACHER_PUPIL, "Орлова", "Мария", "Ивановна", sex="f"))
    original = drafted(client, pair)
    assert register(client, original, "45-о", LAST_WEEK).status_code == 303
    before = snapshot(original)

    draft_of_draft = client.post(f"/coordinator/orders/{drafted(client, late).id}/correct")
    assert draft_of_draft.status_code == 422  # a draft is edited, not corrected
    client.post(f"/coordinator/orders/{Order.select().order_by(Order.id.desc()).get().id}/delete")

    response = client.post(f"/coordinator/orders/{original.id}/correct")
    assert response.status_code == 303
    correction = Order.select().where(Order.corrects == original).get()
    assert response.headers["Location"].endswith(f"/coordinator/orders/{correction.id}")
    assert correction.status == "draft" and correction.kind == "pairs"
    assert correction.title == f"О внесении изменений в приказ от {ru_short_date(LAST_WEEK)} № 45-о"
    assert client.post(f"/coordinator/orders/{original.id}/correct").status_code == 303  # a double click
    assert Order.select().where(Order.corrects == original).count() == 1

    page = text(client.get(f"/coordinator/orders/{correction.id}"))
    assert "Вносит изменения в" in page and f"приказ № 45-о от {ru_short_date(LAST_WEEK)}" in page
    assert f'id="ready-{late.id}"' in page
    assert client.post(f"/coordinator/orders/{correction.id}/items", {"mentorships": [str(late.id)]}).status_code == 303
    assert "Изменения:" in text(client.get(f"/coordinator/orders/{original.id}"))

    printed = pdf_text(client.get(f"/coordinator/orders/{correction.id}/pdf").data)
    assert f"О внесении изменений в приказ от {ru_short_date(LAST_WEEK)} № 45-о" in printed
    assert (f"Внести в приказ от {ru_short_date(LAST_WEEK)} № 45-о «Об утверждении наставников и наставнических "
            "пар/групп» следующие изменения:") in printed
    assert "Дополнительно утвердить наставником Петрову Анну Сергеевну" in printed

    assert register(client, correction, "52-о", date.today()).status_code == 303
    assert status_of(late) == "active" and snapshot(original)[:3] == before[:3]


# --- groups ----------------------------------------------------------------------------------------

@pytest.mark.clause("4.13")
def test_one_mentors_separate_pairs_become_one_group_in_the_draft(client, coordinator, order_world,
                                                                  teacher_and_pupil):
    teacher, pupil, first = teacher_and_pupil
    second = order_world.pair(teacher, order_world.mentee(TEACHER_PUPIL, "Орлова", "Мария", "Ивановна", sex="f",
                                                          school_class="7Б"))
    order = drafted(client, first, second)
    page = text(client.get(f"/coordinator/orders/{order.id}"))
    assert "Объединить в группу" in page

    confirm = client.get(f"/coordinator/orders/{order.id}/merge/{second.id}")
    assert confirm.status_code == 200 and "Объединить пары наставника в группу?" in text(confirm)
    assert status_of(second) == "in_order"
    response = client.post(f"/coordinator/orders/{order.id}/merge/{second.id}")
    assert response.status_code == 303

    group, emptied = Mentorship.get_by_id(first.id), Mentorship.get_by_id(second.id)
    assert group.status == "in_order"
    assert {m.mentee_id for m in group.members} == {pupil.id, Person.get(Person.surname == "Орлова").id}
    assert (emptied.status, emptied.ended_reason) == ("cancelled", "объединена в группу")
    assert [i.mentorship_id for i in order.items] == [first.id]
    assert AuditEvent.select().where((AuditEvent.action == "mentorship.merged")
                                     & (AuditEvent.object_id == first.id)).count() == 1
    page = text(client.get(f"/coordinator/orders/{order.id}"))
    assert "Объединить в группу" not in page and "группа" in page

    printed = pdf_text(client.get(f"/coordinator/orders/{order.id}/pdf").data)
    assert "«Учитель – ученик» (группа) Петрова Анна Сергеевна" in printed
    assert "Иванов Пётр Сергеевич, 7Б класс; Орлова Мария Ивановна, 7Б класс" in printed
    assert register(client, order).status_code == 303 and status_of(first) == "active"


@pytest.mark.quality("validation")
def test_a_lone_pair_is_not_merged(client, coordinator, teacher_and_pupil):
    teacher, pupil, pair = teacher_and_pupil
    order = drafted(client, pair)
    before = snapshot(order)
    assert "Объединять нечего" in text(client.get(f"/coordinator/orders/{order.id}/merge/{pair.id}"))
    response = client.post(f"/coordinator/orders/{order.id}/merge/{pair.id}")
    assert response.status_code == 422 and "объединять нечего" in text(response)
    assert snapshot(order) == before


# --- the PDF ---------------------------------------------------------------------------------------

@pytest.mark.clause("4.13")
@pytest.mark.clause("s10", part="pairs-order")
def test_the_order_prints_in_the_russian_layout_with_declined_names(client, coordinator, order_world, engine,
                                                                   teacher_and_pupil):
    teacher, pupil, pair = teacher_and_pupil
    senior = order_world.mentor(PUPILS, "Соколов", "Андрей", "Викторович", school_class="10А")
    junior = order_world.mentee(PUPILS, "Белова", "Дарья", "Олеговна", sex="f", school_class="5В")
    colleague = order_world.mentor(TEACHERS, "Громова", "Ирина", "Павловна", sex="f")
    newcomer = order_world.mentee(TEACHERS, "Лебедев", "Никита", "Андреевич")
    order = drafted(client, pair, order_world.pair(senior, junior), order_world.pair(colleague, newcomer))

    response = client.get(f"/coordinator/orders/{order.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="prikaz-{order.id}.pdf"'
    printed = pdf_text(response.data)
    assert printed.startswith("Муниципальное общеобразовательное учреждение СОШ № 62 ПРИКАЗ")
    assert "от «___» ________ 20__ г." in printed and "№ ____" in printed
    assert "Об утверждении наставников и наставнических пар/групп" in printed
    assert ("В соответствии с Положением о наставничестве в МОУ СОШ № 62, на основании добровольного согласия "
            "участников наставничества") in printed
    assert "ПРИКАЗЫВАЮ:" in printed
    assert "1. Утвердить наставниками:" in printed
    for accusative in ("Соколова Андрея Викторовича, обучающегося 10А класса;", "Громову Ирину Павловну;",
                       "Петрову Анну Сергеевну"):
        assert accusative in printed
    assert "Петрова Анна Сергеевна" in printed  # the table names people as they are
    for row in ("1 «Ученик – ученик» Соколов Андрей Викторович, 10А класс Белова Дарья Олеговна, 5В класс",
                "2 «Учитель – учитель» Громова Ирина Павловна Лебедев Никита Андреевич",
                "3 «Учитель – ученик» Петрова Анна Сергеевна Иванов Пётр Сергеевич, 7Б класс"):
        assert row in printed
    assert ("3. Контроль за исполнением приказа возложить на заместителя директора по УВР "
            "Смирнову Елену Викторовну.") in printed
    assert "Директор ____________________ / О. И. Кузнецов" in printed

    assert register(client, order, "45-о", date(2025, 9, 1)).status_code == 303
    printed = pdf_text(client.get(f"/coordinator/orders/{order.id}/pdf").data)
    assert "от 1 сентября 2025 г." in printed and "№ 45-о" in printed
    assert "«___»" not in printed and "№ ____" not in printed


@pytest.mark.clause("s10", part="pairs-order")
def test_a_single_mentor_is_approved_in_the_singular(client, coordinator, teacher_and_pupil):
    teacher, pupil, pair = teacher_and_pupil
    order = drafted(client, pair)
    printed = pdf_text(client.get(f"/coordinator/orders/{order.id}/pdf").data)
    assert "1. Утвердить наставником Петрову Анну Сергеевну." in printed
    # an order whose author is unknown (made before the portal's pages) names the school's coordinator
    Order.update(created_by=None).where(Order.id == order.id).execute()
    printed = pdf_text(client.get(f"/coordinator/orders/{order.id}/pdf").data)
    assert "заместителя директора по УВР Смирнову Елену Викторовну." in printed


# --- who may -------------------------------------------------------------------------------------

@pytest.mark.quality("access")
def test_a_curator_may_not_touch_orders(client, login_as, order_world, teacher_and_pupil):
    teacher, pupil, pair = teacher_and_pupil
    order = Order.create(school=order_world.school, kind="pairs", title=order_rules.PAIRS_TITLE)
    login_as("curator")
    client.get("/staff/pairs")  # a page with the CSRF token
    assert client.get("/coordinator/orders").status_code == 403
    assert client.get(f"/coordinator/orders/{order.id}/pdf").status_code == 403
    assert client.post("/coordinator/orders/new", {"mentorships": [str(pair.id)]}).status_code == 403
    assert status_of(pair) == "confirmed"


@pytest.mark.quality("access")
def test_another_schools_order_and_pairs_are_not_found(client, order_world, other_school, login, teacher_and_pupil,
                                                       coordinator):
    teacher, pupil, pair = teacher_and_pupil
    order = drafted(client, pair)
    Account.update(password_hash=passwords.hash_password(PASSWORD)).where(
        Account.login == "other-coordinator").execute()
    client.post("/logout")
    client.get("/login")  # a fresh session, a fresh CSRF token
    login("other-coordinator")
    assert client.get(f"/coordinator/orders/{order.id}").status_code == 404
    assert client.get(f"/coordinator/orders/{order.id}/pdf").status_code == 404
    assert client.post(f"/coordinator/orders/{order.id}/register", {"number": "1", "dated_on": LAST_WEEK.isoformat()}
                       ).status_code == 404
    assert client.post("/coordinator/orders/new", {"mentorships": [str(pair.id)]}).status_code == 404
    assert Order.get_by_id(order.id).status == "draft" and status_of(pair) == "in_order"


# --- cost ----------------------------------------------------------------------------------------

def _pairs(order_world, count, offset=0) -> list:
    mentors = [order_world.mentor(TEACHERS, capacity=10) for _ in range(2)]
    return [order_world.pair(mentors[i % 2], order_world.mentee(TEACHERS)) for i in range(count)]


@pytest.mark.quality("query count")
def test_the_orders_pages_cost_the_same_for_2_and_for_20_pairs(client, coordinator, order_world):
    def cost(pairs):
        order = drafted(client, *pairs[: len(pairs) // 2])
        with count_queries() as listing:
            assert client.get("/coordinator/orders").status_code == 200
        with count_queries() as page:
            assert client.get(f"/coordinator/orders/{order.id}").status_code == 200
        assert register(client, order, number=f"{len(pairs)}-о").status_code == 303
        with count_queries() as registered:
            assert client.get(f"/coordinator/orders/{order.id}").status_code == 200
        return len(listing), len(page), len(registered)

    few = cost(_pairs(order_world, 2))
    many = cost(_pairs(order_world, 20))
    assert few == many
