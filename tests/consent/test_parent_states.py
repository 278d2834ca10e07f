"""What a parent sees (issue 12, item 5): a child waiting for a consent is not «не участвует» but names the
consent missing and links to it; a withdrawn consent stays listed as withdrawn with its date; the withdrawal
screen names each pair it suspends or cancels, with the mentor. Every page a fixed number of queries."""
import re
from datetime import date

import pytest

from portal.formatting import ru_date
from portal.models import BaseMembership, ConsentWithdrawal, Guardianship, Person
from portal.models.base import utcnow
from tests.consent.test_destruction import consent_of, withdraw, world  # noqa: F401  (fixture)
from tests.consent.test_gate import sign_for_child
from tests.querycount import count_queries

WAITING = "Ждёт вашей подписи: согласие законного представителя (наставляемый)"


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def consent_row(page: str, child: Person, kind: str) -> str:
    found = re.search(rf'<tr id="consent-{child.id}-{kind}">(.*?)</tr>', page, re.S)
    assert found, f"no row for {kind} of {child.full_name}"
    return " ".join(found.group(1).split())


@pytest.mark.clause("4.11")
def test_the_home_names_the_consent_a_child_waits_for_and_links_to_it(client, login, family):
    """Nominated to the mentee base, no consent yet: not «пока не участвует» but what is missing, and where."""
    child = family["child"]
    BaseMembership.update(status="awaiting_consent").where(BaseMembership.id == family["membership"].id).execute()
    login(family["parent"].login)
    page = page_of(client, "/parent/")
    assert "пока не участвует" not in page
    waiting = re.search(rf'<p class="flash consent-waiting" id="waiting-{child.id}-parent_mentee">(.*?)</p>',
                        page, re.S)
    assert waiting, page
    text = " ".join(waiting.group(1).split())
    assert WAITING in text
    assert f"в форме «{family['format'].name}» как наставляемый" in text
    assert f'href="/consent/{child.id}/parent_mentee"' in text
    assert "сначала портал попросит принять соглашение" in text  # this parent has not accepted it yet


@pytest.mark.clause("4.11")
def test_once_signed_nothing_waits(client, signed_in_parent):
    child = signed_in_parent["child"]
    assert WAITING in page_of(client, "/parent/")
    sign_for_child(client, child, "parent_mentee")
    page = page_of(client, "/parent/")
    assert "Ждёт вашей подписи" not in page
    assert "подписано" in consent_row(page, child, "parent_mentee")


@pytest.mark.clause("4.11")
def test_a_child_with_nothing_to_sign_and_no_pair_takes_no_part_yet(client, login, family):
    BaseMembership.delete().where(BaseMembership.id == family["membership"].id).execute()
    login(family["parent"].login)
    page = page_of(client, "/parent/")
    assert "В программе наставничества пока не участвует." in page
    assert "Ждёт вашей подписи" not in page


@pytest.mark.clause("4.11")
@pytest.mark.parametrize("url", ["/parent/", "/consent/"])
def test_a_withdrawn_consent_stays_listed_as_withdrawn_with_its_date(client, world, url):  # noqa: F811
    child = world["child"]
    consent = consent_of(child, "parent_mentee")
    withdraw(client, consent)
    withdrawn_on = ru_date(ConsentWithdrawal.get(ConsentWithdrawal.consent == consent).withdrawn_at)
    row = consent_row(page_of(client, url), child, "parent_mentee")
    assert f"отозвано {withdrawn_on}" in row
    assert "не требуется сейчас" not in row
    assert f'href="/consent/signed/{consent.id}"' in row  # the withdrawn consent, with its record, still opens
    assert f'href="/consent/{child.id}/parent_mentee"' in row  # and it may be signed again
    # The other consent of the child is untouched.
    assert "подписано" in consent_row(page_of(client, url), child, "parent_mentor")


@pytest.mark.clause("4.11")
def test_a_consent_needed_again_after_a_withdrawal_waits_and_recalls_the_withdrawal(client, world):  # noqa: F811
    child = world["child"]
    consent = consent_of(child, "parent_mentee")
    withdraw(client, consent)
    BaseMembership.update(status="awaiting_consent", left_at=None).where(
        BaseMembership.id == world["membership"].id).execute()  # the curator nominates the child again
    withdrawn_on = ru_date(ConsentWithdrawal.get(ConsentWithdrawal.consent == consent).withdrawn_at)
    page = page_of(client, "/parent/")
    row = consent_row(page, child, "parent_mentee")
    assert "ожидает подписи" in row and f"прежнее отозвано {withdrawn_on}" in row
    assert ">Подписать<" in row
    assert WAITING in page


