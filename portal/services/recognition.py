"""Recognition of mentors (s9, s6; DECISIONS.md «Voice, support, training, motivation»): school events, the school's
competitions «Наставник года», «Лучшая пара», «Наставник +», nominations to outside contests, and the documents
issued for a competition's places.

Who nominates: the coordinator (any mentor of the school), a curator (a mentor of their forms: in their forms'
mentor base or leading a pair there), the mentee's side — a mentee (the mentor of their own pair) or a parent
(the mentor of their child's pair, while the child is a minor: representation.py — the child nominates themself at
any age). Every nomination carries a reason. The coordinator alone runs a competition
and records the jury's decision once: a place (1 — the winner, 2 and 3 — prize places) per nomination. The same
transaction issues the documents (services/issued.py): a «Лучший наставник» certificate for every placed mentor
and, for a mentor who is a pupil, a thank-you letter to each of their confirmed parents — names declined by
pytrovich (portal.names), the school's details, frozen with a verification code. A competition's documents, or
those of every competition announced at an event, print as one PDF made of the issued PDFs themselves.
"""
from dataclasses import dataclass
from datetime import date

from peewee import JOIN, IntegrityError, fn

from portal.db import atomic_write, db
from portal.documents.pdf import merge_pdfs
from portal.documents.recognition import award_html, thanks_letter_html
from portal.ids import parse_id
from portal.models import (
    AwardDocument, BaseMembership, Competition, ContestNomination, EventParticipant, Guardianship, IssuedDocument,
    Mentorship, MentorshipMember, Nomination, Person, School, SchoolClass, SchoolEvent,
)
from portal.models.base import utcnow
from portal.models.recognition import (
    COMPETITION_KINDS, COMPETITION_STATES, CONTEST_LEVELS, CONTEST_OUTCOMES, EVENT_KINDS, NOMINATOR_ROLES,
)
from portal.names import first_name, full_name, name_and_patronymic
from portal.services import NotAllowed, ServiceError, audit, bases, honour, issued, representation, uploads, years
from portal.services.staff import StaffScope

EVENT_KIND_TITLES = dict(EVENT_KINDS)
COMPETITION_TITLES = dict(COMPETITION_KINDS)
STATE_TITLES = dict(COMPETITION_STATES)
NOMINATOR_TITLES = dict(NOMINATOR_ROLES)
LEVEL_TITLES = dict(CONTEST_LEVELS)
OUTCOME_TITLES = dict(CONTEST_OUTCOMES)
NOMINATING_ROLES = tuple(NOMINATOR_TITLES)
# What the person's card names competitions, places, levels and outcomes by.
TITLES = {"competition": COMPETITION_TITLES, "level": LEVEL_TITLES, "outcome": OUTCOME_TITLES,
          "event": EVENT_KIND_TITLES}
# Who opens the competitions' pages: those who nominate, and mentors, who read the results.
READER_ROLES = NOMINATING_ROLES + ("mentor",)
PLACES = (1, 2, 3)
PLACE_TITLES = {1: "победитель", 2: "призёр", 3: "призёр"}
PLACE_TITLES_GENITIVE = {1: "победителя", 2: "призёра", 3: "призёра"}
# The pairs whose mentor the mentee's side may nominate: working or finished, not a proposal or a cancelled one.
PAIR_STATES = ("active", "suspended", "completed")
MAX_REASON = 2000
MAX_TITLE = 300
# The guardianship bases (services/people/listing.py GUARDIAN_BASES) under which the letter says «дочери», «сына».
PARENT_BASES = ("родитель", "приёмный родитель")
AWARD_TITLE = "Грамота «Лучший наставник»"
LETTER_TITLE = "Благодарственное письмо родителям"


_text = bases.checked_text


def _coordinator(scope: StaffScope) -> None:
    if not scope.is_coordinator:
        raise NotAllowed("Это делает координатор.")


def role_to_nominate_as(held: list[str], current: str | None) -> str | None:
    """The role a person nominates in: the one they act in now, else the first of theirs that may nominate."""
    if current in NOMINATING_ROLES and current in held:
        return current
    return next((role for role in held if role in NOMINATING_ROLES), None)


