"""Monitoring rounds (6.4): opened by the curator or a mentor for a format, closed, and how complete each is."""
from datetime import timedelta

from peewee import JOIN, fn

from portal.db import atomic_write, lock_row
from portal.formatting import quoted
from portal.models import (
    MentoringFormat, Mentorship, MentorshipMember, MonitoringRound, Person, PersonRow, Questionnaire, Response,
)
from portal.models.base import utcnow
from portal.models.monitoring import ROUND_KINDS
from portal.services import NotAllowed, ServiceError, audit, notifications, years
from portal.services import consent as consents
from portal.services.monitoring.questionnaires import ROUND_TITLES
from portal.services.monitoring.answering import ROUND_QUESTIONNAIRES, SURVEYED_STATUSES, round_title


OVERDUE_DAYS = 14


# --- rounds (6.4) ---------------------------------------------------------------------------------

def running_rounds(format_ids) -> dict[int, list[MonitoringRound]]:
    """The rounds open in each format, oldest first; one query."""
    ids = list(format_ids)
    running: dict[int, list[MonitoringRound]] = {format_id: [] for format_id in ids}
    if ids:
        for r in (MonitoringRound.select().where(MonitoringRound.mentoring_format.in_(ids)
                                                 & MonitoringRound.closed_at.is_null())
                  .order_by(MonitoringRound.opened_at, MonitoringRound.id)):
            running[r.mentoring_format_id].append(r)
    return running


def kinds_to_open(running) -> list[tuple[str, str]]:
    """The kinds of round that may be opened beside the `running` ones: the one rule that opening a round
    enforces and that every page offering «Начать … этап» asks, so no page offers a refused action."""
    busy = {r.kind for r in running}
    return [(kind, title) for kind, title in ROUND_KINDS if kind not in busy]


def _open_round(actor: Person, fmt: MentoringFormat, kind: str, ip: str) -> MonitoringRound:
    if kind not in ROUND_TITLES:
        raise ServiceError("Выберите вид этапа мониторинга.", field="kind")
    with atomic_write():
        lock_row(MentoringFormat, fmt.id)
        if kind not in dict(kinds_to_open(running_rounds([fmt.id])[fmt.id])):
            raise ServiceError(f"{ROUND_TITLES[kind].capitalize()} этап мониторинга уже идёт в этой форме.",
                               field="kind")
        monitoring_round = MonitoringRound.create(mentoring_format=fmt.id, kind=kind, opened_by=actor)
        audit.record("monitoring.round_opened", actor=actor, obj=monitoring_round, school=fmt.school_id, ip=ip,
                     kind=kind, format=fmt.id)
        notifications.notify(sorted({pid for pid, _, _ in _slots(fmt.id)}), "questionnaire.waiting",
                             obj=monitoring_round, details=_round_details(monitoring_round, fmt))
    return monitoring_round


def _round_details(monitoring_round: MonitoringRound, fmt: MentoringFormat) -> str:
    return f"{ROUND_TITLES[monitoring_round.kind].capitalize()} этап, форма {quoted(fmt.name)}"


def _slots(format_id: int) -> list[tuple[int, int, str]]:
    """(person, pair, side) of everyone a round of the format asks to answer: the participants of its
    surveyed pairs whom the consent gate lets be surveyed — the people `expected_by_format` counts."""
    person = (Person.id, Person.surname, Person.first_name, Person.patronymic, Person.birth_date)
    surveyed = (Mentorship.mentoring_format == format_id) & Mentorship.status.in_(SURVEYED_STATUSES)
    slots = [(pair_id, PersonRow(*who), "mentor") for pair_id, *who in (
        Mentorship.select(Mentorship.id, *person).join(Person, on=Mentorship.mentor).where(surveyed).tuples())]
    slots += [(pair_id, PersonRow(*who), "mentee") for pair_id, *who in (
        MentorshipMember.select(Mentorship.id, *person).join(Person).switch(MentorshipMember)
        .join(Mentorship).where(surveyed & MentorshipMember.left_at.is_null()).tuples())]
    gate = consents.participation_gate({(who, side) for _, who, side in slots})
    return [(who.id, pair_id, side) for pair_id, who, side in slots if gate[(who.id, side)]]


