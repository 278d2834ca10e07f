"""The mentor's pair page keeps its data between requests until the next audited change (JOURNAL_CACHE,
services/kept.py): the journal read again is served from what was kept, and whatever anyone changes through
the portal — the mentor's own entry, the mentee's confirmation — shows on the very next load (5.3, s7)."""
from datetime import date, timedelta

import pytest

from portal.models import Meeting
from portal.services import cycle, kept
from portal.services.cycle import MeetingData
from tests.cycle.test_mentor_views import form, held, text
from tests.factories import agree_plan
from tests.conftest import PortalClient
from tests.querycount import count_queries


@pytest.fixture
def cached(app):
    """What JOURNAL_CACHE (on outside the tests) gives every app."""
    app.extensions["journal_cache"] = kept.KeptUntilChange(size=64)
    return app


@pytest.fixture
def journal(cached, client, pair, login):
    """The pair's first meeting logged, the mentor logged in and the journal read once (so kept): its URL
    and the meeting."""
    agree_plan(pair["mentorship"])
    first = held(pair, "first", 20, topic="Знакомство")
    login(pair["mentor"].login)
    url = f"/mentor/pairs/{pair['mentorship'].id}"
    assert "Знакомство" in text(client.get(url))
    return url, first


@pytest.mark.clause("s7")
@pytest.mark.quality("performance")
def test_the_journal_is_kept_until_someone_changes_it(cached, client, pair, journal):
    url, first = journal

    # A row written behind the services' back (no audit event) is not seen: the page is what was kept, at
    # fewer statements than computing it…
    Meeting.update(topic="Переписано мимо портала").where(Meeting.id == first.id).execute()
    with count_queries() as again:
        page = text(client.get(url))
    assert "Знакомство" in page and "Переписано мимо портала" not in page
    cached.extensions.pop("journal_cache")
    with count_queries() as computed:
        assert "Переписано мимо портала" in text(client.get(url))
    assert len(again) < len(computed)
    cached.extensions["journal_cache"] = kept.KeptUntilChange(size=64)
    client.get(url)

    # …while the mentee's confirmation, made through the portal, shows on the mentor's next load,
    cycle.confirm_meeting(pair["mentee"].person, first.id, "disputed", "Встреча была короче")
    page = text(client.get(url))
    assert "оспорена" in page and "Встреча была короче" in page

    # and so does the mentor's own entry, posted without htmx and read back after the redirect.
    posted = client.post(f"{url}/meetings", form("trial", (date.today() - timedelta(days=3)).isoformat(),
                                                 topic="Пробная встреча в библиотеке"))
    assert posted.status_code == 303
    assert "Пробная встреча в библиотеке" in text(client.get(url))


@pytest.mark.clause("5.3")
@pytest.mark.quality("performance")
def test_what_is_kept_for_one_mentor_never_opens_the_pair_to_another(cached, client, pair, login,
                                                                     make_account, make_person):
    agree_plan(pair["mentorship"])
    held(pair, "first", 10, topic="Знакомство")
    url = f"/mentor/pairs/{pair['mentorship'].id}"
    other = make_account("mentor", person=make_person(kind="staff", birth_date=date(1980, 1, 1)))
    intruder = PortalClient(cached.test_client())
    assert intruder.post("/login", {"login": other.login, "password": "correct horse battery"}).status_code == 303
    intruder.get("/regulation/acknowledge")
    intruder.post("/regulation/acknowledge")
    login(pair["mentor"].login)  # both logged in first: a login is an audited event, a new stamp

    assert client.get(url).status_code == 200  # kept for the pair's mentor, at this stamp
    for _ in range(2):
        assert intruder.get(url).status_code == 404
        assert intruder.get(f"{url}?form=meeting", headers={"HX-Request": "true"}).status_code == 404
    assert client.get(url).status_code == 200


@pytest.mark.clause("5.3")
@pytest.mark.quality("performance")
def test_a_correction_replaces_the_kept_row(client, pair, journal):
    url, first = journal
    cycle.correct_meeting(pair["mentor"].person, first.id,
                          MeetingData(stage="first", held_on=first.held_on, topic="Знакомство и ожидания"))
    page = text(client.get(url))
    assert "Знакомство и ожидания" in page and "исправлено" in page
