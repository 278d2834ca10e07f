"""The coordinator's dashboard (6.1, 6.2, 3.2): the school's figures and what needs attention.

Every figure is the length (or a sum) of a list kept beside it, so each number opens exactly the people
or pairs behind it. Everything is read in a fixed number of grouped queries, whatever the school's size.

The period filter narrows what happens in time — meetings held, monitoring rounds opened, exits
answered, consents withdrawn; people in the bases, pairs and the data due for destruction are shown as
they stand today.

The year filter (services.years) narrows what belongs to a programme year: the pairs of that year's
programmes, their meetings, plans and answers, and the monitoring rounds opened in that school year.
The bases and consents carry over between years (DECISIONS «The school year»), so they, the mentees
waiting for a mentor, withdrawn consents and the data due for destruction stand as today whatever the year.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import JOIN, Case, fn

from portal.ids import parse_id
from portal.models import (
    BaseMembership, Consent, ConsentDocument, ConsentWithdrawal, Meeting, Mentorship,
    MentorshipMember, MonitoringRound, Person, PersonRow, Plan, Response,
)
from portal.models.mentorship import MENTORSHIP_STATES, STATE_TITLES
from portal.models.voice import PROPOSAL_STATES
from portal.services import consent as consents
from portal.services import cycle, monitoring, pairing, results, roadmap, voice, years
from portal.services.kept import KeptUntilChange
from portal.services.results import since_moment

PERIODS = (("all", "за всё время"), ("30", "за последние 30 дней"), ("90", "за последние 90 дней"),
           ("365", "за последний год"))
OVERDUE_DAYS = 14

LISTS = {
    "mentors_active": "Наставники: участвуют",
    "mentors_awaiting": "Наставники: ждут согласия",
    "mentees_active": "Наставляемые: участвуют",
    "mentees_awaiting": "Наставляемые: ждут согласия",
    "members": "Все участники баз",
    "consented": "Участники с действующим согласием",
    "no_consent": "Участники без действующего согласия",
    **{f"pairs_{code}": f"Пары и группы: {title}" for code, title in MENTORSHIP_STATES},
    "meetings": "Встречи: проведено из запланированного",
    "rounds": "Раунды мониторинга: ответы из ожидаемых",
    "growth": "Рост по якорным вопросам",
    "quiet": "Пары без встреч 30 дней",
    "withdrawn": "Отозванные согласия",
    "overdue": "Просроченный мониторинг",
    "waiting": "Наставляемые ждут наставника",
    "destruction": "Данные к уничтожению",
    "roadmap": "Дорожная карта: просроченные мероприятия",
    **{f"improvements_{code}": f"Предложения участников: {title}" for code, title in PROPOSAL_STATES},
}


@dataclass(frozen=True)
class Filters:
    format_id: int | None = None
    period: str = "all"
    # The school year (services.years), None for every year: the default keeps older links as they were.
    year: int | None = None

    def since(self, today: date | None = None) -> date | None:
        return None if self.period == "all" else (today or date.today()) - timedelta(days=int(self.period))

    def as_args(self) -> dict:
        """The query string of these filters; the year only when one is chosen, so older links stay the same."""
        args = {"format": self.format_id or "", "period": self.period}
        if self.year is not None:
            args["year"] = self.year
        return args

    @property
    def year_title(self) -> str:
        return years.label(self.year) if self.year is not None else "все учебные годы"


def parse_filters(scope, format_arg: str | None, period_arg: str | None, year_arg: str | None = None) -> Filters:
    """Unknown or foreign values fall back to «the whole school, all time, every year»: a filter never errors.

    A year counts only if a programme of the scope's formats starts in it (one query, and only when a year
    is asked for)."""
    format_id = parse_id(format_arg)  # «²» is a digit to str.isdigit, not to int(): read it as the URL does
    format_id = format_id if format_id in scope.format_ids else None
    period = period_arg if period_arg in dict(PERIODS) else "all"
    year = years.parse(year_arg, years.of_formats(scope.format_ids)) if (year_arg or "").strip() else None
    return Filters(format_id, period, year)


def _row(format_id, who, detail="", day=None, **extra) -> dict:
    return {"format_id": format_id, "who": who, "detail": detail, "date": day, **extra}


def _names(people) -> str:
    return ", ".join(p.full_name for p in people)


def _members(ids):
    """Base members who have not left, and whether the consent gate lets each in (two queries).

    Read as tuples into light rows: a school's bases are thousands of people, and building each as a
    model graph was most of the dashboard's time."""
    rows = [Member(format_id, base, status, nominated_at, PersonRow(*person))
            for format_id, base, status, nominated_at, *person in (
                BaseMembership.select(BaseMembership.mentoring_format, BaseMembership.base, BaseMembership.status,
                                      BaseMembership.nominated_at, Person.id, Person.surname, Person.first_name,
                                      Person.patronymic, Person.birth_date)
                .join(Person)
                .where(BaseMembership.mentoring_format.in_(ids) & (BaseMembership.status != "left"))
                .order_by(Person.surname, Person.first_name, BaseMembership.id).tuples())]
    gate = consents.participation_gate([(m.person, m.base) for m in rows])
    return rows, gate


