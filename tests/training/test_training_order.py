"""The order on the «Школа наставников» (s10) lists the programmes and the groups' schedules the portal holds,
beside the fields the coordinator types; the PDF and the DOCX say the same."""
import re
from datetime import date, timedelta

import pytest

from portal.models import Order
from portal.services import orders as order_rules
from portal.services import training
from tests.conftest import error_messages
from tests.orders.test_order_kinds import assert_same_text
from tests.training.helpers import coordinator_of, group, trainer


@pytest.mark.clause("s10", part="school-of-mentors-order")
def test_the_order_lists_the_programmes_and_the_schedules(client, school, login_as, make_person, engine):
    made = group(school.id, sessions=2)
    # Last year's programme and schedule belong to last year's order.
    boss = coordinator_of(school.id)
    old = training.create_programme(boss, training.ProgrammeData("Прошлогодний курс", 18, "Старая тема", 75))
    old_group = training.create_group(boss, old.id, "Группа прошлого года", trainer(school.id).id, False)
    training.add_session(boss, old_group.id, date.today() - timedelta(days=400), "16:00", "каб. 5", "Старое занятие")
    login_as("coordinator")
    head = make_person(kind="staff", sex="f", birth_date=date(1980, 3, 3), surname="Волкова", first_name="Ирина",
                       patronymic="Павловна")
    response = client.post("/coordinator/orders/new/school_of_mentors", {
        "school_year": str(order_rules.kinds.year_choices()[0]), "head": str(head.id),
        "programme": "Вводное занятие для новых наставников", "schedule": "Сентябрь — вводное занятие"})
    assert response.status_code == 303, error_messages(response)
    order = Order.get_by_id(int(re.search(r"/coordinator/orders/(\d+)$", response.headers["Location"]).group(1)))
    pdf = client.get(f"/coordinator/orders/{order.id}/pdf").data
    docx = client.get(f"/coordinator/orders/{order.id}/docx").data
    printed = assert_same_text(pdf, docx)
    for words in ["Вводное занятие для новых наставников", "Сентябрь — вводное занятие",
                  "1. «Наставник: роль и инструменты» — 36 академических часов",
                  "1) Роль наставника", "2) Планирование встреч",
                  "«Наставник: роль и инструменты», Группа 1 (ведущий — Ведущая И. П.)",
                  "15:00, каб. 21 — Занятие 1", "15:00, каб. 21 — Занятие 2"]:
        assert words in printed, words
    assert "Прошлогодний курс" not in printed and "Старое занятие" not in printed
