"""The curator proposes mentor candidates to a mentee (s8), helped by a ranking that explains itself;
only consenting people who have read the programme are offered (4.10, 4.12), and a proposal is an
offer the mentee may take or leave, never a pair (4.13)."""
import re
from datetime import date, timedelta

import pytest

from portal.models import AuditEvent, BaseMembership, Consent, Mentorship, Proposal
from portal.services import consent as consents
from portal.services import matching, pairing
from tests.conftest import error_messages
from tests.querycount import count_queries

YEAR = date.today().year
PUPILS = "Ученик – ученик"
TEACHERS = "Учитель – ученик"


def text(response) -> str:
    return response.get_data(as_text=True)


def mentee_url(membership) -> str:
    return f"/staff/formats/{membership.mentoring_format_id}/proposals/{membership.person_id}"


def queue_url(fmt) -> str:
    return f"/staff/formats/{fmt.id}/proposals"


def candidate_order(response) -> list[int]:
    """The person ids of the offered candidates, top first."""
    return [int(i) for i in re.findall(r'<tr id="candidate-(\d+)">', text(response))]


def section(response, section_id: str) -> str:
    match = re.search(rf'<section class="card" id="{section_id}".*?</section>', text(response), re.S)
    return match.group(0) if match else ""


def row(response, prefix: str, person_id: int) -> str:
    match = re.search(rf'<tr id="{prefix}-{person_id}">(.*?)</tr>', text(response), re.S)
    return match.group(1) if match else ""


def propose(client, mentee, *mentors):
    return client.post(mentee_url(mentee), {"mentors": [str(getattr(m, "person_id", m)) for m in mentors]})


def proposals_of(mentee) -> list[Proposal]:
    return list(Proposal.select().where(Proposal.mentee == mentee.person_id).order_by(Proposal.id))


@pytest.fixture
def world(pairing_world):
    return pairing_world


@pytest.fixture
def curator(world, login):
    account = world["curator"](PUPILS)
    login(account.login)
    return account


def test_candidates_are_ranked_by_fit_and_each_rank_is_explained(client, world, curator):
    mentee = world["mentee"](needs="подтянуть математику, подготовиться к олимпиаде", categories=("gifted",))
    english = world["mentor"](can_help_with="английский язык, разговорная практика", capacity=3)
    maths = world["mentor"](can_help_with="математика", capacity=1)
    olympiad = world["mentor"](can_help_with="математика и олимпиады", capacity=1)

    page = client.get(mentee_url(mentee))

    assert page.status_code == 200
    assert candidate_order(page) == [olympiad.person_id, maths.person_id, english.person_id]
    best = row(page, "candidate", olympiad.person_id)
    assert "может помочь с тем, что нужно: «математика», «олимпиады»" in best
    assert "свободных мест: 1 из 1" in best
    assert "совпадений с потребностями наставляемого не найдено" in row(page, "candidate", english.person_id)
    # The curator sees what the mentee needs, categories included.
    assert "подтянуть математику" in text(page) and "выдающиеся способности" in text(page)


def test_more_free_places_break_a_tie_in_fit(client, world, curator):
    mentee = world["mentee"](needs="физика")
    one_place = world["mentor"](can_help_with="физика", capacity=1)
    three_places = world["mentor"](can_help_with="физика", capacity=3)

    page = client.get(mentee_url(mentee))

    assert candidate_order(page) == [three_places.person_id, one_place.person_id]


def test_a_full_mentor_is_not_offered(client, world, curator):
    mentor = world["mentor"](can_help_with="математика", capacity=1)
    first = world["mentee"](needs="математика")
    second = world["mentee"](needs="математика")
    assert propose(client, first, mentor).status_code == 303
    pairing.choose(first.person, proposals_of(first)[0].id)  # the mentee took the mentor's only place

    page = client.get(mentee_url(second))

    assert mentor.person_id not in candidate_order(page)
    assert "нет свободных мест (занято 1 из 1)" in row(page, "excluded", mentor.person_id)
    refused = propose(client, second, mentor)
    assert refused.status_code == 422
    assert proposals_of(second) == []