# --- competitions ----------------------------------------------------------------------------------------------

def title_of(competition: Competition) -> str:
    return COMPETITION_TITLES[competition.kind]


def competitions(school_id: int) -> list[Competition]:
    """The school's competitions, the newest year first, each with `nominations_count`: one query."""
    return list(Competition.select(Competition, fn.COUNT(Nomination.id).alias("nominations_count"))
                .join(Nomination, JOIN.LEFT_OUTER).where(Competition.school == school_id)
                .group_by(Competition.id).order_by(Competition.year.desc(), Competition.kind, Competition.id))


def competition(school_id: int, competition_id) -> Competition:
    found = Competition.get_or_none((Competition.id == parse_id(competition_id)) & (Competition.school == school_id))
    if found is None:
        raise NotAllowed("Нет такого конкурса.")
    return found


def create_competition(scope: StaffScope, kind: str, year, event_id=None, ip: str = "") -> Competition:
    """The coordinator opens a school competition for a school year (one of each kind a year)."""
    _coordinator(scope)
    if kind not in COMPETITION_TITLES:
        raise ServiceError("Выберите конкурс.", field="kind")
    year = parse_id(year)
    if year is None or not 2000 <= year <= 2100:
        raise ServiceError("Выберите учебный год.", field="year")
    event = None
    if event_id not in (None, ""):
        event = SchoolEvent.get_or_none((SchoolEvent.id == parse_id(event_id)) & (SchoolEvent.school == scope.school_id))
        if event is None:
            raise ServiceError("Выберите мероприятие из списка.", field="event")
    with atomic_write():
        try:
            with db.atomic():
                made = Competition.create(school=scope.school_id, kind=kind, year=year, event=event,
                                          created_by=scope.person)
        except IntegrityError:
            raise ServiceError(f"Конкурс «{COMPETITION_TITLES[kind]}» за {years.label(year)} уже объявлен.",
                               field="kind") from None
        audit.record("recognition.competition_created", actor=scope.person, obj=made, school=scope.school_id, ip=ip,
                     kind=kind, year=year, event=getattr(event, "id", None))
    return made


def year_choices(today: date | None = None) -> list[tuple[int, str]]:
    this = years.school_year(today or date.today())
    return [(y, years.label(y)) for y in (this, this - 1, this + 1)]


# --- who may be nominated by whom ------------------------------------------------------------------------------

def _mentors_of_formats(format_ids) -> list[Person]:
    ids = list(format_ids)
    in_base = BaseMembership.select(BaseMembership.person).where(
        BaseMembership.mentoring_format.in_(ids) & (BaseMembership.base == "mentor") & (BaseMembership.status != "left"))
    leading = Mentorship.select(Mentorship.mentor).where(Mentorship.mentoring_format.in_(ids))
    return list(Person.select().where((Person.id.in_(in_base) | Person.id.in_(leading)) & Person.destroyed_at.is_null())
                .order_by(Person.surname, Person.first_name, Person.patronymic, Person.id))


def _mentors_of_mentees(mentee_ids) -> list[Person]:
    pairs = (Mentorship.select(Mentorship.mentor).join(MentorshipMember)
             .where(MentorshipMember.mentee.in_(mentee_ids) & Mentorship.status.in_(PAIR_STATES)))
    return list(Person.select().where(Person.id.in_(pairs) & Person.destroyed_at.is_null())
                .order_by(Person.surname, Person.first_name, Person.patronymic, Person.id))


def candidates(person: Person, role: str | None, scope: StaffScope | None = None) -> list[Person]:
    """The mentors `person` may nominate in `role`: two queries at most."""
    if role in ("coordinator", "curator"):
        if scope is None or (role == "coordinator") != scope.is_coordinator:
            return []
        return _mentors_of_formats(scope.format_ids)
    if role == "mentee":
        return _mentors_of_mentees([person.id])
    if role == "parent":
        # As in every action a parent takes for a child (representation.py): a confirmed link, the child a minor.
        children = (Person.select().join(Guardianship, on=(Guardianship.child == Person.id))
                    .where((Guardianship.parent == person.id) & Guardianship.confirmed_at.is_null(False)))
        today = date.today()
        minors = [child.id for child in children if representation.acts_for(child, "nominate", today)]
        return _mentors_of_mentees(minors) if minors else []
    return []


