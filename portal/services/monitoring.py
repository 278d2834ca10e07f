"""Monitoring (6.1–6.5): the standard questionnaires, who must answer what now, answering, and rounds.

Entry and exit questionnaires follow a pair's cycle (the first and the final held meeting); the process
and satisfaction questionnaires follow the rounds the curator or a mentor opens for a format (6.4).
A person is surveyed only with a valid consent, answers only in words (6.5), and an answer is final.
"""
import runpy
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from peewee import JOIN, IntegrityError, fn

from portal.db import atomic_write, is_sqlite
from portal.models import (
    Answer, MentoringFormat, Mentorship, MentorshipMember, MonitoringRound, Person, PersonRow, Question,
    Questionnaire, Response,
)
from portal.models.base import utcnow
from portal.models.monitoring import ANSWER_TYPES, QUESTIONNAIRE_KINDS, ROUND_KINDS
from portal.services import NotAllowed, ServiceError, audit
from portal.services import consent as consents
from portal.services import cycle

# portal/data is a folder of data files, not a package: the standard questionnaires are read from it.
_STANDARD = runpy.run_path(str(Path(__file__).resolve().parent.parent / "data" / "questionnaires.py"))
SCALES, STANDARD = _STANDARD["SCALES"], _STANDARD["STANDARD"]
KIND_TITLES = dict(QUESTIONNAIRE_KINDS)
ROUND_TITLES = dict(ROUND_KINDS)
SCALE_WORDS = {kind: dict(options) for kind, options in SCALES.items()}
# Which held meeting opens which questionnaire of the pair's own cycle.
CYCLE_KINDS = {"entry": "first", "exit": "final"}
ROUND_QUESTIONNAIRES = ("process", "satisfaction")
SURVEYED_STATUSES = ("active", "completed")
OVERDUE_DAYS = 14
MAX_TEXT = 4000
# A new version of a questionnaire (the coordinator's editor).
MAX_TITLE = 300
MAX_QUESTION_TEXT = 500
MAX_QUESTIONS = 40
# Entry and exit share their anchor questions (6.3).
TWIN_KINDS = {"entry": "exit", "exit": "entry"}


class InvalidAnswers(ServiceError):
    """Answers refused question by question: `errors` maps a field name (`q<id>`) to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("Проверьте ответы: не на все вопросы дан ответ из предложенных.")
        self.errors = errors


@dataclass
class Task:
    """One questionnaire a person must answer: for a pair, and for a round when it is a round's."""

    questionnaire: Questionnaire
    mentorship: Mentorship
    side: str
    monitoring_round: MonitoringRound | None = None
    about: Person | None = None
    # The pair's mentees, for the mentor's side: «пара с …» tells one pair's questionnaire from another's.
    mentees: list = field(default_factory=list)

    @property
    def round_id(self):
        return self.monitoring_round.id if self.monitoring_round else None


def field_name(question: Question) -> str:
    return f"q{question.id}"


# --- the questionnaires ---------------------------------------------------------------------------

def seed_questionnaires(school) -> None:
    """Version 1 of each standard questionnaire, for a school that has none of that kind yet."""
    school_id = getattr(school, "id", school)
    have = {kind for (kind,) in Questionnaire.select(Questionnaire.kind)
            .where(Questionnaire.school == school_id).distinct().tuples()}
    missing = [kind for kind in STANDARD if kind not in have]
    if not missing:
        return
    try:
        with atomic_write():
            for kind in missing:
                _create_version(school_id, kind, 1, STANDARD[kind]["title"], STANDARD[kind]["questions"])
    except IntegrityError:
        pass  # a parallel request seeded them first


def _create_version(school_id: int, kind: str, version: int, title: str, questions) -> Questionnaire:
    questionnaire = Questionnaire.create(school=school_id, kind=kind, version=version, title=title)
    Question.insert_many([
        {"questionnaire": questionnaire.id, "position": n, "anchor": anchor, "answer_type": answer_type, "text": text}
        for n, (anchor, answer_type, text) in enumerate(questions, 1)]).execute()
    return questionnaire


class InvalidVersion(ServiceError):
    """A new questionnaire version refused field by field.

    `errors` maps (row, field) to its Russian message: row is a question's position in the posted list
    (0-based), or None for the whole questionnaire (`title`, `questions`)."""

    def __init__(self, errors: dict[tuple[int | None, str], str]):
        super().__init__("Проверьте анкету: не все вопросы заполнены как нужно.")
        self.errors = errors


