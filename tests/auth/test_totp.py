"""The second factor of staff accounts (SECURITY.md, «Accounts and sessions»): coordinator and curator
accounts can turn on a one-time code from an authenticator app; the coordinator can require it.

Codes are computed with pyotp from the secret the setup page shows, as the person's phone would."""
import json
import re
import time

import pyotp
import pytest

from portal.models import Account, AuditEvent, RecoveryCode, School
from portal.models.base import utcnow
from portal.services import audit, totp
from tests.conftest import error_messages, field_errors
from tests.factories import PASSWORD
from tests.querycount import count_queries

pytestmark = pytest.mark.quality("security")

SECRET_RE = re.compile(r'<p class="code" id="totp-secret">([A-Z2-7 ]+)</p>')
RECOVERY_RE = re.compile(r"<li><code>([A-Z2-9]{5}-[A-Z2-9]{5})</code></li>")
STAFF = [pytest.param("coordinator", id="coordinator"), pytest.param("curator", id="curator")]
HOMES = {"coordinator": "/coordinator/", "curator": "/curator/"}


class Phone:
    """An authenticator app: each code is for a later time step than the one before, as a person
    waiting for the next code would type it, and always within the one-step window the portal accepts."""

    def __init__(self, secret: str):
        self.totp = pyotp.TOTP(secret)
        self.last = None

    def code(self) -> str:
        now = self.totp.timecode(time.time())
        if self.last is None and time.time() % 30 > 28:
            time.sleep(2.1)  # step now-1 must not fall out of the window before the server checks it
            now = self.totp.timecode(time.time())
        step = now - 1 if self.last is None else max(self.last + 1, now - 1)
        while step > self.totp.timecode(time.time()) + 1:
            time.sleep(1)
        self.last = step
        return self.totp.generate_otp(step)


def _events(action):
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


def _enabled(account) -> Phone:
    """The second factor already on (set up earlier), with a phone that shows its codes."""
    secret = pyotp.random_base32()
    Account.update(totp_secret=secret, totp_enabled_at=utcnow()).where(Account.id == account.id).execute()
    return Phone(secret)


def _password_step(client, account, url="/login"):
    client.get("/login")
    return client.post(url, {"login": account.login, "password": PASSWORD})


def _log_in(client, account, phone, url="/login"):
    response = _password_step(client, account, url)
    assert response.status_code == 303 and response.headers["Location"] == "/login/code"
    assert client.get("/login/code").status_code == 200
    return client.post("/login/code", {"code": phone.code()})


@pytest.fixture
def staff(make_account):
    def make(role):
        account = make_account(role, acknowledged=True)
        return account, _enabled(account)
    return make


def _setup_secret(page) -> str:
    match = SECRET_RE.search(page.get_data(as_text=True))
    assert match, "the setup page shows the key for manual entry"
    return match.group(1).replace(" ", "")


# --- turning it on ------------------------------------------------------------------------------

