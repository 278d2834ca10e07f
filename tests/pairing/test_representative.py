"""The parent as representative of a minor mentee (s8, issue 16 part 4): the one rule in
services/representation.py, and the choice of a mentor — the parent of a child under 14 may make it, the parent
of a child of 14 or older only sees it — with the portal saying who chose.

The world comes from tests/pairing/test_choice.py (`world`: the pairing world with accounts and proposals)."""
import re
from datetime import date, timedelta

import pytest

from portal.models import AuditEvent, Guardianship, Mentorship, Notification, Person, Proposal
from portal.models.base import utcnow
from portal.services import ServiceError, pairing, representation
from tests.pairing.test_choice import parent_of, text, world  # noqa: F401 (the fixture)

YEAR = date.today().year
UNDER_14 = date(YEAR - 12, 3, 1)
AGED_15 = date(YEAR - 15, 1, 1)


def _young_child_with_proposals(world, make_account, born=UNDER_14, n=2):
    mentee, child_account = world["mentee_with_account"](birth_date=born)
    proposals = world["propose"](mentee, world["mentors"](n))
    return mentee, child_account, parent_of(mentee, make_account), proposals


def _row(page: str, proposal) -> str:
    return re.search(rf'<tr id="child-proposal-{proposal.id}">(.*?)</tr>', page, re.S).group(1)


# --- the rule ------------------------------------------------------------------------------------------------

@pytest.mark.clause("s8")
def test_the_rule_what_a_parent_may_do_for_a_child(conn, make_person):
    parent = make_person(kind="parent", sex="f", birth_date=date(1984, 1, 1))
    today = date.today()
    young, teen, grown = (make_person(birth_date=born) for born in
                          (UNDER_14, AGED_15, date(YEAR - 19, 1, 1)))
    for child in (young, teen, grown):
        Guardianship.create(parent=parent, child=child, confirmed_at=utcnow())
    stranger = make_person(birth_date=UNDER_14)
    asking = ("confirm_meeting", "propose", "complain", "ask_support", "ask_end")

    for action in asking:
        assert representation.may_act_for(parent, young, action) and representation.may_act_for(parent, teen, action)
        assert not representation.may_act_for(parent, grown, action)      # 18: acts for themself
        assert not representation.may_act_for(parent, stranger, action)   # no link: nothing
    assert representation.may_act_for(parent, young, "choose")
    assert not representation.may_act_for(parent, teen, "choose")
    assert "С 14 лет наставника выбирает сам ребёнок" in representation.refusal(teen, "choose")
    assert "исполнилось 18" in representation.refusal(grown, "propose")
    # A child with no birth date on the card: the portal cannot tell they are a minor, and says so (not «18»).
    unknown = make_person(birth_date=None)
    Guardianship.create(parent=parent, child=unknown, confirmed_at=utcnow())
    assert not representation.may_act_for(parent, unknown, "propose")
    assert "не указана дата рождения" in representation.refusal(unknown, "propose")
    for own in representation.OWN_ONLY:  # the plan, the questionnaires, the programme: the child's own
        assert not representation.may_act_for(parent, young, own)
    # The day a child turns 14 the choice passes to them.
    fourteen_today = today.replace(year=today.year - 14, day=28 if (today.month, today.day) == (2, 29) else today.day)
    birthday = make_person(birth_date=fourteen_today)
    Guardianship.create(parent=parent, child=birthday, confirmed_at=utcnow())
    assert not representation.may_act_for(parent, birthday, "choose")
    eve = fourteen_today.replace(year=today.year) - timedelta(days=1)
    assert representation.may_act_for(parent, birthday, "choose", day=eve)
    # A link the school has not confirmed gives nothing; someone else's child is «not found».
    pending = make_person(birth_date=UNDER_14)
    Guardianship.create(parent=parent, child=pending)
    assert not representation.may_act_for(parent, pending, "propose")


# --- the choice ----------------------------------------------------------------------------------------------