@pytest.mark.clause("4.10", "4.11")
def test_a_mentor_without_consent_is_excluded_with_the_reason(client, world, curator, make_person):
    mentee = world["mentee"]()
    waiting = world["mentor"](consent=False, acknowledge=False)
    # Active while a minor on a parent's consent, now 18: the gate wants their own consent.
    grown_up = world["mentor"](consent=False, acknowledge=False,
                               birth_date=date.today() - timedelta(days=18 * 366), school_class="11А")
    document = consents.current_documents(world["school"].id)["parent_mentor"]
    parent = make_person(kind="parent", sex="f", birth_date=date(1980, 1, 1))
    Consent.create(document=document, subject=grown_up.person, signer=parent, text_sha256=document.sha256)
    BaseMembership.update(status="active").where(BaseMembership.id == grown_up.id).execute()
    pairing.acknowledge(grown_up.person, world["programme"](PUPILS).id)

    page = client.get(mentee_url(mentee))

    assert candidate_order(page) == []
    assert "ожидает согласия" in row(page, "excluded", waiting.person_id)
    assert "нет действующего согласия самого наставника" in row(page, "excluded", grown_up.person_id)
    assert "Подходящих наставников нет" in section(page, "candidates")
    assert propose(client, mentee, grown_up).status_code == 422
    assert proposals_of(mentee) == []


@pytest.mark.clause("4.12")
def test_a_mentor_who_has_not_read_the_programme_is_excluded(client, world, curator):
    mentee = world["mentee"]()
    ready = world["mentor"]()
    unread = world["mentor"](acknowledge=False)

    page = client.get(mentee_url(mentee))

    assert candidate_order(page) == [ready.person_id]
    unread_word = "ознакомлена" if unread.person.sex == "f" else "ознакомлен"
    assert f"не {unread_word} с программой формы" in row(page, "excluded", unread.person_id)
    response = propose(client, mentee, unread)
    assert response.status_code == 422
    assert any("Этих наставников предложить нельзя" in m for m in error_messages(response))
    assert proposals_of(mentee) == []


@pytest.mark.clause("4.12")
def test_without_a_programme_nobody_is_proposed(client, world, curator):
    mentee = world["mentee"](acknowledge=False)
    mentor = world["mentor"](acknowledge=False)

    page = client.get(mentee_url(mentee))

    assert "у формы ещё нет программы" in row(page, "excluded", mentor.person_id)
    assert "нет программы наставничества" in text(client.get(queue_url(world["formats"][PUPILS])))
    assert propose(client, mentee, mentor).status_code == 422


def test_a_student_mentor_must_be_older_than_the_mentee(client, world, curator):
    mentee = world["mentee"](school_class="7Б", birth_date=date(YEAR - 13, 1, 10))
    older = world["mentor"](school_class="10А")
    younger = world["mentor"](school_class="5А", birth_date=date(YEAR - 11, 1, 10))
    classmate = world["mentor"](school_class="7В", birth_date=date(YEAR - 13, 6, 1))
    by_birth_older = world["mentor"](school_class=None, birth_date=date(YEAR - 15, 1, 1))
    by_birth_younger = world["mentor"](school_class=None, birth_date=date(YEAR - 12, 1, 1))

    page = client.get(mentee_url(mentee))

    assert set(candidate_order(page)) == {older.person_id, by_birth_older.person_id}
    assert "старше наставляемого (учится в 10А, наставляемый — в 7Б)" in row(page, "candidate", older.person_id)
    assert "не старше наставляемого (учится в 5А, наставляемый — в 7Б)" in row(page, "excluded", younger.person_id)
    assert "не старше наставляемого" in row(page, "excluded", classmate.person_id)
    assert "не старше наставляемого (по дате рождения)" in row(page, "excluded", by_birth_younger.person_id)
    assert propose(client, mentee, younger).status_code == 422