def nominate(person: Person, role: str | None, competition_id, nominee_id, reason, scope: StaffScope | None = None,
             ip: str = "") -> Nomination:
    """A mentor nominated for an open competition, with a reason; nothing saved when anything is wrong."""
    if role not in NOMINATING_ROLES:
        raise NotAllowed("Выдвигают координатор, куратор, наставляемый или его родитель.")
    found = competition(person.school_id, competition_id)
    if found.status != "open":
        raise ServiceError("Итоги конкурса уже подведены: выдвижение закрыто.")
    nominee_id = parse_id(nominee_id)
    nominee = next((p for p in candidates(person, role, scope) if p.id == nominee_id), None)
    if nominee is None:
        raise ServiceError("Выберите наставника из списка.", field="nominee")
    reason = _text(reason, "reason", MAX_REASON, "Напишите, за что вы выдвигаете наставника.", lines=True)
    with atomic_write():
        try:
            with db.atomic():
                made = Nomination.create(competition=found, nominee=nominee, nominated_by=person,
                                         nominator_role=role, reason=reason)
        except IntegrityError:
            raise ServiceError(_already(found, nominee, person), field="nominee") from None
        audit.record("recognition.nominated", actor=person, obj=made, school=person.school_id, ip=ip,
                     competition=found.id, nominee=nominee.id, role=role)
    return made


def _already(found: Competition, nominee: Person, person: Person) -> str:
    """The refusal of a second nomination of the same mentor. Who made the first is the coordinator's to read
    (`nominations`): the message says only whether it was the person themself."""
    own = Nomination.select().where((Nomination.competition == found.id) & (Nomination.nominee == nominee.id)
                                    & (Nomination.nominated_by == person.id)).exists()
    if own:
        return f"Вы уже выдвинули {nominee.full_name} на этот конкурс."
    done = "выдвинута" if nominee.sex == "f" else "выдвинут"
    return f"{nominee.full_name} уже {done} на этот конкурс: второе выдвижение не нужно, жюри рассмотрит кандидатуру."


def _nominations_query():
    nominator = Person.alias()
    return (Nomination.select(Nomination, Person, nominator)
            .join(Person, on=(Nomination.nominee == Person.id))
            .switch(Nomination).join(nominator, JOIN.LEFT_OUTER, on=(Nomination.nominated_by == nominator.id))
            .order_by(fn.COALESCE(Nomination.place, 99), Person.surname, Person.first_name, Nomination.id))


def nominations(found: Competition, person: Person, is_coordinator: bool) -> list[Nomination]:
    """What the person reads of a competition's nominations: the coordinator all; anyone else the ones they
    made, and once decided the placed ones. One query."""
    query = _nominations_query().where(Nomination.competition == found.id)
    if not is_coordinator:
        mine = Nomination.nominated_by == person.id
        query = query.where(mine | Nomination.place.is_null(False) if found.status == "decided" else mine)
    return list(query)


# --- the jury's decision and the documents ---------------------------------------------------------------------

