"""The parent as representative in the cycle (s8): a parent's verdict on a meeting says who gave it, to the mentor,
the child and the curator; once the child is 18 the parent no longer acts for them."""
from datetime import date

import pytest

from portal.models import MeetingConfirmation, Notification, Person
from portal.names import short_name
from tests.conftest import error_messages
from tests.cycle.test_mentee_views import log, switch_to


def _flat(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


@pytest.mark.clause("s8")
def test_a_parents_dispute_says_who_acted_for_whom(client, login, minor_pair):
    meeting = log(minor_pair, "first", 20, topic="Знакомство")
    child, parent = minor_pair["mentee"].person, minor_pair["parent"].person
    login(minor_pair["parent"].login)
    confirm = f"/parent/children/{child.id}/meetings/{meeting.id}/confirm"
    assert client.post(confirm, {"verdict": "disputed", "comment": "Встреча перенесена"}).status_code == 303

    acted = f"родитель ({parent.short_name}) за ученика {short_name(child, 'accusative')}"
    told = Notification.get((Notification.kind == "meeting.disputed")
                            & (Notification.person == minor_pair["mentor"].person))
    assert f"оспорила {acted}: «Встреча перенесена»" in told.details
    # The parent's own page: the verdict is theirs, for the child.
    page = _flat(client.get(f"/parent/children/{child.id}/pairs/{minor_pair['mentorship'].id}"))
    assert f"{acted[0].upper()}{acted[1:]} (вы): оспорила запись" in page
    # The mentor's journal: one mentee, so «за ученика» without the name said again.
    switch_to(client, login, minor_pair["mentor"])
    page = _flat(client.get(f"/mentor/pairs/{minor_pair['mentorship'].id}"))
    assert f"оспорена (родитель ({parent.short_name}) за ученика)" in page


@pytest.mark.clause("s8")
def test_a_grown_up_child_acts_for_themself(client, login, minor_pair):
    meeting = log(minor_pair, "first", 20)
    child = minor_pair["mentee"].person
    Person.update(birth_date=date(date.today().year - 19, 1, 1)).where(Person.id == child.id).execute()
    login(minor_pair["parent"].login)
    refused = client.post(f"/parent/children/{child.id}/meetings/{meeting.id}/confirm", {"verdict": "confirmed"})
    assert refused.status_code == 422
    assert "Ребёнку уже исполнилось 18 лет: теперь он действует в портале от своего имени." in error_messages(refused)
    assert MeetingConfirmation.select().count() == 0
