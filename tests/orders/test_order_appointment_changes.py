"""Two orders of s10 drafted by what happens in the portal (issue 15, 1 (b) and (e)).

«О назначении координатора и кураторов» (4.3): the coordinator's «Назначить куратора» drafts it (or adds to the
open draft); the person waits «назначение ждёт приказа» and cannot act as curator until the signed order is
registered with its number, date and scan — then the grant carries them, and the order is frozen.

«О внесении изменений в состав наставнических пар» (4.9, 4.13; DECISIONS.md "The school year"): pairs ended early
(with the reason and the date), carried into the next year and newly formed after the main order, drafted from
the changes no order of changes lists yet, registered and frozen like the others, listed in the registry."""
import pytest

from portal.models import AuditEvent, Appointment, IssuedDocument, Mentorship, Order, OrderItem, RoleGrant
from portal.services import orders as order_rules
from tests.conftest import error_messages
from tests.orders.test_ending import activate, end
from tests.orders.test_order_kinds import (  # noqa: F401 (staff is a fixture)
    LAST_WEEK, assert_same_text, registered, staff,
)
from tests.orders.test_orders import TEACHER_PUPIL, pdf_text, text

CURATOR_FORMAT = "Учитель – учитель"


def appoint(client, fmt, person):
    return client.post(f"/coordinator/formats/{fmt.id}/curators/new", {"person": str(person.id)})


def curator_grants(person):
    return list(RoleGrant.select().join(RoleGrant.account.rel_model)
                .where((RoleGrant.account.rel_model.person == person) & (RoleGrant.role == "curator")))


@pytest.mark.clause("4.3")
@pytest.mark.clause("s10", part="coordinator-curators-order")
def test_a_curators_grant_waits_for_the_registered_appointment_order(app, client, coordinator, order_world, staff,
                                                                     make_account, engine):
    first, second = staff
    # A short position: a hyphenated one may break across lines in the PDF, which the text check cannot join.
    type(second).update(position="методист").where(type(second).id == second.id).execute()
    account = make_account("mentor", person=first)  # already a mentor: the grant adds the curator role later
    fmt, other = order_world.formats[CURATOR_FORMAT], order_world.formats[TEACHER_PUPIL]

    assert appoint(client, fmt, first).status_code == 303
    assert appoint(client, other, second).status_code == 303  # joins the same open draft
    order = Order.get(Order.kind == "appointment")
    assert (order.status, order.title) == ("draft", "О назначении координатора и кураторов")
    assert Appointment.select().where(Appointment.order == order).count() == 2
    assert curator_grants(first) == [] and curator_grants(second) == []
    formats_page = text(client.get("/coordinator/formats"))
    assert formats_page.count("назначение ждёт приказа") == 2

    # Before registration the appointed person cannot act as the form's curator.
    from tests.orders.test_ending import as_
    Account = type(account)
    Account.update(password_hash=Account.get_by_id(order_world.coordinator.id).password_hash).where(
        Account.id == account.id).execute()
    waiting = as_(app, account)
    assert waiting.get(f"/staff/bases/{fmt.id}").status_code == 403

    page = text(client.get(f"/coordinator/orders/{order.id}"))
    assert "Назначения приказа" in page and "Волкова Ирина Павловна" in page and "Зайцев Илья Андреевич" in page
    draft_pdf = client.get(f"/coordinator/orders/{order.id}/pdf").data
    draft_docx = client.get(f"/coordinator/orders/{order.id}/docx").data
    printed = assert_same_text(draft_pdf, draft_docx)
    for words in ("О назначении координатора и кураторов", "ПРИКАЗЫВАЮ:",
                  "Назначить координатором внедрения целевой модели наставничества",
                  "Смирнову Елену Викторовну", f"формы «{CURATOR_FORMAT}» — Волкову Ирину Павловну (учитель истории)",
                  f"формы «{TEACHER_PUPIL}» — Зайцева Илью Андреевича (методист)",
                  "от «___» ________ 20__ г."):
        assert words in printed, words

    # A registration refused (no number) grants nothing.
    refused = client.post(f"/coordinator/orders/{order.id}/register", {"number": "", "dated_on": LAST_WEEK.isoformat()})
    assert refused.status_code == 422 and curator_grants(first) == []

    response = registered(client, order, number="3-к")
    assert response.status_code == 303, error_messages(response)
    order = Order.get_by_id(order.id)
    assert (order.status, order.number, order.dated_on) == ("registered", "3-к", LAST_WEEK) and order.scan_id
    (grant,) = curator_grants(first)
    assert (grant.mentoring_format_id, grant.order_number, grant.order_date) == (fmt.id, "3-к", LAST_WEEK)
    assert [g.mentoring_format_id for g in curator_grants(second)] == [other.id]
    assert AuditEvent.select().where(AuditEvent.action == "curator.appointed").count() == 2
    assert "приказ № 3-к" in text(client.get("/coordinator/formats"))
    assert "назначение ждёт приказа" not in text(client.get("/coordinator/formats"))

    # After registration the curator reaches their form (a new login reads the new grant).
    assert as_(app, account).get(f"/staff/bases/{fmt.id}").status_code == 200

    # Frozen: PDF and DOCX of the registered order say the same, with its number; nothing more can change it.
    document = IssuedDocument.get(IssuedDocument.order == order.id)
    printed = assert_same_text(client.get(f"/coordinator/orders/{order.id}/pdf").data,
                               client.get(f"/coordinator/orders/{order.id}/docx").data)
    assert "№ 3-к" in printed and document.code in printed
    appointment = Appointment.get(Appointment.order == order)
    assert client.post(f"/coordinator/orders/{order.id}/appointments/{appointment.id}/remove").status_code == 422
    assert client.post(f"/coordinator/orders/{order.id}/delete").status_code == 422
    assert Appointment.select().where(Appointment.order == order).count() == 2

    # The next appointment starts a new draft; the registered one is not reopened.
    third = order_world.make_person(kind="staff", surname="Орлов", first_name="Олег", sex="m")
    assert appoint(client, fmt, third).status_code == 303
    assert Order.select().where((Order.kind == "appointment") & (Order.status == "draft")).count() == 1
    assert appoint(client, fmt, first).status_code == 422  # already the form's curator


