"""The mentee chooses a mentor from the proposed candidates (s8), the mentor answers (4.13), both read
the programme first (4.12), and the parent sees the minor's choice — all through the HTTP client.

The world comes from `pairing_world` (tests/pairing/conftest.py); proposals are written as rows here:
how the curator makes them is the curator's tests' business, these start where the mentee sees them."""
import re
from datetime import date

import pytest

from portal.models import Acknowledgement, Account, BaseMembership, Guardianship, Mentorship, Proposal
from portal.models.base import utcnow
from portal.names import full_name
from portal.services import pairing
from tests.conftest import error_messages
from tests.querycount import count_queries

HELPS = ("решать олимпиадные задачи по математике", "готовиться к ОГЭ по русскому языку",
         "освоиться в новом классе", "написать проект по биологии", "выступать на конференциях",
         "писать сочинения", "программировать на Python", "играть в шахматы", "рисовать плакаты")


def text(response) -> str:
    return response.get_data(as_text=True)


def card(response, proposal) -> str:
    """One mentor's card on the choice screen ('' when it is not shown)."""
    match = re.search(rf'<article[^>]*id="proposal-{proposal.id}".*?</article>', text(response), re.S)
    return match.group(0) if match else ""


def choose_button_enabled(card_html: str) -> bool:
    return bool(re.search(r'<button type="submit" class="primary">Выбрать</button>', card_html))


@pytest.fixture
def world(pairing_world, make_account, login, client):
    """The pairing world plus accounts for its people and a way to propose mentors to a mentee."""
    w = dict(pairing_world)

    def account(membership, role):
        existing = Account.get_or_none(Account.person == membership.person)
        return existing or make_account(role, person=membership.person)

    def mentee(**kw):
        membership = w["mentee"](needs=kw.pop("needs", "подтянуть математику"), **kw)
        return membership, account(membership, "mentee")

    def mentors(n, **kw):
        made = []
        for i in range(n):
            membership = w["mentor"](categories=("student",), can_help_with=HELPS[i % len(HELPS)], **kw)
            BaseMembership.update(self_description=f"Учусь в 10 классе, люблю объяснять — кандидат {i + 1}.").where(
                BaseMembership.id == membership.id).execute()
            made.append(membership)
        return made

    def propose(mentee_membership, mentor_memberships, reason="Может помочь с тем, что вам нужно."):
        return [Proposal.create(mentoring_format=mentee_membership.mentoring_format_id,
                                mentee=mentee_membership.person, mentor=m.person, rank=len(mentor_memberships) - i,
                                reason=reason)
                for i, m in enumerate(mentor_memberships)]

    def log_in(acc):
        """Log out whoever is in, then in as this account (a fresh session, a fresh CSRF token)."""
        if client.token:
            client.post("/logout")
        client.token = None
        login(acc.login)

    w.update(account=account, mentee_with_account=mentee, mentors=mentors, propose=propose, log_in=log_in)
    return w


def choose(client, proposal, htmx=True):
    return client.post(f"/mentee/choice/{proposal.id}", htmx=htmx)


# --- the choice screen (s8) ---------------------------------------------------------------------------

@pytest.mark.clause("s8")
def test_the_mentee_sees_the_proposed_mentors_side_by_side(client, world):
    mentee, account = world["mentee_with_account"]()
    offered = world["mentors"](3, capacity=2)
    not_offered = world["mentors"](1)[0]
    proposals = world["propose"](mentee, offered)
    world["log_in"](account)

    page = client.get("/mentee/choice")

    assert page.status_code == 200
    body = text(page)
    grid = re.search(r'<div class="grid">(.*?)</div>\s*</section>', body, re.S).group(1)
    for i, (proposal, membership) in enumerate(zip(proposals, offered)):
        html = card(page, proposal)
        assert html and html in grid  # the cards sit side by side in one grid
        assert membership.person.full_name in html
        assert "обучающийся" in html  # the mentor's category: not sensitive, shown to the mentee
        assert HELPS[i] in html
        assert f"кандидат {i + 1}" in html  # the short self-description
        assert "2 свободных места" in html
        assert choose_button_enabled(html)
    assert not_offered.person.full_name not in body


