"""School competitions and recognition (s9, s6): nominations by the coordinator, a curator and the mentee's side,
the jury's decision, the «Лучший наставник» certificate and the thank-you letters to a pupil mentor's parents
(checked by the PDF's text), one PDF of a whole competition, /verify, the mentor's card and the year's report."""
import io

import pytest
from pypdf import PdfReader

from portal.models import AuditEvent, AwardDocument, Guardianship, IssuedDocument, MentorshipMember, Nomination
from portal.services import NotAllowed, ServiceError, issued, recognition, representation
from portal.services.staff import scope_for
from tests.querycount import count_queries


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def _nominate(world, person, role, nominee, scope=None, reason="Ведёт кружок робототехники для пятиклассников."):
    return recognition.nominate(person, role, world["competition"].id, nominee.id, reason, scope=scope)


def _decide(world, *placed):
    """Nominate each mentor by the coordinator and give them places 1, 2, … in order."""
    scope = world["scope"]
    rows = [_nominate(world, scope.person, "coordinator", mentor, scope) for mentor in placed]
    return recognition.decide(scope, world["competition"].id, {row.id: n for n, row in enumerate(rows, 1)}), rows


# --- nominations -------------------------------------------------------------------------------------------------

@pytest.mark.clause("s9")
def test_the_coordinator_nominates_any_mentor_of_the_school(world):
    scope = world["scope"]
    made = _nominate(world, scope.person, "coordinator", world["son"], scope)
    assert (made.nominator_role, made.nominee_id, made.place) == ("coordinator", world["son"].id, None)
    assert AuditEvent.get(AuditEvent.action == "recognition.nominated").object_id == made.id


@pytest.mark.clause("s9")
def test_a_curator_nominates_only_mentors_of_their_forms(world, make_account):
    curator = make_account("curator")  # of the school's first form, «Ученик – ученик»
    scope = scope_for(curator)
    assert world["pupils"].id in scope.format_ids
    made = _nominate(world, curator.person, "curator", world["daughter"], scope)
    assert made.nominator_role == "curator"
    teacher_mentor = world["pair"]["mentor"].person  # leads a pair in «Учитель – учитель», not the curator's form
    with pytest.raises(ServiceError, match="Выберите наставника из списка"):
        _nominate(world, curator.person, "curator", teacher_mentor, scope)


@pytest.mark.clause("s6")
def test_the_mentees_side_nominates_the_mentor_of_their_own_pair(world):
    by_mentee = _nominate(world, world["mentee"], "mentee", world["daughter"])
    assert by_mentee.nominator_role == "mentee"
    Nomination.delete().execute()
    by_parent = _nominate(world, world["mentee_mother"], "parent", world["daughter"])
    assert (by_parent.nominator_role, by_parent.nominated_by_id) == ("parent", world["mentee_mother"].id)
    # Nobody else's mentor: the son leads no pair of theirs.
    for person, role in ((world["mentee"], "mentee"), (world["mentee_mother"], "parent")):
        with pytest.raises(ServiceError, match="Выберите наставника из списка"):
            _nominate(world, person, role, world["son"])


@pytest.mark.clause("s6")
@pytest.mark.clause("s8")
def test_the_parent_nominates_for_a_minor_child_only_as_in_every_other_action(world, make_person):
    """representation.py: a child acts themself at any age (the mentee under 14 nominates their mentor), a parent
    for a minor child only; the day the child turns 18 the parent's link gives no nomination any more."""
    assert world["mentee"].age_on(world["today"]) < 14
    assert _nominate(world, world["mentee"], "mentee", world["daughter"]).nominator_role == "mentee"
    Nomination.delete().execute()
    grown = make_person(kind="student", birth_date=world["today"].replace(year=world["today"].year - 19, day=1))
    Guardianship.update(child=grown).where(Guardianship.parent == world["mentee_mother"].id).execute()
    MentorshipMember.update(mentee=grown).where(MentorshipMember.mentee == world["mentee"].id).execute()
    assert recognition.candidates(world["mentee_mother"], "parent") == []
    with pytest.raises(ServiceError, match="Выберите наставника из списка"):
        _nominate(world, world["mentee_mother"], "parent", world["daughter"])
    assert _nominate(world, grown, "mentee", world["daughter"]).nominated_by_id == grown.id
    assert representation.refusal(grown, "nominate") and representation.acts_for(world["mentee"], "nominate")


