"""The honour board's entries (s9): kept by the coordinator, fed by competitions through honour.add_entry;
shown publicly only while the person's consent to dissemination names their achievements."""
from datetime import date
from io import BytesIO

import pytest

from portal.models import AuditEvent, HonourEntry
from portal.services import NotAllowed, ServiceError, honour
from tests.public_pages.test_public_pages import ADULT, PNG, _consent

YEAR = date.today().year


@pytest.mark.clause("s9")
def test_the_coordinator_adds_an_entry_with_a_photo_and_removes_it_after_a_question(
        client, login_as, make_account, make_person):
    mentor = make_account("mentor", person=make_person(kind="staff", sex="f", surname="Ежова", birth_date=ADULT))
    _consent(mentor.person, "name,achievements,photo")
    login_as("coordinator")
    page = client.get("/motivation/honour").get_data(as_text=True)
    assert "Ежова" in page  # offered in the list of mentors
    response = client.post("/motivation/honour", {"person": str(mentor.person.id), "year": str(YEAR),
                                                  "title": "Наставник года", "text": "За клуб",
                                                  "photo": (BytesIO(PNG), "фото.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    entry = HonourEntry.get()
    assert entry.photo_token and AuditEvent.select().where(AuditEvent.action == "honour.added").exists()
    board = client.get("/public/honour").get_data(as_text=True)
    assert "Наставник года" in board and f"/public/photo/{entry.photo_token}" in board

    question = client.get(f"/motivation/honour/{entry.id}/remove").get_data(as_text=True)
    assert "Удалить запись с доски почёта?" in question and HonourEntry.select().count() == 1
    assert client.post(f"/motivation/honour/{entry.id}/remove", {}).status_code == 303
    assert HonourEntry.select().count() == 0


@pytest.mark.clause("s9")
def test_bad_entries_are_refused_beside_their_field(client, login_as, make_account):
    mentor = make_account("mentor")
    login_as("coordinator")
    client.get("/motivation/honour")
    response = client.post("/motivation/honour", {"person": str(mentor.person.id), "year": "1900", "title": ""})
    assert response.status_code == 422
    assert "Укажите звание или награду" in response.get_data(as_text=True)
    response = client.post("/motivation/honour", {"person": str(mentor.person.id), "year": "1900", "title": "Х"})
    assert response.status_code == 422 and "Год — от 2000" in response.get_data(as_text=True)
    assert HonourEntry.select().count() == 0


@pytest.mark.clause("s9")
def test_add_entry_is_the_coordinators_alone(make_account):
    mentor = make_account("mentor")
    with pytest.raises(NotAllowed):
        honour.add_entry(mentor.person, mentor.person, "Наставник года", YEAR, "")
    coordinator = make_account("coordinator")
    with pytest.raises(ServiceError):
        honour.add_entry(coordinator.person, 10**9, "Наставник года", YEAR, "")
    assert honour.add_entry(coordinator.person, mentor.person, "Наставник года", YEAR, "").id


@pytest.mark.clause("s9")
def test_a_mentor_writes_their_own_text_and_sees_what_the_consent_allows(client, login_as):
    account = login_as("mentor")
    page = client.get("/motivation/profile").get_data(as_text=True)
    assert "нет действующего согласия на распространение" in page
    _consent(account.person, "name,text")
    assert client.post("/motivation/profile", {"text": "Учу программированию"}).status_code == 303
    page = client.get("/motivation/profile").get_data(as_text=True)
    assert "краткий рассказ о себе" in page and "Фотографию согласие показывать не разрешает" in page
    response = client.post("/motivation/profile", {"text": "x" * 1001})
    assert response.status_code == 422 and "Не длиннее 1000 символов." in response.get_data(as_text=True)