@dataclass
class VersionDraft:
    """A checked new version, as it will be published; `twin_version` is set when the entry (exit)
    questionnaire's reworded anchors also publish a new exit (entry) version, so both keep asking the
    same anchor questions (6.3)."""

    kind: str
    title: str
    questions: list[tuple[str, str, str]]
    version: int
    twin_kind: str | None = None
    twin_version: int | None = None
    twin_questions: list[tuple[str, str, str]] | None = None
    twin_title: str = ""


def answer_type_choices() -> list[tuple[str, str]]:
    """Verbal scales (with their words) and free text: no numeric scale exists to choose (6.5)."""
    return [(code, f"{title}: {' / '.join(word for _, word in SCALES[code])}" if code in SCALES else title)
            for code, title in ANSWER_TYPES]


def questionnaire_versions(school_id: int) -> list[dict]:
    """Each kind's current version with its number of questions, for the coordinator's list. Three queries."""
    current = current_questionnaires(school_id)
    counts = dict(Question.select(Question.questionnaire, fn.COUNT(Question.id))
                  .where(Question.questionnaire.in_([q.id for q in current.values()]))
                  .group_by(Question.questionnaire).tuples()) if current else {}
    return [{"kind": kind, "kind_title": title, "questionnaire": current.get(kind),
             "questions": counts.get(current[kind].id, 0) if kind in current else 0}
            for kind, title in QUESTIONNAIRE_KINDS]


def current_version(scope, kind: str) -> tuple[Questionnaire, list[Question]]:
    """The version a new one starts from; only the coordinator edits the school's questionnaires."""
    _check_publisher(scope, kind)
    current = current_questionnaires(scope.school_id)[kind]
    return current, questions_of(current.id)


def _check_publisher(scope, kind: str) -> None:
    if not scope.is_coordinator:
        raise NotAllowed("Анкеты школы меняет координатор.")
    if kind not in KIND_TITLES:
        raise NotAllowed("Нет такого вида анкеты.")


def _one_line(value) -> str:
    return " ".join(str(value or "").split())


def _text_error(text: str, limit: int, empty: str) -> str | None:
    if not text:
        return empty
    if len(text) > limit:
        return f"Не длиннее {limit} символов."
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return "Текст содержит недопустимые символы."
    return None


def _check_questions(rows, anchors: dict[str, Question], errors) -> list[tuple[str, str, str]]:
    """Text and answer type of each question; an anchor stays where it is and keeps its scale (6.3)."""
    cleaned, seen = [], set()
    for n, (anchor, answer_type, text) in enumerate(rows):
        anchor, answer_type, text = _one_line(anchor), _one_line(answer_type), _one_line(text)
        problem = _text_error(text, MAX_QUESTION_TEXT, "Впишите текст вопроса.")
        if problem:
            errors[(n, "text")] = problem
        if answer_type not in SCALES and answer_type != "text":
            errors[(n, "answer_type")] = ("Выберите шкалу из слов или свободный ответ: числовых шкал и баллов "
                                          "в мониторинге нет (п. 6.5).")
        if anchor:
            if anchor not in anchors or anchor in seen:
                errors[(None, "questions")] = "Якорные вопросы берутся только из текущей версии анкеты."
            elif answer_type != anchors[anchor].answer_type:
                errors[(n, "answer_type")] = ("Шкалу якорного вопроса менять нельзя: иначе ответы на входе "
                                              "и выходе не сравнить (п. 6.3).")
            seen.add(anchor)
        cleaned.append((anchor, answer_type, text))
    for anchor, question in anchors.items():
        if anchor not in seen:
            errors.setdefault((None, "questions"), f"Якорный вопрос «{question.text}» удалять нельзя: по нему "
                                                   "сравнивают ответы на входе и выходе (п. 6.3).")
    if not cleaned:
        errors[(None, "questions")] = "В анкете должен быть хотя бы один вопрос."
    elif len(cleaned) > MAX_QUESTIONS:
        errors[(None, "questions")] = f"Не больше {MAX_QUESTIONS} вопросов в анкете."
    return cleaned


