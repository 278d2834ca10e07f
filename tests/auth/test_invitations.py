"""Invitations (DECISIONS.md "Who logs in", SECURITY.md): single-use, expiring, stored hashed, shown once."""
import re
from datetime import timedelta

import pytest

from portal.models import Account, AuditEvent, Invitation
from portal.models.base import utcnow
from tests.conftest import PortalClient, field_errors
from tests.factories import PASSWORD

NEW_PASSWORD = "my own new secret"
REFUSED = "Код приглашения неверен, уже использован или истёк. Попросите в школе новое приглашение."
CODE_RE = re.compile(r'id="invitation-code">([^<]+)<')


@pytest.fixture
def coordinator(client, conn, login_as):
    return login_as("coordinator")


@pytest.fixture
def parent(make_account):
    account = make_account("parent")
    Account.update(password_hash="").where(Account.id == account.id).execute()
    return Account.get_by_id(account.id)


@pytest.fixture
def issue(client, coordinator):
    """Issue an invitation through the coordinator's accounts page, as the coordinator would."""
    def do(account) -> str:
        page = client.get("/coordinator/accounts").get_data(as_text=True)
        if account.password_hash:  # a reset (DECISIONS.md, "Who may change whom"): its own page, with a reason
            assert f'href="/coordinator/accounts/{account.id}/invitation"' in page
            response = client.post(f"/coordinator/accounts/{account.id}/invitation", {"reason": "забыл пароль"})
        else:
            assert f'action="/coordinator/accounts/{account.id}/invitation"' in page
            response = client.post(f"/coordinator/accounts/{account.id}/invitation")
        assert response.status_code == 200
        return CODE_RE.search(response.get_data(as_text=True)).group(1)
    return do


@pytest.fixture
def browser(app):
    """The invited person's own browser."""
    return PortalClient(app.test_client())


def _redeem(browser, code, password=NEW_PASSWORD, confirm=None):
    browser.get("/invitation")
    return browser.post("/invitation", {"code": code, "password": password,
                                        "confirm": password if confirm is None else confirm})


def test_slip_shows_the_code_once_and_only_its_hash_is_kept(client, conn, coordinator, parent, issue):
    code = issue(parent)
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code)
    [invitation] = Invitation.select().where(Invitation.account == parent)
    plain = code.replace("-", "")
    assert invitation.code_hash != code and plain not in invitation.code_hash
    assert all(plain not in e.details and code not in e.details for e in AuditEvent.select())
    assert (invitation.expires_at - invitation.created_at) == timedelta(days=14)
    assert plain not in client.get("/coordinator/accounts").get_data(as_text=True)
    [issued] = AuditEvent.select().where((AuditEvent.action == "invitation.issued")
                                         & (AuditEvent.object_id == invitation.id))
    assert issued.actor_id == coordinator.person_id


def test_slip_names_the_person_login_and_address(client, conn, parent, issue):
    code = issue(parent)
    slip = client.raw.post(f"/coordinator/accounts/{parent.id}/invitation",
                           data={"csrf_token": client.token}).get_data(as_text=True)
    assert parent.person.full_name in slip and parent.login in slip
    assert "http://localhost/invitation" in slip
    assert "Код действует 14 дней и только один раз." in slip
    assert code not in slip  # a second slip carries a new code


def test_redeeming_sets_the_password_and_logs_in(app, conn, parent, issue, browser):
    code = issue(parent)
    response = _redeem(browser, code)
    assert response.status_code == 303 and response.headers["Location"] == "/parent/"
    # Straight in, first to the regulation (a fresh account has not acknowledged it yet).
    landing = browser.get("/parent/")
    assert landing.headers["Location"] == "/regulation/acknowledge"
    page = browser.get("/regulation/acknowledge").get_data(as_text=True)
    assert f"Пароль сохранён. Ваш логин: {parent.login}" in page
    assert Invitation.get(Invitation.account == parent).used_at is not None
    assert AuditEvent.select().where(AuditEvent.action == "invitation.redeemed").count() == 1
    later = PortalClient(app.test_client())
    assert later.post("/login", {"login": parent.login, "password": NEW_PASSWORD}).status_code == 303


