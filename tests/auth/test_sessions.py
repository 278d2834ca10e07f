"""Sessions end on the server (SECURITY.md, DECISIONS.md "Forms, statuses, sessions").

Logout and a password change bump the account's session version, so a copied cookie stops working;
staff sessions end after 30 minutes idle, everyone's after 12 hours; the role switch only chooses
the home page.
"""
import time

import pytest

from portal.models import Account, AuditEvent
from tests.conftest import PortalClient, field_errors, hx_csrf_token
from tests.factories import PASSWORD

NEW_PASSWORD = "a brand new secret"
MINUTE, HOUR = 60, 3600


def _clone(client, app) -> PortalClient:
    """A second browser holding a copy of the first one's session cookie."""
    other = PortalClient(app.test_client())
    other.raw.set_cookie("session", client.raw.get_cookie("session").value)
    return other


def _second_login(app, login_name, password=PASSWORD) -> PortalClient:
    other = PortalClient(app.test_client())
    assert other.post("/login", {"login": login_name, "password": password}).status_code == 303
    return other


def test_logout_ends_a_copied_cookie_too(app, client, conn, login_as):
    account = login_as("mentor")
    copy = _clone(client, app)
    assert copy.get("/mentor/").status_code == 200  # the copy works while the session lives
    response = client.post("/logout")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    for browser in (client, copy):
        answer = browser.get("/mentor/")
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    assert AuditEvent.select().where((AuditEvent.action == "sessions.ended")
                                     & (AuditEvent.object_id == account.id)).count() == 1