def check_version(scope, kind: str, title: str, questions, based_on: int | None = None) -> VersionDraft:
    """A new version as it would be published, or InvalidVersion with a Russian message per field.

    `questions` are (anchor, answer type, text) in order; `based_on` is the version the coordinator
    started from, so a version someone published meanwhile is not silently replaced."""
    _check_publisher(scope, kind)
    current = current_questionnaires(scope.school_id)
    base = current[kind]
    base_questions = questions_of(base.id)
    anchors = {q.anchor: q for q in base_questions if q.anchor} if kind in TWIN_KINDS else {}
    errors: dict[tuple[int | None, str], str] = {}
    title = _one_line(title)
    problem = _text_error(title, MAX_TITLE, "Впишите название анкеты.")
    if problem:
        errors[(None, "title")] = problem
    cleaned = _check_questions(list(questions), anchors, errors)
    if based_on is not None and based_on != base.version:
        errors[(None, "questions")] = (f"Пока вы правили анкету, опубликована её версия {base.version}. "
                                       "Откройте страницу заново, чтобы начать с неё.")
    elif not errors and title == base.title and cleaned == [(q.anchor, q.answer_type, q.text)
                                                             for q in base_questions]:
        errors[(None, "questions")] = "Анкета не изменилась: новая версия не нужна."
    if errors:
        raise InvalidVersion(errors)
    draft = VersionDraft(kind, title, cleaned, base.version + 1)
    twin_kind = TWIN_KINDS.get(kind)
    if twin_kind in current:
        texts = {anchor: text for anchor, _, text in cleaned if anchor}
        twin = current[twin_kind]
        rows = [(q.anchor, q.answer_type, q.text) for q in questions_of(twin.id)]
        renamed = [(a, t, texts.get(a, text) if a else text) for a, t, text in rows]
        if renamed != rows:
            draft.twin_kind, draft.twin_version, draft.twin_questions = twin_kind, twin.version + 1, renamed
            draft.twin_title = twin.title
    return draft


def publish_version(scope, kind: str, title: str, questions, based_on: int | None = None,
                    ip: str = "") -> Questionnaire:
    """A changed set of questions is a new version; answers already given keep pointing at the old one.

    Only the coordinator publishes. Entry and exit ask the same anchor questions (6.3): an anchor is
    never removed nor given another scale, and rewording one publishes the twin questionnaire too."""
    try:
        with atomic_write():
            draft = check_version(scope, kind, title, questions, based_on)
            published = _create_version(scope.school_id, kind, draft.version, draft.title, draft.questions)
            audit.record("monitoring.questionnaire_published", actor=scope.person, obj=published,
                         school=scope.school_id, ip=ip, kind=kind, version=draft.version)
            if draft.twin_kind:
                twin = _create_version(scope.school_id, draft.twin_kind, draft.twin_version, draft.twin_title,
                                       draft.twin_questions)
                audit.record("monitoring.questionnaire_published", actor=scope.person, obj=twin,
                             school=scope.school_id, ip=ip, kind=draft.twin_kind, version=draft.twin_version,
                             anchors_from=kind)
    except IntegrityError:
        raise InvalidVersion({(None, "questions"): "Эту анкету только что опубликовали в другом окне. "
                                                   "Откройте страницу заново."}) from None
    return published


def current_questionnaires(school_id: int) -> dict[str, Questionnaire]:
    """kind → the newest version, seeding the standard set on first use."""
    seed_questionnaires(school_id)
    rows = Questionnaire.select().where(Questionnaire.school == school_id).order_by(Questionnaire.version)
    return {q.kind: q for q in rows}


def questions_of(questionnaire_id: int) -> list[Question]:
    return list(Question.select().where(Question.questionnaire == questionnaire_id).order_by(Question.position))


def options_of(question: Question) -> tuple[tuple[str, str], ...]:
    return SCALES.get(question.answer_type, ())


# --- who answers what now -------------------------------------------------------------------------

def _pairs_of(person: Person, mentorship_id: int | None = None) -> list[tuple[Mentorship, str]]:
    """The person's surveyed pairs with their side in each; mentor joined as `mentor`. Two queries."""
    mine = MentorshipMember.select(MentorshipMember.mentorship).where(
        (MentorshipMember.mentee == person) & MentorshipMember.left_at.is_null())
    query = (Mentorship.select(Mentorship, MentoringFormat, cycle.Mentor).join(MentoringFormat).switch(Mentorship)
             .join(cycle.Mentor, on=(Mentorship.mentor == cycle.Mentor.id), attr="mentor")
             .where(Mentorship.status.in_(SURVEYED_STATUSES)
                    & ((Mentorship.mentor == person) | Mentorship.id.in_(mine))
                    & (MentoringFormat.school == person.school_id))
             .order_by(Mentorship.id))
    if mentorship_id is not None:
        query = query.where(Mentorship.id == mentorship_id)
    pairs = list(query)
    member_of = {row[0] for row in mine.tuples()}
    return [(m, "mentor" if m.mentor_id == person.id else "mentee") for m in pairs
            if m.mentor_id == person.id or m.id in member_of]