@pytest.mark.clause("s8")
@pytest.mark.quality("htmx")
def test_choosing_swaps_the_card_area_in_place(client, world):
    mentee, account = world["mentee_with_account"]()
    offered = world["mentors"](3)
    chosen, *others = world["propose"](mentee, offered)
    world["log_in"](account)
    client.get("/mentee/choice")

    response = choose(client, chosen)

    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and "<body" not in body  # the fragment only: no full reload
    assert "HX-Request" in response.headers["Vary"]
    assert f'id="choice-{mentee.mentoring_format_id}"' in body
    name = offered[0].person
    assert f"Вы выбрали наставника {full_name(name, 'accusative')}, ждём его подтверждения" in body
    assert "Ваш выбор" in card(response, chosen)
    for proposal in others:
        other = card(response, proposal)
        assert 'aria-disabled="true"' in other and "disabled>Выбрать" in other
    pair = pairing.current_pair(mentee.person, mentee.mentoring_format_id)
    assert pair is not None and pair.status == "chosen" and pair.mentor_id == name.id


@pytest.mark.quality("htmx")
def test_without_javascript_the_choice_posts_and_redirects(client, world):
    mentee, account = world["mentee_with_account"]()
    chosen, _ = world["propose"](mentee, world["mentors"](2))
    world["log_in"](account)
    client.get("/mentee/choice")

    response = choose(client, chosen, htmx=False)

    assert response.status_code == 303 and response.headers["Location"].endswith("/mentee/choice")
    page = client.get("/mentee/choice")
    assert "Выбор сохранён" in text(page) and "Вы выбрали наставника" in text(page)
    home = client.get("/mentee/")
    assert "Ждём подтверждения наставника" in text(home)


@pytest.mark.clause("s8")
def test_a_mentor_not_proposed_to_the_mentee_cannot_be_chosen(client, world):
    mentee, account = world["mentee_with_account"]()
    someone_else, _ = world["mentee_with_account"]()
    world["propose"](mentee, world["mentors"](2))
    foreign = world["propose"](someone_else, world["mentors"](1))[0]
    world["log_in"](account)
    client.get("/mentee/choice")

    assert choose(client, foreign).status_code == 404
    assert choose(client, foreign, htmx=False).status_code == 404
    assert client.post("/mentee/choice/999999", htmx=True).status_code == 404
    assert Mentorship.select().count() == 0
    assert Proposal.get_by_id(foreign.id).status == "open"


def test_a_mentee_without_proposals_sees_that_the_curator_is_choosing(client, world):
    _, account = world["mentee_with_account"]()
    world["log_in"](account)

    assert "Куратор пока подбирает вам наставника" in text(client.get("/mentee/choice"))
    assert "Куратор пока подбирает вам наставника" in text(client.get("/mentee/"))


def test_the_home_page_leads_to_the_choice_when_mentors_are_proposed(client, world):
    mentee, account = world["mentee_with_account"]()
    world["propose"](mentee, world["mentors"](2))
    world["log_in"](account)

    home = text(client.get("/mentee/"))

    assert 'href="/mentee/choice"' in home and "Выберите наставника" in home
    assert "Куратор пока подбирает" not in home


def test_a_full_mentor_cannot_be_taken(client, world):
    first, first_account = world["mentee_with_account"]()
    second, second_account = world["mentee_with_account"]()
    mentor = world["mentors"](1)[0]
    taken = world["propose"](first, [mentor])[0]
    wanted = world["propose"](second, [mentor])[0]
    world["log_in"](first_account)
    assert choose(client, taken).status_code == 200

    world["log_in"](second_account)
    page = client.get("/mentee/choice")
    assert "Свободных мест нет" in card(page, wanted) and not choose_button_enabled(card(page, wanted))
    response = choose(client, wanted)

    assert response.status_code == 422 and "<html" not in text(response)
    assert any("последнее место" in m for m in error_messages(response))
    assert pairing.current_pair(second.person, second.mentoring_format_id) is None
    assert Mentorship.select().where(Mentorship.mentor == mentor.person).count() == 1


@pytest.mark.quality("query count")
def test_the_choice_screen_costs_the_same_for_three_and_nine_proposals(client, world):
    few, few_account = world["mentee_with_account"]()
    many, many_account = world["mentee_with_account"]()
    world["propose"](few, world["mentors"](3))
    world["propose"](many, world["mentors"](9))

    counts = []
    for account, n in ((few_account, 3), (many_account, 9)):
        world["log_in"](account)
        with count_queries() as queries:
            page = client.get("/mentee/choice")
        assert page.status_code == 200 and text(page).count(">Выбрать</button>") == n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.clause("s8")
