"""The login limit counted in the database (DECISIONS.md, "Who may change whom"; SECURITY.md, «Login»):
per login and per address, across any number of workers and without Redis; wrong invitation codes
per address too. The gunicorn tests serve the portal with two worker processes on the test's database
and the default in-memory Flask-Limiter storage, the set-up in which the old limit let guesses through."""
import re
from datetime import timedelta

import pytest

from portal.models import AuditEvent, LoginFailure
from portal.models.base import utcnow
from portal.services import throttle
from tests.conftest import error_messages
from tests.factories import PASSWORD
from tests.gunicorn_server import Browser, serve

pytestmark = pytest.mark.quality("security")

WAIT_RE = re.compile(r"Слишком много неудачных попыток\. Подождите (\d+) (секунд[уы]?|минут[уы]?) и попробуйте снова\.")


@pytest.fixture
def two_workers(database_url, tmp_path, conn):
    with serve(database_url, tmp_path, workers=2, threads=1) as server:
        yield server


def _events(action):
    return list(AuditEvent.select().where(AuditEvent.action == action))


def test_the_sixth_wrong_password_on_one_login_is_refused_by_every_worker(two_workers, make_account):
    account = make_account("mentor", acknowledged=True)
    for attempt in range(5):  # a new connection each time, so the workers take turns
        status, _ = Browser(two_workers["base"]).post_login(account.login, f"guess {attempt}")
        assert status == 422, attempt
    status, page = Browser(two_workers["base"]).post_login(account.login, "guess 6")
    assert status == 429 and WAIT_RE.search(page), page[:500]
    for _ in range(4):
        status, _ = Browser(two_workers["base"]).post_login(account.login, PASSWORD)
        assert status == 429, "even the right password waits, whichever worker answers"
    assert len(_events("login.failed")) == 5


def test_one_password_tried_on_many_logins_from_one_address_is_refused_before_the_twentieth(
        two_workers, make_account):
    logins = [make_account("parent", acknowledged=True).login for _ in range(20)]
    statuses = [Browser(two_workers["base"]).post_login(login, "password123")[0] for login in logins]
    first_refused = statuses.index(429)
    assert first_refused < 19 and set(statuses[:first_refused]) == {422}, statuses
    assert set(statuses[first_refused:]) == {429}, statuses
    # The address is refused even for a login that has failed nothing and a right password.
    fresh = make_account("mentor", acknowledged=True)
    assert Browser(two_workers["base"]).post_login(fresh.login, PASSWORD)[0] == 429


def test_the_limit_passes_with_its_window(client, conn, make_account):
    account = make_account("mentor", acknowledged=True)
    for _ in range(5):
        assert client.post("/login", {"login": account.login, "password": "guess"}).status_code == 422
    assert client.post("/login", {"login": account.login, "password": PASSWORD}).status_code == 429
    LoginFailure.update(at=utcnow() - timedelta(seconds=61)).execute()
    assert client.post("/login", {"login": account.login, "password": PASSWORD}).status_code == 303
    assert LoginFailure.select().where(LoginFailure.login == account.login).count() == 0, \
        "a full login clears the login's own count"


def test_the_wait_is_told_in_russian_words():
    assert throttle.Throttled(1).message == "Слишком много неудачных попыток. Подождите 1 секунду и попробуйте снова."
    assert "Подождите 42 секунды" in throttle.Throttled(42).message
    assert "Подождите 1 минуту" in throttle.Throttled(60).message
    assert "Подождите 5 минут" in throttle.Throttled(290).message
    assert "Подождите 2 минуты" in throttle.Throttled(61).message


def test_limits_read_from_settings():
    assert throttle.Limit.parse("5/60") == throttle.Limit(5, 60)
    for bad in ("0/60", "5/0", "five", "5/"):
        with pytest.raises(ValueError):
            throttle.Limit.parse(bad)


def test_failures_older_than_a_day_are_not_kept(client, conn):
    LoginFailure.create(kind="password", login="old", ip="10.0.0.1", at=utcnow() - timedelta(days=2))
    client.post("/login", {"login": "someone", "password": "guess"})
    assert [f.login for f in LoginFailure.select()] == ["someone"]


def _redeem(client, code, ip):
    page = client.raw.get("/invitation", environ_base={"REMOTE_ADDR": ip}).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    return client.raw.post("/invitation", environ_base={"REMOTE_ADDR": ip}, data={
        "code": code, "password": "a long new password", "confirm": "a long new password", "csrf_token": token})


def test_wrong_invitation_codes_from_one_address_are_limited(client, conn):
    for n in range(20):
        response = _redeem(client, f"AAAA-BBBB-{n:04d}", "10.1.1.1")
        assert response.status_code == 422, n
    refused = _redeem(client, "AAAA-BBBB-CCCC", "10.1.1.1")
    assert refused.status_code == 429 and WAIT_RE.search(refused.get_data(as_text=True))
    assert len(_events("invitation.failed")) == 20 and len(_events("invitation.throttled")) == 1
    assert _redeem(client, "AAAA-BBBB-CCCC", "10.2.2.2").status_code == 422, "another address is not refused"


def test_a_weak_password_with_a_right_code_is_not_a_guess(client, conn, make_account):
    from portal.services import accounts
    account = make_account("parent")
    code = accounts.issue_invitation(None, account, timedelta(days=1))
    page = client.get("/invitation")
    assert page.status_code == 200
    response = client.post("/invitation", {"code": code, "password": "short", "confirm": "short"})
    assert response.status_code == 422 and error_messages(response)
    assert LoginFailure.select().count() == 0
