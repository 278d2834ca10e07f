"""«Забыли пароль?» by mail (services/password_mail.py): only with SMTP, the same answer whatever the login,
a link that works once and for an hour, the code stored hashed, requests limited per address."""
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from portal.models import Account, AuditEvent, Invitation, Person
from portal.services import accounts
from tests.conftest import PortalClient
from tests.mail.conftest import PORTAL_URL

pytestmark = pytest.mark.quality("mail")

NEW_PASSWORD = "a brand new secret"
LINK_RE = re.compile(r"(https?://\S+/invitation\?code=[A-Z0-9-]+)")


@pytest.fixture
def member(mail_app, make_account):
    account = make_account("mentor")
    Person.update(email="mentor@example.org").where(Person.id == account.person_id).execute()
    return Account.get_by_id(account.id)


def ask(client, login):
    client.get("/password/forgot")
    return client.post("/password/forgot", {"login": login})


def link_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    [link] = LINK_RE.findall(text)
    assert link.startswith(PORTAL_URL)
    url = urlsplit(link)
    return f"{url.path}?{url.query}"


def set_password(client, path, code_from_page=True):
    page = client.get(path).get_data(as_text=True)
    code = re.search(r'name="code"[^>]*value="([^"]+)"', page) or re.search(r'value="([^"]+)"[^>]*name="code"', page)
    assert code, page
    return client.post(path, {"code": code.group(1), "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})


def test_without_smtp_there_is_no_link_and_no_page(app, client):
    assert "Забыли пароль?" not in client.get("/login").get_data(as_text=True)
    assert client.get("/password/forgot").status_code == 404


def test_the_mailed_link_sets_a_new_password_once(mail_app, smtp, client, member):
    assert "Забыли пароль?" in client.get("/login").get_data(as_text=True)
    response = ask(client, member.login.upper())
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    [message] = smtp.messages
    assert message["Subject"] == "Наставник: восстановление пароля" and message["To"] == "mentor@example.org"
    path = link_in(message)
    code = path.split("code=")[1]
    # Only the hash is kept: the code is nowhere in the database.
    invitation = Invitation.get(Invitation.account == member.id)
    assert invitation.code_hash != code and code.replace("-", "") not in invitation.code_hash
    assert timedelta(minutes=59) < invitation.expires_at - invitation.created_at <= timedelta(hours=1)
    assert "Новый пароль" in client.get(path).get_data(as_text=True)

    response = set_password(client, path)
    assert response.status_code == 303 and response.headers["Location"] == "/mentor/"
    assert accounts.authenticate(member.login, NEW_PASSWORD) is not None
    # The same link a second time, in another browser: refused.
    other = PortalClient(mail_app.test_client())
    again = set_password(other, path)
    assert again.status_code == 422 and "неверен, уже использован или истёк" in again.get_data(as_text=True)
    assert {"password.reset_requested", "password.reset_mailed", "invitation.redeemed"} <= {
        e.action for e in AuditEvent.select()}


def test_the_link_is_the_portals_whatever_host_the_request_named(mail_app, smtp, member):
    client = PortalClient(mail_app.test_client())
    client.get("/password/forgot", base_url="http://evil.example")
    response = client.post("/password/forgot", {"login": member.login}, base_url="http://evil.example")
    assert response.status_code == 303
    text = smtp.messages[0].get_body(("plain",)).get_content()
    assert "evil.example" not in text and f"{PORTAL_URL}/invitation?code=" in text


def test_the_link_expires_after_an_hour(mail_app, smtp, client, member):
    ask(client, member.login)
    path = link_in(smtp.messages[0])
    invitation = Invitation.select().order_by(Invitation.id.desc()).first()
    Invitation.update(expires_at=invitation.created_at - timedelta(seconds=1)).where(
        Invitation.id == invitation.id).execute()
    response = set_password(client, path)
    assert response.status_code == 422
    assert accounts.authenticate(member.login, NEW_PASSWORD) is None


@pytest.mark.parametrize("who", ["unknown", "no address", "mail off"])
def test_the_answer_is_the_same_and_nothing_is_mailed(mail_app, smtp, client, member, who):
    login = member.login
    if who == "unknown":
        login = "nobody-here"
    elif who == "no address":
        Person.update(email="").where(Person.id == member.person_id).execute()
    else:
        Person.update(mail_off=True).where(Person.id == member.person_id).execute()
    before = Invitation.select().where(Invitation.created_by.is_null()).count()
    response = ask(client, login)
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "Если для этого логина в портале указан адрес" in client.get("/login").get_data(as_text=True)
    assert smtp.messages == [] and Invitation.select().where(Invitation.created_by.is_null()).count() == before


def test_a_second_request_within_minutes_mails_nothing_more(mail_app, smtp, client, member):
    ask(client, member.login)
    ask(client, member.login)
    assert len(smtp.messages) == 1


def test_requests_are_limited_per_address(mail_app, smtp, client, member):
    for _ in range(20):
        assert ask(client, "nobody-here").status_code == 303
    response = ask(client, member.login)
    assert response.status_code == 429 and smtp.messages == []


def test_a_relay_that_is_down_fails_quietly(mail_app, smtp, client, member):
    smtp.stop()
    response = ask(client, member.login)
    assert response.status_code == 303
    assert AuditEvent.select().where(AuditEvent.action == "password.reset_mail_failed").count() == 1


@pytest.mark.quality("security")
def test_an_account_waiting_for_its_first_invitation_keeps_the_printed_code(mail_app, smtp, client, make_account):
    account = make_account("mentor")
    Account.update(password_hash="").where(Account.id == account.id).execute()
    Person.update(email="new@example.org").where(Person.id == account.person_id).execute()
    printed = accounts.issue_invitation(None, account, timedelta(days=14))
    ask(client, account.login)
    assert smtp.messages == []
    assert accounts.redeem_invitation(printed, NEW_PASSWORD) is not None  # the school's code still works