def _mentees_of(mentorship_ids) -> dict[int, list[Person]]:
    """Each pair's current mentees: a mentor with several pairs tells their questionnaires apart by them,
    and a pair's single mentee is whom the mentor's satisfaction answer is about (a group has none)."""
    members: dict[int, list[Person]] = {}
    for row in (MentorshipMember.select(MentorshipMember, Person).join(Person)
                .where(MentorshipMember.mentorship.in_(list(mentorship_ids)) & MentorshipMember.left_at.is_null())
                .order_by(MentorshipMember.id)):
        members.setdefault(row.mentorship_id, []).append(row.mentee)
    return members


def _tasks(person: Person, mentorship_id: int | None = None) -> list[Task]:
    """Every questionnaire the person is due to answer, answered or not. A fixed number of queries."""
    pairs = _pairs_of(person, mentorship_id)
    if not pairs:
        return []
    gate = consents.participation_gate({(person, side) for _, side in pairs})
    pairs = [(m, side) for m, side in pairs if gate[(person.id, side)]]
    if not pairs:
        return []
    questionnaires = current_questionnaires(person.school_id)
    ids = [m.id for m, _ in pairs]
    held = {(m.mentorship_id, m.stage) for m in cycle.current_meetings(ids)
            if m.status == "held" and m.stage in CYCLE_KINDS.values()}
    rounds = {}
    for r in (MonitoringRound.select().where(MonitoringRound.mentoring_format.in_({m.mentoring_format_id
                                                                                  for m, _ in pairs})
                                             & MonitoringRound.closed_at.is_null())
              .order_by(MonitoringRound.opened_at, MonitoringRound.id)):
        rounds.setdefault(r.mentoring_format_id, []).append(r)
    mentees = _mentees_of(ids) if any(side == "mentor" for _, side in pairs) else {}
    tasks = []
    for m, side in pairs:
        for kind, stage in CYCLE_KINDS.items():
            if (m.id, stage) in held and kind in questionnaires:
                tasks.append(Task(questionnaires[kind], m, side, mentees=mentees.get(m.id, [])))
        for r in rounds.get(m.mentoring_format_id, []):
            for kind in ROUND_QUESTIONNAIRES:
                if kind in questionnaires:
                    pair_mentees = mentees.get(m.id, [])
                    single = pair_mentees[0] if len(pair_mentees) == 1 else None
                    about = (m.mentor if side == "mentee" else single) if kind == "satisfaction" else None
                    tasks.append(Task(questionnaires[kind], m, side, r, about, pair_mentees))
    return tasks


def _answered(person: Person) -> set[tuple[str, int, int | None]]:
    """(kind, pair, round) the person has answered, whatever the questionnaire's version."""
    rows = (Response.select(Questionnaire.kind, Response.mentorship, Response.monitoring_round)
            .join(Questionnaire).where(Response.respondent == person).tuples())
    return set(rows)


def _key(task: Task) -> tuple[str, int, int | None]:
    return task.questionnaire.kind, task.mentorship.id, task.round_id


def pending_for(person: Person) -> list[Task]:
    """What the person must answer now, for the home pages. A fixed number of queries."""
    tasks = _tasks(person)
    if not tasks:
        return []
    answered = _answered(person)
    return [t for t in tasks if _key(t) not in answered]


def task_for(person: Person, questionnaire_id: int, mentorship_id: int | None,
             round_id: int | None) -> tuple[Task, Response | None]:
    """The task behind an answering URL and the person's response if any; anything else is «not found»."""
    if mentorship_id is None:
        raise NotAllowed("Нет такой анкеты.")
    for task in _tasks(person, mentorship_id):
        if task.questionnaire.id == questionnaire_id and task.round_id == round_id:
            return task, _response_of(person, task)
    raise NotAllowed("Нет такой анкеты.")


def _response_of(person: Person, task: Task) -> Response | None:
    round_match = (Response.monitoring_round.is_null() if task.round_id is None
                   else Response.monitoring_round == task.round_id)
    return (Response.select().join(Questionnaire)
            .where((Response.respondent == person) & (Response.mentorship == task.mentorship.id) & round_match
                   & (Questionnaire.kind == task.questionnaire.kind)).first())