@pytest.mark.clause("s9")
def test_nominations_are_refused_to_others_and_without_a_reason(world):
    with pytest.raises(NotAllowed):
        _nominate(world, world["daughter"], "mentor", world["son"])  # a mentor does not nominate
    with pytest.raises(NotAllowed):
        _nominate(world, world["father"], None, world["son"])
    scope = world["scope"]
    with pytest.raises(ServiceError, match="за что вы выдвигаете"):
        _nominate(world, scope.person, "coordinator", world["son"], scope, reason="   ")
    _nominate(world, scope.person, "coordinator", world["son"], scope)
    with pytest.raises(ServiceError, match="Вы уже выдвинули"):
        _nominate(world, scope.person, "coordinator", world["son"], scope)
    assert Nomination.select().count() == 1


@pytest.mark.clause("s9")
@pytest.mark.quality("privacy")
def test_a_second_nomination_of_the_same_mentor_does_not_say_who_made_the_first(world):
    """The mother nominated her child's mentor; the child trying too learns it is done, not by whom (only the
    coordinator reads the nominators); the mother trying again is told it was she."""
    _nominate(world, world["mentee_mother"], "parent", world["daughter"])
    with pytest.raises(ServiceError) as refused:
        _nominate(world, world["mentee"], "mentee", world["daughter"])
    message = refused.value.message
    assert "Соколова Мария Андреевна уже выдвинута на этот конкурс" in message and "Вы уже" not in message
    for telling in ("Зайцева", "Ирина", "родител", "мам", "куратор", "координатор"):
        assert telling not in message
    with pytest.raises(ServiceError, match="Вы уже выдвинули"):
        _nominate(world, world["mentee_mother"], "parent", world["daughter"])
    assert Nomination.select().count() == 1


# --- the jury's decision and the documents -----------------------------------------------------------------------

@pytest.mark.clause("s9")
def test_the_jury_decides_once_and_needs_a_winner(world):
    scope = world["scope"]
    row = _nominate(world, scope.person, "coordinator", world["daughter"], scope)
    with pytest.raises(ServiceError, match="Назовите победителя"):
        recognition.decide(scope, world["competition"].id, {row.id: 2})
    with pytest.raises(ServiceError, match="Место — 1, 2 или 3"):
        recognition.decide(scope, world["competition"].id, {row.id: 7})
    decided = recognition.decide(scope, world["competition"].id, {row.id: 1})
    assert decided.status == "decided" and Nomination.get_by_id(row.id).place == 1
    with pytest.raises(ServiceError, match="уже подведены"):
        recognition.decide(scope, world["competition"].id, {row.id: 1})
    with pytest.raises(ServiceError, match="выдвижение закрыто"):
        _nominate(world, scope.person, "coordinator", world["son"], scope)


@pytest.mark.clause("s9")
def test_only_the_coordinator_records_the_decision(world, make_account):
    scope = world["scope"]
    row = _nominate(world, scope.person, "coordinator", world["daughter"], scope)
    with pytest.raises(NotAllowed):
        recognition.decide(scope_for(make_account("curator")), world["competition"].id, {row.id: 1})
    assert Nomination.get_by_id(row.id).place is None