@pytest.mark.clause("4.3")
def test_an_appointment_taken_out_or_a_draft_deleted_grants_nothing(client, coordinator, order_world, staff):
    first, second = staff
    fmt = order_world.formats[CURATOR_FORMAT]
    appoint(client, fmt, first)
    appoint(client, fmt, second)
    order = Order.get(Order.kind == "appointment")
    taken = Appointment.get(Appointment.person == first)
    assert client.post(f"/coordinator/orders/{order.id}/appointments/{taken.id}/remove").status_code == 303
    assert [a.person_id for a in Appointment.select()] == [second.id]
    confirm = text(client.get(f"/coordinator/orders/{order.id}/delete"))
    assert "назначения проекта отменяются: никто не станет куратором по этому проекту" in confirm
    assert "пары проекта" not in confirm  # an appointment order has no pairs to give back
    deleted = client.post(f"/coordinator/orders/{order.id}/delete", follow_redirects=True)
    assert "Проект приказа удалён. Его назначения отменены." in text(deleted)
    assert "Его пары снова ждут приказа" not in text(deleted)
    assert not Order.select().where(Order.kind == "appointment").exists() and not Appointment.select().exists()
    assert curator_grants(first) == [] and curator_grants(second) == []


@pytest.mark.clause("4.9")
@pytest.mark.clause("s10", part="pairs-order")
def test_the_order_of_changes_lists_ended_carried_and_new_pairs(client, coordinator, order_world, engine):
    w = order_world
    teacher = w.mentor(TEACHER_PUPIL, "Петрова", "Анна", "Сергеевна", sex="f", capacity=3)
    pupil = w.mentee(TEACHER_PUPIL, "Иванов", "Пётр", "Сергеевич", school_class="7Б")
    other = w.mentee(TEACHER_PUPIL, "Сидоров", "Кирилл", "Львович", school_class="7Б")
    ended, carried = activate(client, w.pair(teacher, pupil), w.pair(teacher, other))
    assert end(client, ended, "left_school", "Семья переезжает, лечение в другом городе").status_code == 303
    # carrying.carry_over closes a working pair so (tests/programmes/test_next_year.py drives it end to end).
    Mentorship.update(status="carried").where(Mentorship.id == carried.id).execute()
    newcomer = w.mentee(TEACHER_PUPIL, "Орлова", "Мария", "Ивановна", sex="f")
    new = w.pair(teacher, newcomer)

    page = text(client.get("/coordinator/orders"))
    assert f'id="change-{ended.id}"' in page and f'id="change-{carried.id}"' in page
    response = client.post("/coordinator/orders/changes/new")
    assert response.status_code == 303, error_messages(response)
    order = Order.get(Order.kind == "changes")
    assert order.title == "О внесении изменений в состав наставнических пар"
    assert {i.mentorship_id for i in OrderItem.select().where(OrderItem.order == order)} == {ended.id, carried.id}
    assert f'id="change-{ended.id}"' not in text(client.get("/coordinator/orders"))  # in the draft now
    assert client.post(f"/coordinator/orders/{order.id}/items", {"mentorships": [str(new.id)]}).status_code == 303
    assert Mentorship.get_by_id(new.id).status == "in_order"

    pdf = client.get(f"/coordinator/orders/{order.id}/pdf").data
    docx = client.get(f"/coordinator/orders/{order.id}/docx").data
    printed = assert_same_text(pdf, docx)
    for words in ("О внесении изменений в состав наставнических пар", "Прекратить работу наставнических пар",
                  "досрочно завершена", "(выбытие из школы)", "Иванов Пётр Сергеевич",
                  "Считать продолженными в новом учебном году", "Сидоров Кирилл Львович",
                  "Утвердить вновь сформированные наставнические пары", "Орлова Мария Ивановна"):
        assert words in printed, words
    # The free text about why stays on the pair's card: a frozen order could not forget it when data are destroyed.
    assert "лечение" not in printed

    response = registered(client, order, number="77-од")
    assert response.status_code == 303, error_messages(response)
    order = Order.get_by_id(order.id)
    assert order.status == "registered" and order.scan_id
    assert Mentorship.get_by_id(new.id).status == "active"  # the newly formed pair starts now
    assert (Mentorship.get_by_id(ended.id).status, Mentorship.get_by_id(carried.id).status) == ("ended", "carried")
    frozen = IssuedDocument.get(IssuedDocument.order == order.id)
    assert frozen.code in pdf_text(client.get(f"/coordinator/orders/{order.id}/pdf").data)
    assert client.post(f"/coordinator/orders/{order.id}/items/{ended.id}/remove").status_code == 422
    assert order_rules.changes.pending(w.scope) == []  # listed once

    # The registry lists it among the orders, with its pairs.
    registry = text(client.get("/documents/"))
    assert "О внесении изменений в состав наставнических пар" in registry and "77-од" in registry

    # A pair the order of changes formed, ended later, waits for the next order of changes.
    assert end(client, new, "mentor_request", "").status_code == 303
    assert [p.id for p in order_rules.changes.pending(w.scope)] == [new.id]


