"""What every page owes its reader: the regulation first, safe headers, Russian errors, empty states,
Russian dates, and no 500 whatever is typed into a form."""
import io
import random
import re
from datetime import date

import pytest

from portal.models import Account, AuditEvent, MentoringFormat, Programme, RoleGrant
from tests.conftest import error_messages, is_russian
from tests.factories import PASSWORD

ACKNOWLEDGE = "/regulation/acknowledge"


# --- The regulation before anything else (s10) ----------------------------------------------------

@pytest.mark.clause("s10", part="regulation")
@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_a_fresh_account_reads_the_regulation_before_anything_else(client, conn, make_account, login, role):
    account = make_account(role)
    response = login(account.login, acknowledge=False)
    assert response.headers["Location"] == f"/{role}/"
    for url in ("/", f"/{role}/", "/password", "/no-roles", "/coordinator/", "/login"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer.headers["Location"] == ACKNOWLEDGE, url
    htmx = client.raw.get(f"/{role}/", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"] == ACKNOWLEDGE
    # The text itself stays readable.
    assert "Положение" in client.get("/regulation").get_data(as_text=True)
    page = client.get(ACKNOWLEDGE)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert re.search(r"С Положением о наставничестве ознакомлена?<", body) and "<h2>" in body
    # Nothing else can be done meanwhile: the role switch is turned back to the regulation too.
    assert client.post("/role", {"role": role}).headers["Location"] == ACKNOWLEDGE
    assert not AuditEvent.select().where(AuditEvent.action == "regulation.acknowledged").exists()

    confirmed = client.post(ACKNOWLEDGE)
    assert confirmed.status_code == 303 and confirmed.headers["Location"] == f"/{role}/"
    assert client.get(f"/{role}/").status_code == 200
    [event] = AuditEvent.select().where(AuditEvent.action == "regulation.acknowledged")
    assert (event.actor_id, event.object_id, event.ip) == (account.person_id, account.id, "127.0.0.1")
    assert Account.get_by_id(account.id).regulation_acknowledged_at is not None


@pytest.mark.clause("s10", part="regulation")
def test_the_acknowledgement_is_asked_once(app, client, conn, make_account, login):
    account = make_account("mentor", "mentee")
    login(account.login)  # acknowledges
    client.post("/logout")
    client.get("/login")
    response = client.post("/login", {"login": account.login, "password": PASSWORD})
    assert client.get(response.headers["Location"]).status_code == 200


# --- Headers ----------------------------------------------------------------------------------------

def _csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("signed_in", [False, True], ids=["login-page", "mentor-home"])
def test_security_headers(client, conn, login_as, signed_in):
    if signed_in:
        login_as("mentor")
    response = client.get("/mentor/" if signed_in else "/login")
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    script_src = csp.get("script-src", csp["default-src"])
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(script_src)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    # What the CSP would block must not be needed: no inline script, handler or style, no other host.
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))
    assert not re.search(r"\son[a-z]+=|\sstyle=", page)
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_static_files_may_be_cached(client, conn):
    response = client.raw.get("/static/css/portal.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- Russian error pages ------------------------------------------------------------------------------

@pytest.mark.parametrize("method,url,role,status,heading,message", [
    ("get", "/no-such-page", None, 404, "Страница не найдена", "Такой страницы нет."),
    ("get", "/no-such-page", "mentor", 404, "Страница не найдена", "Такой страницы нет."),
    ("get", "/staff/people/1/invitation", "coordinator", 405, "Метод не поддерживается",
     "Так обратиться к этой странице нельзя."),
    ("get", "/logout", "mentor", 405, "Метод не поддерживается", "Так обратиться к этой странице нельзя."),
    ("get", "/coordinator/", "mentor", 403, "Доступ запрещён", "Этот раздел вам недоступен."),
    ("get", "/parent/", "coordinator", 403, "Доступ запрещён", "Этот раздел вам недоступен."),
    ("post", "/coordinator/accounts/999999/invitation", "coordinator", 404, "Страница не найдена",
     "Такой страницы нет."),
])
def test_error_pages_are_russian(client, conn, login_as, method, url, role, status, heading, message):
    if role:
        login_as(role)
    response = client.get(url) if method == "get" else client.post(url)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert f"<title>Ошибка {status}" in page and f"<h1>{heading}</h1>" in page and message in page
    assert '<html lang="ru">' in page


# --- Home pages without data ---------------------------------------------------------------------------

@pytest.mark.parametrize("role,empty", [
    pytest.param("coordinator", "Пар пока нет: кураторы формируют их из баз своих форм."),
    pytest.param("curator", "Программа формы ещё не утверждена."),
    pytest.param("mentor", "У вас пока нет наставляемых."),
    pytest.param("mentee", "Наставник пока не выбран."),
    pytest.param("parent", "Школа ещё не подтвердила вашу связь с ребёнком."),
])
def test_home_pages_explain_what_is_empty(client, conn, login_as, role, empty):
    login_as(role)
    response = client.get(f"/{role}/")
    assert response.status_code == 200
    assert empty in response.get_data(as_text=True)


def test_curator_without_a_format_is_told_so(client, conn, make_account, login):
    account = make_account("curator")
    RoleGrant.update(mentoring_format=None).where(RoleGrant.account == account).execute()
    login(account.login)
    page = client.get("/curator/").get_data(as_text=True)
    assert "Вы пока не назначены куратором ни одной формы наставничества." in page


def test_account_without_roles_is_told_to_ask_the_coordinator(client, conn, make_account, login):
    account = make_account()
    response = login(account.login)
    assert response.headers["Location"] == "/no-roles"
    page = client.get("/no-roles")
    assert page.status_code == 200
    assert "Роль ещё не назначена" in page.get_data(as_text=True)
    assert client.get("/").headers["Location"] == "/no-roles"


def test_dates_are_written_the_russian_way(client, conn, login_as, school):
    fmt = MentoringFormat.of_school(school).first()
    Programme.create(mentoring_format=fmt, title="Шаг вперёд", starts_on=date(2025, 11, 3),
                     ends_on=date(2026, 5, 29))
    login_as("curator")
    page = client.get("/curator/").get_data(as_text=True)
    assert "Шаг вперёд" in page
    assert "Срок: с 3 ноября 2025 г. по 29 мая 2026 г." in page


# --- No 500, whatever is typed ----------------------------------------------------------------------------

FIXED_JUNK = [
    "", " ", "\t\n\r", "\x00", "a\x00b", "\x7f\x1b[31m", "😀" * 50, "ё" * 65, "x" * 10_000, "ж" * 100_000,
    "'; DROP TABLE account; --", "%s%n%x%d", "{{ 7*7 }}{% raw %}", "<script>alert(1)</script>", "\u202eRTL",
    "\ufeff\u200b", "ｃｏｏｒｄｉｎａｔｏｒ0", "a\u0301\u0301\u0301", "../../etc/passwd", "null", "-1", "0" * 40,
    "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789",
]


def _random_junk(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    pools = [range(0x20, 0x7f), range(0x400, 0x500), range(0x1f600, 0x1f650), range(0x0, 0x20),
             range(0x2000, 0x2070), range(0x4e00, 0x4e80)]
    return ["".join(chr(rng.choice(rng.choice(pools))) for _ in range(rng.choice([1, 7, 40, 65, 129, 3000])))
            for _ in range(count)]


FORMS = {
    "/login": ("login", "password"),
    "/invitation": ("code", "password", "confirm"),
    "/password": ("old_password", "new_password", "confirm"),
}


def _assert_refused_in_russian(response, junk):
    assert 400 <= response.status_code < 500, (response.status_code, junk[:50])
    page = response.get_data(as_text=True)
    assert is_russian(page)
    assert all(is_russian(message) for message in error_messages(response)), error_messages(response)
    if "<script>alert(1)</script>" in junk:
        assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize("url", sorted(FORMS))
def test_junk_in_every_field_is_refused_in_russian_never_500(client, conn, login_as, url):
    if url == "/password":
        login_as("mentor")
    values = FIXED_JUNK + _random_junk(seed=len(url), count=40)
    rng = random.Random(7)
    for i, junk in enumerate(values):
        same = {field: junk for field in FORMS[url]}
        mixed = {field: rng.choice(values) for field in FORMS[url]}
        for j, data in enumerate((same, mixed)):
            # Each from its own address, so the login rate limit does not answer in the form's place.
            address = {"REMOTE_ADDR": f"10.0.{i}.{j + 1}"}
            _assert_refused_in_russian(client.post(url, data, environ_base=address), junk)
    # Fields missing, repeated or unexpected.
    _assert_refused_in_russian(client.post(url, {}), "")
    _assert_refused_in_russian(client.post(url, {f: ["one", "two"] for f in FORMS[url]} | {"is_active": "1"}), "")
    # Bytes that are not UTF-8, a JSON body, a file where text is expected.
    body = "&".join(f"{f}=%FF%FE%C0%AF" for f in FORMS[url]) + f"&csrf_token={client.token}"
    _assert_refused_in_russian(client.raw.post(url, data=body, content_type="application/x-www-form-urlencoded"),
                               "")
    for field in FORMS[url]:  # a file where text is expected, the other fields plausible
        data = {f: "a plausible text 1" for f in FORMS[url]}
        data[field] = (io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(range(256))), "junk.png")
        _assert_refused_in_russian(client.raw.post(url, data={**data, "csrf_token": client.token},
                                                   content_type="multipart/form-data"), "")
    for value in (5, None, True, [1, 2], {"a": 1}):  # JSON values that are not text
        _assert_refused_in_russian(client.raw.post(url, json={f: value for f in FORMS[url]},
                                                   headers={"X-CSRFToken": client.token}), "")
    _assert_refused_in_russian(client.raw.post(url, json=[1, 2, 3], headers={"X-CSRFToken": client.token}), "")


@pytest.mark.parametrize("url", sorted(FORMS))
def test_an_oversized_post_is_refused_in_russian(client, conn, url):
    response = client.post(url, {"password": "x" * (6 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Файл слишком большой." in response.get_data(as_text=True)
