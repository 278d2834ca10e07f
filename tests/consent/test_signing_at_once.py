"""A parents' evening (SECURITY.md, «Data that must never be lost»): parents sign their children's
consents at the same moment, through gunicorn's worker processes, on SQLite and on PostgreSQL —
whichever the suite runs on. Every signature is kept exactly once and nobody is shown an error."""
import threading
from datetime import date

import pytest

from portal.models import AuditEvent, BaseMembership, Consent, Guardianship, MentoringFormat
from portal.models.base import utcnow
from tests.consent.conftest import SIGN_DATA
from tests.factories import PASSWORD
from tests.gunicorn_server import REQUEST_TIMEOUT, Browser, serve

pytestmark = pytest.mark.quality("concurrency")

PARENTS = 24
WORKERS = 3


def _families(make_person, make_account, school):
    fmt = MentoringFormat.of_school(school).first()
    families = []
    for _ in range(PARENTS):
        child = make_person(kind="student", birth_date=date(date.today().year - 12, 3, 1))
        parent = make_account("parent", person=make_person(kind="parent", sex="f", birth_date=date(1985, 4, 12)),
                              acknowledged=True)
        Guardianship.create(parent=parent.person, child=child, confirmed_at=utcnow())
        BaseMembership.create(mentoring_format=fmt, person=child, base="mentee")
        families.append((parent, child))
    return families


def _ready_to_sign(base, parent, child) -> Browser:
    """Logged in, the e-signature agreement accepted, the consent page open with its token."""
    browser = Browser(base)
    status, _ = browser.post_login(parent.login, PASSWORD)
    assert status == 200, status
    browser.request("/consent/esign")
    status, _ = browser.request("/consent/esign", {"agree": "y", "password": PASSWORD, "csrf_token": browser.token})
    assert status == 200, status
    status, page = browser.request(f"/consent/{child.id}/parent_mentee")
    assert status == 200 and "Подписать" in page, status
    return browser


def test_parents_signing_at_the_same_moment_lose_nothing(database_url, tmp_path, conn, make_person, make_account,
                                                         school):
    families = _families(make_person, make_account, school)
    with serve(database_url, tmp_path, workers=WORKERS) as server:
        signers = [(_ready_to_sign(server["base"], parent, child), child) for parent, child in families]
        barrier = threading.Barrier(len(signers))
        results: list = [None] * len(signers)

        def sign(i, browser, child):
            barrier.wait(timeout=REQUEST_TIMEOUT)
            try:
                results[i] = browser.request(f"/consent/{child.id}/parent_mentee",
                                             {**SIGN_DATA, "csrf_token": browser.token})
            except Exception as exc:  # a dropped connection is a lost signature, not a hung suite
                results[i] = (0, repr(exc))

        threads = [threading.Thread(target=sign, args=(i, b, c), daemon=True) for i, (b, c) in enumerate(signers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=REQUEST_TIMEOUT * 3)
        log = server["log"].read_text(errors="replace")[-3000:]

    # Each parent lands on the page of their signed consent (the 303 followed).
    assert [status for status, _ in results] == [200] * PARENTS, (results, log)
    assert all('<span class="status status-active">действует</span>' in page for _, page in results)
    children = [child.id for _, child in families]
    signed = [c.subject_id for c in Consent.select().where(Consent.subject.in_(children))]
    assert sorted(signed) == sorted(children), "every child's consent kept, none twice"
    assert BaseMembership.select().where(BaseMembership.person.in_(children)
                                         & (BaseMembership.status == "active")).count() == PARENTS
    assert AuditEvent.select().where(AuditEvent.action == "consent.signed").count() == PARENTS