@pytest.mark.quality("accessibility")
def test_the_choice_screen_repeats_no_element_id_and_each_card_still_posts(client, world):
    """A «Выбрать» form in every card: each carries the CSRF token, none repeats an element id (a repeated id
    breaks labels and assistive technology), and choosing from the second card still works."""
    mentee, account = world["mentee_with_account"]()
    proposals = world["propose"](mentee, world["mentors"](3))
    world["log_in"](account)
    page = text(client.get("/mentee/choice"))
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    forms = re.findall(r'<form method="post" action="/mentee/choice/\d+".*?</form>', page, re.S)
    assert len(forms) == 3 and all('name="csrf_token"' in form for form in forms)
    assert client.post(f"/mentee/choice/{proposals[1].id}").status_code == 303
    assert Proposal.get_by_id(proposals[1].id).status == "chosen"


# --- the programme first (4.12) -----------------------------------------------------------------------

@pytest.mark.clause("4.12")
def test_choosing_before_reading_the_programme_is_refused(client, world):
    mentee, account = world["mentee_with_account"](acknowledge=False)
    chosen = world["propose"](mentee, world["mentors"](2))[0]
    programme = world["programme"]()
    world["log_in"](account)
    page = client.get("/mentee/choice")
    assert "Прежде чем выбирать, прочитайте программу" in text(page)

    response = choose(client, chosen)

    assert response.status_code == 422 and "<html" not in text(response)
    assert any("Вы ещё не ознакомлены с программой" in m for m in error_messages(response))
    assert Mentorship.select().count() == 0 and Proposal.get_by_id(chosen.id).status == "open"

    back = client.post(f"/mentee/programmes/{programme.id}/acknowledge", {"back": "choice"})
    assert back.status_code == 303 and back.headers["Location"].endswith("/mentee/choice")
    assert choose(client, chosen).status_code == 200
    assert Mentorship.get().status == "chosen"


@pytest.mark.clause("4.12")
def test_the_mentee_reads_the_programme_on_the_home_page_and_acknowledges_it(client, world, today):
    programme = world["programme"](goals="Повысить успеваемость по математике.",
                                   expected_results="Средний балл не ниже 4.",
                                   presented_student_conference_on=date(today.year, 1, 15) if today.month > 1
                                   else today)
    mentee, account = world["mentee_with_account"](acknowledge=False)
    world["log_in"](account)

    home = text(client.get("/mentee/"))
    for shown in (programme.title, "Повысить успеваемость по математике.", "Средний балл не ниже 4.",
                  "на ученической конференции", "Срок реализации",
                  mentee.person.sex == "f" and "Ознакомлена с программой" or "Ознакомлен с программой"):
        assert shown in home
    response = client.post(f"/mentee/programmes/{programme.id}/acknowledge")

    assert response.status_code == 303 and response.headers["Location"].endswith("/mentee/")
    home = text(client.get("/mentee/"))
    assert "Вы ознакомлены с программой" in home and "с программой</button>" not in home
    assert pairing.has_acknowledged(mentee.person, programme)


@pytest.mark.clause("4.12")
def test_the_mentor_acknowledges_the_programme_on_the_home_page(client, world):
    mentor = world["mentors"](1, acknowledge=False)[0]
    account = world["account"](mentor, "mentor")
    programme = world["programme"]()
    world["log_in"](account)

    button = "Ознакомлена с программой</button>" if mentor.person.sex == "f" else "Ознакомлен с программой</button>"
    assert button in text(client.get("/mentor/"))
    response = client.post(f"/mentor/programmes/{programme.id}/acknowledge")

    assert response.status_code == 303
    assert "Вы ознакомлены с программой" in text(client.get("/mentor/"))
    assert Acknowledgement.select().where(Acknowledgement.person == mentor.person).count() == 1


@pytest.mark.quality("access")
def test_a_programme_of_a_format_the_person_is_not_in_is_not_theirs_to_acknowledge(client, world):
    _, account = world["mentee_with_account"](acknowledge=False)
    elsewhere = world["programme"]("Учитель – учитель")
    world["log_in"](account)
    client.get("/mentee/")

    assert client.post(f"/mentee/programmes/{elsewhere.id}/acknowledge").status_code == 404
    assert client.post("/mentee/programmes/999999/acknowledge").status_code == 404
    assert Acknowledgement.select().where(Acknowledgement.programme == elsewhere).count() == 0


# --- the mentor's answer (4.13) -----------------------------------------------------------------------