@pytest.mark.parametrize("role", STAFF)
def test_enabling_needs_the_right_code_and_the_password(client, conn, login_as, role):
    account = login_as(role)
    page = client.get("/account/second-factor")
    assert page.status_code == 200 and "Не включён" in page.get_data(as_text=True)

    setup = client.get("/account/second-factor/enable")
    html = setup.get_data(as_text=True)
    assert setup.status_code == 200 and "<svg" in html and 'class="qr"' in html
    assert html.count("<script") == 1  # only the vendored htmx file: the QR code needs no script
    assert re.search(r'id="totp-secret">[A-Z2-7]{4}( [A-Z2-7]{4})+</p>', html), "the key is grouped in fours"
    secret = _setup_secret(setup)
    assert _setup_secret(client.get("/account/second-factor/enable")) == secret, "a reload keeps the scanned key"
    phone = Phone(secret)
    wrong = pyotp.TOTP(pyotp.random_base32()).now()

    refusals = [
        ({"code": wrong, "password": PASSWORD}, "code", "Неверный код"),
        ({"code": phone.totp.now(), "password": "not my password"}, "password", "Пароль введён неверно."),
        ({"code": "12a456", "password": PASSWORD}, "code", totp.BAD_FORMAT),
        ({"code": "1234567", "password": PASSWORD}, "code", totp.BAD_FORMAT),
        ({"code": "", "password": PASSWORD}, "code", "Заполните это поле."),
    ]
    for data, field, message in refusals:
        response = client.post("/account/second-factor/enable", data)
        assert response.status_code == 422, data
        assert field_errors(response, field) == [message]
    stored = Account.get_by_id(account.id)
    assert (stored.totp_secret, stored.totp_enabled_at, stored.totp_last_step) == ("", None, 0)
    assert _events("totp.enabled") == []

    code = phone.code()
    response = client.post("/account/second-factor/enable", {"code": f"{code[:3]} {code[3:]}", "password": PASSWORD})
    assert response.status_code == 200 and "Второй фактор включён" in response.get_data(as_text=True)
    recovery = RECOVERY_RE.findall(response.get_data(as_text=True))
    assert len(set(recovery)) == 10, "ten recovery codes, shown once"
    held = {row.code_hash for row in RecoveryCode.select().where(RecoveryCode.account == account.id)}
    assert len(held) == 10 and not {c.replace("-", "") for c in recovery} & held, "only their hashes are kept"
    stored = Account.get_by_id(account.id)
    assert stored.totp_secret == secret and stored.totp_enabled_at is not None
    [event] = _events("totp.enabled")
    assert (event.actor_id, event.object_id, event.ip) == (account.person_id, account.id, "127.0.0.1")
    assert audit.title_of("totp.enabled") != "totp.enabled"

    page = client.get("/account/second-factor").get_data(as_text=True)
    assert "Включён" in page and 'id="codes-left">10<' in page
    assert not RECOVERY_RE.search(page) and recovery[0] not in page, "the codes are never shown again"
    assert secret not in page and secret[:4] + " " not in page, "the key is never shown after setup"
    assert client.get("/account/second-factor/enable").headers["Location"] == "/account/second-factor"

    # From now on the login asks for the code.
    client.post("/logout")
    assert _log_in(client, account, phone).headers["Location"] == HOMES[role]


