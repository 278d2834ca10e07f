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
    FinalReport, Guardianship, Meeting, MeetingConfirmation, Mentorship, MentorshipMember, Person, Plan, PlanTask,
    Programme,
)
from portal.models.base import utcnow
from portal.models.cycle import MEETING_FORMATS, STAGES
from portal.services import NotAllowed, ServiceError, audit
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
    superseded = Meeting.select(Meeting.supersedes).where(Meeting.supersedes.is_null(False))
    return (Meeting.select().where(Meeting.mentorship.in_(list(mentorship_ids)) & Meeting.id.not_in(superseded))
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
            return twin  # a double click or a second tab: one meeting
        data = _validate(data, mentorship, legal, today)
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
    ids = [m.id for m in mentorships if m.status == "active"]
    if not ids:
        return set()
    last = dict(Meeting.select(Meeting.mentorship, fn.MAX(Meeting.held_on))
                .where(Meeting.mentorship.in_(ids) & (Meeting.status == "held"))
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
        now = utcnow()
        plan = Plan.create(mentorship=mentorship, version=(last.version + 1) if last else 1, goals=goals,
                           planned_meetings=data.planned_meetings, created_by=person,
                           mentor_confirmed_at=now if side == "mentor" else None,
                           mentee_confirmed_at=now if side == "mentee" else None)
        for title, due in tasks:
            PlanTask.create(plan=plan, title=title, due_on=due)
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
        Plan.update({field: utcnow()}).where((Plan.id == plan.id) & field.is_null()).execute()
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
            "tasks_done": sum(1 for t in tasks if t.done_at), "tasks": len(tasks)}


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
    return report
