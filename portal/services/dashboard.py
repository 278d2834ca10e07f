"""The coordinator's dashboard (6.1, 6.2, 3.2): the school's figures and what needs attention.

Every figure is the length (or a sum) of a list kept beside it, so each number opens exactly the people
or pairs behind it. Everything is read in a fixed number of grouped queries, whatever the school's size.

The period filter narrows what happens in time — meetings held, monitoring rounds opened, exits
answered, consents withdrawn; people in the bases, pairs and the data due for destruction are shown as
they stand today.
"""
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import fn

from portal.models import (
    BaseMembership, Consent, ConsentDocument, ConsentWithdrawal, Meeting, Mentorship,
    MentorshipMember, MonitoringRound, Person, PersonRow, Plan, Response,
)
from portal.models.mentorship import MENTORSHIP_STATES, STATE_TITLES
from portal.services import audit
from portal.services import consent as consents
from portal.services import cycle, monitoring, results
from portal.services.results import since_moment

PERIODS = (("all", "за всё время"), ("30", "за последние 30 дней"), ("90", "за последние 90 дней"),
           ("365", "за последний год"))
OVERDUE_DAYS = 14
ENDED = ("completed", "ended", "cancelled")

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
}


@dataclass(frozen=True)
class Filters:
    format_id: int | None = None
    period: str = "all"

    def since(self, today: date | None = None) -> date | None:
        return None if self.period == "all" else (today or date.today()) - timedelta(days=int(self.period))

    def as_args(self) -> dict:
        return {"format": self.format_id or "", "period": self.period}


def parse_filters(scope, format_arg: str | None, period_arg: str | None) -> Filters:
    """Unknown or foreign values fall back to «the whole school, all time»: a filter never errors."""
    format_id = int(format_arg) if (format_arg or "").isdigit() and int(format_arg) in scope.format_ids else None
    period = period_arg if period_arg in dict(PERIODS) else "all"
    return Filters(format_id, period)


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


def _pairs(ids):
    """Pairs with their mentor, and current mentees per pair (two queries, read as tuples)."""
    pairs = [Pair(pair_id, format_id, status, changed, PersonRow(*mentor))
             for pair_id, format_id, status, changed, *mentor in (
                 Mentorship.select(Mentorship.id, Mentorship.mentoring_format, Mentorship.status,
                                   Mentorship.status_changed_at, Person.id, Person.surname, Person.first_name,
                                   Person.patronymic)
                 .join(Person, on=Mentorship.mentor)
                 .where(Mentorship.mentoring_format.in_(ids)).order_by(Mentorship.id).tuples())]
    mentees: dict[int, list[PersonRow]] = {}
    for pair_id, *person in (MentorshipMember.select(MentorshipMember.mentorship, Person.id, Person.surname,
                                                     Person.first_name, Person.patronymic)
                             .join(Person).switch(MentorshipMember).join(Mentorship)
                             .where(Mentorship.mentoring_format.in_(ids) & MentorshipMember.left_at.is_null())
                             .order_by(MentorshipMember.id).tuples()):
        mentees.setdefault(pair_id, []).append(PersonRow(*person))
    return pairs, mentees


def _held_meetings(ids, since):
    query = (Meeting.select(Meeting.mentorship, fn.COUNT(Meeting.id)).join(Mentorship)
             .where(Mentorship.mentoring_format.in_(ids) & (Meeting.status == "held")
                    & Meeting.is_current()).group_by(Meeting.mentorship))
    if since:
        query = query.where(Meeting.held_on >= since)
    return dict(query.tuples())


def _planned_meetings(ids):
    """planned_meetings of each pair's current (newest) plan version."""
    newest = (Plan.select(Plan.mentorship, fn.MAX(Plan.version).alias("version")).join(Mentorship)
              .where(Mentorship.mentoring_format.in_(ids)).group_by(Plan.mentorship).alias("newest"))
    return dict(Plan.select(Plan.mentorship, Plan.planned_meetings)
                .join(newest, on=((Plan.mentorship == newest.c.mentorship_id) & (Plan.version == newest.c.version)))
                .tuples())