@dataclass(frozen=True)
class Member:
    mentoring_format_id: int
    base: str
    status: str
    nominated_at: datetime
    person: PersonRow

    @property
    def person_id(self) -> int:
        return self.person.id


@dataclass(frozen=True)
class Pair:
    id: int
    mentoring_format_id: int
    status: str
    status_changed_at: datetime
    mentor: PersonRow

    @property
    def status_title(self) -> str:
        return STATE_TITLES[self.status]


def _pairs(ids, year):
    """Pairs with their mentor, and current mentees per pair (two queries, read as tuples)."""
    where = Mentorship.mentoring_format.in_(ids)
    if year is not None:
        where &= years.pair_condition(year)
    pairs = [Pair(pair_id, format_id, status, changed, PersonRow(*mentor))
             for pair_id, format_id, status, changed, *mentor in (
                 Mentorship.select(Mentorship.id, Mentorship.mentoring_format, Mentorship.status,
                                   Mentorship.status_changed_at, Person.id, Person.surname, Person.first_name,
                                   Person.patronymic)
                 .join(Person, on=Mentorship.mentor)
                 .where(where).order_by(Mentorship.id).tuples())]
    mentees: dict[int, list[PersonRow]] = {}
    for pair_id, *person in (MentorshipMember.select(MentorshipMember.mentorship, Person.id, Person.surname,
                                                     Person.first_name, Person.patronymic)
                             .join(Person).switch(MentorshipMember).join(Mentorship)
                             .where(where & MentorshipMember.left_at.is_null())
                             .order_by(MentorshipMember.id).tuples()):
        mentees.setdefault(pair_id, []).append(PersonRow(*person))
    return pairs, mentees


def _held_meetings(ids, since, year):
    query = (Meeting.select(Meeting.mentorship, fn.COUNT(Meeting.id)).join(Mentorship)
             .where(Mentorship.mentoring_format.in_(ids) & (Meeting.status == "held")
                    & Meeting.is_current()).group_by(Meeting.mentorship))
    if since:
        query = query.where(Meeting.held_on >= since)
    if year is not None:
        query = query.where(years.pair_condition(year))
    return dict(query.tuples())


def _planned_meetings(ids, year):
    """planned_meetings of the plan that counts for each pair (5.5): the newest version both sides agreed,
    else the newest proposed — as the mentor's and the curator's pages read it."""
    agreed = Case(None, [((Plan.mentor_confirmed_at.is_null(False) & Plan.mentee_confirmed_at.is_null(False)),
                          Plan.version)], None)
    counted = fn.COALESCE(fn.MAX(agreed), fn.MAX(Plan.version))
    where = Mentorship.mentoring_format.in_(ids)
    if year is not None:
        where &= years.pair_condition(year)
    newest = (Plan.select(Plan.mentorship, counted.alias("version")).join(Mentorship)
              .where(where).group_by(Plan.mentorship).alias("newest"))
    return dict(Plan.select(Plan.mentorship, Plan.planned_meetings)
                .join(newest, on=((Plan.mentorship == newest.c.mentorship_id) & (Plan.version == newest.c.version)))
                .tuples())