def test_staff_menu_links_the_page(client, conn, login_as):
    login_as("curator")
    assert 'href="/account/second-factor"' in client.get("/curator/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["mentor", "mentee", "parent"])
def test_other_roles_cannot_open_the_page(client, conn, login_as, role):
    login_as(role)
    for url in ("/account/second-factor", "/account/second-factor/enable", "/account/second-factor/disable",
                "/account/second-factor/recovery-codes"):
        assert client.get(url).status_code == 403, url
    assert client.post("/account/second-factor/enable", {"code": "123456", "password": PASSWORD}).status_code == 403
    assert 'href="/account/second-factor"' not in client.get(f"/{role}/").get_data(as_text=True)


def test_anonymous_is_sent_to_login(client, conn):
    response = client.get("/account/second-factor")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- logging in ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", STAFF)
def test_login_asks_for_the_code_after_the_password(client, conn, staff, role):
    account, phone = staff(role)
    response = _password_step(client, account)
    assert response.status_code == 303 and response.headers["Location"] == "/login/code"
    assert client.get(HOMES[role]).status_code == 302, "not logged in before the code"
    page = client.get("/login/code")
    assert page.status_code == 200 and "Код из приложения или резервный код" in page.get_data(as_text=True)
    response = client.post("/login/code", {"code": phone.code()})
    assert response.status_code == 303 and response.headers["Location"] == HOMES[role]
    assert client.get(HOMES[role]).status_code == 200
    assert Account.get_by_id(account.id).totp_last_step == phone.last


def test_login_with_the_code_follows_next(client, conn, staff):
    account, phone = staff("coordinator")
    response = _log_in(client, account, phone, url="/login?next=/coordinator/accounts")
    assert response.headers["Location"] == "/coordinator/accounts"
    account, phone = staff("curator")
    other = type(client)(client.raw.application.test_client())
    assert _log_in(other, account, phone, url="/login?next=//evil.example").headers["Location"] == "/curator/"


def test_a_wrong_code_is_422_and_the_sixth_in_a_minute_429(client, conn, staff):
    account, phone = staff("coordinator")
    _password_step(client, account)
    client.get("/login/code")
    for bad in ("000000", "12 34 5x"):
        response = client.post("/login/code", {"code": bad})
        assert response.status_code == 422
    assert field_errors(client.post("/login/code", {"code": "000001"}), "code") == ["Неверный код"]
    assert field_errors(client.post("/login/code", {"code": "abc"}), "code") == [totp.BAD_LOGIN_FORMAT]
    assert client.post("/login/code", {"code": "999999"}).status_code == 422
    sixth = client.post("/login/code", {"code": phone.code()})
    assert sixth.status_code == 429, "even the right code waits once the limit is reached"
    assert client.get("/coordinator/").status_code == 302
    [throttled] = _events("login.throttled")
    assert json.loads(throttled.details) == {"login": account.login, "step": "code"}
    assert len(_events("totp.failed")) == 3  # the malformed codes never reached the check


def test_a_used_code_is_refused_the_second_time(app, client, conn, staff):
    account, phone = staff("curator")
    code = phone.code()
    _password_step(client, account)
    client.get("/login/code")
    assert client.post("/login/code", {"code": code}).status_code == 303
    other = type(client)(app.test_client())  # someone who saw the code over the shoulder
    _password_step(other, account)
    other.get("/login/code")
    replay = other.post("/login/code", {"code": code})
    assert replay.status_code == 422 and field_errors(replay, "code") == ["Неверный код"]
    assert other.get("/curator/").status_code == 302
    [failed] = _events("totp.failed")
    assert json.loads(failed.details) == {"reason": "replay"}


def test_the_pending_login_expires_after_five_minutes(client, conn, staff):
    account, phone = staff("coordinator")
    _password_step(client, account)
    assert client.get("/login/code").status_code == 200
    with client.raw.session_transaction() as session:
        session["pending_login"] = {**session["pending_login"], "at": time.time() - 5 * 60 - 1}
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Время на ввод кода истекло. Войдите снова." in client.get("/login").get_data(as_text=True)
    assert client.post("/login/code", {"code": phone.code()}).status_code == 302
    assert client.get("/coordinator/").status_code == 302


def test_no_pending_login_means_the_login_page(client, conn):
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_a_logout_elsewhere_voids_the_pending_login(app, client, conn, staff):
    account, phone = staff("coordinator")
    _password_step(client, account)
    client.get("/login/code")
    Account.update(session_version=Account.session_version + 1).where(Account.id == account.id).execute()
    assert client.post("/login/code", {"code": phone.code()}).headers["Location"] == "/login"


def test_accounts_without_the_second_factor_log_in_as_before(client, conn, make_account):
    account = make_account("coordinator", acknowledged=True)
    response = _password_step(client, account)
    assert response.status_code == 303 and response.headers["Location"] == "/coordinator/"


# --- recovery codes ----------------------------------------------------------------------------

def _with_recovery(account) -> list[str]:
    """Recovery codes as the setup gave them (made through the service, inside its transaction)."""
    from portal.db import db
    with db.atomic():
        return totp._new_recovery_codes(account)


def test_a_recovery_code_logs_in_once(app, client, conn, staff):
    account, phone = staff("curator")
    codes = _with_recovery(account)
    _password_step(client, account)
    client.get("/login/code")
    typed = codes[3].lower().replace("-", " ")  # as someone copies it from paper
    response = client.post("/login/code", {"code": typed})
    assert response.status_code == 303 and response.headers["Location"] == "/curator/"
    [used] = _events("totp.recovery_used")
    assert used.object_id == account.id
    assert totp.recovery_codes_left(account) == 9

    other = type(client)(app.test_client())
    _password_step(other, account)
    other.get("/login/code")
    again = other.post("/login/code", {"code": codes[3]})
    assert again.status_code == 422 and field_errors(again, "code") == ["Неверный код"]
    assert other.get("/curator/").status_code == 302
    assert json.loads(_events("totp.failed")[-1].details) == {"reason": "recovery"}
    assert "Неиспользованных резервных кодов" in client.get("/account/second-factor").get_data(as_text=True)


def test_recovery_codes_of_another_account_do_not_work(client, conn, staff):
    account, _ = staff("coordinator")
    other, _ = staff("curator")
    codes = _with_recovery(other)
    _password_step(client, account)
    client.get("/login/code")
    assert client.post("/login/code", {"code": codes[0]}).status_code == 422
    assert totp.recovery_codes_left(other) == 10


def test_new_recovery_codes_replace_the_old(client, conn, staff):
    account, phone = staff("coordinator")
    old = _with_recovery(account)
    _log_in(client, account, phone)
    page = client.get("/account/second-factor/recovery-codes")
    assert page.status_code == 200 and "Новые резервные коды" in page.get_data(as_text=True)
    wrong = client.post("/account/second-factor/recovery-codes", {"code": phone.code(), "password": "nope nope"})
    assert wrong.status_code == 422 and field_errors(wrong, "password") == ["Пароль введён неверно."]
    response = client.post("/account/second-factor/recovery-codes", {"code": phone.code(), "password": PASSWORD})
    assert response.status_code == 200
    new = RECOVERY_RE.findall(response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    [event] = _events("totp.recovery_renewed")
    assert event.object_id == account.id
    client.post("/logout")
    _password_step(client, account)
    client.get("/login/code")
    assert client.post("/login/code", {"code": old[0]}).status_code == 422, "the old codes stopped working"
    assert client.post("/login/code", {"code": new[0]}).status_code == 303


def test_pages_without_the_second_factor_say_so(client, conn, login_as):
    login_as("coordinator")
    for url in ("/account/second-factor/disable", "/account/second-factor/recovery-codes"):
        page = client.get(url)
        assert page.status_code == 200 and "Второй фактор не включён" in page.get_data(as_text=True), url
        refused = client.post(url, {"code": "123456", "password": PASSWORD})
        assert refused.status_code == 422 and "Второй фактор не включён." in error_messages(refused), url
    assert _events("totp.disabled") == [] and _events("totp.recovery_renewed") == []


# --- turning it off -----------------------------------------------------------------------------

def test_disabling_needs_the_password_and_a_code(client, conn, staff):
    account, phone = staff("curator")
    _log_in(client, account, phone)
    page = client.get("/account/second-factor/disable")
    assert page.status_code == 200 and "Отключить второй фактор?" in page.get_data(as_text=True)
    wrong = client.post("/account/second-factor/disable", {"code": phone.code(), "password": "not my password"})
    assert wrong.status_code == 422 and field_errors(wrong, "password") == ["Пароль введён неверно."]
    bad = client.post("/account/second-factor/disable", {"code": "000000", "password": PASSWORD})
    assert bad.status_code == 422 and field_errors(bad, "code") == ["Неверный код"]
    assert Account.get_by_id(account.id).totp_enabled_at is not None
    assert _events("totp.disabled") == []

    response = client.post("/account/second-factor/disable", {"code": phone.code(), "password": PASSWORD})
    assert response.status_code == 303
    stored = Account.get_by_id(account.id)
    assert (stored.totp_secret, stored.totp_enabled_at) == ("", None)
    assert totp.recovery_codes_left(stored) == 0
    [event] = _events("totp.disabled")
    assert event.object_id == account.id
    assert "Не включён" in client.get("/account/second-factor").get_data(as_text=True)
    client.post("/logout")
    assert _password_step(client, account).headers["Location"] == "/curator/"


# --- the coordinator's requirement --------------------------------------------------------------

def test_the_coordinator_cannot_require_it_without_their_own(client, conn, school, login_as):
    login_as("coordinator")
    response = client.post("/coordinator/accounts/second-factor", {"required": "y"})
    assert response.status_code == 422
    assert field_errors(response, "required") == [
        "Сначала включите второй фактор для своей учётной записи, затем требуйте его от других."]
    assert School.get_by_id(school.id).staff_totp_required is False
    assert _events("totp.required_changed") == []


def test_curators_cannot_set_the_requirement(client, conn, login_as):
    login_as("curator")
    assert client.post("/coordinator/accounts/second-factor", {"required": "y"}).status_code == 403


def test_the_requirement_sends_staff_without_it_to_set_it_up(app, client, conn, school, staff, make_account):
    coordinator, phone = staff("coordinator")
    _log_in(client, coordinator, phone)
    page = client.get("/coordinator/accounts").get_data(as_text=True)
    assert "Требовать второй фактор для координатора и кураторов" in page
    response = client.post("/coordinator/accounts/second-factor", {"required": "y"})
    assert response.status_code == 303
    assert School.get_by_id(school.id).staff_totp_required is True
    [event] = _events("totp.required_changed")
    assert json.loads(event.details) == {"required": True} and event.school_id == school.id
    assert "Сейчас обязателен" in client.get("/coordinator/accounts").get_data(as_text=True)

    curator = make_account("curator", acknowledged=True)
    browser = type(client)(app.test_client())
    assert _password_step(browser, curator).headers["Location"] == "/curator/"
    for url in ("/curator/", "/staff/people", "/password"):
        gated = browser.get(url)
        assert gated.status_code == 302 and gated.headers["Location"] == "/account/second-factor", url
    htmx = browser.get("/curator/", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"] == "/account/second-factor"
    notice = browser.get("/account/second-factor").get_data(as_text=True)
    assert "второй фактор обязателен" in notice
    secret = _setup_secret(browser.get("/account/second-factor/enable"))
    curator_phone = Phone(secret)
    assert browser.post("/account/second-factor/enable",
                        {"code": curator_phone.code(), "password": PASSWORD}).status_code == 200
    assert browser.get("/curator/").status_code == 200

    # While required, staff cannot turn theirs off; other roles are never asked.
    refused = browser.post("/account/second-factor/disable", {"code": curator_phone.code(), "password": PASSWORD})
    assert refused.status_code == 422 and "отключить его нельзя" in " ".join(error_messages(refused))
    mentor = make_account("mentor", acknowledged=True)
    other = type(client)(app.test_client())
    _password_step(other, mentor)
    assert other.get("/mentor/").status_code == 200

    # The coordinator lifts the requirement.
    assert client.post("/coordinator/accounts/second-factor", {}).status_code == 303
    assert School.get_by_id(school.id).staff_totp_required is False
    assert [json.loads(e.details) for e in _events("totp.required_changed")] == [{"required": True},
                                                                                 {"required": False}]


def test_the_gate_comes_after_the_regulation(app, client, conn, school, make_account):
    School.update(staff_totp_required=True).where(School.id == school.id).execute()
    curator = make_account("curator")  # has not acknowledged the regulation yet
    _password_step(client, curator)
    assert client.get("/curator/").headers["Location"] == "/regulation/acknowledge"
    assert client.get("/regulation/acknowledge").status_code == 200
    assert client.post("/regulation/acknowledge").headers["Location"] == "/curator/"
    assert client.get("/curator/").headers["Location"] == "/account/second-factor"


# --- cost of the pages --------------------------------------------------------------------------

def test_the_new_pages_cost_the_same_whatever_the_school_size(app, client, conn, staff, login_as, make_account):
    login_as("coordinator")
    with_code, phone = staff("curator")
    urls = ["/account/second-factor", "/account/second-factor/enable", "/coordinator/accounts"]

    def measure():
        counts = []
        for url in urls:
            with count_queries() as queries:
                assert client.get(url).status_code == 200, url
            counts.append(len(queries))
        anonymous = type(client)(app.test_client())
        _password_step(anonymous, with_code)
        with count_queries() as queries:
            assert anonymous.get("/login/code").status_code == 200
        return counts + [len(queries)]

    small = measure()
    for n in range(6):
        staff("curator" if n % 2 else "coordinator")
        make_account("mentor")
    assert measure() == small


# --- a lost phone: the coordinator's reset --------------------------------------------------------

def test_the_coordinators_reset_takes_the_second_factor_away(app, client, conn, school, staff, login_as):
    """The curator lost the phone and the recovery codes: the coordinator resets the password with a reason;
    the new code sets a password, the login asks no code, and the school's requirement asks for a new one."""
    curator, phone = staff("curator")
    _with_recovery(curator)
    assert phone.totp.secret
    coordinator, coordinator_phone = staff("coordinator")
    _log_in(client, coordinator, coordinator_phone)
    client.get("/coordinator/accounts")
    assert client.post("/coordinator/accounts/second-factor", {"required": "y"}).status_code == 303
    client.get("/coordinator/accounts")
    response = client.post(f"/coordinator/accounts/{curator.id}/invitation", {"reason": "потерян телефон"})
    assert response.status_code == 200
    code = re.search(r'id="invitation-code"[^>]*>([A-Z0-9-]+)<', response.get_data(as_text=True)).group(1)
    stored = Account.get_by_id(curator.id)
    assert (stored.totp_secret, stored.totp_enabled_at) == ("", None) and totp.recovery_codes_left(stored) == 0
    [reset] = _events("password.reset")
    assert json.loads(reset.details)["second_factor_cleared"] is True

    browser = type(client)(app.test_client())
    browser.get("/invitation")
    redeemed = browser.post("/invitation", {"code": code, "password": "a new long password", "confirm": "a new long password"})
    assert redeemed.status_code == 303
    assert browser.get("/curator/").headers["Location"] == "/account/second-factor", "a new factor, at once"
