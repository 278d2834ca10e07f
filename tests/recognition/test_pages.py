"""The recognition pages (s9, s6): the coordinator announces a competition and records the jury's decision, the
mentee's side nominates through the form, a mentor reads the results; documents download one by one and as a
batch; the pages cost a fixed number of queries."""
import re

import pytest

from portal.models import AwardDocument, Competition, ContestNomination, IssuedDocument, Nomination, SchoolEvent
from portal.services import recognition
from tests.conftest import error_messages, field_errors
from tests.querycount import count_queries
from tests.recognition.test_recognition import pdf_text


def _as(login, account_or_login):
    login(getattr(account_or_login, "login", account_or_login))


@pytest.mark.clause("s9")
def test_the_coordinator_announces_a_competition_and_records_the_decision(client, login, world):
    _as(login, world["coordinator"])
    page = client.get("/recognition/")
    assert "«Наставник года»" in page.get_data(as_text=True)
    response = client.post("/recognition/competitions", {"kind": "best_pair", "year": str(world["competition"].year)})
    assert response.status_code == 303
    again = client.post("/recognition/competitions", {"kind": "best_pair", "year": str(world["competition"].year)})
    assert again.status_code == 422 and "уже объявлен" in " ".join(field_errors(again, "kind"))
    made = Competition.get(Competition.kind == "best_pair")
    assert client.post(f"/recognition/competitions/{made.id}/nominate",
                       {"nominee": str(world["daughter"].id), "reason": "Лучшая пара школы."}).status_code == 303
    row = Nomination.get(Nomination.competition == made.id)
    refused = client.post(f"/recognition/competitions/{made.id}/decide", {f"place-{row.id}": ""})
    assert refused.status_code == 422 and any("Назовите победителя" in m for m in error_messages(refused))
    done = client.post(f"/recognition/competitions/{made.id}/decide", {f"place-{row.id}": "1"})
    assert done.status_code == 303
    page = client.get(f"/recognition/competitions/{made.id}").get_data(as_text=True)
    assert "1 место</strong> — Соколова Мария Андреевна" in page
    assert "Скачать все одним файлом" in page and "Благодарственное письмо родителям" in page


@pytest.mark.clause("s6")
def test_a_mentee_and_a_parent_nominate_through_the_form_and_a_mentor_only_reads(client, login, make_account, world):
    competition = world["competition"]
    mentee = make_account("mentee", person=world["mentee"])
    _as(login, mentee)
    page = client.get(f"/recognition/competitions/{competition.id}").get_data(as_text=True)
    assert "Выдвинуть наставника" in page and "Соколова Мария Андреевна" in page and "Волков" not in page
    empty = client.post(f"/recognition/competitions/{competition.id}/nominate",
                        {"nominee": str(world["daughter"].id), "reason": ""})
    assert empty.status_code == 422 and field_errors(empty, "reason") == ["Напишите, за что вы выдвигаете наставника."]
    other = client.post(f"/recognition/competitions/{competition.id}/nominate",
                        {"nominee": str(world["son"].id), "reason": "Хороший."})
    assert other.status_code == 422 and field_errors(other, "nominee") == ["Выберите наставника из списка."]
    assert client.post(f"/recognition/competitions/{competition.id}/nominate",
                       {"nominee": str(world["daughter"].id), "reason": "Помогла мне с математикой."}
                       ).status_code == 303
    assert Nomination.get().nominator_role == "mentee"
    client.post("/logout")
    client.get("/login")
    mentor = make_account("mentor", person=world["son"])
    _as(login, mentor)
    page = client.get(f"/recognition/competitions/{competition.id}").get_data(as_text=True)
    assert "Выдвинуть наставника" not in page
    assert client.post(f"/recognition/competitions/{competition.id}/nominate",
                       {"nominee": str(world["daughter"].id), "reason": "x"}).status_code == 403


@pytest.mark.clause("s9")
def test_documents_download_one_by_one_and_as_one_pdf_for_the_event(client, login, world, engine):
    scope = world["scope"]
    event = recognition.create_event(scope, "festival", "Фестиваль наставников", world["today"], "Актовый зал",
                                     "10:00 — открытие")
    Competition.update(event=event).where(Competition.id == world["competition"].id).execute()
    rows = [recognition.nominate(scope.person, "coordinator", world["competition"].id, p.id, "Победитель.", scope=scope)
            for p in (world["daughter"], world["son"])]
    recognition.decide(scope, world["competition"].id, {rows[0].id: 1, rows[1].id: 2})
    _as(login, world["coordinator"])
    letter = (IssuedDocument.select().join(AwardDocument, on=(AwardDocument.document == IssuedDocument.id))
              .where(AwardDocument.recipient == world["mother"].id).get())
    one = client.get(f"/recognition/documents/{letter.id}.pdf")
    assert one.status_code == 200 and one.mimetype == "application/pdf"
    assert "Уважаемая Ольга Николаевна!" in pdf_text(one.data)
    batch = client.get(f"/recognition/events/{event.id}/documents.pdf")
    assert batch.status_code == 200
    text = pdf_text(batch.data)
    for award in AwardDocument.select(AwardDocument, IssuedDocument).join(IssuedDocument):
        assert award.document.code in text
    assert AwardDocument.select().count() == 4  # two certificates, two letters
    page = client.get(f"/recognition/events/{event.id}").get_data(as_text=True)
    assert "Все грамоты и письма мероприятия одним файлом (PDF, 4)" in page