@pytest.mark.clause("4.10")
def test_the_withdrawal_screen_names_each_pair_and_its_mentor(client, world):  # noqa: F811
    child = world["child"]
    page = page_of(client, f"/consent/signed/{consent_of(child, 'parent_mentee').id}/withdraw")
    items = {m: " ".join(text.split()) for m, text in
             re.findall(r'<li class="pair-stopped" id="pair-stopped-(\d+)">(.*?)</li>', page, re.S)}
    active, forming = world["active"], world["forming"]
    assert set(items) == {str(active.id), str(forming.id)}  # not the pair where the child is the mentor
    fmt = world["format"].name
    assert items[str(active.id)].startswith(f"наставническая пара приостанавливается: форма «{fmt}», "
                                            f"наставник {active.mentor.full_name}, наставляемый {child.full_name}")
    assert items[str(forming.id)].startswith(f"наставническая пара отменяется: форма «{fmt}», "
                                             f"наставник {forming.mentor.full_name}, "
                                             f"наставляемый {child.full_name}")


@pytest.mark.clause("4.10")
def test_withdrawing_a_mentor_consent_names_the_mentees_of_the_pair(client, world):  # noqa: F811
    child = world["child"]
    page = page_of(client, f"/consent/signed/{consent_of(child, 'parent_mentor').id}/withdraw")
    as_mentor = world["as_mentor"]
    junior = as_mentor.members.get().mentee
    item = re.search(rf'<li class="pair-stopped" id="pair-stopped-{as_mentor.id}">(.*?)</li>', page, re.S)
    assert item, page
    text = " ".join(item.group(1).split())
    assert f"наставник {child.full_name}" in text and junior.full_name in text
    assert f'id="pair-stopped-{world["active"].id}"' not in page


def _more_children(world, make_person, school, count):  # noqa: F811
    """More children of the same parent, each nominated to two bases and waiting for both consents."""
    parent = world["parent"].person
    for i in range(count):
        other = make_person(kind="student", birth_date=date(date.today().year - 11, 5, 5))
        Guardianship.create(parent=parent, child=other, confirmed_at=utcnow())
        BaseMembership.create(mentoring_format=world["format"], person=other, base="mentee",
                              status="awaiting_consent")
        BaseMembership.create(mentoring_format=world["other_format"], person=other, base="mentor",
                              status="awaiting_consent")


@pytest.mark.quality("query count")
@pytest.mark.parametrize("url", ["/parent/", "/consent/"])
def test_the_parents_pages_cost_the_same_queries_however_many_children(client, world, make_person, school,  # noqa: F811
                                                                       url):
    withdraw(client, consent_of(world["child"], "parent_mentee"))
    client.get(url)
    with count_queries() as one:
        page_of(client, url)
    _more_children(world, make_person, school, 3)
    with count_queries() as four:
        page = page_of(client, url)
    assert page.count("ожидает подписи") >= 6
    assert len(four) == len(one), "\n".join(four)


@pytest.mark.quality("query count")
def test_the_withdrawal_screen_costs_the_same_queries_however_many_pairs(client, world, make_person, school):  # noqa: F811
    from tests.consent.test_destruction import adult_with_consent, pair
    child = world["child"]
    url = f"/consent/signed/{consent_of(child, 'parent_mentee').id}/withdraw"
    client.get(url)
    with count_queries() as few:
        page_of(client, url)
    for status in ("active", "chosen", "confirmed"):
        pair(world["format"], adult_with_consent(make_person, school), child, status)
    with count_queries() as more:
        page = page_of(client, url)
    assert page.count('class="pair-stopped"') == 5
    assert len(more) == len(few), "\n".join(more)


@pytest.mark.clause("4.11")
def test_a_consent_the_other_parent_signed_is_listed_as_signed_without_a_link_that_would_not_open(
        client, login, signed_in_parent, make_person, make_account):
    """Only the signer opens a signed consent (it holds their passport): the other parent sees it signed."""
    child = signed_in_parent["child"]
    sign_for_child(client, child, "parent_mentee")
    father = make_account("parent", person=make_person(kind="parent", sex="m", surname="Иванов", first_name="Сергей",
                                                       birth_date=date(1983, 2, 20)))
    Guardianship.create(parent=father.person, child=child, confirmed_at=utcnow())
    client.post("/logout")
    client.get("/login")
    login(father.login)
    row = consent_row(page_of(client, "/consent/"), child, "parent_mentee")
    assert "подписано" in row and "подписал другой законный представитель" in row
    assert "/consent/signed/" not in row
