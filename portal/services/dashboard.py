"""The coordinator's dashboard (6.1, 6.2, 3.2): the school's figures and what needs attention.

Every figure is the length (or a sum) of a list kept beside it, so each number opens exactly the people
or pairs behind it. Everything is read in a fixed number of grouped queries, whatever the school's size.

The period filter narrows what happens in time — meetings held, monitoring rounds opened, exits
answered, consents withdrawn; people in the bases, pairs and the data due for destruction are shown as
they stand today.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import fn

from portal.models import (
    BaseMembership, Consent, ConsentDocument, ConsentWithdrawal, Meeting, Mentorship,
    MentorshipMember, MonitoringRound, Person, Plan, Response,
)
from portal.models.mentorship import MENTORSHIP_STATES
from portal.services import consent as consents
from portal.services import cycle, results
from portal.services.results import since_moment

PERIODS = (("all", "за всё время"), ("30", "за последние 30 дней"), ("90", "за последние 90 дней"),
           ("365", "за последний год"))
OVERDUE_DAYS = 14
ENDED = ("completed", "cancelled")
# Questionnaires each participant answers in a round: process quality and satisfaction.
PER_PARTICIPANT = 2

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
    """Base members who have not left, with their person; then the consent gate over them (two queries)."""
    rows = list(BaseMembership.select(BaseMembership, Person).join(Person)
                .where(BaseMembership.mentoring_format.in_(ids) & (BaseMembership.status != "left"))
                .order_by(Person.surname, Person.first_name, BaseMembership.id))
    gate = consents.participation_gate([(m.person, m.base) for m in rows])
    return rows, gate


def _pairs(ids):
    """Pairs with their mentor, and current mentees per pair (two queries)."""
    pairs = list(Mentorship.select(Mentorship, Person).join(Person, on=Mentorship.mentor)
                 .where(Mentorship.mentoring_format.in_(ids)).order_by(Mentorship.id))
    mentees: dict[int, list[Person]] = {}
    for member in (MentorshipMember.select(MentorshipMember, Person).join(Person)
                   .switch(MentorshipMember).join(Mentorship)
                   .where(Mentorship.mentoring_format.in_(ids) & MentorshipMember.left_at.is_null())
                   .order_by(MentorshipMember.id)):
        mentees.setdefault(member.mentorship_id, []).append(member.mentee)
    return pairs, mentees


def _held_meetings(ids, since):
    superseded = Meeting.select(Meeting.supersedes).where(Meeting.supersedes.is_null(False))
    query = (Meeting.select(Meeting.mentorship, fn.COUNT(Meeting.id)).join(Mentorship)
             .where(Mentorship.mentoring_format.in_(ids) & (Meeting.status == "held")
                    & Meeting.id.not_in(superseded)).group_by(Meeting.mentorship))
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
    - monitoring completion: responses in the rounds / expected, where a round expects every current
      participant of the format's active pairs (mentor and mentees) to answer PER_PARTICIPANT questionnaires;
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
    participants: dict[int, int] = {}
    for p in pairs:
        people = mentees.get(p.id, [])
        row = _row(p.mentoring_format_id, p.mentor.full_name, f"{names[p.mentoring_format_id]}: {_names(people)}",
                   held=held.get(p.id, 0), planned=planned.get(p.id, 0), status=p.status_title)
        lists[f"pairs_{p.status}"].append(row)
        if p.status not in ENDED:
            paired.update((p.mentoring_format_id, person.id) for person in people)
        if p.status == "active":
            participants[p.mentoring_format_id] = participants.get(p.mentoring_format_id, 0) + 1 + len(people)
            lists["meetings"].append(row)
        if p.id in quiet:
            lists["quiet"].append(row)
    for m in members:
        if m.base == "mentee" and m.status == "active" and (m.mentoring_format_id, m.person_id) not in paired:
            lists["waiting"].append(_row(m.mentoring_format_id, m.person.full_name, names[m.mentoring_format_id],
                                         m.nominated_at.date()))

    rounds, answered = _rounds(ids, since)
    overdue_before = datetime.combine(today - timedelta(days=OVERDUE_DAYS), datetime.min.time())
    for r in rounds:
        expected = participants.get(r.mentoring_format_id, 0) * PER_PARTICIPANT
        row = _row(r.mentoring_format_id, f"{names[r.mentoring_format_id]}: "
                   f"{'итоговый' if r.kind == 'final' else 'промежуточный'} раунд",
                   "закрыт" if r.closed_at else "открыт", r.opened_at.date(),
                   answered=answered.get(r.id, 0), expected=expected)
        lists["rounds"].append(row)
        if r.closed_at is None and r.opened_at <= overdue_before and row["answered"] < expected:
            lists["overdue"].append(row)

    for g in results.growth(ids, since):
        lists["growth"].append(_row(g["format_id"], g["person"].full_name,
                                    f"{g['question']}: было: {g['before']} → стало: {g['after']}",
                                    direction=g["direction"]))
    for w in _withdrawals(scope.school_id, ids, since):
        lists["withdrawn"].append(_row(None, w.consent.subject.full_name,
                                       consents.KIND_TITLES[w.consent.document.kind], w.withdrawn_at.date()))
    member_ids = BaseMembership.select(BaseMembership.person).where(BaseMembership.mentoring_format.in_(ids))
    for w in consents.destruction_list(scope.school_id).where(Consent.subject.in_(member_ids)):
        lists["destruction"].append(_row(None, w.consent.subject.full_name,
                                         consents.KIND_TITLES[w.consent.document.kind], w.destruction_due_on))

    return {"formats": formats, "lists": lists, "titles": LISTS,
            "school": _figures(lists, None), "by_format": {f.id: _figures(lists, f.id) for f in formats}}


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