@pytest.mark.clause("s8")
def test_a_parent_chooses_for_a_child_under_14_and_everyone_sees_who_chose(client, world, make_account):
    mentee, child_account, parent, (first, second) = _young_child_with_proposals(world, make_account)
    world["log_in"](parent)

    home = text(client.get("/parent/"))
    assert "Ребёнку нет 14 лет: наставника можете выбрать вы или сам ребёнок" in home
    url = f"/parent/children/{mentee.person_id}/choice/{first.id}"
    assert f'href="{url}"' in _row(home, first) and "Выбрать за ребёнка" in _row(home, first)
    question = client.get(url)
    assert question.status_code == 200
    assert "наставником для" in text(question) and "Выбрать наставника" in text(question)

    response = client.post(url)

    assert response.status_code == 303
    pair = pairing.current_pair(mentee.person, mentee.mentoring_format_id)
    assert pair.status == "chosen" and Proposal.get_by_id(first.id).status == "chosen"
    audit = AuditEvent.get((AuditEvent.action == "mentorship.chosen") & (AuditEvent.object_id == pair.id))
    assert audit.actor_id == parent.person_id and audit.details_dict["mentee"] == mentee.person_id
    parent_short = parent.person.short_name
    told = Notification.get((Notification.kind == "choice.to_confirm") & (Notification.person == pair.mentor_id))
    assert f"Выбор сделал родитель ({parent_short}) за ученика" in told.details
    home = text(client.get("/parent/"))
    assert "выбран вами за ребёнка" in " ".join(_row(home, first).split())
    assert "Выбрать за ребёнка" not in _row(home, second)  # one choice per form
    assert client.post(f"/parent/children/{mentee.person_id}/choice/{second.id}").status_code == 422
    assert Mentorship.select().count() == 1

    # The mentor deciding, and the child, read who chose.
    world["log_in"](world["account"](_member(pair.mentor_id), "mentor"))
    waiting = text(client.get("/mentor/"))
    assert f"выбор сделал родитель ({parent_short}) за ученика" in " ".join(waiting.split())
    world["log_in"](child_account)
    choice = " ".join(text(client.get("/mentee/choice")).split())
    assert f"Выбор за вас сделал родитель ({parent_short})" in choice


def _member(person_id):
    """What `world["account"]` reads of a base membership: its person."""
    return type("Member", (), {"person": Person.get_by_id(person_id)})()


@pytest.mark.clause("s8")
def test_the_parent_of_a_child_of_14_or_older_cannot_choose(client, world, make_account):
    mentee, _, parent, (first, _second) = _young_child_with_proposals(world, make_account, born=AGED_15)
    world["log_in"](parent)

    home = text(client.get("/parent/"))
    assert "Выбрать за ребёнка" not in home
    assert "Наставника выбирает сам ребёнок (раздел 8 Положения), вы видите его выбор." in home
    url = f"/parent/children/{mentee.person_id}/choice/{first.id}"
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 403
        assert "С 14 лет наставника выбирает сам ребёнок" in text(response)
        assert 'type="submit" class="primary">Выбрать наставника' not in text(response)
    assert Mentorship.select().count() == 0 and Proposal.get_by_id(first.id).status == "open"
    # The service refuses too, whoever calls it.
    with pytest.raises(ServiceError, match="С 14 лет"):
        pairing.choose(mentee.person, first.id, parent=parent.person)
    assert Mentorship.select().count() == 0


@pytest.mark.quality("access")
@pytest.mark.clause("s8")
def test_a_parent_of_another_child_gets_not_found(client, world, make_account, login_as):
    mentee, _, _, (first, _second) = _young_child_with_proposals(world, make_account)
    other_mentee, _, other_parent, (others_proposal, _) = _young_child_with_proposals(world, make_account)
    world["log_in"](other_parent)

    url = f"/parent/children/{mentee.person_id}/choice/{first.id}"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    # Their own child, but a proposal made to another child.
    assert client.post(f"/parent/children/{other_mentee.person_id}/choice/{first.id}").status_code == 404
    assert Mentorship.select().count() == 0
    assert Proposal.get_by_id(first.id).status == "open" and Proposal.get_by_id(others_proposal.id).status == "open"
