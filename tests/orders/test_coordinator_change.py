"""Changing the coordinator by the director's order (issue 15, 1 (b); 4.2, 4.3, s10).

«Сменить координатора» on the formats page puts the new coordinator into the draft of the order «О назначении
координатора и кураторов»; nobody's rights change until the signed order is registered. Registering it makes the
new one the coordinator (with the order's number and date) and relieves the one before, whose page then says so;
the printed order names both, and its frozen text keeps them."""
import re

import pytest

from portal.models import Account, Appointment, AuditEvent, Order, RoleGrant
from portal.services import passwords
from tests.conftest import error_messages
from tests.factories import PASSWORD
from tests.orders.test_ending import as_
from tests.orders.test_order_kinds import assert_same_text, registered, staff  # noqa: F401 (staff is a fixture)
from tests.orders.test_orders import text

CHANGE = "/coordinator/formats/coordinator/change"


def seen(response) -> str:
    """What the page shows: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def coordinator_grants(person):
    return list(RoleGrant.select().join(Account).where((Account.person == person) & (RoleGrant.role == "coordinator")))


@pytest.mark.clause("4.3")
@pytest.mark.clause("s10", part="coordinator-curators-order")
def test_the_new_coordinator_takes_over_when_the_appointment_order_is_registered(app, client, coordinator,
                                                                                order_world, staff):
    successor, other = staff
    form = text(client.get(CHANGE))
    assert "Волкова Ирина Павловна — учитель истории" in form
    assert "Смирнова Елена Викторовна" in form  # named as the one who will lose the role …
    assert f'<option value="{coordinator.person_id}">' not in form  # … but not offered as the new one

    response = client.post(CHANGE, {"person": str(successor.id)})
    assert response.status_code == 303, error_messages(response)
    order = Order.get(Order.kind == "appointment")
    assert order.status == "draft" and response.headers["Location"].endswith(f"/coordinator/orders/{order.id}")
    (appointment,) = Appointment.select().where(Appointment.order == order)
    assert (appointment.role, appointment.person_id, appointment.mentoring_format_id) == ("coordinator", successor.id,
                                                                                         None)
    assert coordinator_grants(successor) == [] and len(coordinator_grants(coordinator.person)) == 1
    formats = seen(client.get("/coordinator/formats"))
    assert "Новый координатор: Волкова Ирина Павловна — назначение ждёт приказа" in formats
    assert "Сменить координатора…" not in formats
    page = seen(client.get(f"/coordinator/orders/{order.id}"))
    assert "координатор" in page and "Волкова Ирина Павловна, учитель истории" in page

    # One draft names one new coordinator.
    second = client.post(CHANGE, {"person": str(other.id)})
    assert second.status_code == 422
    assert "координатором уже назначен(а) Волкова Ирина Павловна" in " ".join(error_messages(second))
    assert Appointment.select().count() == 1

    printed = assert_same_text(client.get(f"/coordinator/orders/{order.id}/pdf").data,
                               client.get(f"/coordinator/orders/{order.id}/docx").data)
    for words in ("1. Освободить от обязанностей координатора внедрения целевой модели наставничества",
                  "Смирнову Елену Викторовну",
                  "2. Назначить координатором внедрения целевой модели наставничества",
                  "Волкову Ирину Павловну (учитель истории)"):
        assert words in printed, words
    assert "Назначить кураторами" not in printed  # the order changes the coordinator only

    # Registering it: the new coordinator holds the role by this order, the old one is relieved and sent home.
    response = registered(client, order, number="7-к")
    assert response.status_code == 303, error_messages(response)
    assert "/coordinator/" not in response.headers["Location"]
    (grant,) = coordinator_grants(successor)
    assert (grant.order_number, grant.order_date) == ("7-к", Order.get_by_id(order.id).dated_on)
    assert coordinator_grants(coordinator.person) == []
    assert AuditEvent.select().where(AuditEvent.action == "coordinator.relieved").count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "coordinator.appointed").count() == 1
    assert client.get("/coordinator/formats").status_code == 403

    account = Account.get(Account.person == successor)
    Account.update(password_hash=passwords.hash_password(PASSWORD)).where(Account.id == account.id).execute()
    new = as_(app, account)
    formats = seen(new.get("/coordinator/formats"))
    assert "Волкова Ирина Павловна — приказ № 7-к" in formats and "Смирнова Елена Викторовна" not in formats
    # The frozen order still names whom it relieved.
    printed = assert_same_text(new.get(f"/coordinator/orders/{order.id}/pdf").data,
                               new.get(f"/coordinator/orders/{order.id}/docx").data)
    assert "Смирнову Елену Викторовну" in printed and "№ 7-к" in printed


@pytest.mark.clause("4.3")
def test_only_a_member_of_staff_who_is_not_the_coordinator_can_be_named(client, coordinator, order_world):
    pupil = order_world.make_person(kind="student", surname="Петров", first_name="Иван", sex="m")
    for person_id, message in ((str(pupil.id), "Координатором назначают сотрудника школы"),
                               (str(coordinator.person_id), "Смирнова Елена Викторовна уже координатор."),
                               ("", "Выберите человека из списка.")):
        response = client.post(CHANGE, {"person": person_id})
        assert response.status_code == 422
        assert message in " ".join(error_messages(response))
    assert Order.select().count() == 0 and Appointment.select().count() == 0
    assert len(coordinator_grants(coordinator.person)) == 1
