"""Registration freezes the order (DECISIONS.md «What a signed document is»): a draft still prints from
today's data — it is what the director is about to sign — but from the moment the signed number and date
are registered the order is an issued document: its HTML is frozen with a verification code in the same
transaction, and renaming a mentor or a pupil, moving a class or changing the school's details afterwards
changes nothing in it."""
from datetime import date, timedelta

import pytest

from portal.models import AuditEvent, IssuedDocument, Order, Person, School, SchoolClass
from portal.services import issued
from tests.orders.test_orders import drafted, pdf_text, register, teacher_and_pupil  # noqa: F401 (a fixture)

LAST_WEEK = date.today() - timedelta(days=7)


@pytest.mark.clause("4.13")
@pytest.mark.clause("s10", part="pairs-order")
def test_a_draft_renders_live_and_registration_freezes_it(client, coordinator, teacher_and_pupil, engine):  # noqa: F811
    teacher, pupil, pair = teacher_and_pupil
    order = drafted(client, pair)

    draft = pdf_text(client.get(f"/coordinator/orders/{order.id}/pdf").data)
    assert "Петрову Анну Сергеевну" in draft and "Код проверки" not in draft  # a draft is not issued
    Person.update(surname="Смирнова-Петрова").where(Person.id == teacher.id).execute()
    assert "Смирнову-Петрову Анну Сергеевну" in pdf_text(client.get(f"/coordinator/orders/{order.id}/pdf").data)
    assert not IssuedDocument.select().exists()

    assert register(client, order, "45-о", LAST_WEEK).status_code == 303
    order = Order.get_by_id(order.id)
    document = IssuedDocument.get(IssuedDocument.order == order.id)
    assert (document.kind, document.number, document.issued_at, document.frozen_late_at) == (
        "order", "45-о", order.registered_at, None)
    assert document.html_sha256 == issued.sha256(document.html)
    assert document.issued_by_id == coordinator.person_id
    assert AuditEvent.select().where((AuditEvent.action == "document.issued")
                                     & (AuditEvent.object_id == document.id)).exists()

    first = client.get(f"/coordinator/orders/{order.id}/pdf").data
    printed = pdf_text(first)
    assert "№ 45-о" in printed and "Смирнову-Петрову Анну Сергеевну" in printed and "7Б класс" in printed
    assert document.code in printed and f"/verify/{document.code}" in printed

    Person.update(surname="Кузнецова").where(Person.id == teacher.id).execute()
    Person.update(first_name="Павел").where(Person.id == pupil.id).execute()
    SchoolClass.update(name="8Б").where(SchoolClass.id == pupil.school_class_id).execute()
    School.update(name="МОУ «Совсем другая школа»").where(School.id == order.school_id).execute()
    again = client.get(f"/coordinator/orders/{order.id}/pdf").data
    assert again == first and pdf_text(again) == printed
    assert "Кузнецову" not in printed and "8Б" not in printed and "Павел" not in printed

    client.post("/logout")
    page = client.get(f"/verify/{document.code}").get_data(as_text=True)
    assert "Приказ «Об утверждении наставников и наставнических пар/групп»" in page and "45-о" in page
    assert "Смирнова" not in page and "Иванов" not in page


@pytest.mark.clause("4.13")
def test_a_refused_registration_freezes_nothing(client, coordinator, teacher_and_pupil):  # noqa: F811
    _, _, pair = teacher_and_pupil
    order = drafted(client, pair)
    assert register(client, order, "", LAST_WEEK).status_code == 422
    assert register(client, order, "46", date.today() + timedelta(days=3)).status_code == 422
    assert not IssuedDocument.select().exists()
    assert Order.get_by_id(order.id).status == "draft"


@pytest.mark.clause("4.13")
def test_verify_names_the_order_that_corrected_it(client, coordinator, order_world, teacher_and_pupil):  # noqa: F811
    """A registered order is never changed; /verify says which later order corrected it."""
    teacher, _, pair = teacher_and_pupil
    late = order_world.pair(teacher, order_world.mentee("Учитель – ученик", "Орлова", "Мария", "Ивановна", sex="f"))
    original = drafted(client, pair)
    assert register(client, original, "45-о", LAST_WEEK).status_code == 303
    code = IssuedDocument.get(IssuedDocument.order == original.id).code
    assert "Изменения" not in client.get(f"/verify/{code}").get_data(as_text=True)

    client.post(f"/coordinator/orders/{original.id}/correct")
    correction = Order.get(Order.corrects == original.id)
    client.post(f"/coordinator/orders/{correction.id}/items", {"mentorships": [str(late.id)]})
    assert register(client, correction, "52-о", date.today()).status_code == 303
    frozen = IssuedDocument.get(IssuedDocument.order == correction.id)
    assert "О внесении изменений в приказ" in frozen.html and frozen.number == "52-о"
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert f"внесены приказом от {date.today().strftime('%d.%m.%Y')} № 52-о" in page