def _rounds(ids, since, year):
    query = (MonitoringRound.select().where(MonitoringRound.mentoring_format.in_(ids))
             .order_by(MonitoringRound.opened_at.desc(), MonitoringRound.id))
    if since:
        query = query.where(MonitoringRound.opened_at >= since_moment(since))
    if year is not None:
        query = query.where(years.round_condition(year))
    rounds = list(query)
    answers = (Response.select(Response.monitoring_round, fn.COUNT(Response.id)).join(MonitoringRound)
               .where(MonitoringRound.mentoring_format.in_(ids)))
    if year is not None:  # the answers of the year's pairs, as «expected» counts the year's pairs
        answers = (answers.switch(Response).join(Mentorship, JOIN.LEFT_OUTER, on=(Response.mentorship == Mentorship.id))
                   .where(results.of_year(year)))
    answered = dict(answers.group_by(Response.monitoring_round).tuples())
    return rounds, answered


def _withdrawals(school_id, ids, since):
    """Withdrawn participation consents of people in these formats' bases (left ones included)."""
    in_bases = BaseMembership.select(BaseMembership.person).where(BaseMembership.mentoring_format.in_(ids))
    query = (ConsentWithdrawal.select(ConsentWithdrawal, Consent, ConsentDocument, Person)
             .join(Consent).join(ConsentDocument).switch(Consent).join(Person, on=Consent.subject)
             .where((ConsentDocument.school == school_id)
                    & ConsentDocument.kind.in_(list(consents.PARTICIPATION_KINDS))
                    & Consent.subject.in_(in_bases))
             .order_by(ConsentWithdrawal.withdrawn_at.desc()))
    if since:
        query = query.where(ConsentWithdrawal.withdrawn_at >= since_moment(since))
    return list(query)


def overview(scope, filters: Filters, today: date | None = None) -> dict:
    """All the dashboard's figures and the lists behind them; about fifteen queries whatever the data size.

    Definitions (kept simple on purpose):
    - consent coverage: base members (not left) whose valid consent lets them in / all such members;
    - meetings: held meetings (current versions, in the period) / planned_meetings of each pair's newest plan,
      over every pair that runs or ran a cycle — a completed pair's meetings stay counted, as in the
      monitoring report;
    - monitoring completion: responses in the rounds / expected, as the curator's monitoring page counts
      them (monitoring.expected_by_format: each consenting participant of a surveyed pair answers the
      round's questionnaires);
    - a round is overdue when it is still open after OVERDUE_DAYS days with answers missing;
    - a roadmap event is overdue when it is not done and its deadline has passed (services.roadmap.overdue);
    - participants' proposals are counted by their state today, whatever the filters (services.voice);
    - a mentee waits for a mentor when active in the mentee base, let in by the consent gate, and not
      holding a pair in that format (pairing.mentees_with_pair: a completed pair counts, a cancelled one
      does not) — the rule the curator's queue uses.
    """
    today = today or date.today()
    since = filters.since(today)
    formats = [f for f in scope.formats() if filters.format_id in (None, f.id)]
    ids = [f.id for f in formats]
    names = {f.id: f.name for f in formats}
    lists: dict[str, list] = {key: [] for key in LISTS}

    members, gate = _members(ids)
    for m in members:
        lists[f"{m.base}s_{'active' if m.status == 'active' else 'awaiting'}"].append(
            _row(m.mentoring_format_id, m.person.full_name, names[m.mentoring_format_id]))
        row = _row(m.mentoring_format_id, m.person.full_name,
                   f"{names[m.mentoring_format_id]}, {'база наставников' if m.base == 'mentor' else 'база наставляемых'}")
        lists["members"].append(row)
        lists["consented" if gate[(m.person_id, m.base)] else "no_consent"].append(row)

    pairs, mentees = _pairs(ids, filters.year)
    held, planned = _held_meetings(ids, since, filters.year), _planned_meetings(ids, filters.year)
    quiet = cycle.quiet_pairs(pairs, today)
    paired = pairing.mentees_with_pair(ids)
    for p in pairs:
        people = mentees.get(p.id, [])
        row = _row(p.mentoring_format_id, p.mentor.full_name, f"{names[p.mentoring_format_id]}: {_names(people)}",
                   held=held.get(p.id, 0), planned=planned.get(p.id, 0), status=p.status_title)
        lists[f"pairs_{p.status}"].append(row)
        if p.status in cycle.CYCLE_STATES or row["held"] or row["planned"]:
            lists["meetings"].append(row)
        if p.id in quiet:
            lists["quiet"].append(row)
    for m in members:
        if (m.base == "mentee" and m.status == "active" and gate[(m.person_id, m.base)]
                and (m.mentoring_format_id, m.person_id) not in paired):
            lists["waiting"].append(_row(m.mentoring_format_id, m.person.full_name, names[m.mentoring_format_id],
                                         m.nominated_at))

    rounds, answered = _rounds(ids, since, filters.year)
    expected_by_format = monitoring.expected_by_format(ids, filters.year)
    overdue_before = datetime.combine(today - timedelta(days=OVERDUE_DAYS), datetime.min.time())
    for r in rounds:
        expected = expected_by_format.get(r.mentoring_format_id, 0)
        row = _row(r.mentoring_format_id, f"{names[r.mentoring_format_id]}: {monitoring.ROUND_TITLES[r.kind]} раунд",
                   "закрыт" if r.closed_at else "открыт", r.opened_at,
                   answered=answered.get(r.id, 0), expected=expected, kind=r.kind, closed_at=r.closed_at)
        lists["rounds"].append(row)
        if r.closed_at is None and r.opened_at <= overdue_before and row["answered"] < expected:
            lists["overdue"].append(row)

    for g in results.growth(ids, since, filters.year):
        # The form is named: one person answers in each form they take part in, and two such rows must differ.
        lists["growth"].append(_row(g["format_id"], g["person"],
                                    f"{names[g['format_id']]}: {g['question']}: было: {g['before']} → стало: {g['after']}",
                                    direction=g["direction"]))
    for w in _withdrawals(scope.school_id, ids, since):
        lists["withdrawn"].append(_row(None, w.consent.subject.full_name,
                                       consents.KIND_TITLES[w.consent.document.kind], w.withdrawn_at))
    member_ids = BaseMembership.select(BaseMembership.person).where(BaseMembership.mentoring_format.in_(ids))
    for w in consents.destruction_list(scope.school_id).where(Consent.subject.in_(member_ids)):
        lists["destruction"].append(_row(None, w.consent.subject.full_name,
                                         consents.KIND_TITLES[w.consent.document.kind], w.destruction_due_on))
    # The school's roadmap (3.2) is not of a form: its overdue events stand whatever the filters (one query).
    for event in roadmap.overdue(scope.school_id, today):
        lists["roadmap"].append(_row(None, event["title"], event["responsible"], event["due_on"]))
    # Participants' proposals (s6, s8, s9) are the school's, by state as they stand today (one query).
    for state, format_id, author, topic, role, written in voice.dashboard_rows(scope.school_id):
        lists[f"improvements_{state}"].append(_row(format_id, author, f"{role}: {topic}", written))

    return {"formats": formats, "lists": lists, "titles": LISTS,
            "school": _figures(lists, None), "by_format": {f.id: _figures(lists, f.id) for f in formats}}


