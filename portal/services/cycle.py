"""The mentorship cycle (5.3–5.5, s5, s7): stages in the regulation's order, the meeting journal, the joint plan.

The stage rules live here and nowhere else: the mentor's screen asks `next_stages` and offers only those.
A logged meeting is never edited: a correction is a new row that supersedes it, so the history keeps
every version. Only an active pair (approved by a registered order) runs a cycle.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from peewee import JOIN, fn

from portal.db import atomic_write, is_sqlite
from portal.models import (
    FinalReport, Guardianship, Meeting, MeetingConfirmation, MentoringFormat, Mentorship, MentorshipMember, Person,
    Plan, PlanTask, Programme,
)
from portal.models.base import utcnow
from portal.models.cycle import MEETING_FORMATS, STAGES
from portal.documents.report import report_html
from portal.services import NotAllowed, ServiceError, audit, issued
from portal.services import consent as consents

STAGE_TITLES = dict(STAGES)
FORMAT_TITLES = dict(MEETING_FORMATS)
ONCE = ("first", "trial", "planning")
QUIET_DAYS = 30
MAX_DURATION = 8 * 60


@dataclass
class MeetingData:
    stage: str
    held_on: date | None
    duration_minutes: int | None = 45
    format: str = "in_person"
    topic: str = ""
    notes: str = ""
    next_steps: str = ""
    planned: bool = False


def current_meetings(mentorship_ids):
    """The meetings as they stand now: versions that no later correction supersedes."""
    return (Meeting.select().where(Meeting.mentorship.in_(list(mentorship_ids)) & Meeting.is_current())
            .order_by(Meeting.held_on, Meeting.id))


def held_stages(meetings) -> list[str]:
    return [m.stage for m in meetings if m.status == "held"]


def next_stages(meetings) -> list[str]:
    """What the mentor may log next, by 5.3: first → trial → planning → regular… → final."""
    done = held_stages(meetings)
    if "final" in done:
        return []
    for stage in ONCE:
        if stage not in done:
            return [stage]
    return ["regular", "final"]


def plannable_stages(meetings) -> list[str]:
    """What may be scheduled ahead: the next legal stage, or regular meetings once planning is done."""
    legal = next_stages(meetings)
    planned = {m.stage for m in meetings if m.status == "planned"}
    return [s for s in legal if s == "regular" or s not in planned]


def _participants_ok(mentorship: Mentorship) -> None:
    mentor = Person.get_by_id(mentorship.mentor_id)
    people = [(mentor, "mentor")] + [(m.mentee, "mentee") for m in MentorshipMember.select(MentorshipMember, Person)
                                     .join(Person).where((MentorshipMember.mentorship == mentorship)
                                                         & MentorshipMember.left_at.is_null())]
    gate = consents.participation_gate(people)
    missing = [p.full_name for p, base in people if not gate[(p.id, base)]]
    if missing:
        raise ServiceError("Нет действующего согласия на обработку данных: " + ", ".join(missing) + ".")


def mentorship_for_mentor(mentor: Person, mentorship_id: int) -> Mentorship:
    found = (Mentorship.select(Mentorship, Programme).join(Programme, JOIN.LEFT_OUTER)
             .where((Mentorship.id == mentorship_id) & (Mentorship.mentor == mentor)).first())
    if found is None:
        raise NotAllowed("Нет такой пары.")
    return found


def _lock(mentorship: Mentorship) -> None:
    if not is_sqlite():
        list(Mentorship.select(Mentorship.id).where(Mentorship.id == mentorship.id).for_update())


def _validate(data: MeetingData, mentorship: Mentorship, legal: list[str], today: date) -> MeetingData:
    if data.stage not in STAGE_TITLES:
        raise ServiceError("Выберите этап встречи.", field="stage")
    if data.stage not in legal:
        if not legal:
            raise ServiceError("Цикл наставничества завершён заключительной встречей.", field="stage")
        allowed = ", ".join(f"«{STAGE_TITLES[s]}»" for s in legal)
        raise ServiceError(f"Сейчас по порядку этапов (п. 5.3 Положения) можно: {allowed}.", field="stage")
    if data.held_on is None:
        raise ServiceError("Укажите дату встречи.", field="held_on")
    programme = mentorship.programme
    if programme is None:
        raise ServiceError("У пары нет программы: обратитесь к куратору.")
    if not programme.starts_on <= data.held_on <= programme.ends_on:
        raise ServiceError(f"Дата должна быть в сроке программы: с {programme.starts_on:%d.%m.%Y} "
                           f"по {programme.ends_on:%d.%m.%Y} (п. 5.4 Положения).", field="held_on")
    if not data.planned and data.held_on > today:
        raise ServiceError("Проведённая встреча не может быть в будущем. Запланируйте её.", field="held_on")
    if data.planned and data.held_on < today:
        raise ServiceError("Запланировать можно только на сегодня или позже.", field="held_on")
    if data.duration_minutes is None or not 5 <= data.duration_minutes <= MAX_DURATION:
        raise ServiceError("Продолжительность — от 5 минут до 8 часов.", field="duration_minutes")
    if data.format not in FORMAT_TITLES:
        raise ServiceError("Выберите формат встречи.", field="format")
    data.topic = " ".join(data.topic.split())[:300]
    if not data.topic:
        raise ServiceError("Укажите тему встречи.", field="topic")
    data.notes, data.next_steps = data.notes.strip()[:5000], data.next_steps.strip()[:5000]
    return data


STAGE_RANK = {code: rank for rank, (code, _) in enumerate(STAGES)}


def _in_stage_order(day: date, stage: str, meetings, replacing: int | None = None) -> None:
    """5.3 on the calendar too: a stage is not dated before a held meeting of an earlier stage, nor after
    one of a later stage (a forgotten regular meeting may still be logged between planning and the final)."""
    rank = STAGE_RANK[stage]
    for m in meetings:
        if m.status != "held" or m.id == replacing:
            continue
        if STAGE_RANK[m.stage] < rank and day < m.held_on:
            raise ServiceError(f"Эта встреча не может быть раньше, чем «{STAGE_TITLES[m.stage]}» "
                               f"({m.held_on:%d.%m.%Y}): этапы идут по порядку (п. 5.3 Положения).", field="held_on")
        if STAGE_RANK[m.stage] > rank and day > m.held_on:
            raise ServiceError(f"Эта встреча не может быть позже, чем «{STAGE_TITLES[m.stage]}» "
                               f"({m.held_on:%d.%m.%Y}): этапы идут по порядку (п. 5.3 Положения).", field="held_on")


def log_meeting(mentor: Person, mentorship_id: int, data: MeetingData, ip: str = "",
                today: date | None = None) -> Meeting:
    """Log a held meeting or schedule one; a double submit returns the meeting already logged."""
    today = today or date.today()
    mentorship = mentorship_for_mentor(mentor, mentorship_id)
    if mentorship.status != "active":
        raise ServiceError("Встречи ведутся только в действующей паре, утверждённой приказом директора.")
    _participants_ok(mentorship)
    with atomic_write():
        _lock(mentorship)
        meetings = list(current_meetings([mentorship.id]))
        legal = plannable_stages(meetings) if data.planned else next_stages(meetings)
        status = "planned" if data.planned else "held"
        twin = next((m for m in meetings if (m.stage, m.held_on, m.topic, m.status) ==
                     (data.stage, data.held_on, " ".join(data.topic.split())[:300], status)), None)
        if twin is not None:
            twin.repeated = True  # so a view does not show the same meeting twice
            return twin  # a double click or a second tab: one meeting
        data = _validate(data, mentorship, legal, today)
        if not data.planned:
            _in_stage_order(data.held_on, data.stage, meetings)
        # A planned meeting of this stage that now took place is superseded by the held one.
        planned = next((m for m in meetings if m.status == "planned" and m.stage == data.stage
                        and not data.planned), None)
        meeting = Meeting.create(mentorship=mentorship, stage=data.stage, status=status, held_on=data.held_on,
                                 duration_minutes=data.duration_minutes, format=data.format, topic=data.topic,
                                 notes=data.notes, next_steps=data.next_steps, logged_by=mentor,
                                 supersedes=planned)
        audit.record("meeting.planned" if data.planned else "meeting.logged", actor=mentor, obj=mentorship,
                     ip=ip, meeting=meeting.id, stage=data.stage, held_on=data.held_on)
        if data.stage == "final" and not data.planned:
            Mentorship.update(status="completed", status_changed_at=utcnow()).where(
                Mentorship.id == mentorship.id).execute()
            audit.record("mentorship.completed", actor=mentor, obj=mentorship, ip=ip)
    return meeting


def correct_meeting(mentor: Person, meeting_id: int, data: MeetingData, ip: str = "",
                    today: date | None = None) -> Meeting:
    """A correction is a new version; the earlier one stays in the history."""
    today = today or date.today()
    old = (Meeting.select(Meeting).join(Mentorship)
           .where((Meeting.id == meeting_id) & (Mentorship.mentor == mentor)).first())
    if old is None:
        raise NotAllowed("Нет такой встречи.")
    mentorship = mentorship_for_mentor(mentor, old.mentorship_id)
    with atomic_write():
        _lock(mentorship)
        if Meeting.select().where(Meeting.supersedes == old).exists():
            raise ServiceError("Эта запись уже исправлена: откройте текущую версию.")
        data.stage = old.stage  # the stage of a logged meeting is part of the order; it is not re-chosen
        data.planned = old.status == "planned"
        legal = [old.stage]
        data = _validate(data, mentorship, legal, today)
        if not data.planned:
            _in_stage_order(data.held_on, old.stage, current_meetings([mentorship.id]), replacing=old.id)
        meeting = Meeting.create(mentorship=mentorship, stage=old.stage, status=old.status, held_on=data.held_on,
                                 duration_minutes=data.duration_minutes, format=data.format, topic=data.topic,
                                 notes=data.notes, next_steps=data.next_steps, logged_by=mentor, supersedes=old)
        audit.record("meeting.corrected", actor=mentor, obj=mentorship, ip=ip, meeting=meeting.id, previous=old.id)
    return meeting


def history_of(meeting: Meeting) -> list[Meeting]:
    """Every version of a meeting, oldest first."""
    versions = [meeting]
    while versions[-1].supersedes_id is not None:
        versions.append(Meeting.get_by_id(versions[-1].supersedes_id))
    return list(reversed(versions))


def confirm_meeting(person: Person, meeting_id: int, verdict: str, comment: str = "",
                    ip: str = "") -> MeetingConfirmation:
    """The mentee (or their parent) confirms a held meeting took place, or disputes it with a comment."""
    meeting = Meeting.get_or_none(Meeting.id == meeting_id)
    if meeting is None or meeting.status != "held":
        raise NotAllowed("Нет такой встречи.")
    members = [m.mentee_id for m in MentorshipMember.select(MentorshipMember.mentee).where(
        (MentorshipMember.mentorship == meeting.mentorship_id) & MentorshipMember.left_at.is_null())]
    is_parent = Guardianship.select().where((Guardianship.parent == person) & Guardianship.child.in_(members)
                                            & Guardianship.confirmed_at.is_null(False)).exists()
    if person.id not in members and not is_parent:
        raise NotAllowed("Нет такой встречи.")
    if Meeting.select().where(Meeting.supersedes == meeting).exists():
        raise ServiceError("Наставник исправил эту запись: обновите страницу и проверьте новую версию.")
    if verdict not in ("confirmed", "disputed"):
        raise ServiceError("Выберите: встреча состоялась или нет.", field="verdict")
    comment = comment.strip()[:1000]
    if verdict == "disputed" and not comment:
        raise ServiceError("Напишите, что не так с этой записью.", field="comment")
    with atomic_write():
        existing = MeetingConfirmation.get_or_none((MeetingConfirmation.meeting == meeting)
                                                   & (MeetingConfirmation.person == person))
        if existing is not None:
            return existing
        confirmation = MeetingConfirmation.create(meeting=meeting, person=person, verdict=verdict, comment=comment)
        audit.record(f"meeting.{verdict}", actor=person, obj=Mentorship.get_by_id(meeting.mentorship_id), ip=ip,
                     meeting=meeting.id)
    return confirmation


def quiet_pairs(mentorships, today: date | None = None) -> set[int]:
    """Active pairs with no held meeting for 30 days (or none at all since activation)."""
    today = today or date.today()
    ids = {m.id for m in mentorships if m.status == "active"}
    if not ids:
        return set()
    last = dict(Meeting.select(Meeting.mentorship, fn.MAX(Meeting.held_on))
                .where(Meeting.mentorship.in_(list(ids)) & (Meeting.status == "held") & Meeting.is_current())
                .group_by(Meeting.mentorship).tuples())
    limit = today - timedelta(days=QUIET_DAYS)
    return {m.id for m in mentorships if m.id in ids
            and (last.get(m.id) or m.status_changed_at.date()) < limit}


# --- the joint plan (s5 «разработать совместно», 5.5) --------------------------------------------

@dataclass
class PlanData:
    goals: str
    planned_meetings: int | None
    tasks: list[tuple[str, date | None]]


def mentorship_for_participant(person: Person, mentorship_id: int) -> tuple[Mentorship, str]:
    """The pair and the person's side in it ("mentor" or "mentee"); anyone else gets «not found»."""
    mentorship = Mentorship.get_or_none(Mentorship.id == mentorship_id)
    if mentorship is not None and mentorship.mentor_id == person.id:
        return mentorship, "mentor"
    if mentorship is not None and MentorshipMember.select().where(
            (MentorshipMember.mentorship == mentorship) & (MentorshipMember.mentee == person)
            & MentorshipMember.left_at.is_null()).exists():
        return mentorship, "mentee"
    raise NotAllowed("Нет такой пары.")


