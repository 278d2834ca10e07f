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
from portal.models.base import KeptSelect
from portal.services import years

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
# The words direction() gives, in the order the dashboard and the report list them.
DIRECTIONS = ("рост", "без изменений", "снижение")


def since_moment(since: date | None) -> datetime | None:
    return datetime.combine(since, time.min) if since else None


def of_year(year: int):
    """A WHERE condition on Response (with its pair and round joined, left outer): the answer belongs to
    the school year — its pair is of that year, or, without a pair, its round opened in it."""
    return (years.pair_condition(year)
            | (Response.mentorship.is_null() & Response.monitoring_round.is_null(False) & years.round_condition(year)))


def direction(scale: str, before: str, after: str) -> str:
    diff = ORDER[scale][after] - ORDER[scale][before]
    return "рост" if diff > 0 else "снижение" if diff < 0 else "без изменений"


def _format_of():
    """The format a response belongs to: its round's, else its pair's (entry/exit have no round)."""
    return fn.COALESCE(MonitoringRound.mentoring_format, Mentorship.mentoring_format)


def _growth_rows(where) -> list[dict]:
    """Entry step, exit step and direction per person, pair and anchor, for the exits `where` selects; one query."""
    return _growth_of(_growth_select(where).tuples())


def _growth_select(where):
    """The select behind `_growth_rows`.

    The entry answer is joined to the exit answer in SQL (same respondent, same pair, same anchor), so
    only people who answered both come back, as plain tuples: at school scale that is thousands of
    answers, and building every one as a model instance cost the dashboard seconds. A person counts once
    per pair."""
    entry, entry_q, entry_kind, entry_response = Answer.alias(), Question.alias(), Questionnaire.alias(), Response.alias()
    query = (Answer.select(Response.respondent, Response.mentorship, Mentorship.mentoring_format, Question.anchor,
                           Question.text, Question.answer_type, entry.scale_value, Answer.scale_value,
                           Person.surname, Person.first_name, Person.patronymic)
             .join(Question).join(Questionnaire).switch(Answer).join(Response)
             .join(Mentorship).switch(Response).join(Person, on=Response.respondent)
             .switch(Response)
             .join(entry_response, on=((entry_response.respondent == Response.respondent)
                                       & (entry_response.mentorship == Response.mentorship)))
             .join(entry, on=(entry.response == entry_response.id))
             .join(entry_q, on=((entry.question == entry_q.id) & (entry_q.anchor == Question.anchor)
                                & (entry_q.answer_type == Question.answer_type)))
             .join(entry_kind, on=((entry_q.questionnaire == entry_kind.id) & (entry_kind.kind == "entry")))
             .where((Questionnaire.kind == "exit") & (Question.anchor != "")
                    & Question.answer_type.in_(list(SCALES)) & where))
    return query


def _growth_of(rows) -> list[dict]:
    result, seen = [], set()
    for person_id, pair_id, format_id, anchor, text, scale, before, after, *name in rows:
        if (person_id, pair_id, anchor) in seen or before not in ORDER[scale] or after not in ORDER[scale]:
            continue
        seen.add((person_id, pair_id, anchor))
        result.append({"person_id": person_id, "person": " ".join(part for part in name if part),
                       "format_id": format_id, "anchor": anchor, "question": text,
                       "before": STEP_TITLES[before], "after": STEP_TITLES[after],
                       "direction": direction(scale, before, after)})
    result.sort(key=lambda r: (r["person"], r["anchor"]))
    return result


def growth(format_ids, since: date | None = None, year: int | None = None) -> list[dict]:
    """Per person and anchor question of the formats: the entry step, the exit step and the direction; one
    query. With a period, only exits submitted in it count; the entry may be older. With a school year,
    only the exits of that year's pairs (services.years)."""
    ids = list(format_ids)
    if not ids:
        return []
    where = Mentorship.mentoring_format.in_(ids)
    if since:
        where &= Response.submitted_at >= since_moment(since)
    if year is not None:
        where &= years.pair_condition(year)
    return _growth_rows(where)


