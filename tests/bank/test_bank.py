"""The methodical bank (3.2, s9): a mentor adds a material, the coordinator publishes it only with the author's
consent, every participant then reads and downloads it (audited), the public page shows it only with the
author's separate tick; searchable by form and topic; past years' programmes offered as best practices."""
from datetime import date, timedelta
from io import BytesIO

import pytest

from portal.models import AuditEvent, BankMaterial, MentoringFormat, Notification, Programme
from portal.services import ServiceError
from portal.services import bank
from tests.conftest import PortalClient
from tests.consent.test_gate import log_in_as

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _add(client, **fields):
    data = {"title": "План встреч для пятиклассников", "topic": "адаптация", "publish_agreed": "y",
            "file": (BytesIO(PDF), "план.pdf")} | fields
    client.get("/motivation/bank/new")
    response = client.post("/motivation/bank/new", data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    return BankMaterial.select().order_by(BankMaterial.id.desc()).get()


@pytest.mark.clause("3.2")
@pytest.mark.clause("s9")
def test_published_with_the_authors_consent_read_by_participants_and_publicly_only_with_the_second_tick(
        app, client, login, make_account, school):
    mentor, coordinator, mentee = make_account("mentor"), make_account("coordinator"), make_account("mentee")
    visitor = PortalClient(app.test_client())
    login(mentor.login)
    material = _add(client)
    assert material.status == "new" and material.publish_agreed and not material.public_agreed
    assert Notification.select().where((Notification.kind == "bank.submitted")
                                       & (Notification.person == coordinator.person)).exists()

    log_in_as(client, login, mentee)
    assert client.get(f"/motivation/bank/{material.id}").status_code == 404  # not yet published
    log_in_as(client, login, coordinator)
    assert "План встреч для пятиклассников" in client.get("/motivation/bank/review").get_data(as_text=True)
    assert client.post(f"/motivation/bank/{material.id}/review", {"action": "publish"}).status_code == 303
    assert Notification.select().where((Notification.kind == "bank.reviewed")
                                       & (Notification.person == mentor.person)).exists()

    log_in_as(client, login, mentee)
    assert "План встреч для пятиклассников" in client.get("/motivation/bank").get_data(as_text=True)
    download = client.get(f"/motivation/bank/{material.id}/file")
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    assert AuditEvent.select().where((AuditEvent.action == "bank.downloaded")
                                     & (AuditEvent.actor == mentee.person)).exists()
    assert "План встреч" not in visitor.get("/public/bank").get_data(as_text=True)
    assert visitor.get(f"/public/bank/{material.public_token}/file").status_code == 404

    log_in_as(client, login, mentor)
    assert client.post(f"/motivation/bank/{material.id}/agreement",
                       {"publish_agreed": "y", "public_agreed": "y"}).status_code == 303
    public = visitor.get("/public/bank").get_data(as_text=True)
    assert "План встреч для пятиклассников" in public and mentor.person.surname not in public
    assert visitor.get(f"/public/bank/{material.public_token}/file").data == PDF
    assert AuditEvent.select().where(AuditEvent.action == "bank.downloaded_publicly").exists()

    # The author takes the consent back: gone from the bank and the public page at once.
    assert client.post(f"/motivation/bank/{material.id}/agreement", {}).status_code == 303
    assert visitor.get(f"/public/bank/{material.public_token}/file").status_code == 404
    log_in_as(client, login, mentee)
    assert client.get(f"/motivation/bank/{material.id}").status_code == 404
    assert "План встреч" not in client.get("/motivation/bank").get_data(as_text=True)


@pytest.mark.clause("3.2")
def test_the_coordinator_cannot_publish_without_the_authors_consent(client, login, make_account):
    mentor, coordinator = make_account("mentor"), make_account("coordinator")
    login(mentor.login)
    material = _add(client, publish_agreed="")
    with pytest.raises(ServiceError, match="Автор не согласился"):
        bank.review(coordinator.person, material.id, "publish")
    assert BankMaterial.get_by_id(material.id).status == "new"


@pytest.mark.clause("3.2")
def test_a_bad_material_is_refused_beside_its_field_and_nothing_is_saved(client, login, make_account):
    login(make_account("curator").login)
    client.get("/motivation/bank/new")
    response = client.post("/motivation/bank/new", {"title": "", "topic": "адаптация",
                                                     "file": (BytesIO(b"MZ not a document"), "x.exe")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "Укажите название материала." in response.get_data(as_text=True)
    response = client.post("/motivation/bank/new", {"title": "Сценарий", "topic": "адаптация",
                                                     "file": (BytesIO(b"MZ not a document"), "x.exe")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "Этот файл не подходит" in response.get_data(as_text=True)
    assert BankMaterial.select().count() == 0


@pytest.mark.clause("3.2")
def test_search_by_form_and_topic(client, login, make_account, school):
    author = make_account("curator")
    first, second = list(MentoringFormat.of_school(school))[:2]
    for title, topic, fmt in (("Игры на знакомство", "адаптация", first), ("Проектный час", "проекты", second)):
        material = _add_direct(author.person, title, topic, fmt)
        bank.review(make_coordinator(school), material.id, "publish")
    login(make_account("mentee").login)
    by_topic = client.get("/motivation/bank?topic=проект").get_data(as_text=True)
    assert "Проектный час" in by_topic and "Игры на знакомство" not in by_topic
    by_form = client.get(f"/motivation/bank?format={first.id}").get_data(as_text=True)
    assert "Игры на знакомство" in by_form and "Проектный час" not in by_form
    fragment = client.get(f"/motivation/bank?format={second.id}", headers={"HX-Request": "true"})
    assert "Проектный час" in fragment.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)
    assert client.get("/motivation/bank?format=zzz&topic=").status_code == 200


@pytest.mark.clause("3.2")
def test_past_years_programmes_are_offered_as_best_practice(client, login, make_account, school):
    fmt = MentoringFormat.of_school(school).first()
    Programme.create(mentoring_format=fmt, title="Программа прошлого года «Вместе»",
                     starts_on=date.today() - timedelta(days=400), ends_on=date.today() - timedelta(days=40),
                     goals="Адаптация пятиклассников")
    Programme.create(mentoring_format=fmt, title="Программа этого года",
                     starts_on=date.today() - timedelta(days=10), ends_on=date.today() + timedelta(days=300))
    login(make_account("mentor").login)
    page = client.get("/motivation/bank").get_data(as_text=True)
    assert "Программа прошлого года «Вместе»" in page and "Адаптация пятиклассников" in page
    assert "Программа этого года" not in page


def make_coordinator(school):
    from portal.models import Account
    return Account.get(Account.login == "coordinator0").person


def _add_direct(author, title, topic, fmt):
    return bank.submit(author, ["curator"], bank.MaterialData(title=title, topic=topic, format_id=str(fmt.id),
                                                             publish_agreed=True, file_name="a.pdf",
                                                             file_data=PDF))


@pytest.mark.quality("performance")
def test_the_bank_page_costs_the_same_whatever_the_number_of_materials(client, login, make_account, school):
    from tests.querycount import count_queries
    author, coordinator = make_account("curator"), make_coordinator(school)
    fmt = MentoringFormat.of_school(school).first()

    def add(n):
        for i in range(n):
            bank.review(coordinator, _add_direct(author.person, f"Материал {i}", "адаптация", fmt).id, "publish")

    login(author.login)
    add(1)
    client.get("/motivation/bank")
    with count_queries() as one:
        client.get("/motivation/bank")
    add(5)
    with count_queries() as six:
        page = client.get("/motivation/bank").get_data(as_text=True)
    assert page.count("Материал ") >= 6
    assert len(six) == len(one)