@pytest.mark.clause("s9")
def test_the_certificate_names_the_winner_with_the_schools_details(world, engine):
    _decide(world, world["pair"]["mentor"].person)
    document = IssuedDocument.get(IssuedDocument.kind == "award")
    text = pdf_text(issued.pdf_bytes(document))
    mentor = world["pair"]["mentor"].person
    assert "ГРАМОТА" in text and "«Лучший наставник»" in text and "награждается" in text
    assert mentor.full_name in text
    assert "победитель школьного конкурса «Наставник года» (1 место)" in text
    assert "Муниципальное общеобразовательное учреждение СОШ № 62" in text and "Смирнова Елена Викторовна" in text
    assert document.code in text
    assert not IssuedDocument.select().where(IssuedDocument.kind == "thanks_letter").exists()  # a teacher: no letter


@pytest.mark.clause("s9")
def test_the_letter_to_a_daughters_mother_declines_every_name(world, engine):
    _decide(world, world["daughter"])
    letter = IssuedDocument.get(IssuedDocument.kind == "thanks_letter")
    assert AwardDocument.get(AwardDocument.document == letter.id).recipient_id == world["mother"].id
    text = pdf_text(issued.pdf_bytes(letter))
    assert "Уважаемая Ольга Николаевна!" in text
    assert "за воспитание дочери Марии — победителя школьного конкурса «Наставник года»" in text
    assert "Желаем Вам и Вашей дочери Марии здоровья" in text
    assert "Мария помогала своим подопечным, проявляла ответственность" in text
    award = pdf_text(issued.pdf_bytes(IssuedDocument.get(IssuedDocument.kind == "award")))
    assert "Соколова Мария Андреевна" in award and "обучающаяся" in award


@pytest.mark.clause("s9")
def test_the_letter_to_a_sons_father_declines_every_name(world, engine):
    _decide(world, world["daughter"], world["son"])
    letter = (IssuedDocument.select().join(AwardDocument, on=(AwardDocument.document == IssuedDocument.id))
              .where(AwardDocument.recipient == world["father"].id).get())
    text = pdf_text(issued.pdf_bytes(letter))
    assert "Уважаемый Илья Сергеевич!" in text
    assert "за воспитание сына Петра — призёра школьного конкурса «Наставник года»" in text
    assert "Желаем Вам и Вашему сыну Петру здоровья" in text
    assert "Пётр помогал своим подопечным, проявлял ответственность" in text


@pytest.mark.clause("s9")
def test_the_letter_to_a_guardian_does_not_call_the_ward_a_son(world, engine):
    Guardianship.update(basis="опекун").where(Guardianship.parent == world["father"].id).execute()
    _decide(world, world["son"])
    text = pdf_text(issued.pdf_bytes(IssuedDocument.get(IssuedDocument.kind == "thanks_letter")))
    assert "Уважаемый Илья Сергеевич!" in text
    assert "за воспитание Петра — победителя школьного конкурса «Наставник года»" in text
    assert "Желаем Вам и Петру здоровья" in text and "сын" not in text


@pytest.mark.clause("s9")
def test_one_pdf_holds_every_certificate_and_letter_of_the_competition(world, engine):
    _decide(world, world["daughter"], world["son"], world["pair"]["mentor"].person)
    rows = recognition.documents(world["scope"].school_id, competition_id=world["competition"].id)
    assert [r.kind for r in rows].count("award") == 3 and [r.kind for r in rows].count("thanks_letter") == 2
    download = recognition.batch_pdf(world["scope"], competition_id=world["competition"].id)
    text = pdf_text(download.data)
    for row in rows:
        assert row.code in text
    assert "Уважаемая Ольга Николаевна!" in text and "Уважаемый Илья Сергеевич!" in text
    assert text.count("ГРАМОТА") == 3
    assert AuditEvent.get(AuditEvent.action == "recognition.batch_downloaded")


@pytest.mark.clause("s9")
def test_an_issued_certificate_is_verified_without_personal_data(world, client):
    _decide(world, world["daughter"])
    for kind, title in (("award", "Грамота «Лучший наставник»"), ("thanks_letter", "Благодарственное письмо")):
        document = IssuedDocument.get(IssuedDocument.kind == kind)
        page = client.get(f"/verify/{document.code}").get_data(as_text=True)
        assert title in page and document.code in page
        assert "Соколов" not in page and "Мари" not in page


