"""The web app keeps its SQLite connections between requests (docs/performance.md, «connections»): the
first statement on a new connection parses the whole schema, a third of an empty page's cost. Kept
connections must stay invisible to people: the next request sees what anyone wrote meanwhile, and a
request that failed half-way leaves nothing open behind it."""
import sqlite3

import pytest

from portal.db import db
from portal.models import Person
from tests.conftest import is_sqlite_db

def _sqlite_only():
    if not is_sqlite_db():
        pytest.skip("SQLite's own connections; PostgreSQL has always had a pool")


@pytest.mark.quality("performance")
def test_requests_share_one_kept_connection(app, client, login_as):
    _sqlite_only()
    login_as("coordinator")
    client.get("/inbox/")
    kept = list(db.obj._connections)
    client.get("/inbox/")
    client.get("/inbox/")
    assert len(db.obj._connections) == 1
    assert [c for *_, c in db.obj._connections] == [c for *_, c in kept]


@pytest.mark.quality("concurrency")
def test_a_change_written_elsewhere_is_seen_by_the_next_request(app, client, login_as):
    """Another process (a CLI command, another worker) renames a person between two requests: the kept
    connection holds no snapshot, so the next page shows the new name."""
    _sqlite_only()
    account = login_as("coordinator")
    first = client.get("/inbox/").get_data(as_text=True)
    person = Person.get_by_id(account.person_id)
    assert person.surname in first
    db.close()
    with sqlite3.connect(app.config["DATABASE_URL"][len("sqlite:///"):]) as elsewhere:
        elsewhere.execute("UPDATE person SET surname = ? WHERE id = ?", ("Переименованная", person.id))
    assert "Переименованная" in client.get("/inbox/").get_data(as_text=True)