def decide(scope: StaffScope, competition_id, places: dict, ip: str = "", today: date | None = None) -> Competition:
    """The jury's decision, recorded once by the coordinator: `places` maps a nomination's id to 1, 2, 3 or
    nothing. One winner at least; then every placed mentor's certificate and their parents' letters are issued."""
    _coordinator(scope)
    found = competition(scope.school_id, competition_id)
    if found.status == "decided":
        raise ServiceError("Итоги этого конкурса уже подведены.")
    rows = list(_nominations_query().where(Nomination.competition == found.id))
    chosen = {}
    for row in rows:
        value = places.get(row.id) or places.get(str(row.id))
        if value in (None, "", "0", 0):
            continue
        place = parse_id(value)
        if place not in PLACES:
            raise ServiceError("Место — 1, 2 или 3.", field="places")
        if row.nominee.destroyed_at is not None:
            raise ServiceError(f"{row.nominee.full_name}: данные уничтожены после отзыва согласия, "
                               "место не присуждается.", field="places")
        chosen[row.id] = place
    if 1 not in chosen.values():
        raise ServiceError("Назовите победителя: хотя бы одному наставнику — 1 место.", field="places")
    now = utcnow()
    with atomic_write():
        updated = (Competition.update(status="decided", decided_by=scope.person, decided_at=now)
                   .where((Competition.id == found.id) & (Competition.status == "open")).execute())
        if not updated:
            raise ServiceError("Итоги этого конкурса уже подведены.")
        for row in rows:
            if row.id in chosen:
                row.place = chosen[row.id]
                Nomination.update(place=row.place).where(Nomination.id == row.id).execute()
        found.status, found.decided_at = "decided", now
        audit.record("recognition.decided", actor=scope.person, obj=found, school=scope.school_id, ip=ip,
                     places={str(k): v for k, v in chosen.items()})
        _issue_documents(scope, found, [r for r in rows if r.id in chosen], ip, today or date.today())
        # The winner goes on the honour board «Лучшие наставники» (s9); the public page shows them only while their
        # consent to dissemination allows (services.public_pages).
        for row in rows:
            if chosen.get(row.id) == 1:
                honour.add_entry(scope.person, row.nominee_id, f"Победитель конкурса «{COMPETITION_TITLES[found.kind]}»",
                                 min(found.year + 1, date.today().year), ip=ip)
    return found


def _described(person: Person, school_class: SchoolClass | None) -> str:
    if person.kind == "student":
        word = "обучающаяся" if person.sex == "f" else "обучающийся"
        return f"{word} {school_class.name} класса" if school_class else word
    return ", ".join(p for p in (person.position, person.organisation) if p)


def _issue_documents(scope: StaffScope, found: Competition, placed: list[Nomination], ip: str, today: date) -> None:
    school = School.get_by_id(scope.school_id)
    nominee_ids = [row.nominee_id for row in placed]
    classes = {c.id: c for c in SchoolClass.select().where(SchoolClass.school == scope.school_id)}
    parents = {}
    for link in (Guardianship.select(Guardianship, Person).join(Person, on=(Guardianship.parent == Person.id))
                 .where(Guardianship.child.in_(nominee_ids) & Guardianship.confirmed_at.is_null(False)
                        & Person.destroyed_at.is_null())
                 .order_by(Person.surname, Person.first_name, Person.id)):
        parents.setdefault(link.child_id, []).append((link.parent, link.basis))
    common = {"school": school, "competition_title": title_of(found), "year_label": years.label(found.year),
              "issued_on": today}
    for row in placed:
        mentor = row.nominee
        data = dict(common, name=full_name(mentor), place=row.place, place_title=PLACE_TITLES[row.place],
                    described=_described(mentor, classes.get(mentor.school_class_id)))
        _issue_one(scope, row, mentor, "award", AWARD_TITLE, award_html, data, ip)
        if mentor.kind != "student":
            continue
        daughter = mentor.sex == "f"
        for parent, basis in parents.get(mentor.id, []):
            # A guardian (опекун, попечитель) is written to about the child by name, not «дочь» or «сын».
            own = basis in PARENT_BASES
            letter = dict(common, dear="Уважаемая" if parent.sex == "f" else "Уважаемый",
                          parent_name=name_and_patronymic(parent),
                          child_word=("дочери" if daughter else "сына") if own else "",
                          child_genitive=first_name(mentor, "genitive"), child_nominative=first_name(mentor),
                          child_word_dative=("Вашей дочери" if daughter else "Вашему сыну") if own else "",
                          child_dative=first_name(mentor, "dative"),
                          place_title_genitive=PLACE_TITLES_GENITIVE[row.place],
                          helped="помогала" if daughter else "помогал", showed="проявляла" if daughter else "проявлял")
            _issue_one(scope, row, parent, "thanks_letter", LETTER_TITLE, thanks_letter_html, letter, ip)


def _issue_one(scope, row: Nomination, recipient: Person, kind: str, title: str, layout, data: dict, ip: str) -> None:
    document = issued.issue(school_id=scope.school_id, kind=kind, title=title, actor=scope.person, ip=ip,
                            person=recipient.id, render=lambda verification: layout(dict(data, verification=verification)))
    AwardDocument.create(nomination=row.id, document=document, recipient=recipient)


