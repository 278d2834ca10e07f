"""Logging in (SECURITY.md, "Accounts and sessions"): one generic refusal, a rate limit, a fresh session."""
import json
from urllib.parse import quote

import pytest

from portal.models import Account, AuditEvent, School
from portal.services import passwords
from portal.services.accounts import DEMO_PASSWORD
from tests.conftest import error_messages, is_russian
from tests.factories import PASSWORD

GENERIC = "Неверный логин или пароль."
HOMES = {"coordinator": "/coordinator/", "curator": "/curator/", "mentor": "/mentor/", "mentee": "/mentee/",
         "parent": "/parent/"}


def _events(action):
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


def test_wrong_password_and_unknown_login_get_the_same_answer(client, conn, make_account):
    account = make_account("mentor", acknowledged=True)
    wrong = client.post("/login", {"login": account.login, "password": "not the password"})
    unknown = client.post("/login", {"login": "no-such-person", "password": "not the password"})
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert error_messages(response) == [GENERIC]
    failed = _events("login.failed")
    assert [json.loads(e.details)["login"] for e in failed] == [account.login, "no-such-person"]
    assert all(e.ip == "127.0.0.1" for e in failed)
    assert client.raw.get("/mentor/").status_code == 302  # still nobody


def test_every_successful_login_is_recorded(client, conn, make_account):
    account = make_account("mentor", acknowledged=True)
    assert client.post("/login", {"login": account.login, "password": PASSWORD}).status_code == 303
    [ok] = _events("login.ok")
    assert (ok.object_id, ok.actor_id, ok.ip) == (account.id, account.person_id, "127.0.0.1")
    assert Account.get_by_id(account.id).last_login_at is not None


def test_login_is_case_and_space_insensitive(client, conn, make_account):
    account = make_account("mentor", acknowledged=True)
    response = client.post("/login", {"login": f"  {account.login.upper()} ", "password": PASSWORD})
    assert response.status_code == 303


def test_sixth_failure_in_a_minute_is_refused_with_429(client, conn, make_account):
    account = make_account("mentor", acknowledged=True)
    for _ in range(5):
        assert client.post("/login", {"login": account.login, "password": "guess"}).status_code == 422
    sixth = client.post("/login", {"login": account.login, "password": "guess"})
    assert sixth.status_code == 429
    assert "Слишком много неудачных попыток. Подождите" in sixth.get_data(as_text=True)
    assert 50 <= int(sixth.headers["Retry-After"]) <= 60
    # Now even the right password waits: the limit is on this login from this address.
    assert client.post("/login", {"login": account.login, "password": PASSWORD}).status_code == 429
    assert len(_events("login.failed")) == 5
    assert len(_events("login.throttled")) == 2  # refused attempts are in the audit trail too
    # Another login from the same address is not blocked; the same login from another address is:
    # the count is per account, so guesses spread over many addresses add up.
    other = make_account("mentee", acknowledged=True)
    assert client.post("/login", {"login": other.login, "password": PASSWORD}).status_code == 303
    elsewhere = client.raw.application.test_client()
    token_page = elsewhere.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.7"}).get_data(as_text=True)
    token = token_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = elsewhere.post("/login", data={"login": account.login, "password": PASSWORD, "csrf_token": token},
                              environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert response.status_code == 429


@pytest.mark.quality("access")
@pytest.mark.parametrize("role", list(HOMES))
def test_successful_login_goes_to_the_roles_home(client, conn, make_account, role):
    account = make_account(role, acknowledged=True)
    response = client.post("/login", {"login": account.login, "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == HOMES[role]
    assert client.get(HOMES[role]).status_code == 200


def test_next_is_followed_when_it_is_a_local_path(client, conn, make_account):
    account = make_account("mentor", acknowledged=True)
    anonymous = client.get("/password")
    assert anonymous.headers["Location"] == "/login?next=/password"
    response = client.post(anonymous.headers["Location"], {"login": account.login, "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/password"


@pytest.mark.parametrize("target", [
    "//evil.example/", "https://evil.example/", "http:evil.example", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "/\n/evil.example", "/x\r\nSet-Cookie: planted=1", "javascript:alert(1)", "evil.example",
    "///evil.example", " //evil.example",
])
def test_next_pointing_elsewhere_is_refused(client, conn, make_account, target):
    """An open redirect would let a phishing link borrow the school's address."""
    account = make_account("mentor", acknowledged=True)
    response = client.post(f"/login?next={quote(target, safe='')}", {"login": account.login, "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/mentor/"
    assert "Set-Cookie: planted" not in str(response.headers)


def test_login_starts_a_new_session(client, conn, make_account):
    """Nothing planted in the session before login survives it, the old CSRF token included."""
    account = make_account("mentor", acknowledged=True)
    client.get("/login")
    old_token = client.token
    with client.raw.session_transaction() as session:
        session["planted"] = "by someone else"
    assert client.post("/login", {"login": account.login, "password": PASSWORD}).status_code == 303
    with client.raw.session_transaction() as session:
        assert "planted" not in session
    refused = client.post("/role", {"role": "mentor", "csrf_token": old_token}, csrf=False)
    assert refused.status_code == 400


def test_session_cookie_is_httponly_and_samesite_lax(client, conn, make_account):
    account = make_account("mentor", acknowledged=True)
    response = client.post("/login", {"login": account.login, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_inactive_account_cannot_log_in(client, conn, make_account):
    account = make_account("mentor", acknowledged=True)
    Account.update(is_active=False).where(Account.id == account.id).execute()
    response = client.post("/login", {"login": account.login, "password": PASSWORD})
    assert response.status_code == 422
    assert error_messages(response) == [GENERIC]


def test_demo_password_does_not_open_an_account_of_a_real_school(client, conn, make_account, school):
    assert not school.is_demo
    account = make_account("coordinator", acknowledged=True)
    Account.update(password_hash=passwords.hash_password(DEMO_PASSWORD)).where(Account.id == account.id).execute()
    response = client.post("/login", {"login": account.login, "password": DEMO_PASSWORD})
    assert response.status_code == 422
    assert error_messages(response) == [GENERIC]
    assert client.raw.get("/coordinator/").status_code == 302
    [failed] = _events("login.failed")
    assert failed.object_id == account.id


def test_demo_password_works_in_the_demo_school(client, conn, make_account, school):
    School.update(is_demo=True).where(School.id == school.id).execute()
    account = make_account("coordinator", acknowledged=True)
    Account.update(password_hash=passwords.hash_password(DEMO_PASSWORD)).where(Account.id == account.id).execute()
    response = client.post("/login", {"login": account.login, "password": DEMO_PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/coordinator/"


def test_nobody_can_choose_the_demo_password(client, conn, login_as):
    """In a real school the demo password would lock its owner out: the policy refuses it."""
    account = login_as("mentor")
    response = client.post("/password", {"old_password": PASSWORD, "new_password": DEMO_PASSWORD,
                                         "confirm": DEMO_PASSWORD})
    assert response.status_code == 422
    assert Account.get_by_id(account.id).password_hash == account.password_hash


def test_empty_login_form_is_explained_in_russian(client, conn):
    response = client.post("/login", {"login": "", "password": ""})
    assert response.status_code == 422
    assert error_messages(response) == ["Заполните это поле.", "Заполните это поле."]
    assert all(is_russian(m) for m in error_messages(response))