@pytest.mark.clause("s9")
def test_a_competitions_documents_cost_a_fixed_number_of_queries(world):
    _decide(world, world["daughter"])
    with count_queries() as one:
        few = recognition.documents(world["scope"].school_id, competition_id=world["competition"].id)
    scope = world["scope"]
    more = recognition.create_competition(scope, "best_pair", world["competition"].year)
    rows = [recognition.nominate(scope.person, "coordinator", more.id, p.id, "Лучшая пара года.", scope=scope)
            for p in (world["son"], world["pair"]["mentor"].person)]
    recognition.decide(scope, more.id, {rows[0].id: 1, rows[1].id: 2})
    with count_queries() as many:
        all_of_them = recognition.documents(scope.school_id)
    assert len(few) == 2 and len(all_of_them) == 5
    assert len(one) == len(many) == 1


# --- card and year report ----------------------------------------------------------------------------------------

@pytest.mark.clause("s9")
def test_the_mentors_recognition_and_the_years_summary(world):
    scope = world["scope"]
    _decide(world, world["daughter"])
    recognition.record_contest(scope, world["daughter"].id, "regional", "Наставник года Ярославской области",
                               world["competition"].year, "prize")
    mine = recognition.of_person(world["daughter"].id)
    assert [(n.competition.kind, n.place) for n in mine["nominations"]] == [("mentor_of_year", 1)]
    assert [(c.level, c.outcome) for c in mine["contests"]] == [("regional", "prize")]
    summary = recognition.year_summary(scope.school_id, world["competition"].year)
    assert summary["competitions"] == [{"title": "Наставник года", "state": "итоги подведены", "nominations": 1,
                                        "placed": 1}]
    regional = next(c for c in summary["contests"] if c["level"] == "региональный")
    assert regional == {"level": "региональный", "total": 1, "outcomes": {"призёр": 1}}


@pytest.mark.clause("s9")
def test_the_winner_goes_on_the_honour_board_shown_only_with_a_consent_to_dissemination(world, client):
    """The decision puts the winner (not the runner-up) on «Лучшие наставники»; the public board shows them once
    their consent to dissemination names them, and not before."""
    from portal.models import Consent, HonourEntry
    from portal.services import consent as consents
    _decide(world, world["daughter"], world["son"])
    entry, = HonourEntry.select()
    assert (entry.person_id, entry.title) == (world["daughter"].id, "Победитель конкурса «Наставник года»")
    assert "Соколова" not in client.get("/public/honour").get_data(as_text=True)
    document = consents.current_documents(world["daughter"].school_id)["dissemination"]
    Consent.create(document=document, subject=world["daughter"], signer=world["mother"], text_sha256=document.sha256,
                   public_fields="name,role,achievements")
    board = client.get("/public/honour").get_data(as_text=True)
    assert "Соколова" in board and "Победитель конкурса «Наставник года»" in board and "Волков" not in board


@pytest.mark.clause("s9")
def test_no_certificate_is_issued_to_a_person_whose_data_were_destroyed(world):
    from portal.models import Person
    from portal.models.base import utcnow
    scope = world["scope"]
    gone = _nominate(world, scope.person, "coordinator", world["son"], scope)
    kept = _nominate(world, scope.person, "coordinator", world["daughter"], scope)
    Person.update(surname=f"Участник №{world['son'].id}", first_name="", patronymic="",
                  destroyed_at=utcnow()).where(Person.id == world["son"].id).execute()
    with pytest.raises(ServiceError, match="данные уничтожены"):
        recognition.decide(scope, world["competition"].id, {gone.id: 1, kept.id: 2})
    assert not IssuedDocument.select().exists()
    recognition.decide(scope, world["competition"].id, {kept.id: 1})
    assert AwardDocument.select().where(AwardDocument.recipient == world["son"].id).count() == 0