def answers_of(response: Response) -> dict[int, Answer]:
    return {a.question_id: a for a in Answer.select().where(Answer.response == response)}


def validate(questions: list[Question], posted) -> tuple[dict[int, tuple[str, str]], dict[str, str]]:
    """Each scale question answered with one of its words, free text optional and not too long."""
    values, errors = {}, {}
    for question in questions:
        raw = (posted.get(field_name(question)) or "").strip()
        if question.answer_type == "text":
            if len(raw) > MAX_TEXT:
                errors[field_name(question)] = f"Не больше {MAX_TEXT} символов."
            elif any((ord(ch) < 32 and ch not in "\r\n\t") or ord(ch) == 127 for ch in raw):
                errors[field_name(question)] = "Ответ содержит недопустимые символы."
            else:
                values[question.id] = ("", raw)
        elif raw not in SCALE_WORDS.get(question.answer_type, {}):
            errors[field_name(question)] = "Выберите один из предложенных ответов."
        else:
            values[question.id] = (raw, "")
    return values, errors


def _lock_person(person_id: int) -> None:
    if not is_sqlite():
        list(Person.select(Person.id).where(Person.id == person_id).for_update())


def answer(person: Person, questionnaire_id: int, mentorship_id: int | None, round_id: int | None, posted,
           ip: str = "") -> Response:
    """Store a filled questionnaire; it is final, so a second one for the same task is refused."""
    task, response = task_for(person, questionnaire_id, mentorship_id, round_id)
    if response is not None:
        raise ServiceError("Анкета уже заполнена.")
    questions = questions_of(questionnaire_id)
    values, errors = validate(questions, posted)
    if errors:
        raise InvalidAnswers(errors)
    with atomic_write():
        _lock_person(person.id)
        if _response_of(person, task) is not None:
            raise ServiceError("Анкета уже заполнена.")
        response = Response.create(questionnaire=task.questionnaire, respondent=person, about=task.about,
                                   mentorship=task.mentorship.id, monitoring_round=task.round_id)
        Answer.insert_many([{"response": response.id, "question": qid, "scale_value": scale, "text": text}
                            for qid, (scale, text) in values.items()]).execute()
        audit.record("monitoring.answered", actor=person, obj=response, school=person.school_id, ip=ip,
                     kind=task.questionnaire.kind, version=task.questionnaire.version,
                     mentorship=task.mentorship.id, round=task.round_id)
    return response


# --- rounds (6.4) ---------------------------------------------------------------------------------

def _lock_format(format_id: int) -> None:
    if not is_sqlite():
        list(MentoringFormat.select(MentoringFormat.id).where(MentoringFormat.id == format_id).for_update())


def _open_round(actor: Person, fmt: MentoringFormat, kind: str, ip: str) -> MonitoringRound:
    if kind not in ROUND_TITLES:
        raise ServiceError("Выберите вид этапа мониторинга.", field="kind")
    with atomic_write():
        _lock_format(fmt.id)
        if MonitoringRound.select().where((MonitoringRound.mentoring_format == fmt.id) & (MonitoringRound.kind == kind)
                                          & MonitoringRound.closed_at.is_null()).exists():
            raise ServiceError(f"{ROUND_TITLES[kind].capitalize()} этап мониторинга уже идёт в этой форме.",
                               field="kind")
        monitoring_round = MonitoringRound.create(mentoring_format=fmt.id, kind=kind, opened_by=actor)
        audit.record("monitoring.round_opened", actor=actor, obj=monitoring_round, school=fmt.school_id, ip=ip,
                     kind=kind, format=fmt.id)
    return monitoring_round


def open_round(scope, format_id: int, kind: str, ip: str = "") -> MonitoringRound:
    """The coordinator or the format's curator opens an intermediate or a final round."""
    return _open_round(scope.person, scope.check_format(format_id), kind, ip)


def mentor_formats(mentor: Person) -> list[MentoringFormat]:
    """Formats where the person mentors an active pair: where a mentor may run monitoring (6.4)."""
    return list(MentoringFormat.select().where(MentoringFormat.id.in_(
        Mentorship.select(Mentorship.mentoring_format).where((Mentorship.mentor == mentor)
                                                             & (Mentorship.status == "active"))))
        .order_by(MentoringFormat.id))


