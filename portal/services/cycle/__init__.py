"""The mentorship cycle (5.3–5.5, s5, s7): stages in the regulation's order, the meeting journal, the joint plan.

The stage rules live here and nowhere else: the mentor's screen asks `next_stages` and offers only those.
A logged meeting is never edited: a correction is a new row that supersedes it, so the history keeps
every version. Only an active pair (approved by a registered order) runs a cycle.

A package of modules by aggregate; callers use `from portal.services import cycle` and `cycle.X`, which
this module re-exports:
  access    one fetcher per aggregate (the pair, a meeting, a plan, a task) that checks who may see it
  meetings  the journal: stages, logging, corrections, verdicts, quiet pairs, upcoming meetings
  plan      the joint plan, its tasks and progress
  report    the final report and its frozen document
  overview  the mentor's pair page, a meeting's versions, the curator's view of a form
"""
from portal.services.cycle.access import (  # noqa: F401
    Mentor, mentorship_of_mentor, mentorship_for_mentor, pair_for_mentor, mentorship_for_participant,
    mentorship_for_mentee, child_of_parent, mentorship_for_parent, meeting_for, mentees_of, meeting_of_mentor,
    plan_for_mentee, plan_of_mentor, task_of_mentor,
)
from portal.services.cycle.meetings import (  # noqa: F401
    STAGE_TITLES, FORMAT_TITLES, ONCE, QUIET_DAYS, MAX_DURATION, MeetingData, current_meetings, held_stages,
    next_stages, plannable_stages, plan_agreed, waits_for_plan, PLAN_FIRST, STAGE_RANK, Logged, log_meeting, record_meeting, correct_meeting, history_of,
    confirm_meeting, quiet_pairs, verdicts_of, journal, verdict_state, RUNNING, upcoming_meetings,
)
from portal.services.cycle.plan import (  # noqa: F401
    PlanData, current_plan, propose_plan, confirm_plan, is_agreed, progress, mark_task_done, agreed_plan,
)
from portal.services.cycle.report import (  # noqa: F401
    report_of, report_document, write_report, freeze_late, frozen_document, report_pdf,
)
from portal.services.cycle.overview import (  # noqa: F401
    CYCLE_STATES, NOT_STARTED, Previous, mentor_pair, versions_of, cycle_formats, format_cycle,
)