@dataclass(frozen=True)
class AwardRow:
    document_id: int
    kind: str
    title: str
    code: str
    recipient: str
    nominee: str
    place: int
    competition_id: int
    erased: bool = False  # destroyed with the person's data (consent.destroy): listed, no longer handed out


def documents(school_id: int, *, competition_id: int | None = None, event_id: int | None = None) -> list[AwardRow]:
    """The documents issued for a competition (or for every competition of an event), certificates before the
    letters of each placed mentor, by place: one query, without the HTML and the PDF."""
    recipient, nominee = Person.alias(), Person.alias()
    query = (AwardDocument.select(IssuedDocument.id, IssuedDocument.kind, IssuedDocument.title, IssuedDocument.code,
                                  recipient.surname, recipient.first_name, recipient.patronymic,
                                  nominee.surname, nominee.first_name, nominee.patronymic, Nomination.place,
                                  Competition.id, IssuedDocument.erased_at)
             .join(IssuedDocument, on=(AwardDocument.document == IssuedDocument.id))
             .switch(AwardDocument).join(recipient, on=(AwardDocument.recipient == recipient.id))
             .switch(AwardDocument).join(Nomination, on=(AwardDocument.nomination == Nomination.id))
             .join(nominee, on=(Nomination.nominee == nominee.id))
             .switch(Nomination).join(Competition, on=(Nomination.competition == Competition.id))
             .where(Competition.school == school_id))
    if competition_id is not None:
        query = query.where(Competition.id == competition_id)
    if event_id is not None:
        query = query.where(Competition.event == event_id)
    query = query.order_by(Competition.kind, Competition.id, Nomination.place, nominee.surname, Nomination.id,
                           IssuedDocument.kind, IssuedDocument.id)
    rows = []
    for doc_id, kind, title, code, rs, rf, rp, ns, nf, np, place, comp_id, erased_at in query.tuples():
        rows.append(AwardRow(doc_id, kind, title, code, " ".join(p for p in (rs, rf, rp) if p),
                             " ".join(p for p in (ns, nf, np) if p), place, comp_id, erased_at is not None))
    return rows


def document_pdf(scope: StaffScope, document_id, ip: str = "") -> uploads.Download:
    """One certificate or letter of the school's competitions, to download (audited); the coordinator's."""
    _coordinator(scope)
    row = (AwardDocument.select(AwardDocument, IssuedDocument).join(IssuedDocument)
           .where((IssuedDocument.id == parse_id(document_id)) & (IssuedDocument.school == scope.school_id)).first())
    if row is None:
        raise NotAllowed("Нет такого документа.")
    document = row.document
    name = f"{'gramota' if document.kind == 'award' else 'pismo'}-{document.code}.pdf"
    return uploads.audited(issued.pdf_bytes(document), name, "application/pdf", actor=scope.person,
                           action="recognition.document_downloaded", obj=document, school=scope.school_id, ip=ip,
                           code=document.code)


def batch_pdf(scope: StaffScope, *, competition_id=None, event_id=None, ip: str = "") -> uploads.Download:
    """Every certificate and letter of a competition, or of the competitions announced at an event, as one PDF
    to print: the issued PDFs one after another. Refused with a message when none is issued yet."""
    _coordinator(scope)
    if competition_id is not None:
        obj = competition(scope.school_id, competition_id)
        rows = documents(scope.school_id, competition_id=obj.id)
        name = f"competition-{obj.id}.pdf"
    else:
        obj = event(scope, event_id)
        rows = documents(scope.school_id, event_id=obj.id)
        name = f"event-{obj.id}.pdf"
    if not rows:
        raise ServiceError("Документов ещё нет: они выдаются, когда подведены итоги конкурса.")
    rows = [r for r in rows if not r.erased]
    if not rows:
        raise ServiceError("Все документы уничтожены вместе с персональными данными.")
    by_id = {d.id: d for d in IssuedDocument.select().where(IssuedDocument.id.in_([r.document_id for r in rows]))}
    data = merge_pdfs([issued.pdf_bytes(by_id[r.document_id]) for r in rows])
    return uploads.audited(data, name, "application/pdf", actor=scope.person, action="recognition.batch_downloaded",
                           obj=obj, school=scope.school_id, ip=ip, documents=[r.document_id for r in rows])