def current_plan(mentorship_id: int) -> Plan | None:
    return Plan.select().where(Plan.mentorship == mentorship_id).order_by(Plan.version.desc()).first()


def propose_plan(person: Person, mentorship_id: int, data: PlanData, ip: str = "") -> Plan:
    """A new version of the plan, confirmed by its author; the other side must confirm it too."""
    mentorship, side = mentorship_for_participant(person, mentorship_id)
    if mentorship.status != "active":
        raise ServiceError("План составляют в действующей паре.")
    goals = data.goals.strip()[:5000]
    if not goals:
        raise ServiceError("Опишите цели наставничества.", field="goals")
    if data.planned_meetings is None or not 1 <= data.planned_meetings <= 200:
        raise ServiceError("Укажите число встреч: от 1 до 200 (п. 5.5 Положения).", field="planned_meetings")
    tasks = [(" ".join(title.split())[:300], due) for title, due in data.tasks if title and title.strip()]
    programme = Programme.get_or_none(Programme.id == mentorship.programme_id)
    for _, due in tasks:
        if due is not None and programme is not None and not programme.starts_on <= due <= programme.ends_on:
            raise ServiceError("Сроки задач должны быть в сроке программы.", field="tasks")
    with atomic_write():
        _lock(mentorship)
        last = current_plan(mentorship.id)
        # A task carried over unchanged into the new version keeps its «выполнена».
        done = {t.title: t.done_at for t in last.tasks if t.done_at} if last else {}
        now = utcnow()
        plan = Plan.create(mentorship=mentorship, version=(last.version + 1) if last else 1, goals=goals,
                           planned_meetings=data.planned_meetings, created_by=person,
                           mentor_confirmed_at=now if side == "mentor" else None,
                           mentee_confirmed_at=now if side == "mentee" else None)
        for title, due in tasks:
            PlanTask.create(plan=plan, title=title, due_on=due, done_at=done.get(title))
        audit.record("plan.proposed", actor=person, obj=mentorship, ip=ip, plan=plan.id, version=plan.version)
    return plan