@pytest.mark.clause("s9")
def test_the_coordinator_keeps_events_and_outside_contests(client, login, world):
    _as(login, world["coordinator"])
    bad = client.post("/recognition/events", {"kind": "forum", "title": "", "held_on": "31.02.2027", "place": ""})
    assert bad.status_code == 422 and not SchoolEvent.select().exists()
    response = client.post("/recognition/events", {"kind": "forum", "title": "Форум наставников",
                                                   "held_on": "15.03.2027", "place": "Актовый зал"})
    assert response.status_code == 303
    event = SchoolEvent.get()
    assert client.post(f"/recognition/events/{event.id}/participants",
                       {"person": str(world["daughter"].id)}).status_code == 303
    assert "Соколова Мария Андреевна" in client.get(f"/recognition/events/{event.id}").get_data(as_text=True)
    assert client.post("/recognition/contests", {"person": str(world["daughter"].id), "level": "federal",
                                                 "contest": "Всероссийский конкурс «Наставник»",
                                                 "year": str(world["competition"].year),
                                                 "outcome": "winner"}).status_code == 303
    page = client.get("/recognition/contests").get_data(as_text=True)
    assert "Всероссийский конкурс «Наставник»" in page and '<option value="winner" selected>победитель' in page
    row = ContestNomination.get()
    refused = client.post(f"/recognition/contests/{row.id}/outcome", {"outcome": "gold"})
    assert refused.status_code == 422 and "Выберите итог." in error_messages(refused)
    assert client.post(f"/recognition/contests/{row.id}/outcome", {"outcome": "prize"}).status_code == 303
    assert ContestNomination.get_by_id(row.id).outcome == "prize"
    card = client.get(f"/staff/people/{world['daughter'].id}").get_data(as_text=True)
    assert "Всероссийский конкурс «Наставник»" in card and "Форум наставников" in card


@pytest.mark.clause("s9")
@pytest.mark.quality("access")
def test_a_coordinator_who_is_a_curator_too_nominates_as_curator_the_mentors_of_their_forms(
        client, login, make_account, world):
    """Acting as curator (the role switch), the list is a curator's: the mentors of the forms they curate — not
    empty, and not the whole school's either; the nomination is recorded as the curator's."""
    both = make_account("coordinator", "curator")  # curator of «Ученик – ученик», the daughter's and the son's form
    competition = world["competition"]
    _as(login, both)
    assert client.post("/role", {"role": "curator"}).status_code in (302, 303)
    page = client.get(f"/recognition/competitions/{competition.id}").get_data(as_text=True)
    options = re.findall(r'<option value="(\d+)"', page)
    assert sorted(options) == sorted([str(world["daughter"].id), str(world["son"].id)])
    assert client.post(f"/recognition/competitions/{competition.id}/nominate",
                       {"nominee": str(world["daughter"].id), "reason": "Ведёт кружок."}).status_code == 303
    assert Nomination.get().nominator_role == "curator"
    teacher = world["pair"]["mentor"].person  # a form the person does not curate
    refused = client.post(f"/recognition/competitions/{competition.id}/nominate",
                          {"nominee": str(teacher.id), "reason": "Хороший."})
    assert refused.status_code == 422 and field_errors(refused, "nominee") == ["Выберите наставника из списка."]
    assert client.post("/role", {"role": "coordinator"}).status_code in (302, 303)
    page = client.get(f"/recognition/competitions/{competition.id}").get_data(as_text=True)
    assert str(teacher.id) in re.findall(r'<option value="(\d+)"', page)


def duplicated_ids(html: str) -> list[str]:
    ids = re.findall(r'\sid="([^"]+)"', html)
    return sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.quality("accessibility")
def test_the_contests_page_gives_each_row_its_csrf_token_under_no_repeated_id(client, login, world):
    """One outcome form per row: each carries the token, none repeats an element id (a repeated id breaks labels
    and assistive technology); saving one row still works."""
    _as(login, world["coordinator"])
    for contest in ("Всероссийский конкурс «Наставник»", "Региональный конкурс «Лидер»", "Городской конкурс"):
        assert client.post("/recognition/contests", {"person": str(world["daughter"].id), "level": "regional",
                                                     "contest": contest, "year": str(world["competition"].year),
                                                     "outcome": "pending"}).status_code == 303
    page = client.get("/recognition/contests").get_data(as_text=True)
    assert duplicated_ids(page) == []
    forms = re.findall(r'<form method="post" action="/recognition/contests/\d+/outcome".*?</form>', page, re.S)
    assert len(forms) == 3 and all('name="csrf_token"' in form for form in forms)
    row = ContestNomination.select().order_by(ContestNomination.id).first()
    assert client.post(f"/recognition/contests/{row.id}/outcome", {"outcome": "winner"}).status_code == 303