# --- school events ---------------------------------------------------------------------------------------------

def events(school_id: int) -> list[SchoolEvent]:
    """The school's events, the latest first, each with `participants_count`: one query."""
    return list(SchoolEvent.select(SchoolEvent, fn.COUNT(EventParticipant.id).alias("participants_count"))
                .join(EventParticipant, JOIN.LEFT_OUTER).where(SchoolEvent.school == school_id)
                .group_by(SchoolEvent.id).order_by(SchoolEvent.held_on.desc(), SchoolEvent.id.desc()))


def event(scope: StaffScope, event_id) -> SchoolEvent:
    _coordinator(scope)
    found = SchoolEvent.get_or_none((SchoolEvent.id == parse_id(event_id)) & (SchoolEvent.school == scope.school_id))
    if found is None:
        raise NotAllowed("Нет такого мероприятия.")
    return found


def create_event(scope: StaffScope, kind: str, title, held_on: date | None, place, programme,
                 ip: str = "") -> SchoolEvent:
    _coordinator(scope)
    if kind not in EVENT_KIND_TITLES:
        raise ServiceError("Выберите вид мероприятия.", field="kind")
    title = _text(title, "title", MAX_TITLE, "Напишите название мероприятия.")
    if held_on is None:
        raise ServiceError("Укажите дату мероприятия.", field="held_on")
    place = _text(place, "place", MAX_TITLE, "Укажите место проведения.")
    programme = _text(programme, "programme", 4000, None, lines=True)
    with atomic_write():
        made = SchoolEvent.create(school=scope.school_id, kind=kind, title=title, held_on=held_on, place=place,
                                  programme=programme, created_by=scope.person)
        audit.record("recognition.event_created", actor=scope.person, obj=made, school=scope.school_id, ip=ip,
                     kind=kind, title=title, held_on=held_on)
    return made


def participants(found: SchoolEvent) -> list[Person]:
    return list(Person.select().join(EventParticipant, on=(EventParticipant.person == Person.id))
                .where(EventParticipant.event == found.id)
                .order_by(Person.surname, Person.first_name, Person.patronymic, Person.id))


def people_to_add(scope: StaffScope) -> list[Person]:
    return list(Person.to_choose(scope.school_id, ("student", "staff", "parent", "external")))


def add_participant(scope: StaffScope, event_id, person_id, ip: str = "") -> EventParticipant:
    found = event(scope, event_id)
    person = Person.get_or_none((Person.id == parse_id(person_id)) & (Person.school == scope.school_id)
                                & Person.destroyed_at.is_null())
    if person is None:
        raise ServiceError("Выберите участника из списка.", field="person")
    with atomic_write():
        try:
            with db.atomic():
                made = EventParticipant.create(event=found, person=person)
        except IntegrityError:
            raise ServiceError(f"{person.full_name} уже в списке участников.", field="person") from None
        audit.record("recognition.participant_added", actor=scope.person, obj=found, school=scope.school_id, ip=ip,
                     person=person.id)
    return made


# --- nominations to outside contests ---------------------------------------------------------------------------

def contests(school_id: int) -> list[ContestNomination]:
    return list(ContestNomination.select(ContestNomination, Person).join(Person)
                .where(ContestNomination.school == school_id)
                .order_by(ContestNomination.year.desc(), ContestNomination.id.desc()))


def record_contest(scope: StaffScope, person_id, level: str, contest, year, outcome: str,
                   ip: str = "") -> ContestNomination:
    """The coordinator records a mentor put forward to a municipal, regional or federal contest and its outcome."""
    _coordinator(scope)
    person = next((p for p in _mentors_of_formats(scope.format_ids) if p.id == parse_id(person_id)), None)
    if person is None:
        raise ServiceError("Выберите наставника из списка.", field="person")
    if level not in LEVEL_TITLES:
        raise ServiceError("Выберите уровень конкурса.", field="level")
    contest = _text(contest, "contest", MAX_TITLE, "Напишите название конкурса.")
    year = parse_id(year)
    if year is None or not 2000 <= year <= 2100:
        raise ServiceError("Выберите учебный год.", field="year")
    if outcome not in OUTCOME_TITLES:
        raise ServiceError("Выберите итог.", field="outcome")
    with atomic_write():
        made = ContestNomination.create(school=scope.school_id, person=person, level=level, contest=contest, year=year,
                                        outcome=outcome, recorded_by=scope.person)
        audit.record("recognition.contest_recorded", actor=scope.person, obj=made, school=scope.school_id, ip=ip,
                     person=person.id, level=level, contest=contest, outcome=outcome)
    return made