def confirm_plan(person: Person, plan_id: int, ip: str = "") -> Plan:
    plan = Plan.get_or_none(Plan.id == plan_id)
    if plan is None:
        raise NotAllowed("Нет такого плана.")
    mentorship, side = mentorship_for_participant(person, plan.mentorship_id)
    latest = current_plan(mentorship.id)
    if latest.id != plan.id:
        raise ServiceError("Этот вариант плана уже заменён новым: подтвердите текущий.")
    field = Plan.mentor_confirmed_at if side == "mentor" else Plan.mentee_confirmed_at
    with atomic_write():
        if Plan.update({field: utcnow()}).where((Plan.id == plan.id) & field.is_null()).execute():
            audit.record("plan.confirmed", actor=person, obj=mentorship, ip=ip, plan=plan.id, side=side)
    return Plan.get_by_id(plan.id)


def is_agreed(plan: Plan | None) -> bool:
    return plan is not None and plan.mentor_confirmed_at is not None and plan.mentee_confirmed_at is not None


def progress(mentorship_id: int) -> dict:
    """Meetings held of planned, tasks done of set — against the agreed plan."""
    plan = current_plan(mentorship_id)
    meetings = [m for m in current_meetings([mentorship_id]) if m.status == "held"]
    tasks = list(plan.tasks) if plan else []
    return {"plan": plan, "agreed": is_agreed(plan), "held": len(meetings),
            "planned": plan.planned_meetings if plan else None,
            "tasks_done": sum(1 for t in tasks if t.done_at), "tasks": len(tasks), "task_list": tasks}


