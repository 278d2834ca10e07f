"""A mentor's last place under concurrency (4.13, s8): mentees choosing the same mentor at the same
moment, through real HTTP to gunicorn with several workers, on SQLite (an IMMEDIATE transaction) and
on PostgreSQL (SELECT … FOR UPDATE) — whichever the suite runs on.

Each round: one mentor with ONE free place, several consenting mentees who have read the programme,
each with an open proposal of that mentor, each logged in through the login form. Their «Выбрать»
POSTs leave together from threads released by a barrier; exactly one gets the place.
"""
import threading

import pytest

from portal.models import Mentorship, MentorshipMember, Proposal
from tests.factories import PASSWORD
from tests.gunicorn_server import REQUEST_TIMEOUT, Browser, serve

ROUNDS = 3
MENTEES_PER_ROUND = 6
WORKERS = 3


def log_in(browser: Browser, login: str) -> None:
    status, page = browser.post_login(login, PASSWORD)
    assert status == 200 and "Моя программа наставничества" in page, (status, page[:500])


@pytest.fixture
def portal_server(database_url, tmp_path, conn):
    """gunicorn with several workers serving the app on the test's database."""
    with serve(database_url, tmp_path, WORKERS) as server:
        yield server


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


@pytest.mark.quality("concurrency")
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
            log_in(browser, account.login)
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