def test_a_teacher_mentor_of_a_student_has_no_age_rule(client, world, login):
    account = world["curator"](TEACHERS)
    login(account.login)
    mentee = world["mentee"](TEACHERS, needs="проект по биологии")
    teacher = world["mentor"](TEACHERS, can_help_with="биология, проектная работа", categories=("teacher",))

    page = client.get(mentee_url(mentee))

    assert candidate_order(page) == [teacher.person_id]
    assert "старше" not in row(page, "candidate", teacher.person_id)
    assert "педагог / специалист" in row(page, "candidate", teacher.person_id)


@pytest.mark.clause("s8", "4.13", "2.7")
def test_the_curator_proposes_several_mentors_and_no_pair_is_formed(client, world, curator):
    mentee = world["mentee"](needs="математика")
    first = world["mentor"](can_help_with="математика")
    second = world["mentor"](can_help_with="литература")
    third = world["mentor"](can_help_with="шахматы")

    response = propose(client, mentee, first, second, third)

    assert response.status_code == 303
    assert response.headers["Location"].endswith(mentee_url(mentee))
    made = proposals_of(mentee)
    assert {p.mentor_id for p in made} == {first.person_id, second.person_id, third.person_id}
    assert all(p.status == "open" and p.proposed_by_id == curator.person_id for p in made)
    best = next(p for p in made if p.mentor_id == first.person_id)
    assert best.rank > max(p.rank for p in made if p is not best)
    assert "«математика»" in best.reason
    # An offer, not a pair: the mentee chooses (or not) on their own screen.
    assert Mentorship.select().count() == 0
    offered = pairing.proposals_for(mentee.person)
    assert len(offered[0]["cards"]) == 3
    assert AuditEvent.select().where(AuditEvent.action == "proposal.created").count() == 3
    page = client.get(mentee_url(mentee))
    assert "Предложено наставников: 3" in text(page)
    assert all(f'id="proposal-{p.id}"' in section(page, "proposals-made") for p in made)
    assert "предложен" in row(page, "candidate", first.person_id)
    assert f'value="{first.person_id}"' not in section(page, "candidates")


@pytest.mark.quality("validation")
def test_ticking_nobody_or_a_stranger_is_refused_beside_the_list(client, world, curator, make_person):
    mentee = world["mentee"]()
    mentor = world["mentor"]()
    teacher_mentor = world["mentor"](TEACHERS)  # a mentor of another format's base
    stranger = make_person(kind="student")

    for data in ({}, {"mentors": ["abc"]}, {"mentors": [str(stranger.id)]},
                 {"mentors": [str(teacher_mentor.person_id)]}, {"mentors": [str(mentor.person_id), "999999"]}):
        response = client.post(mentee_url(mentee), data)
        assert response.status_code == 422, data
        assert re.search(r'<p class="error" id="mentors-error"', text(response)), data
    assert client.post(mentee_url(mentee), {"mentors": [str(mentor.person_id)]}, csrf=False).status_code == 400
    assert proposals_of(mentee) == []
    assert AuditEvent.select().where(AuditEvent.action == "proposal.created").count() == 0


@pytest.mark.clause("4.10", "4.11")
def test_only_a_consenting_mentee_of_the_format_receives_proposals(client, world, curator):
    mentor = world["mentor"]()
    without_consent = world["mentee"](consent=False, acknowledge=False)
    other_format = world["mentee"](TEACHERS)

    page = client.get(mentee_url(without_consent))
    assert "Предлагать наставников сейчас нельзя" in text(page)
    assert 'name="mentors"' not in text(page)
    response = propose(client, without_consent, mentor)
    assert response.status_code == 422
    assert any("ожидает согласия" in m for m in error_messages(response))
    # A mentee of another format's base is not a mentee of this one.
    fmt = world["formats"][PUPILS]
    assert client.get(f"/staff/formats/{fmt.id}/proposals/{other_format.person_id}").status_code == 404
    assert client.post(f"/staff/formats/{fmt.id}/proposals/{other_format.person_id}",
                       {"mentors": [str(mentor.person_id)]}).status_code == 404
    assert Proposal.select().count() == 0