# --- the final report (s5, last duty) ------------------------------------------------------------

def write_report(mentor: Person, mentorship_id: int, *, work_done: str, results: str, conclusions: str,
                 proposals: str, ip: str = "") -> FinalReport:
    mentorship = mentorship_for_mentor(mentor, mentorship_id)
    if mentorship.status != "completed":
        raise ServiceError("Отчёт пишут после заключительной встречи.")
    fields = {"work_done": work_done.strip()[:10000], "results": results.strip()[:10000],
              "conclusions": conclusions.strip()[:10000], "proposals": proposals.strip()[:10000]}
    for name, message in (("work_done", "Опишите проделанную работу."),
                          ("conclusions", "Сформулируйте выводы.")):
        if not fields[name]:
            raise ServiceError(message, field=name)
    with atomic_write():
        existing = FinalReport.get_or_none(FinalReport.mentorship == mentorship)
        if existing is not None:
            raise ServiceError("Отчёт по этой паре уже составлен.")
        report = FinalReport.create(mentorship=mentorship, written_by=mentor, **fields)
        audit.record("report.written", actor=mentor, obj=mentorship, ip=ip)
        _issue_report(mentor, mentorship.id, ip=ip)
    return report


def _issue_report(mentor: Person, mentorship_id: int, ip: str = "", late: bool = False):
    """The report as written, with the plan and the meeting log of that day, frozen in the writing's
    transaction (DECISIONS.md «What a signed document is»)."""
    data = dict(report_document(mentor, mentorship_id), stage_titles=STAGE_TITLES, format_titles=FORMAT_TITLES)
    report = data["report"]
    return issued.issue(school_id=data["school"].id, kind="report", title=issued.KIND_TITLES["report"].capitalize(),
                        issued_at=report.written_at, actor=None if late else mentor, ip=ip, frozen_late=late,
                        report=report.id, render=lambda verification: report_html(dict(data, verification=verification)))


