"""A format the coordinator closed keeps its history but takes nobody new (5.1: formats follow the school's needs)."""
import pytest

from portal.models import MentoringFormat, Mentorship, Proposal
from portal.services import ServiceError, bases, matching, pairing


@pytest.mark.clause("5.1")
def test_a_closed_format_takes_no_members_proposals_or_pairs(pairing_world, make_person):
    world = pairing_world
    fmt = world["formats"]["Ученик – ученик"]
    mentor = world["mentor"](fmt, can_help_with="математика")
    mentee = world["mentee"](fmt, needs="математика")
    proposal = Proposal.create(mentoring_format=fmt, mentee=mentee.person_id, mentor=mentor.person_id)
    MentoringFormat.update(is_active=False).where(MentoringFormat.id == fmt.id).execute()

    newcomer = make_person(kind="student")
    with pytest.raises(ServiceError, match="закрыта"):
        bases.nominate(world["scope"], fmt.id, newcomer.id, "mentee")
    with pytest.raises(ServiceError, match="закрыта"):
        matching.propose(world["scope"], fmt.id, mentee.person_id, [mentor.person_id])
    with pytest.raises(ServiceError, match="закрыта"):
        pairing.choose(mentee.person, proposal.id)
    assert Mentorship.select().count() == 0
