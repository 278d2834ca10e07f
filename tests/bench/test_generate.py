"""The benchmark's generator at a tiny size: the rows the benchmark loads really exist (not timed)."""
import pytest

from portal.db import database_from_url, db
from portal.models import (
    Account, Answer, Consent, Guardianship, Meeting, Mentorship, Person, Proposal, Response,
)
from tools.bench import generate

TINY = generate.Size(students=20, staff=6, parents=25, pairs=4, meetings_per_pair=6, waiting_mentees=2)


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