def freeze_late(report: FinalReport):
    """A report written before documents were frozen: frozen from what it renders today, marked so."""
    mentor = Person.get_by_id(Mentorship.get_by_id(report.mentorship_id).mentor_id)
    return _issue_report(mentor, report.mentorship_id, late=True)


def report_pdf(mentor: Person, mentorship_id: int) -> bytes:
    """The PDF of the report as frozen when it was written: the same bytes at every download."""
    _, report = report_of(mentor, mentorship_id)
    if report is None:
        raise ServiceError("Отчёт ещё не написан.")
    document = issued.of(report=report.id)
    if document is None:
        with atomic_write():
            document = issued.of(report=report.id) or freeze_late(report)
    return issued.pdf_bytes(document)


# --- reading the journal: the mentee's and the parent's pair page, the curator's view of the form ----

CYCLE_STATES = ("active", "suspended", "completed")  # pairs an order approved: they run (or ran) a cycle
NOT_STARTED = "ещё не начат"
Mentor = Person.alias()


def _pairs_with_people():
    """Pairs with their format, mentor and programme joined: one query."""
    return (Mentorship.select(Mentorship, MentoringFormat, Mentor, Programme)
            .join(MentoringFormat).switch(Mentorship)
            .join(Mentor, on=(Mentorship.mentor == Mentor.id), attr="mentor").switch(Mentorship)
            .join(Programme, JOIN.LEFT_OUTER))


def _member(mentorship_id, person_id):
    return MentorshipMember.select().where((MentorshipMember.mentorship == mentorship_id)
                                           & (MentorshipMember.mentee == person_id)
                                           & MentorshipMember.left_at.is_null())