def notify_overdue(now=None) -> int:
    """questionnaire.overdue for everyone still owing an answer to a round open OVERDUE_DAYS or longer (the
    overdue mark of `format_rounds`). Run daily (`flask notify-overdue`): a person's unread item about the
    round is not repeated, so running it again changes nothing. Returns how many items it wrote."""
    now = now or utcnow()
    made = 0
    late = (MonitoringRound.select(MonitoringRound, MentoringFormat).join(MentoringFormat)
            .where(MonitoringRound.closed_at.is_null()
                   & (MonitoringRound.opened_at <= now - timedelta(days=OVERDUE_DAYS)))
            .order_by(MonitoringRound.id))
    for monitoring_round in late:
        answered = set(Response.select(Response.respondent, Response.mentorship, Questionnaire.kind)
                       .join(Questionnaire).where(Response.monitoring_round == monitoring_round).tuples())
        owing = sorted({pid for pid, pair_id, _ in _slots(monitoring_round.mentoring_format_id)
                        if any((pid, pair_id, kind) not in answered for kind in ROUND_QUESTIONNAIRES)})
        if owing:
            with atomic_write():
                made += len(notifications.notify(owing, "questionnaire.overdue", obj=monitoring_round,
                                                 details=_round_details(monitoring_round,
                                                                        monitoring_round.mentoring_format)))
    return made


def open_round(scope, format_id: int, kind: str, ip: str = "") -> MonitoringRound:
    """The coordinator or the format's curator opens an intermediate or a final round."""
    return _open_round(scope.person, scope.check_format(format_id), kind, ip)


def mentor_formats(mentor: Person) -> list[MentoringFormat]:
    """Formats where the person mentors an active pair: where a mentor may run monitoring (6.4)."""
    return list(MentoringFormat.select().where(MentoringFormat.id.in_(
        Mentorship.select(Mentorship.mentoring_format).where((Mentorship.mentor == mentor)
                                                             & (Mentorship.status == "active"))))
        .order_by(MentoringFormat.id))


def mentor_rounds(mentor: Person) -> list[dict]:
    """The mentor's formats, each with its running rounds and the kinds the mentor may open now. Two queries."""
    formats = mentor_formats(mentor)
    running = running_rounds(f.id for f in formats)
    return [{"format": f, "running": [round_title(r) for r in running[f.id]], "can_open": kinds_to_open(running[f.id])}
            for f in formats]


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
        lock_row(MentoringFormat, monitoring_round.mentoring_format_id)
        changed = (MonitoringRound.update(closed_at=utcnow())
                   .where((MonitoringRound.id == round_id) & MonitoringRound.closed_at.is_null()).execute())
        if not changed:
            raise ServiceError("Этап мониторинга уже завершён.")
        audit.record("monitoring.round_closed", actor=scope.person, obj=monitoring_round,
                     school=monitoring_round.mentoring_format.school_id, ip=ip)
    return MonitoringRound.get_by_id(round_id)


def expected_by_format(format_ids, year: int | None = None) -> dict[int, int]:
    """Answers a round of each format waits for: process quality and satisfaction from each consenting
    participant of its surveyed pairs, once per pair. The one definition the curator's rounds, the
    dashboard and the monitoring report share; three queries for any number of formats. With a school
    year (services.years), only that year's pairs are surveyed: a round of that year waits for them alone."""
    ids = list(format_ids)
    if not ids:
        return {}
    person = (Person.id, Person.surname, Person.first_name, Person.patronymic, Person.birth_date)
    surveyed = Mentorship.mentoring_format.in_(ids) & Mentorship.status.in_(SURVEYED_STATUSES)
    if year is not None:
        surveyed &= years.pair_condition(year)
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
    running = [row["round"] for row in rounds if row["is_open"]]
    return {"format": fmt, "rounds": rounds, "can_open": kinds_to_open(running)}