class OverviewCache(KeptUntilChange):
    """The dashboard's figures kept until the data change (services/kept.py).

    Aggregating a whole school is tens of milliseconds and the coordinator reloads, filters and opens
    lists behind numbers that have not changed in between. Beside the scope and the filters, the key holds
    the date: quiet pairs, overdue rounds, minority and destruction dates move with the calendar."""

    def __init__(self, size: int = 32):
        super().__init__(size)

    def overview(self, scope, filters: Filters, today: date | None = None) -> dict:
        today = today or date.today()
        return self.get((scope.school_id, scope.format_ids, filters, today), lambda: overview(scope, filters, today))


def _figures(lists: dict, format_id: int | None) -> dict:
    """The numbers for one format (or the whole selection when None), all taken from the lists."""
    def rows(key):
        return [r for r in lists[key] if format_id is None or r["format_id"] == format_id]

    counts = {key: len(rows(key)) for key in lists}
    counts["held"] = sum(r["held"] for r in rows("meetings"))
    counts["planned"] = sum(r["planned"] for r in rows("meetings"))
    counts["answered"] = sum(r["answered"] for r in rows("rounds"))
    counts["expected"] = sum(r["expected"] for r in rows("rounds"))
    for word in ("рост", "без изменений", "снижение"):
        counts[word] = sum(1 for r in rows("growth") if r["direction"] == word)
    return counts


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "—"


def list_rows(overview_data: dict, what: str) -> list[dict] | None:
    """The rows behind one number, or None for an unknown list (the view answers 404)."""
    return overview_data["lists"].get(what)