def open_round_as_mentor(mentor: Person, format_id: int, kind: str, ip: str = "") -> MonitoringRound:
    fmt = next((f for f in mentor_formats(mentor) if f.id == format_id), None)
    if fmt is None:
        raise NotAllowed("Нет такой формы наставничества.")
    return _open_round(mentor, fmt, kind, ip)


def round_for(scope, round_id: int) -> MonitoringRound:
    found = MonitoringRound.select(MonitoringRound, MentoringFormat).join(MentoringFormat).where(
        (MonitoringRound.id == round_id) & MonitoringRound.mentoring_format.in_(list(scope.format_ids))).first()
    if found is None:
        raise NotAllowed("Нет такого этапа мониторинга.")
    return found


def close_round(scope, round_id: int, ip: str = "") -> MonitoringRound:
    monitoring_round = round_for(scope, round_id)
    with atomic_write():
        _lock_format(monitoring_round.mentoring_format_id)
        changed = (MonitoringRound.update(closed_at=utcnow())
                   .where((MonitoringRound.id == round_id) & MonitoringRound.closed_at.is_null()).execute())
        if not changed:
            raise ServiceError("Этап мониторинга уже завершён.")
        audit.record("monitoring.round_closed", actor=scope.person, obj=monitoring_round,
                     school=monitoring_round.mentoring_format.school_id, ip=ip)
    return MonitoringRound.get_by_id(round_id)


def expected_by_format(format_ids) -> dict[int, int]:
    """Answers a round of each format waits for: process quality and satisfaction from each consenting
    participant of its surveyed pairs, once per pair. The one definition the curator's rounds, the
    dashboard and the monitoring report share; three queries for any number of formats."""
    ids = list(format_ids)
    if not ids:
        return {}
    person = (Person.id, Person.surname, Person.first_name, Person.patronymic, Person.birth_date)
    surveyed = Mentorship.mentoring_format.in_(ids) & Mentorship.status.in_(SURVEYED_STATUSES)
    slots = [(format_id, PersonRow(*who), "mentor") for format_id, *who in (
        Mentorship.select(Mentorship.mentoring_format, *person).join(Person, on=Mentorship.mentor)
        .where(surveyed).tuples())]
    slots += [(format_id, PersonRow(*who), "mentee") for format_id, *who in (
        MentorshipMember.select(Mentorship.mentoring_format, *person).join(Person).switch(MentorshipMember)
        .join(Mentorship).where(surveyed & MentorshipMember.left_at.is_null()).tuples())]
    gate = consents.participation_gate({(who, side) for _, who, side in slots})
    expected = dict.fromkeys(ids, 0)
    for format_id, who, side in slots:
        if gate[(who.id, side)]:
            expected[format_id] += len(ROUND_QUESTIONNAIRES)
    return expected


def format_rounds(scope, format_id: int, now=None) -> dict:
    """The format's rounds with completion (answered of expected) and the overdue mark."""
    fmt = scope.check_format(format_id)
    now = now or utcnow()
    expected = expected_by_format([fmt.id])[fmt.id]
    answered = fn.COUNT(Response.id).alias("answered")
    rows = (MonitoringRound.select(MonitoringRound, answered).join(Response, JOIN.LEFT_OUTER)
            .where(MonitoringRound.mentoring_format == fmt.id)
            .group_by(MonitoringRound.id).order_by(MonitoringRound.opened_at.desc(), MonitoringRound.id.desc()))
    rounds, overdue_after = [], timedelta(days=OVERDUE_DAYS)
    for r in rows:
        is_open = r.closed_at is None
        rounds.append({"round": r, "title": ROUND_TITLES[r.kind], "answered": r.answered, "expected": expected,
                       "is_open": is_open,
                       "overdue": is_open and r.answered < expected and now - r.opened_at >= overdue_after})
    open_kinds = {row["round"].kind for row in rounds if row["is_open"]}
    return {"format": fmt, "rounds": rounds, "can_open": [(k, t) for k, t in ROUND_KINDS if k not in open_kinds]}


def answer_page(task: Task, response: Response | None) -> dict:
    """What the answering page shows: the questions with their word scales, and the answers once given."""
    return {"task": task, "response": response, "questions": questions_of(task.questionnaire.id),
            "answers": answers_of(response) if response else {}, "scales": SCALES, "words": SCALE_WORDS,
            "round_title": ROUND_TITLES[task.monitoring_round.kind].capitalize() if task.monitoring_round else "",
            "max_text": MAX_TEXT}
