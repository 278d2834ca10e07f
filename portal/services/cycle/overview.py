"""Pages over the cycle: the mentor's pair page and a meeting's versions, the curator's view of a form."""
from datetime import date

from peewee import JOIN, fn

from portal.models import FinalReport, Meeting, Mentorship, MentorshipMember, Person, Plan, PlanTask
from portal.models.base import KeptSelect
from portal.services.cycle.access import (
    meeting_of_mentor, Mentor, mentorship_of_mentor_with_mentees, _pairs_with_people,
)
from portal.services.cycle.meetings import (
    current_meetings, next_stages, plannable_stages, quiet_pairs, waits_for_plan, STAGE_TITLES, verdict_state,
    verdicts_of,
)
from portal.services.cycle.plan import agreed_plan, is_agreed
from portal.services import years
from portal.services.results import mentee_growth


CYCLE_STATES = ("active", "suspended", "completed", "ended", "carried")  # pairs an order approved: they run (or ran) a cycle
NOT_STARTED = "ещё не начат"


Previous = Meeting.alias()


# The pair page's own queries, their text kept (models.base.KeptSelect): the page is the mentor's busiest.
_MEETINGS = KeptSelect(lambda pair_id: current_meetings([pair_id]).select_extend(Previous.status.alias("previous_status"))
                       .join(Previous, JOIN.LEFT_OUTER, on=(Meeting.supersedes == Previous.id)))
NewestPlan = Plan.alias()


def _plan_and_report(pair_id):
    """The pair's newest plan (cycle.current_plan) with its tasks, and its final report: one query, a row a
    task (one row when there are none), outer joins from the pair so that each may be missing."""
    newest = (NewestPlan.select(NewestPlan.id).where(NewestPlan.mentorship == Mentorship.id)
              .order_by(NewestPlan.version.desc()).limit(1))
    return (Mentorship.select(Plan, PlanTask, FinalReport)
            .join(Plan, JOIN.LEFT_OUTER, on=(Plan.id == newest))
            .join(PlanTask, JOIN.LEFT_OUTER, on=(PlanTask.plan == Plan.id))
            .switch(Mentorship)
            .join(FinalReport, JOIN.LEFT_OUTER, on=(FinalReport.mentorship == Mentorship.id))
            .where(Mentorship.id == pair_id)
            .order_by(PlanTask.id))


_PLAN_AND_REPORT = KeptSelect(_plan_and_report)


def _meetings_with_previous(mentorship_id: int) -> list[Meeting]:
    """Current meetings, each knowing the status of the version it replaced (`previous_status`):
    a held meeting replacing a planned one is the plan come true, not a correction."""
    return [meeting for meeting, in _MEETINGS.models(mentorship_id)]


def mentor_pair(mentor: Person, mentorship_id: int) -> dict:
    """Everything the mentor's pair page shows, in at most six queries whatever the number of meetings (the
    pair with its mentees, the meetings, the plan with its tasks and the final report, the agreed plan when the
    newest is not, the growth, the verdicts): with the mentees' entry → exit growth (6.3), which their own
    mentor sees (DECISIONS «Who sees answers»)."""
    mentorship, mentees = mentorship_of_mentor_with_mentees(mentor, mentorship_id)
    meetings = _meetings_with_previous(mentorship.id)
    held = [m for m in meetings if m.status == "held"]
    rows = _PLAN_AND_REPORT.models(mentorship.id)
    plan, _, report = rows[0] if rows else (None, None, None)
    tasks = [task for _, task, _ in rows if task is not None]
    # The number of meetings is the agreed plan's (5.5): a newer version waiting for a confirmation does
    # not change it yet; before any agreement it is the proposal's, shown as not agreed.
    agreed = plan if is_agreed(plan) else agreed_plan(mentorship.id) if plan else None
    return {
        "mentorship": mentorship, "mentees": mentees,
        "growth": mentee_growth(mentorship.id, [p.id for p in mentees]),
        "held": held, "upcoming": [m for m in meetings if m.status == "planned"],
        "verdicts": verdicts_of(m.id for m in held),
        "corrected": {m.id for m in meetings if m.previous_status == m.status},
        "next_stages": next_stages(meetings, agreed is not None),
        "plannable_stages": plannable_stages(meetings, agreed is not None),
        "waits_for_plan": waits_for_plan(meetings, agreed is not None),
        "plan": plan, "tasks": tasks, "agreed": is_agreed(plan),
        "progress": {"held": len(held), "planned": (agreed or plan).planned_meetings if plan else None,
                     "tasks_done": sum(1 for t in tasks if t.done_at), "tasks": len(tasks)},
        "report": report,
    }