@pytest.mark.clause("4.9")
def test_no_changes_no_order_of_changes(client, coordinator, order_world):
    response = client.post("/coordinator/orders/changes/new")
    assert response.status_code == 422 and "Изменений нет" in text(response)
    assert not Order.select().where(Order.kind == "changes").exists()


@pytest.mark.clause("4.13")
def test_newly_formed_pairs_of_one_mentor_merge_into_a_group_in_the_order_of_changes(client, coordinator, order_world):
    """The page of an order of changes offers «Объединить в группу» for one mentor's new pairs: it works there too."""
    w = order_world
    teacher = w.mentor(TEACHER_PUPIL, "Петрова", "Анна", "Сергеевна", sex="f", capacity=3)
    other = w.mentor(TEACHER_PUPIL, "Козлов", "Дмитрий", "Олегович", capacity=1)
    (ended,) = activate(client, w.pair(other, w.mentee(TEACHER_PUPIL, "Иванов", "Пётр", "Сергеевич",
                                                       school_class="7Б")))
    assert end(client, ended, "left_school", "Семья переезжает, лечение в другом городе").status_code == 303
    first = w.pair(teacher, w.mentee(TEACHER_PUPIL, "Орлова", "Мария", "Ивановна", sex="f"))
    second = w.pair(teacher, w.mentee(TEACHER_PUPIL, "Сидоров", "Кирилл", "Львович"))
    assert client.post("/coordinator/orders/changes/new").status_code == 303
    order = Order.get(Order.kind == "changes")
    assert client.post(f"/coordinator/orders/{order.id}/items",
                       {"mentorships": [str(first.id), str(second.id)]}).status_code == 303
    assert "Объединить в группу" in text(client.get(f"/coordinator/orders/{order.id}"))
    assert client.get(f"/coordinator/orders/{order.id}/merge/{second.id}").status_code == 200
    response = client.post(f"/coordinator/orders/{order.id}/merge/{second.id}")
    assert response.status_code == 303, error_messages(response)
    assert {i.mentorship_id for i in OrderItem.select().where(OrderItem.order == order)} == {ended.id, first.id}
    assert Mentorship.get_by_id(second.id).status == "cancelled"
    assert order_rules.changes.pending(w.scope) == []  # the merged-away pair was never approved: no change to record
    assert registered(client, order, number="78-од").status_code == 303
    assert Mentorship.get_by_id(first.id).status == "active"