def mentorship_for_mentee(person: Person, mentorship_id: int) -> Mentorship:
    """The mentee's own pair; anyone else's is «not found»."""
    found = _pairs_with_people().where((Mentorship.id == mentorship_id)
                                       & fn.EXISTS(_member(Mentorship.id, person.id))).first()
    if found is None:
        raise NotAllowed("Нет такой пары.")
    return found


def child_of_parent(parent: Person, child_id: int) -> Person:
    """A child the school linked to this parent (a confirmed guardianship), else «not found»."""
    child = (Person.select().join(Guardianship, on=(Guardianship.child == Person.id))
             .where((Person.id == child_id) & (Guardianship.parent == parent)
                    & Guardianship.confirmed_at.is_null(False)).first())
    if child is None:
        raise NotAllowed("Нет такого ребёнка.")
    return child


def mentorship_for_parent(parent: Person, child_id: int, mentorship_id: int) -> tuple[Mentorship, Person]:
    """The pair of the parent's linked child, and the child; any other is «not found»."""
    child = child_of_parent(parent, child_id)
    return mentorship_for_mentee(child, mentorship_id), child


def meeting_for(person: Person, meeting_id: int, child: Person | None = None) -> Meeting:
    """A held meeting of the person's own pair — or of their linked child's pair when `child` is given."""
    member = child or person
    meeting = (Meeting.select().where((Meeting.id == meeting_id) & (Meeting.status == "held")
                                      & fn.EXISTS(_member(Meeting.mentorship, member.id))).first())
    if meeting is None:
        raise NotAllowed("Нет такой встречи.")
    return meeting


def verdicts_of(meeting_ids) -> dict[int, list[MeetingConfirmation]]:
    """Who confirmed or disputed each meeting, with the person joined: one query."""
    found: dict[int, list[MeetingConfirmation]] = {}
    ids = list(meeting_ids)
    if ids:
        for row in (MeetingConfirmation.select(MeetingConfirmation, Person).join(Person)
                    .where(MeetingConfirmation.meeting.in_(ids)).order_by(MeetingConfirmation.created_at)):
            found.setdefault(row.meeting_id, []).append(row)
    return found


def journal(mentorship_id: int) -> dict:
    """The pair's meetings as they stand now — held ones with their verdicts, planned ones apart."""
    meetings = list(current_meetings([mentorship_id]))
    held = [m for m in meetings if m.status == "held"]
    return {"held": held, "planned": [m for m in meetings if m.status == "planned"],
            "verdicts": verdicts_of(m.id for m in held)}


def verdict_state(verdicts) -> str:
    """«disputed» if anyone disputed, «confirmed» if someone confirmed, else «unconfirmed»."""
    found = {v.verdict for v in verdicts}
    return "disputed" if "disputed" in found else "confirmed" if found else "unconfirmed"


def cycle_formats(scope) -> list[dict]:
    """The formats in the staff member's reach, with how many pairs run a cycle in each: two queries."""
    formats = list(scope.formats())
    counts = dict(Mentorship.select(Mentorship.mentoring_format, fn.COUNT(1))
                  .where(Mentorship.mentoring_format.in_([f.id for f in formats])
                         & Mentorship.status.in_(CYCLE_STATES))
                  .group_by(Mentorship.mentoring_format).tuples()) if formats else {}
    return [{"format": f, "pairs": counts.get(f.id, 0)} for f in formats]