def versions_of(mentor: Person, meeting_id: int) -> dict:
    """Every version of a meeting, oldest first, with who confirmed each: three queries however long the chain."""
    meeting, _ = meeting_of_mentor(mentor, meeting_id)
    everything = {m.id: m for m in Meeting.select().where(Meeting.mentorship == meeting.mentorship_id)}
    newer = {m.supersedes_id: m for m in everything.values() if m.supersedes_id}
    chain = [meeting]
    while chain[0].supersedes_id in everything:
        chain.insert(0, everything[chain[0].supersedes_id])
    while chain[-1].id in newer:
        chain.append(newer[chain[-1].id])
    return {"meeting": meeting, "versions": chain, "verdicts": verdicts_of(m.id for m in chain)}


def cycle_formats(scope) -> list[dict]:
    """The formats in the staff member's reach, with how many pairs run a cycle in each: two queries."""
    formats = list(scope.formats())
    counts = dict(Mentorship.select(Mentorship.mentoring_format, fn.COUNT(1))
                  .where(Mentorship.mentoring_format.in_([f.id for f in formats])
                         & Mentorship.status.in_(CYCLE_STATES))
                  .group_by(Mentorship.mentoring_format).tuples()) if formats else {}
    return [{"format": f, "pairs": counts.get(f.id, 0)} for f in formats]


def format_cycle(scope, format_id: int, today: date | None = None, year: int | None = None) -> dict:
    """The curator's view of a form (issue 5 item 6): each pair's stage, last meeting, held of planned,
    the quiet ones; and the meetings the mentee disputed or nobody confirmed (item 3). Each pair shows its
    school year; `year` keeps that year's pairs only (services.years), None every year.

    A fixed number of queries whatever the number of pairs: pairs, members, years, meetings, plans, quiet,
    verdicts."""
    fmt = scope.check_format(format_id)
    members = (MentorshipMember.select(MentorshipMember, Person).join(Person)
               .where(MentorshipMember.left_at.is_null()).order_by(Person.surname, Person.first_name))
    where = (Mentorship.mentoring_format == fmt.id) & Mentorship.status.in_(CYCLE_STATES)
    if year is not None:
        where &= years.pair_condition(year)
    pairs = years.with_school_years(list(_pairs_with_people().where(where)
                                         .order_by(Mentor.surname, Mentor.first_name, Mentorship.id)
                                         .prefetch(members)))
    ids = [p.id for p in pairs]
    meetings: dict[int, list[Meeting]] = {}
    plans: dict[int, Plan] = {}
    if ids:
        for meeting in current_meetings(ids):
            meetings.setdefault(meeting.mentorship_id, []).append(meeting)
        # The plan that counts (5.5): the newest version both sides agreed, else the newest proposed.
        for version in Plan.select().where(Plan.mentorship.in_(ids)).order_by(Plan.version):
            counted = plans.get(version.mentorship_id)
            if counted is None or is_agreed(version) or not is_agreed(counted):
                plans[version.mentorship_id] = version
    quiet = quiet_pairs(pairs, today)
    verdicts = verdicts_of(m.id for ms in meetings.values() for m in ms if m.status == "held")
    rows, unsettled = [], []
    for pair in pairs:
        held = [m for m in meetings.get(pair.id, []) if m.status == "held"]
        upcoming = [m for m in meetings.get(pair.id, []) if m.status == "planned"]
        states = {m.id: verdict_state(verdicts.get(m.id, [])) for m in held}
        plan = plans.get(pair.id)
        rows.append({"pair": pair, "mentees": [member.mentee for member in pair.members],
                     "stage": STAGE_TITLES[held[-1].stage] if held else NOT_STARTED,
                     "last": held[-1].held_on if held else None,
                     "next": upcoming[0].held_on if upcoming else None,
                     "held": len(held), "plan": plan, "agreed": is_agreed(plan), "quiet": pair.id in quiet,
                     "disputed": sum(1 for s in states.values() if s == "disputed"),
                     "unconfirmed": sum(1 for s in states.values() if s == "unconfirmed")})
        unsettled += [{"meeting": m, "pair": pair, "state": states[m.id], "verdicts": verdicts.get(m.id, [])}
                      for m in held if states[m.id] != "confirmed"]
    unsettled.sort(key=lambda u: (u["state"] != "disputed", u["meeting"].held_on, u["meeting"].id))
    return {"format": fmt, "rows": rows, "unsettled": unsettled, "year": year,
            "disputed": sum(r["disputed"] for r in rows), "unconfirmed": sum(r["unconfirmed"] for r in rows)}