def set_outcome(scope: StaffScope, contest_id, outcome: str, ip: str = "") -> ContestNomination:
    """The outcome of an outside contest, known later than the nomination: the coordinator records it."""
    _coordinator(scope)
    found = ContestNomination.get_or_none((ContestNomination.id == parse_id(contest_id))
                                          & (ContestNomination.school == scope.school_id))
    if found is None:
        raise NotAllowed("Нет такого выдвижения.")
    if outcome not in OUTCOME_TITLES:
        raise ServiceError("Выберите итог.", field="outcome")
    with atomic_write():
        ContestNomination.update(outcome=outcome).where(ContestNomination.id == found.id).execute()
        audit.record("recognition.contest_outcome", actor=scope.person, obj=found, school=scope.school_id, ip=ip,
                     before=found.outcome, outcome=outcome)
    found.outcome = outcome
    return found


# --- the mentor's card and the year's report -------------------------------------------------------------------

def of_person(person_id: int) -> dict:
    """What the mentor's card shows: their nominations with places, outside contests and events: three queries."""
    school_noms = list(Nomination.select(Nomination, Competition).join(Competition)
                       .where(Nomination.nominee == person_id)
                       .order_by(Competition.year.desc(), Competition.kind))
    outside = list(ContestNomination.select().where(ContestNomination.person == person_id)
                   .order_by(ContestNomination.year.desc(), ContestNomination.id.desc()))
    took_part = list(SchoolEvent.select().join(EventParticipant)
                     .where(EventParticipant.person == person_id).order_by(SchoolEvent.held_on.desc()))
    return {"nominations": school_noms, "contests": outside, "events": took_part}


def year_summary(school_id: int, year: int) -> dict:
    """The year's report's part: the competitions with nominations and places, outside contests by level and
    outcome, the events held — counts and titles, no names. Three queries."""
    start, end = years.window(year)
    rows = (Competition.select(Competition.kind, Competition.status, fn.COUNT(Nomination.id),
                               fn.COUNT(Nomination.place))
            .join(Nomination, JOIN.LEFT_OUTER)
            .where((Competition.school == school_id) & (Competition.year == year))
            .group_by(Competition.id, Competition.kind, Competition.status).order_by(Competition.kind).tuples())
    held = list(SchoolEvent.select(SchoolEvent.kind, SchoolEvent.title, SchoolEvent.held_on)
                .where((SchoolEvent.school == school_id) & (SchoolEvent.held_on >= start) & (SchoolEvent.held_on < end))
                .order_by(SchoolEvent.held_on).tuples())
    outside = (ContestNomination.select(ContestNomination.level, ContestNomination.outcome, fn.COUNT(ContestNomination.id))
               .where((ContestNomination.school == school_id) & (ContestNomination.year == year))
               .group_by(ContestNomination.level, ContestNomination.outcome).tuples())
    levels = {code: {o: 0 for o in OUTCOME_TITLES} for code in LEVEL_TITLES}
    for level, outcome, n in outside:
        levels[level][outcome] = n
    return {"competitions": [{"title": COMPETITION_TITLES[kind], "state": STATE_TITLES[status], "nominations": n,
                              "placed": int(placed or 0)} for kind, status, n, placed in rows],
            "events": [{"kind": EVENT_KIND_TITLES[kind], "title": title, "held_on": held_on}
                       for kind, title, held_on in held],
            "contests": [{"level": LEVEL_TITLES[level], "total": sum(counts.values()),
                          "outcomes": {OUTCOME_TITLES[o]: n for o, n in counts.items() if n}}
                         for level, counts in levels.items()]}