def format_cycle(scope, format_id: int, today: date | None = None) -> dict:
    """The curator's view of a form (issue 5 item 6): each pair's stage, last meeting, held of planned,
    the quiet ones; and the meetings the mentee disputed or nobody confirmed (item 3).

    A fixed number of queries whatever the number of pairs: pairs, members, meetings, plans, quiet, verdicts."""
    fmt = scope.check_format(format_id)
    members = (MentorshipMember.select(MentorshipMember, Person).join(Person)
               .where(MentorshipMember.left_at.is_null()).order_by(Person.surname, Person.first_name))
    pairs = list(_pairs_with_people().where((Mentorship.mentoring_format == fmt.id)
                                            & Mentorship.status.in_(CYCLE_STATES))
                 .order_by(Mentor.surname, Mentor.first_name, Mentorship.id).prefetch(members))
    ids = [p.id for p in pairs]
    meetings: dict[int, list[Meeting]] = {}
    plans: dict[int, Plan] = {}
    if ids:
        for meeting in current_meetings(ids):
            meetings.setdefault(meeting.mentorship_id, []).append(meeting)
        latest = (Plan.select(Plan.mentorship.alias("pair"), fn.MAX(Plan.version).alias("v"))
                  .where(Plan.mentorship.in_(ids)).group_by(Plan.mentorship))
        plans = {p.mentorship_id: p for p in Plan.select().join(
            latest, on=((Plan.mentorship == latest.c.pair) & (Plan.version == latest.c.v)))}
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
    return {"format": fmt, "rows": rows, "unsettled": unsettled,
            "disputed": sum(r["disputed"] for r in rows), "unconfirmed": sum(r["unconfirmed"] for r in rows)}


def plan_for_mentee(person: Person, plan_id: int) -> tuple[Plan, Mentorship]:
    """A version of the plan of the mentee's own pair, with the pair; any other is «not found»."""
    plan = Plan.get_or_none(Plan.id == plan_id)
    if plan is None:
        raise NotAllowed("Нет такого плана.")
    return plan, mentorship_for_mentee(person, plan.mentorship_id)


# --- the mentor's side: the pair page, corrections' history, tasks, the report document -------------

Previous = Meeting.alias()


def pair_for_mentor(mentor: Person, mentorship_id: int) -> Mentorship:
    """The mentor's own pair with its format and programme joined; anyone else's is «not found»."""
    found = _pairs_with_people().where((Mentorship.id == mentorship_id) & (Mentorship.mentor == mentor)).first()
    if found is None:
        raise NotAllowed("Нет такой пары.")
    return found


def mentees_of(mentorship_id: int) -> list[Person]:
    return [m.mentee for m in MentorshipMember.select(MentorshipMember, Person).join(Person)
            .where((MentorshipMember.mentorship == mentorship_id) & MentorshipMember.left_at.is_null())
            .order_by(Person.surname, Person.first_name)]


def _meetings_with_previous(mentorship_id: int) -> list[Meeting]:
    """Current meetings, each knowing the status of the version it replaced (`previous_status`):
    a held meeting replacing a planned one is the plan come true, not a correction."""
    return list(current_meetings([mentorship_id]).select_extend(Previous.status.alias("previous_status"))
                .join(Previous, JOIN.LEFT_OUTER, on=(Meeting.supersedes == Previous.id)).objects())


def mentor_pair(mentor: Person, mentorship_id: int) -> dict:
    """Everything the mentor's pair page shows, in seven queries whatever the number of meetings."""
    mentorship = pair_for_mentor(mentor, mentorship_id)
    meetings = _meetings_with_previous(mentorship.id)
    held = [m for m in meetings if m.status == "held"]
    plan = current_plan(mentorship.id)
    tasks = list(PlanTask.select().where(PlanTask.plan == plan).order_by(PlanTask.id)) if plan else []
    return {
        "mentorship": mentorship, "mentees": mentees_of(mentorship.id),
        "held": held, "upcoming": [m for m in meetings if m.status == "planned"],
        "verdicts": verdicts_of(m.id for m in held),
        "corrected": {m.id for m in meetings if m.previous_status == m.status},
        "next_stages": next_stages(meetings), "plannable_stages": plannable_stages(meetings),
        "plan": plan, "tasks": tasks, "agreed": is_agreed(plan),
        "progress": {"held": len(held), "planned": plan.planned_meetings if plan else None,
                     "tasks_done": sum(1 for t in tasks if t.done_at), "tasks": len(tasks)},
        "report": FinalReport.get_or_none(FinalReport.mentorship == mentorship.id),
    }


def meeting_of_mentor(mentor: Person, meeting_id: int) -> tuple[Meeting, int | None]:
    """A meeting of the mentor's own pair, and the id of the version that replaced it (None if current)."""
    Later = Meeting.alias()
    meeting = (Meeting.select(Meeting, Later.id.alias("replaced_by")).join(Mentorship)
               .switch(Meeting).join(Later, JOIN.LEFT_OUTER, on=(Later.supersedes == Meeting.id))
               .where((Meeting.id == meeting_id) & (Mentorship.mentor == mentor)).objects().first())
    if meeting is None:
        raise NotAllowed("Нет такой встречи.")
    return meeting, meeting.replaced_by


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


