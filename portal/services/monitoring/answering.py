"""Who must answer what now, and answering: a person is surveyed only with a valid consent, answers only
in words (6.5), and an answer is final."""
from dataclasses import dataclass, field

from portal.db import atomic_write, lock_row
from portal.formatting import ru_date
from portal.models import (
    Answer, MentoringFormat, Mentorship, MentorshipMember, MonitoringRound, Person, Question, Questionnaire,
    Response,
)
from portal.services import NotAllowed, ServiceError, audit
from portal.services import consent as consents
from portal.services import cycle
from portal.services.monitoring.questionnaires import (
    ROUND_TITLES, SCALES, SCALE_WORDS, current_questionnaires, questions_of,
)


# Which held meeting opens which questionnaire of the pair's own cycle.
CYCLE_KINDS = {"entry": "first", "exit": "final"}
ROUND_QUESTIONNAIRES = ("process", "satisfaction")
SURVEYED_STATUSES = ("active", "completed")
MAX_TEXT = 4000


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

    @property
    def round_title(self) -> str:
        """«промежуточный этап мониторинга (начат 6 декабря 2026 г.)»: with an intermediate and a final round
        open, the same questionnaire is due twice for one pair, and only the round tells the two apart."""
        return round_title(self.monitoring_round) if self.monitoring_round else ""


def round_title(monitoring_round: MonitoringRound) -> str:
    return f"{ROUND_TITLES[monitoring_round.kind]} этап мониторинга (начат {ru_date(monitoring_round.opened_at)})"


def field_name(question: Question) -> str:
    return f"q{question.id}"


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
        lock_row(Person, person.id)
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


def answer_page(task: Task, response: Response | None) -> dict:
    """What the answering page shows: the questions with their word scales, and the answers once given."""
    return {"task": task, "response": response, "questions": questions_of(task.questionnaire.id),
            "answers": answers_of(response) if response else {}, "scales": SCALES, "words": SCALE_WORDS,
            "max_text": MAX_TEXT}