def _rounds(ids, since):
    query = (MonitoringRound.select().where(MonitoringRound.mentoring_format.in_(ids))
             .order_by(MonitoringRound.opened_at.desc(), MonitoringRound.id))
    if since:
        query = query.where(MonitoringRound.opened_at >= since_moment(since))
    rounds = list(query)
    answered = dict(Response.select(Response.monitoring_round, fn.COUNT(Response.id)).join(MonitoringRound)
                    .where(MonitoringRound.mentoring_format.in_(ids)).group_by(Response.monitoring_round).tuples())
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
    - meetings: held meetings (current versions, in the period) / planned_meetings of each pair's newest plan;
    - monitoring completion: responses in the rounds / expected, as the curator's monitoring page counts
      them (monitoring.expected_by_format: each consenting participant of a surveyed pair answers the
      round's questionnaires);
    - a round is overdue when it is still open after OVERDUE_DAYS days with answers missing;
    - a mentee waits for a mentor when active in the mentee base with no current pair in that format.
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

    pairs, mentees = _pairs(ids)
    held, planned = _held_meetings(ids, since), _planned_meetings(ids)
    quiet = cycle.quiet_pairs(pairs, today)
    paired = set()
    for p in pairs:
        people = mentees.get(p.id, [])
        row = _row(p.mentoring_format_id, p.mentor.full_name, f"{names[p.mentoring_format_id]}: {_names(people)}",
                   held=held.get(p.id, 0), planned=planned.get(p.id, 0), status=p.status_title)
        lists[f"pairs_{p.status}"].append(row)
        if p.status not in ENDED:
            paired.update((p.mentoring_format_id, person.id) for person in people)
        if p.status == "active":
            lists["meetings"].append(row)
        if p.id in quiet:
            lists["quiet"].append(row)
    for m in members:
        if m.base == "mentee" and m.status == "active" and (m.mentoring_format_id, m.person_id) not in paired:
            lists["waiting"].append(_row(m.mentoring_format_id, m.person.full_name, names[m.mentoring_format_id],
                                         m.nominated_at))

    rounds, answered = _rounds(ids, since)
    expected_by_format = monitoring.expected_by_format(ids)
    overdue_before = datetime.combine(today - timedelta(days=OVERDUE_DAYS), datetime.min.time())
    for r in rounds:
        expected = expected_by_format.get(r.mentoring_format_id, 0)
        row = _row(r.mentoring_format_id, f"{names[r.mentoring_format_id]}: "
                   f"{'итоговый' if r.kind == 'final' else 'промежуточный'} раунд",
                   "закрыт" if r.closed_at else "открыт", r.opened_at,
                   answered=answered.get(r.id, 0), expected=expected)
        lists["rounds"].append(row)
        if r.closed_at is None and r.opened_at <= overdue_before and row["answered"] < expected:
            lists["overdue"].append(row)

    for g in results.growth(ids, since):
        lists["growth"].append(_row(g["format_id"], g["person"],
                                    f"{g['question']}: было: {g['before']} → стало: {g['after']}",
                                    direction=g["direction"]))
    for w in _withdrawals(scope.school_id, ids, since):
        lists["withdrawn"].append(_row(None, w.consent.subject.full_name,
                                       consents.KIND_TITLES[w.consent.document.kind], w.withdrawn_at))
    member_ids = BaseMembership.select(BaseMembership.person).where(BaseMembership.mentoring_format.in_(ids))
    for w in consents.destruction_list(scope.school_id).where(Consent.subject.in_(member_ids)):
        lists["destruction"].append(_row(None, w.consent.subject.full_name,
                                         consents.KIND_TITLES[w.consent.document.kind], w.destruction_due_on))

    return {"formats": formats, "lists": lists, "titles": LISTS,
            "school": _figures(lists, None), "by_format": {f.id: _figures(lists, f.id) for f in formats}}


class OverviewCache:
    """The dashboard's figures kept until the data change — one per app, so per worker process.

    Aggregating a whole school is tens of milliseconds and the coordinator reloads, filters and opens
    lists behind numbers that have not changed in between. The key holds the newest audit event (every
    state change writes one, so any change starts a new key) and the date (quiet pairs, overdue rounds,
    minority and destruction dates move with the calendar). The stamp is read before the figures: a
    change committed while they are computed lands under the old key, never the new one."""

    def __init__(self, size: int = 32):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def overview(self, scope, filters: Filters, today: date | None = None) -> dict:
        today = today or date.today()
        key = (scope.school_id, scope.format_ids, filters, today, audit.last_event_id())
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        data = overview(scope, filters, today)
        with self._lock:
            self._entries[key] = data
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return data


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

