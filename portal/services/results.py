"""Monitoring results (6.3, 6.5, 3.2): growth from entry to exit, and summaries of process quality and
satisfaction — in words, never in marks.

Verbal scale steps are stored as codes; SCALES gives each scale its steps in order. The order is used
only here to tell «рост» from «снижение»: no step is ever shown as a number (6.5, DECISIONS «Monitoring»).

Answers about another person (a mentee's satisfaction with a mentor, Response.about set) are shown only
as aggregates of at least MIN_ABOUT answers, and the rule is applied to the figure as displayed — after
the form and period filters — so no two filters can isolate one answer (DECISIONS «Who sees answers»).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time

from peewee import JOIN, fn

from portal.models import Answer, Mentorship, MonitoringRound, Person, Question, Questionnaire, Response

# Codes of the verbal scales, lowest step first: the same codes as portal/data/questionnaires.py.
SCALES = {
    "agree": (("disagree", "совсем не согласен"), ("rather_disagree", "скорее не согласен"),
              ("rather_agree", "скорее согласен"), ("agree", "полностью согласен")),
    "frequency": (("never", "никогда"), ("rarely", "редко"), ("sometimes", "иногда"), ("often", "часто"),
                  ("always", "всегда")),
}
ORDER = {scale: {code: i for i, (code, _) in enumerate(steps)} for scale, steps in SCALES.items()}
STEP_TITLES = {code: title for steps in SCALES.values() for code, title in steps}
MIN_ABOUT = 3
HIDDEN = f"недостаточно ответов для показа (нужно не меньше {MIN_ABOUT})"
SUMMARY_KINDS = (("process", "Качество процесса"), ("satisfaction", "Удовлетворённость"))


def since_moment(since: date | None) -> datetime | None:
    return datetime.combine(since, time.min) if since else None


def direction(scale: str, before: str, after: str) -> str:
    diff = ORDER[scale][after] - ORDER[scale][before]
    return "рост" if diff > 0 else "снижение" if diff < 0 else "без изменений"


def _format_of():
    """The format a response belongs to: its round's, else its pair's (entry/exit have no round)."""
    return fn.COALESCE(MonitoringRound.mentoring_format, Mentorship.mentoring_format)


def growth(format_ids, since: date | None = None) -> list[dict]:
    """Per person and anchor question: the entry step, the exit step and the direction; one query.

    A person counts once per pair. With a period, only exits submitted in it count; the entry may be older.
    """
    ids = list(format_ids)
    if not ids:
        return []
    rows = (Answer.select(Answer, Question, Questionnaire, Response, Mentorship, Person)
            .join(Question).join(Questionnaire).switch(Answer).join(Response)
            .join(Mentorship).switch(Response).join(Person, on=Response.respondent)
            .where(Questionnaire.kind.in_(["entry", "exit"]) & (Question.anchor != "")
                   & Question.answer_type.in_(list(SCALES)) & Mentorship.mentoring_format.in_(ids))
            .order_by(Response.submitted_at, Response.id))
    steps: dict[tuple, dict] = {}
    for a in rows:
        question, response = a.question, a.response
        if a.scale_value not in ORDER.get(question.answer_type, {}):
            continue
        key = (response.respondent_id, response.mentorship_id, question.anchor)
        entry = steps.setdefault(key, {"person": response.respondent, "question": question.text,
                                       "format_id": response.mentorship.mentoring_format_id,
                                       "scale": question.answer_type})
        entry[question.questionnaire.kind] = a.scale_value
        if question.questionnaire.kind == "exit":
            entry["question"], entry["exit_at"] = question.text, response.submitted_at
    moment = since_moment(since)
    result = []
    for (person_id, _, anchor), s in steps.items():
        if "entry" not in s or "exit" not in s or (moment and s["exit_at"] < moment):
            continue
        result.append({"person_id": person_id, "person": s["person"], "format_id": s["format_id"],
                       "anchor": anchor, "question": s["question"],
                       "before": STEP_TITLES[s["entry"]], "after": STEP_TITLES[s["exit"]],
                       "direction": direction(s["scale"], s["entry"], s["exit"])})
    result.sort(key=lambda r: (r["person"].full_name, r["anchor"]))
    return result


@dataclass
class QuestionSummary:
    kind: str
    text: str
    scale: str
    about_someone: bool = False
    counts: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def hidden(self) -> bool:
        """The three-answer rule, checked on the figure actually shown."""
        return self.about_someone and self.total < MIN_ABOUT

    @property
    def bars(self) -> list[tuple[str, int]]:
        return [(title, self.counts.get(code, 0)) for code, title in SCALES[self.scale]]


def summaries(format_ids, since: date | None = None) -> dict:
    """Count of each verbal step per question, per format and for all the formats given; one query.

    Returns {"school": [QuestionSummary…], format_id: [QuestionSummary…]} in questionnaire order.
    Free-text answers are not summarised: a text can name or identify its author.
    """
    ids = list(format_ids)
    if not ids:
        return {"school": []}
    format_of = _format_of()
    query = (Answer.select(format_of.alias("format_id"), Question.position, Question.text, Question.answer_type,
                           Questionnaire.kind, Answer.scale_value, Response.about.is_null(False).alias("about"),
                           fn.COUNT(Answer.id).alias("n"))
             .join(Question).join(Questionnaire).switch(Answer).join(Response)
             .join(MonitoringRound, join_type=JOIN.LEFT_OUTER, on=Response.monitoring_round == MonitoringRound.id)
             .switch(Response)
             .join(Mentorship, join_type=JOIN.LEFT_OUTER, on=Response.mentorship == Mentorship.id)
             .where(Questionnaire.kind.in_([k for k, _ in SUMMARY_KINDS]) & Question.answer_type.in_(list(SCALES))
                    & format_of.in_(ids))
             .group_by(format_of, Question.position, Question.text, Question.answer_type, Questionnaire.kind,
                       Answer.scale_value, Response.about.is_null(False)))
    if since:
        query = query.where(Response.submitted_at >= since_moment(since))
    result: dict = {"school": {}}
    for format_id, position, text, scale, kind, code, about, n in query.tuples():
        if code not in ORDER[scale]:
            continue
        # Questions are matched by kind and text so versions with the same wording add up.
        key = (kind, position, text)
        for bucket in (result["school"], result.setdefault(format_id, {})):
            summary = bucket.setdefault(key, QuestionSummary(kind=kind, text=text, scale=scale))
            summary.about_someone = summary.about_someone or bool(about)
            summary.counts[code] = summary.counts.get(code, 0) + n
    order = [k for k, _ in SUMMARY_KINDS]
    return {scope: [bucket[k] for k in sorted(bucket, key=lambda k: (order.index(k[0]), k[1], k[2]))]
            for scope, bucket in result.items()}
