from datetime import date

import pytest

from portal.models import BaseMembership, Guardianship, MentoringFormat
from portal.models.base import utcnow


@pytest.fixture
def family(make_person, make_account, school):
    """A parent account linked by the school to a minor child nominated to the mentee base."""
    child = make_person(kind="student", sex="m", surname="Иванов", first_name="Пётр", patronymic="Сергеевич",
                        birth_date=date(date.today().year - 12, 3, 1))
    parent_person = make_person(kind="parent", sex="f", surname="Иванова", first_name="Ольга",
                                patronymic="Николаевна", birth_date=date(1985, 4, 12))
    parent = make_account("parent", person=parent_person)
    Guardianship.create(parent=parent_person, child=child, confirmed_at=utcnow())
    fmt = MentoringFormat.of_school(school).first()
    membership = BaseMembership.create(mentoring_format=fmt, person=child, base="mentee")
    return {"parent": parent, "child": child, "membership": membership, "format": fmt}


SIGN_DATA = {
    "identity_document": "паспорт 7801 123456, выдан ОВД Кировского района 01.02.2005",
    "address": "г. Ярославль, ул. Свободы, д. 1, кв. 2",
    "subject_document": "свидетельство о рождении II-ГР 654321",
    "subject_address": "г. Ярославль, ул. Свободы, д. 1, кв. 2",
    "agree": "y",
    "password": "correct horse battery",
}


@pytest.fixture
def signed_in_parent(client, login, family):
    login(family["parent"].login)
    client.get("/consent/esign")
    response = client.post("/consent/esign", {"agree": "y", "password": "correct horse battery"})
    assert response.status_code == 303
    return family