def test_a_mentee_already_in_a_pair_gets_no_more_proposals(client, world, curator):
    mentee = world["mentee"]()
    first = world["mentor"](capacity=2)
    second = world["mentor"]()
    assert propose(client, mentee, first).status_code == 303
    pairing.choose(mentee.person, proposals_of(mentee)[0].id)

    response = propose(client, mentee, second)

    assert response.status_code == 422
    assert any("уже есть наставник" in m for m in error_messages(response))
    assert len(proposals_of(mentee)) == 1


@pytest.mark.quality("access")
def test_a_curator_of_one_format_gets_404_for_another(client, world, curator):
    other_mentee = world["mentee"](TEACHERS)
    other_mentor = world["mentor"](TEACHERS)
    proposal, = matching.propose(world["scope"], other_mentee.mentoring_format_id, other_mentee.person_id,
                                 [other_mentor.person_id])
    other_format = world["formats"][TEACHERS]

    assert client.get(queue_url(other_format)).status_code == 404
    assert client.get(mentee_url(other_mentee)).status_code == 404
    assert propose(client, other_mentee, other_mentor).status_code == 404
    assert client.get(f"/staff/proposals/{proposal.id}/withdraw").status_code == 404
    assert client.post(f"/staff/proposals/{proposal.id}/withdraw").status_code == 404
    assert Proposal.get_by_id(proposal.id).status == "open"
    assert f"«{other_format.name}»" not in text(client.get("/staff/proposals"))


def test_withdrawing_asks_first_and_a_re_proposal_reopens_the_same_row(client, world, curator):
    mentee = world["mentee"]()
    mentor = world["mentor"]()
    propose(client, mentee, mentor)
    proposal, = proposals_of(mentee)
    url = f"/staff/proposals/{proposal.id}/withdraw"

    confirm = client.get(url)
    assert confirm.status_code == 200 and "Отозвать предложение?" in text(confirm)
    assert Proposal.get_by_id(proposal.id).status == "open"
    assert client.post(url, csrf=False).status_code == 400
    assert Proposal.get_by_id(proposal.id).status == "open"
    done = client.post(url)
    assert done.status_code == 303
    assert Proposal.get_by_id(proposal.id).status == "withdrawn"
    assert pairing.proposals_for(mentee.person) == []
    page = client.get(mentee_url(mentee))
    assert "Предложение отозвано" in text(page)
    assert "предлагался раньше: отозван" in row(page, "candidate", mentor.person_id)
    assert client.post(url).status_code == 422  # a second click: nothing left to withdraw

    assert propose(client, mentee, mentor).status_code == 303

    again, = proposals_of(mentee)
    assert again.id == proposal.id and again.status == "open"
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.object_type == "Proposal")
               .order_by(AuditEvent.id)]
    assert actions == ["proposal.created", "proposal.withdrawn", "proposal.created"]


def test_a_declined_mentor_can_be_proposed_again(client, world, curator):
    mentee = world["mentee"]()
    mentor = world["mentor"]()
    propose(client, mentee, mentor)
    mentorship = pairing.choose(mentee.person, proposals_of(mentee)[0].id)
    pairing.decline(mentor.person, mentorship.id, "нет времени")
    assert proposals_of(mentee)[0].status == "declined"

    page = client.get(mentee_url(mentee))
    assert "предлагался раньше: отклонён" in row(page, "candidate", mentor.person_id)
    assert propose(client, mentee, mentor).status_code == 303

    again, = proposals_of(mentee)
    assert again.status == "open" and again.mentorship_id is None


@pytest.mark.quality("idempotency")
def test_proposing_twice_keeps_one_proposal(client, world, curator):
    mentee = world["mentee"]()
    mentor = world["mentor"]()
    assert propose(client, mentee, mentor).status_code == 303
    assert propose(client, mentee, mentor).status_code == 303
    assert "уже предложены" in text(client.get(mentee_url(mentee)))
    assert len(proposals_of(mentee)) == 1
    assert AuditEvent.select().where(AuditEvent.action == "proposal.created").count() == 1


