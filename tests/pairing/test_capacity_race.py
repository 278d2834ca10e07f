"""A mentor's last place under concurrency (4.13, s8): mentees choosing the same mentor at the same
moment, through real HTTP to gunicorn with several workers, on SQLite (an IMMEDIATE transaction) and
on PostgreSQL (SELECT … FOR UPDATE) — whichever the suite runs on.

Each round: one mentor with ONE free place, several consenting mentees who have read the programme,
each with an open proposal of that mentor, each logged in through the login form. Their «Выбрать»
POSTs leave together from threads released by a barrier; exactly one gets the place.
"""
import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from portal.models import Mentorship, MentorshipMember, Proposal
from tests.conftest import CSRF_RE
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 3
MENTEES_PER_ROUND = 6
WORKERS = 3
REQUEST_TIMEOUT = 20
START_TIMEOUT = 30


def gunicorn() -> str:
    beside_python = Path(sys.executable).parent / "gunicorn"
    return str(beside_python if beside_python.exists() else ROOT / ".venv" / "bin" / "gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One person's browser: its own cookies, the CSRF token read from the last page, a timeout on everything."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = None

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=REQUEST_TIMEOUT) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        match = CSRF_RE.search(text)
        if match:
            self.token = match.group(1) or match.group(2)
        return status, text

    def log_in(self, login: str) -> None:
        self.request("/login")
        status, page = self.request("/login", {"login": login, "password": PASSWORD, "csrf_token": self.token})
        assert status == 200 and "Моя программа наставничества" in page, (status, page[:500])


@pytest.fixture
def portal_server(database_url, tmp_path, conn):
    """gunicorn with several workers serving the app on the test's database; killed whatever happens."""
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = dict(os.environ, RACE_DATABASE_URL=database_url, RACE_INSTANCE_PATH=str(tmp_path))
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [gunicorn(), "--workers", str(WORKERS), "--worker-class", "gthread", "--threads", "4",
             "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--graceful-timeout", "5",
             "tests.pairing.race_app:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert process.poll() is None, log_path.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not start:\n" + log_path.read_text(errors="replace")
            try:
                with urllib.request.urlopen(base + "/login", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        yield {"base": base, "log": log_path}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def choose_together(browsers_and_proposals) -> list[tuple[int, str]]:
    """Every mentee's «Выбрать» (as htmx sends it), released at the same instant."""
    barrier = threading.Barrier(len(browsers_and_proposals))
    results: list = [None] * len(browsers_and_proposals)

    def click(i, browser, proposal):
        barrier.wait(timeout=REQUEST_TIMEOUT)
        try:
            results[i] = browser.request(f"/mentee/choice/{proposal.id}", {"csrf_token": browser.token},
                                         {"HX-Request": "true"})
        except Exception as exc:  # a timeout or a dropped connection is a failed round, not a hung suite
            results[i] = (0, repr(exc))

    threads = [threading.Thread(target=click, args=(i, b, p), daemon=True)
               for i, (b, p) in enumerate(browsers_and_proposals)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=REQUEST_TIMEOUT * 2)
    return results


@pytest.mark.clause("4.13")
@pytest.mark.clause("s8")
def test_two_mentees_cannot_both_take_a_mentors_last_place(portal_server, pairing_world, make_account):
    for round_no in range(ROUNDS):
        mentor = pairing_world["mentor"](capacity=1, can_help_with="математика")
        contenders = []
        for _ in range(MENTEES_PER_ROUND):
            mentee = pairing_world["mentee"](needs="математика")
            account = make_account("mentee", person=mentee.person, acknowledged=True)
            proposal = Proposal.create(mentoring_format=mentee.mentoring_format_id, mentee=mentee.person,
                                       mentor=mentor.person, rank=1)
            browser = Browser(portal_server["base"])
            browser.log_in(account.login)
            status, page = browser.request("/mentee/choice")  # the token a browser would hold
            assert status == 200 and f'id="proposal-{proposal.id}"' in page
            contenders.append((browser, proposal))

        results = choose_together(contenders)

        statuses = sorted(status for status, _ in results)
        log = portal_server["log"].read_text(errors="replace")[-3000:]
        assert statuses == [200] + [422] * (MENTEES_PER_ROUND - 1), (round_no, statuses, log)
        for status, body in results:
            assert "<html" not in body
            if status == 200:
                assert "Вы выбрали наставника" in body
            else:
                assert "последнее место" in body, body[:1000]
        taken = Mentorship.select().where(Mentorship.mentor == mentor.person)
        assert taken.count() == 1 and taken.get().status == "chosen"
        assert MentorshipMember.select().join(Mentorship).where(Mentorship.mentor == mentor.person).count() == 1
        assert Proposal.select().where((Proposal.mentor == mentor.person) & (Proposal.status == "chosen")).count() == 1