@pytest.mark.clause("s9")
def test_the_competition_page_costs_the_same_whatever_the_number_of_nominations(client, login, world):
    scope = world["scope"]
    _as(login, world["coordinator"])
    url = f"/recognition/competitions/{world['competition'].id}"
    recognition.nominate(scope.person, "coordinator", world["competition"].id, world["daughter"].id, "Да.", scope=scope)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for mentor in (world["son"], world["pair"]["mentor"].person):
        recognition.nominate(scope.person, "coordinator", world["competition"].id, mentor.id, "Да.", scope=scope)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many)


@pytest.mark.clause("s9")
def test_the_years_report_shows_the_competitions_contests_and_events(client, login, world, engine):
    scope = world["scope"]
    year = world["competition"].year
    url = f"/coordinator/exports/year-report.pdf?year={year}"
    _as(login, world["coordinator"])
    client.get(url)
    with count_queries() as before:
        empty = pdf_text(client.get(url).data)
    assert "«Наставник года» 0 0 идёт выдвижение" in empty and "Мероприятий для наставников в этом учебном году не было" in empty
    rows = [recognition.nominate(scope.person, "coordinator", world["competition"].id, p.id, "Да.", scope=scope)
            for p in (world["daughter"], world["son"])]
    recognition.decide(scope, world["competition"].id, {rows[0].id: 1})
    recognition.create_competition(scope, "mentor_plus", year)
    recognition.record_contest(scope, world["son"].id, "municipal", "Учитель года", year, "winner")
    recognition.create_event(scope, "conference", "Конференция наставников", rows[0].created_at.date(), "Зал", "")
    with count_queries() as after:
        text = pdf_text(client.get(url).data)
    part = text.split("Конкурсы и мероприятия наставников", 1)[1]
    assert "«Наставник года» 2 1 итоги подведены" in part and "«Наставник +» 0 0 идёт выдвижение" in part
    assert "Муниципальный уровень 1 победитель: 1" in part
    assert "Конференция наставников" in part
    assert "Соколова" not in text  # the report names nobody
    assert len(after) == len(before)


@pytest.mark.clause("s9")
def test_a_mentor_reading_the_results_sees_no_empty_list_of_their_own_nominations(client, login, make_account, world):
    scope = world["scope"]
    row = recognition.nominate(scope.person, "coordinator", world["competition"].id, world["daughter"].id,
                               "Ведёт пару.", scope=scope)
    recognition.decide(scope, world["competition"].id, {row.id: 1})
    _as(login, make_account("mentor", person=world["son"]))
    page = client.get(f"/recognition/competitions/{world['competition'].id}").get_data(as_text=True)
    assert "1 место</strong> — Соколова Мария Андреевна" in page
    assert "Ваши выдвижения" not in page


@pytest.mark.clause("s9")
def test_the_card_speaks_of_a_woman_mentor_in_her_gender(client, login, world):
    scope = world["scope"]
    recognition.nominate(scope.person, "coordinator", world["competition"].id, world["daughter"].id, "Да.", scope=scope)
    event = recognition.create_event(scope, "forum", "Форум наставников", world["today"], "Актовый зал", "")
    recognition.add_participant(scope, event.id, world["daughter"].id)
    _as(login, world["coordinator"])
    card = client.get(f"/staff/people/{world['daughter'].id}").get_data(as_text=True)
    section = card.split('id="recognition"', 1)[1]
    assert ": выдвинута</li>" in section and "«Форум наставников»" in section and ": участница</li>" in section
    assert "(а)" not in section and ": участник</li>" not in section


@pytest.mark.clause("s9")
def test_a_certificates_download_link_reads_in_the_accusative(client, login, world):
    scope = world["scope"]
    row = recognition.nominate(scope.person, "coordinator", world["competition"].id, world["son"].id, "Да.",
                               scope=scope)
    recognition.decide(scope, world["competition"].id, {row.id: 1})
    _as(login, world["coordinator"])
    page = client.get(f"/recognition/competitions/{world['competition'].id}").get_data(as_text=True)
    assert "Скачать<span class=\"visually-hidden\"> грамоту «Лучший наставник» — Волков Пётр Ильич" in page
    assert "Скачать<span class=\"visually-hidden\"> благодарственное письмо родителям — Волков Илья" in page


@pytest.mark.clause("s9")
def test_the_jury_reads_who_nominated_in_their_gender(client, login, world):
    recognition.nominate(world["mentee_mother"], "parent", world["competition"].id, world["daughter"].id,
                         "Помогла сыну с математикой.")
    _as(login, world["coordinator"])
    page = client.get(f"/recognition/competitions/{world['competition'].id}").get_data(as_text=True)
    assert "Выдвинула: родитель наставляемого Зайцева И. О." in page and "(а)" not in page