def test_the_queue_shows_who_waits_for_a_mentor(client, world, curator):
    fmt = world["formats"][PUPILS]
    mentor = world["mentor"](school_class="9А")
    senior = world["mentee"](school_class="10Б", birth_date=date(YEAR - 16, 1, 1))   # nobody older to mentor them
    junior = world["mentee"](school_class="5А")
    proposed = world["mentee"](school_class="6Б")
    paired = world["mentee"](school_class="6В")
    no_consent = world["mentee"](consent=False, acknowledge=False)
    matching.propose(world["scope"], fmt.id, proposed.person_id, [mentor.person_id])
    second_mentor = world["mentor"](school_class="11Б")
    matching.propose(world["scope"], fmt.id, paired.person_id, [second_mentor.person_id])
    pairing.choose(paired.person, proposals_of(paired)[0].id)

    page = client.get(queue_url(fmt))

    assert page.status_code == 200
    waiting = section(page, "waiting")
    assert senior.person.full_name in waiting
    assert junior.person.full_name not in waiting
    to_propose = section(page, "to-propose")
    assert "предложений нет" in row(page, "queue", junior.person_id)
    assert re.search(r'<td[^>]*class="num">1</td>', row(page, "queue", proposed.person_id))
    assert "ждёт выбора наставляемого" in row(page, "queue", proposed.person_id)
    assert paired.person.full_name not in text(page)
    assert no_consent.person.full_name not in text(page)
    assert senior.person.full_name not in to_propose
    mentee_page = client.get(mentee_url(senior))
    assert "не старше наставляемого" in row(mentee_page, "excluded", mentor.person_id)


def test_the_menu_leads_staff_to_the_queue(client, world, curator):
    page = client.get("/staff/proposals")
    assert "Подбор наставников" in text(page)
    fmt = world["formats"][PUPILS]
    assert f'href="{queue_url(fmt)}"' in text(page)


@pytest.mark.quality("query count")
def test_pages_cost_the_same_for_3_and_30_candidates(client, world, curator):
    fmt = world["formats"][PUPILS]
    mentee = world["mentee"](needs="математика", categories=("gifted",))
    other = world["mentee"](school_class="5А")

    def add_mentors(n):
        for i in range(n):
            kind = i % 3
            made = world["mentor"](can_help_with="математика" if kind == 0 else "рисование", capacity=2,
                                   categories=("student",), consent=kind != 2, acknowledge=kind != 2)
            if kind == 0:
                matching.propose(world["scope"], fmt.id, other.person_id, [made.person_id])

    add_mentors(3)
    with count_queries() as few:
        assert client.get(mentee_url(mentee)).status_code == 200
    with count_queries() as few_queue:
        assert client.get(queue_url(fmt)).status_code == 200

    add_mentors(27)
    world["mentee"](school_class="6Б")
    with count_queries() as many:
        page = client.get(mentee_url(mentee))
    with count_queries() as many_queue:
        client.get(queue_url(fmt))

    assert len(candidate_order(page)) == 20 and text(page).count('<tr id="excluded-') == 10
    assert len(many) == len(few), "\n".join(many)
    assert len(many_queue) == len(few_queue), "\n".join(many_queue)


@pytest.mark.quality("validation")
def test_a_stale_form_gets_an_answer_not_an_error(client, world, curator):
    mentee = world["mentee"]()
    mentor = world["mentor"]()
    fmt = world["formats"][PUPILS]
    big = "99999999999999999999"
    for url in (f"/staff/formats/{fmt.id}/proposals/999999", "/staff/formats/999999/proposals",
                "/staff/proposals/999999/withdraw", f"/staff/formats/{fmt.id}/proposals/{big}",
                f"/staff/formats/{big}/proposals", f"/staff/proposals/{big}/withdraw"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/staff/proposals/{big}/withdraw").status_code == 404
    response = client.post(mentee_url(mentee), {"mentors": [str(mentor.person_id)] * 3 + ["-1"]})
    assert response.status_code == 422
    assert proposals_of(mentee) == []