def plan_of_mentor(mentor: Person, plan_id: int) -> Plan:
    plan = (Plan.select(Plan).join(Mentorship)
            .where((Plan.id == plan_id) & (Mentorship.mentor == mentor)).first())
    if plan is None:
        raise NotAllowed("Нет такого плана.")
    return plan


def task_of_mentor(mentor: Person, task_id: int) -> PlanTask:
    task = (PlanTask.select(PlanTask, Plan).join(Plan).join(Mentorship)
            .where((PlanTask.id == task_id) & (Mentorship.mentor == mentor)).first())
    if task is None:
        raise NotAllowed("Нет такой задачи.")
    return task


def mark_task_done(person: Person, task_id: int, ip: str = "") -> PlanTask:
    """Either side of the pair marks a task of the current plan done (progress against the plan, 5.5)."""
    task = PlanTask.select(PlanTask, Plan).join(Plan).where(PlanTask.id == task_id).first()
    if task is None:
        raise NotAllowed("Нет такой задачи.")
    mentorship, side = mentorship_for_participant(person, task.plan.mentorship_id)
    if mentorship.status != "active":
        raise ServiceError("Задачи отмечают в действующей паре.")
    with atomic_write():
        _lock(mentorship)
        if current_plan(mentorship.id).id != task.plan_id:
            raise ServiceError("Этот вариант плана уже заменён новым: отметьте задачу в текущем.")
        if PlanTask.update(done_at=utcnow()).where((PlanTask.id == task.id) & PlanTask.done_at.is_null()).execute():
            audit.record("plan.task_done", actor=person, obj=mentorship, ip=ip, task=task.id, side=side)
    return PlanTask.get_by_id(task.id)


def agreed_plan(mentorship_id: int) -> Plan | None:
    """The latest version both sides confirmed: the plan a report measures against."""
    return (Plan.select().where((Plan.mentorship == mentorship_id) & Plan.mentor_confirmed_at.is_null(False)
                                & Plan.mentee_confirmed_at.is_null(False))
            .order_by(Plan.version.desc()).first())


def report_of(mentor: Person, mentorship_id: int) -> tuple[Mentorship, FinalReport | None]:
    mentorship = pair_for_mentor(mentor, mentorship_id)
    return mentorship, FinalReport.get_or_none(FinalReport.mentorship == mentorship.id)


def report_document(mentor: Person, mentorship_id: int) -> dict:
    """What the printed report holds: the pair, the agreed plan, the four sections, the meeting log."""
    mentorship, report = report_of(mentor, mentorship_id)
    if report is None:
        raise ServiceError("Отчёт ещё не написан.")
    plan = agreed_plan(mentorship.id) or current_plan(mentorship.id)
    held = [m for m in current_meetings([mentorship.id]) if m.status == "held"]
    return {"school": mentorship.mentoring_format.school, "mentorship": mentorship,
            "mentees": mentees_of(mentorship.id), "plan": plan, "agreed": is_agreed(plan),
            "tasks": list(plan.tasks.order_by(PlanTask.id)) if plan else [],
            "report": report, "held": held, "verdicts": verdicts_of(m.id for m in held)}


# --- home pages --------------------------------------------------------------------------------------

RUNNING = ("active", "suspended", "completed")


def upcoming_meetings(person: Person, today: date | None = None) -> list[Meeting]:
    """Planned meetings of the person's pairs (as mentor or mentee), soonest first, in one query."""
    today = today or date.today()
    as_mentee = MentorshipMember.select(MentorshipMember.mentorship).where(
        (MentorshipMember.mentee == person) & MentorshipMember.left_at.is_null())
    return list(Meeting.select(Meeting, Mentorship, Person).join(Mentorship).join(Person, on=Mentorship.mentor)
                .where(((Mentorship.mentor == person) | Mentorship.id.in_(as_mentee))
                       & (Mentorship.status == "active") & (Meeting.status == "planned")
                       & (Meeting.held_on >= today) & Meeting.is_current())
                .order_by(Meeting.held_on, Meeting.id))