def chosen_pair(client, world, n_mentors=1, **mentor_kw):
    """A mentee who chose the first of n proposed mentors; returns (mentee, mentors, proposals, pair)."""
    mentee, account = world["mentee_with_account"]()
    mentors = world["mentors"](n_mentors, **mentor_kw)
    proposals = world["propose"](mentee, mentors)
    world["log_in"](account)
    client.get("/mentee/choice")
    assert choose(client, proposals[0]).status_code == 200
    pair = pairing.current_pair(mentee.person, mentee.mentoring_format_id)
    return {"mentee": mentee, "mentee_account": account, "mentors": mentors, "proposals": proposals, "pair": pair}


@pytest.mark.clause("4.13")
def test_the_mentor_confirms_the_pair(client, world):
    chosen = chosen_pair(client, world)
    mentor_account = world["account"](chosen["mentors"][0], "mentor")
    world["log_in"](mentor_account)

    home = text(client.get("/mentor/"))
    waiting = re.search(r'<article class="card" id="waiting-\d+">.*?</article>', home, re.S).group(0)
    assert "Ждут вашего решения" in home
    assert chosen["mentee"].person.full_name in waiting and "подтянуть математику" in waiting
    assert "Ученик – ученик" in waiting
    response = client.post(f"/mentor/pairs/{chosen['pair'].id}/confirm")

    assert response.status_code == 303
    assert Mentorship.get_by_id(chosen["pair"].id).status == "confirmed"
    assert "Ждут вашего решения" not in text(client.get("/mentor/"))
    world["log_in"](chosen["mentee_account"])
    assert "подтвердил ваш выбор" in text(client.get("/mentee/choice"))


@pytest.mark.clause("4.12")
def test_a_mentor_who_has_not_read_the_programme_cannot_confirm(client, world):
    chosen = chosen_pair(client, world)
    mentor = chosen["mentors"][0]
    Acknowledgement.delete().where(Acknowledgement.person == mentor.person).execute()
    world["log_in"](world["account"](mentor, "mentor"))
    client.get("/mentor/")

    response = client.post(f"/mentor/pairs/{chosen['pair'].id}/confirm")

    assert response.status_code == 422
    assert any("Вы ещё не ознакомлены с программой" in m for m in error_messages(response))
    assert Mentorship.get_by_id(chosen["pair"].id).status == "chosen"
    client.post(f"/mentor/programmes/{world['programme']().id}/acknowledge")
    assert client.post(f"/mentor/pairs/{chosen['pair'].id}/confirm").status_code == 303
    assert Mentorship.get_by_id(chosen["pair"].id).status == "confirmed"


@pytest.mark.quality("access")
def test_another_mentor_can_neither_confirm_nor_decline(client, world):
    chosen = chosen_pair(client, world)
    stranger = world["account"](world["mentors"](1)[0], "mentor")
    world["log_in"](stranger)
    client.get("/mentor/")
    pair_id = chosen["pair"].id

    assert client.post(f"/mentor/pairs/{pair_id}/confirm").status_code == 404
    assert client.get(f"/mentor/pairs/{pair_id}/decline").status_code == 404
    assert client.post(f"/mentor/pairs/{pair_id}/decline", {"reason": "нет"}).status_code == 404
    assert chosen["mentee"].person.full_name not in text(client.get("/mentor/"))
    assert Mentorship.get_by_id(pair_id).status == "chosen"


@pytest.mark.clause("4.13")
@pytest.mark.clause("s8")
def test_a_decline_sends_the_mentee_back_to_the_remaining_proposals(client, world):
    chosen = chosen_pair(client, world, n_mentors=3)
    first, second, third = chosen["proposals"]
    decliner = chosen["mentors"][0].person
    world["log_in"](world["account"](chosen["mentors"][0], "mentor"))

    confirm_page = client.get(f"/mentor/pairs/{chosen['pair'].id}/decline")
    assert confirm_page.status_code == 200 and "Отказаться от наставничества?" in text(confirm_page)
    assert Mentorship.get_by_id(chosen["pair"].id).status == "chosen"  # GET only asks
    response = client.post(f"/mentor/pairs/{chosen['pair'].id}/decline", {"reason": "Уезжаю на сборы до мая"})

    assert response.status_code == 303
    pair = Mentorship.get_by_id(chosen["pair"].id)
    assert pair.status == "cancelled" and "сборы" in pair.ended_reason
    assert "уже не ждёт" in text(client.get(f"/mentor/pairs/{pair.id}/decline"))

    world["log_in"](chosen["mentee_account"])
    page = client.get("/mentee/choice")
    assert f"{decliner.full_name} отказался быть вашим наставником" in text(page)
    assert "Уезжаю на сборы до мая" in text(page)
    assert card(page, first) == ""
    assert choose_button_enabled(card(page, second)) and choose_button_enabled(card(page, third))
    again = choose(client, third)
    assert again.status_code == 200 and "Вы выбрали наставника" in text(again)
    assert pairing.current_pair(chosen["mentee"].person, chosen["mentee"].mentoring_format_id).mentor_id == \
        chosen["mentors"][2].person_id


