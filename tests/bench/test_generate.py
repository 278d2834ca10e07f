"""The benchmark's generator at a tiny size: the rows the benchmark loads really exist (not timed)."""
import random
from datetime import datetime

import pytest

from portal.db import database_from_url, db
from portal.models import (
    Account, Answer, Consent, Guardianship, Meeting, Mentorship, Person, Proposal, Response,
)
from tools.bench import generate

TINY = generate.Size(students=20, staff=6, parents=25, pairs=4, meetings_per_pair=6, waiting_mentees=2,
                     public_mentors=2, honour_entries=1, bank_materials=3, public_materials=2)


@pytest.mark.quality("performance")
def test_generated_school_has_people_pairs_meetings_and_verbal_answers(database_url):
    generate.generate(database_url, schools=2, size=TINY, log=lambda line: None)
    db.initialize(database_from_url(database_url))
    with db.connection_context():
        assert Person.select().where(Person.kind == "student").count() == 2 * 20
        assert Guardianship.select().count() == 2 * 25
        assert Mentorship.select().where(Mentorship.status == "active").count() == 2 * 4
        assert Meeting.select().count() == 2 * 4 * 6
        assert Consent.select().count() > 0 and Proposal.select().count() > 0
        # Entry by mentor and mentee, process quality and satisfaction; an exit for every other pair.
        assert Response.select().count() == 2 * 4 * 4 + 4
        values = {a.scale_value for a in Answer.select() if a.scale_value}
        assert values and not any(v.isdigit() for v in values)  # words, never marks (6.5)
        logins = {a.login for a in Account.select()}
        for n in (1, 2):
            assert {f"bench{n}-coordinator", f"bench{n}-mentor", f"bench{n}-mentee"} <= logins


@pytest.mark.quality("performance")
def test_generated_school_shows_people_and_materials_on_the_public_pages_at_a_fixed_cost(app):
    """The benchmark measures the public pages full, not empty (issue 17): the generated school's consenting
    mentors, its honour board and its public materials are on them, and a bigger school costs no more queries."""
    from portal.db import db
    from portal.models import (
        BankMaterial, BaseMembership, ConsentDocument, HonourEntry, MentoringFormat, PublicProfile,
    )
    from tests.querycount import count_queries

    url = app.config["DATABASE_URL"]
    generate.generate(url, schools=1, size=TINY, log=lambda line: None)
    db.initialize(database_from_url(url))
    client = app.test_client()
    with db.connection_context():
        profiles = list(PublicProfile.select())
        entry = HonourEntry.select().first()
        public = [m for m in BankMaterial.select() if m.public_agreed]
        assert len(profiles) == 2 and entry is not None and len(public) == 2
        assert BankMaterial.select().where(BankMaterial.status == "published").count() == 3
    mentors = client.get("/public/mentors").get_data(as_text=True)
    assert profiles[0].text in mentors and "наставник" in mentors
    honour = client.get("/public/honour").get_data(as_text=True)
    assert entry.title in honour
    bank = client.get("/public/bank").get_data(as_text=True)
    assert all(m.title in bank for m in public)
    assert "Материал для наставника № 3" not in bank  # published, but not for everyone

    def costs():
        counts = {}
        for path in ("/public/mentors", "/public/honour", "/public/bank"):
            with count_queries() as queries:
                assert client.get(path).status_code == 200
            counts[path] = len(queries)
        return counts

    small = costs()
    # Twice the people, more entries and three times the materials on the same pages: rows, not queries.
    more = generate.Size(students=0, staff=0, parents=0, pairs=0, meetings_per_pair=0, waiting_mentees=0,
                         public_mentors=6, honour_entries=3, bank_materials=9, public_materials=6)
    with db.connection_context():
        shown = {p.person_id for p in profiles}
        others = [m.person_id for m in BaseMembership.select().where(BaseMembership.base == "mentor")
                  if m.person_id not in shown]
        school = entry.school_id
        docs = {d.kind: d for d in ConsentDocument.select().where(ConsentDocument.school == school)}
        formats = {f.name: f.id for f in MentoringFormat.of_school(school)}
        generate.public_data(school, more, random.Random(7), others, formats, docs, datetime.now())
        assert PublicProfile.select().count() == 2 * len(profiles)
    assert costs() == small