def mentee_growth(mentorship_id: int, mentee_ids) -> list[dict]:
    """The self-assessment of a pair's mentees from entry to exit (6.3), for the pair's own mentor: one query.

    DECISIONS «Who sees answers»: the person's own mentor sees the person's entry → exit growth, and only
    that — the mentor's own answers, and any answer about someone, stay out. The caller hands a pair it
    fetched through the mentor's fetcher (cycle.mentorship_of_mentor) and the pair's current mentees."""
    ids = list(mentee_ids)
    if not ids:
        return []
    return _growth_of(_MENTEE_GROWTH.tuples(mentorship_id, ids))


# Asked by every view of a mentor's pair: the nine-table join's text is kept (models.base.KeptSelect).
_MENTEE_GROWTH = KeptSelect(lambda pair_id, ids: _growth_select(
    (Response.mentorship == pair_id) & Response.respondent.in_(ids) & Response.about.is_null()))


@dataclass
class QuestionSummary:
    kind: str
    text: str
    scale: str
    about_someone: bool = False
    counts: dict = field(default_factory=dict)
    # Set on a total whose parts include a hidden figure: shown beside the visible parts, the total
    # would give the hidden one away by subtraction.
    withheld: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def hidden(self) -> bool:
        """The three-answer rule, checked on the figure actually shown."""
        return self.about_someone and (self.total < MIN_ABOUT or self.withheld)

    @property
    def bars(self) -> list[tuple[str, int]]:
        return [(title, self.counts.get(code, 0)) for code, title in SCALES[self.scale]]


def summaries(format_ids, since: date | None = None, year: int | None = None) -> dict:
    """Count of each verbal step per question, per format and for all the formats given; one query.

    With a school year, the answers of that year's pairs count, and an answer without a pair counts when
    its round opened in that year (services.years).

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
    if year is not None:
        query = query.where(of_year(year))
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
    for key, total in result["school"].items():
        total.withheld = any(bucket[key].hidden for scope, bucket in result.items()
                             if scope != "school" and key in bucket)
    order = [k for k, _ in SUMMARY_KINDS]
    return {scope: [bucket[k] for k in sorted(bucket, key=lambda k: (order.index(k[0]), k[1], k[2]))]
            for scope, bucket in result.items()}


def about_person(person_id: int) -> list[QuestionSummary]:
    """The satisfaction answers about one person (a mentee's satisfaction with their mentor, Response.about),
    counted per question over every pair and round; two queries. Every summary is about someone, so one with fewer
    than MIN_ABOUT answers is hidden: the person it is about reads it («Оценка моей работы»). So is one that fewer
    than MIN_ABOUT people gave, however many rounds they answered in: one mentee's answers over three rounds are
    that mentee's view, not an anonymous aggregate."""
    query = (Answer.select(Question.position, Question.text, Question.answer_type, Answer.scale_value,
                           fn.COUNT(Answer.id))
             .join(Question).join(Questionnaire).switch(Answer).join(Response)
             .where((Response.about == person_id) & (Questionnaire.kind == "satisfaction")
                    & Question.answer_type.in_(list(SCALES)))
             .group_by(Question.position, Question.text, Question.answer_type, Answer.scale_value))
    found: dict = {}
    for position, text, scale, code, n in query.tuples():
        if code not in ORDER[scale]:
            continue
        summary = found.setdefault((position, text), QuestionSummary(kind="satisfaction", text=text, scale=scale,
                                                                      about_someone=True))
        summary.counts[code] = summary.counts.get(code, 0) + n
    people = (Answer.select(Question.position, Question.text, fn.COUNT(Response.respondent.distinct()))
              .join(Question).join(Questionnaire).switch(Answer).join(Response)
              .where((Response.about == person_id) & (Questionnaire.kind == "satisfaction")
                     & Question.answer_type.in_(list(SCALES)))
              .group_by(Question.position, Question.text))
    for position, text, n in people.tuples():
        if (position, text) in found and n < MIN_ABOUT:
            found[(position, text)].withheld = True
    return [found[key] for key in sorted(found)]