@pytest.mark.clause("4.13")
def test_when_every_proposed_mentor_declined_the_mentee_waits_for_the_curator(client, world):
    chosen = chosen_pair(client, world, n_mentors=1)
    world["log_in"](world["account"](chosen["mentors"][0], "mentor"))
    client.get(f"/mentor/pairs/{chosen['pair'].id}/decline")
    assert client.post(f"/mentor/pairs/{chosen['pair'].id}/decline").status_code == 303

    world["log_in"](chosen["mentee_account"])
    page = text(client.get("/mentee/choice"))
    assert "отказался быть вашим наставником" in page and "Куратор пока подбирает вам наставника" in page
    assert "Куратор пока подбирает вам наставника" in text(client.get("/mentee/"))


@pytest.mark.clause("4.13")
def test_a_decided_pair_cannot_be_declined_again(client, world):
    chosen = chosen_pair(client, world)
    world["log_in"](world["account"](chosen["mentors"][0], "mentor"))
    client.get("/mentor/")
    assert client.post(f"/mentor/pairs/{chosen['pair'].id}/confirm").status_code == 303

    client.get(f"/mentor/pairs/{chosen['pair'].id}/decline")
    response = client.post(f"/mentor/pairs/{chosen['pair'].id}/decline", {"reason": "передумал"})

    assert response.status_code == 422 and "уже не ждёт" in text(response)
    assert Mentorship.get_by_id(chosen["pair"].id).status == "confirmed"


@pytest.mark.quality("validation")
def test_a_decline_reason_with_control_characters_is_refused(client, world):
    chosen = chosen_pair(client, world)
    world["log_in"](world["account"](chosen["mentors"][0], "mentor"))
    client.get(f"/mentor/pairs/{chosen['pair'].id}/decline")

    response = client.post(f"/mentor/pairs/{chosen['pair'].id}/decline", {"reason": "плохо\x00"})

    assert response.status_code == 422 and error_messages(response)
    assert Mentorship.get_by_id(chosen["pair"].id).status == "chosen"


# --- the parent (s8: a representative) ----------------------------------------------------------------

def parent_of(child_membership, make_account):
    link = Guardianship.get(Guardianship.child == child_membership.person)
    return make_account("parent", person=link.parent)


@pytest.mark.clause("s8")
def test_the_parent_sees_the_childs_proposals_and_choice(client, world, make_account):
    chosen = chosen_pair(client, world, n_mentors=3)
    parent = parent_of(chosen["mentee"], make_account)
    stranger = make_account("parent")
    world["log_in"](parent)

    page = text(client.get("/parent/"))

    assert "Выбор наставника" in page
    first, second, third = chosen["proposals"]
    rows = {p.id: re.search(rf'<tr id="child-proposal-{p.id}">(.*?)</tr>', page, re.S).group(1)
            for p in chosen["proposals"]}
    assert chosen["mentors"][0].person.full_name in rows[first.id] and "выбран ребёнком" in rows[first.id]
    assert "выбран наставник" in rows[first.id]  # the pair's state: waiting for the mentor
    for p, m in ((second, chosen["mentors"][1]), (third, chosen["mentors"][2])):
        assert m.person.full_name in rows[p.id] and "ребёнок ещё не выбрал" in rows[p.id]
    assert 'action="/mentee/choice' not in page  # read-only

    world["log_in"](stranger)
    assert chosen["mentors"][0].person.full_name not in text(client.get("/parent/"))


@pytest.mark.quality("query count")
def test_the_parents_page_costs_the_same_for_one_child_and_for_three(client, world, make_account):
    counts = []
    for n_children in (1, 3):
        parent = make_account("parent")
        for _ in range(n_children):
            mentee, _ = world["mentee_with_account"]()
            Guardianship.create(parent=parent.person, child=mentee.person, confirmed_at=utcnow())
            world["propose"](mentee, world["mentors"](n_children))
        world["log_in"](parent)
        with count_queries() as queries:
            page = client.get("/parent/")
        assert page.status_code == 200 and text(page).count('<tr id="child-proposal-') == n_children * n_children
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