def test_logout_ends_the_sessions_of_other_browsers(app, client, conn, login_as):
    account = login_as("curator")
    elsewhere = _second_login(app, account.login)
    assert elsewhere.get("/curator/").status_code == 200
    client.post("/logout")
    assert elsewhere.get("/curator/").status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, conn, login_as):
    account = login_as("mentor")
    elsewhere = _second_login(app, account.login)
    old_cookie = _clone(client, app)
    response = client.post("/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                         "confirm": NEW_PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/password"
    page = client.get("/password")
    assert page.status_code == 200
    assert "Пароль изменён. Остальные сеансы завершены." in page.get_data(as_text=True)
    assert client.get("/mentor/").status_code == 200
    assert elsewhere.get("/mentor/").status_code == 302
    assert old_cookie.get("/mentor/").status_code == 302  # this browser's cookie from before the change
    assert _second_login(app, account.login, NEW_PASSWORD).get("/mentor/").status_code == 200
    refused = PortalClient(app.test_client()).post("/login", {"login": account.login, "password": PASSWORD})
    assert refused.status_code == 422


def test_password_change_through_htmx_reloads_the_page_with_a_working_token(client, conn, login_as):
    """After the change the session (and its CSRF token) is new: every form on the page must get it."""
    login_as("mentor")
    token = hx_csrf_token(client.get("/password"))
    response = client.raw.post("/password", data={"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                   "confirm": NEW_PASSWORD},
                               headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/password"
    page = client.get("/password")
    assert "Пароль изменён. Остальные сеансы завершены." in page.get_data(as_text=True)
    assert client.post("/logout").status_code == 303  # the «Выйти» button carries the new token


def test_password_change_keeps_the_chosen_role(client, conn, login_as):
    login_as("mentor", "curator")
    client.post("/role", {"role": "mentor"})
    client.post("/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert client.get("/").headers["Location"] == "/mentor/"


@pytest.mark.parametrize("form,field,message", [
    ({"new_password": "short1", "confirm": "short1"}, "new_password", "Пароль должен быть не короче 8 символов."),
    ({"new_password": "password123", "confirm": "password123"}, "new_password",
     "Этот пароль слишком распространён: придумайте другой."),
    ({"new_password": "QWERTYUIOP", "confirm": "QWERTYUIOP"}, "new_password",
     "Этот пароль слишком распространён: придумайте другой."),
    ({"new_password": "x" * 129, "confirm": "x" * 129}, "new_password", "Пароль должен быть не длиннее 128 символов."),
    ({"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"}, "confirm", "Пароли не совпадают."),
    ({"old_password": "not my password", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, "old_password",
     "Текущий пароль введён неверно."),
    ({"old_password": "", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, "old_password",
     "Заполните это поле."),
], ids=["too-short", "common", "common-in-capitals", "too-long", "mismatch", "wrong-old", "old-missing"])
def test_password_policy_refuses_with_the_reason_beside_the_field(app, client, conn, login_as, form, field, message):
    account = login_as("mentor")
    elsewhere = _second_login(app, account.login)
    response = client.post("/password", {"old_password": PASSWORD, **form})
    assert response.status_code == 422
    assert field_errors(response, field) == [message]
    unchanged = Account.get_by_id(account.id)
    assert unchanged.password_hash == account.password_hash
    assert unchanged.session_version == account.session_version
    assert elsewhere.get("/mentor/").status_code == 200
    assert not AuditEvent.select().where(AuditEvent.action == "password.changed").exists()


def test_long_passphrase_with_spaces_and_cyrillic_is_accepted(app, client, conn, login_as):
    """Length over composition: a 64-character phrase of ordinary words is a good password."""
    account = login_as("mentor")
    phrase = "на опушке леса стоит избушка на курьих ножках и смотрит в лес ок"
    assert len(phrase) == 64
    response = client.post("/password", {"old_password": PASSWORD, "new_password": phrase, "confirm": phrase})
    assert response.status_code == 303
    assert _second_login(app, account.login, phrase).get("/mentor/").status_code == 200


def _age_session(client, idle=0, total=0):
    now = time.time()
    with client.raw.session_transaction() as session:
        session["seen"] = now - idle
        session["since"] = now - max(total, idle)


@pytest.mark.parametrize("role", ["coordinator", "curator"])
def test_staff_session_ends_after_30_minutes_idle(client, conn, login_as, role):
    login_as(role)
    _age_session(client, idle=29 * MINUTE)
    assert client.get(f"/{role}/").status_code == 200  # 29 minutes: still in, and the clock restarts
    _age_session(client, idle=31 * MINUTE)
    response = client.get(f"/{role}/")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login")
    assert "Сеанс завершён. Войдите снова." in page.get_data(as_text=True)
    assert client.get(f"/{role}/").status_code == 302  # logged out, not just bounced once


def test_idle_staff_session_answers_htmx_with_a_redirect_header(client, conn, login_as):
    """An htmx request must not get the login page swapped into a fragment."""
    login_as("coordinator")
    _age_session(client, idle=31 * MINUTE)
    response = client.raw.get("/coordinator/accounts", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/login"


@pytest.mark.parametrize("role", ["mentor", "mentee", "parent"])
def test_other_sessions_survive_idleness_but_not_12_hours(client, conn, login_as, role):
    login_as(role)
    _age_session(client, idle=3 * HOUR, total=3 * HOUR)
    assert client.get(f"/{role}/").status_code == 200
    _age_session(client, idle=MINUTE, total=12 * HOUR + MINUTE)
    response = client.get(f"/{role}/")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_staff_session_ends_after_12_hours_even_when_busy(client, conn, login_as):
    login_as("curator")
    _age_session(client, idle=MINUTE, total=12 * HOUR + MINUTE)
    assert client.get("/curator/").status_code == 302


def test_role_chips_and_switch(client, conn, login_as):
    login_as("mentor", "curator")
    page = client.get(client.get("/").headers["Location"]).get_data(as_text=True)
    assert 'name="role" value="curator"' in page and 'name="role" value="mentor"' in page
    assert ">куратор</button>" in page and ">наставник</button>" in page
    response = client.post("/role", {"role": "mentor"})
    assert response.status_code == 303 and response.headers["Location"] == "/mentor/"
    assert client.get("/").headers["Location"] == "/mentor/"
    page = client.get("/mentor/").get_data(as_text=True)
    assert 'value="mentor" class="chip chip-active"' in page
    assert "Мои наставляемые</a>" in page  # the mentor's menu
    # Both areas stay open whatever the chosen role: the switch only picks the home page and menu.
    assert client.get("/curator/").status_code == 200


@pytest.mark.quality("access")
def test_a_mentor_curator_reaches_both_roles(client, conn, login_as):
    login_as("mentor", "curator")
    assert client.get("/curator/").status_code == 200
    assert client.get("/mentor/").status_code == 200
    assert client.get("/coordinator/").status_code == 403


def test_switching_to_a_role_not_held_is_ignored(client, conn, login_as):
    login_as("mentor", "curator")
    client.post("/role", {"role": "mentor"})
    response = client.post("/role", {"role": "coordinator"})
    assert response.status_code == 303 and response.headers["Location"] == "/mentor/"
    assert client.get("/").headers["Location"] == "/mentor/"
    assert client.get("/coordinator/").status_code == 403


def test_single_role_account_sees_no_role_chips(client, conn, login_as):
    login_as("mentor")
    assert 'class="role-switch"' not in client.get("/mentor/").get_data(as_text=True)