def test_a_code_works_once(app, conn, parent, issue, browser):
    code = issue(parent)
    assert _redeem(browser, code).status_code == 303
    changed = Account.get_by_id(parent.id).password_hash
    again = _redeem(PortalClient(app.test_client()), code, password="someone else's pass")
    assert again.status_code == 422
    assert field_errors(again, "code") == [REFUSED]
    assert Account.get_by_id(parent.id).password_hash == changed


def test_an_expired_code_is_refused(conn, parent, issue, browser):
    code = issue(parent)
    Invitation.update(expires_at=utcnow() - timedelta(seconds=1)).where(Invitation.account == parent).execute()
    response = _redeem(browser, code)
    assert response.status_code == 422
    assert field_errors(response, "code") == [REFUSED]
    assert Account.get_by_id(parent.id).password_hash == ""
    assert browser.get("/parent/").status_code == 302  # not logged in


def test_a_new_code_revokes_the_old_one(app, conn, parent, issue, browser):
    old = issue(parent)
    new = issue(parent)
    assert old != new
    refused = _redeem(browser, old)
    assert refused.status_code == 422 and field_errors(refused, "code") == [REFUSED]
    assert _redeem(PortalClient(app.test_client()), new).status_code == 303
    first, second = Invitation.select().where(Invitation.account == parent).order_by(Invitation.id)
    assert first.revoked_at is not None and first.used_at is None
    assert second.used_at is not None


def test_unknown_code_is_refused(conn, browser):
    response = _redeem(browser, "ABCD-EFGH-JKLM")
    assert response.status_code == 422
    assert field_errors(response, "code") == [REFUSED]


def test_code_can_be_typed_in_lowercase_without_dashes(conn, parent, issue, browser):
    code = issue(parent)
    assert _redeem(browser, " " + code.replace("-", "").lower() + " ").status_code == 303


@pytest.mark.parametrize("password,confirm,field,message", [
    ("short", "short", "password", "Пароль должен быть не короче 8 символов."),
    ("qwerty123", "qwerty123", "password", "Этот пароль слишком распространён: придумайте другой."),
    (NEW_PASSWORD, NEW_PASSWORD + "x", "confirm", "Пароли не совпадают."),
], ids=["too-short", "common", "mismatch"])
def test_a_weak_password_keeps_the_code_usable(conn, parent, issue, browser, password, confirm, field, message):
    code = issue(parent)
    response = _redeem(browser, code, password, confirm)
    assert response.status_code == 422
    assert field_errors(response, field) == [message]
    assert Invitation.get(Invitation.account == parent).used_at is None
    assert Account.get_by_id(parent.id).password_hash == ""
    assert _redeem(browser, code).status_code == 303


def test_the_login_itself_is_refused_as_a_password(conn, parent, issue, browser):
    Account.update(login="ivanova.maria").where(Account.id == parent.id).execute()
    response = _redeem(browser, issue(parent), "Ivanova.Maria")
    assert response.status_code == 422
    assert field_errors(response, "password") == ["Этот пароль слишком распространён: придумайте другой."]


def test_redeeming_ends_the_accounts_older_sessions(app, conn, make_account, issue):
    """A new invitation is how a lost password is replaced: whoever held the old one is logged out."""
    account = make_account("mentor", acknowledged=True)
    old_browser = PortalClient(app.test_client())
    assert old_browser.post("/login", {"login": account.login, "password": PASSWORD}).status_code == 303
    code = issue(account)
    assert _redeem(PortalClient(app.test_client()), code).status_code == 303
    assert old_browser.get("/mentor/").status_code == 302
