"""The joint plan (s5 «разработать совместно», 5.5): versions proposed and confirmed by both sides, tasks, progress."""
from dataclasses import dataclass
from datetime import date

from portal.db import atomic_write, lock_row
from portal.models import Mentorship, MentorshipMember, Person, Plan, PlanTask, Programme
from portal.models.base import utcnow
from portal.services import NotAllowed, ServiceError, audit, notifications
from portal.services.cycle.access import mentorship_for_participant
from portal.services.cycle.meetings import agreed_versions, current_meetings


@dataclass
class PlanData:
    goals: str
    planned_meetings: int | None
    tasks: list[tuple[str, date | None]]


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
        lock_row(Mentorship, mentorship.id)
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
        if side == "mentor":  # the mentee's confirmation makes the plan agreed
            mentees = [m.mentee_id for m in MentorshipMember.select(MentorshipMember.mentee).where(
                (MentorshipMember.mentorship == mentorship) & MentorshipMember.left_at.is_null())]
            notifications.notify(mentees, "plan.to_agree", obj=mentorship, details=f"Вариант плана № {plan.version}")
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


def mark_task_done(person: Person, task_id: int, ip: str = "") -> PlanTask:
    """Either side of the pair marks a task of the current plan done (progress against the plan, 5.5)."""
    task = PlanTask.select(PlanTask, Plan).join(Plan).where(PlanTask.id == task_id).first()
    if task is None:
        raise NotAllowed("Нет такой задачи.")
    mentorship, side = mentorship_for_participant(person, task.plan.mentorship_id)
    if mentorship.status != "active":
        raise ServiceError("Задачи отмечают в действующей паре.")
    with atomic_write():
        lock_row(Mentorship, mentorship.id)
        if current_plan(mentorship.id).id != task.plan_id:
            raise ServiceError("Этот вариант плана уже заменён новым: отметьте задачу в текущем.")
        if PlanTask.update(done_at=utcnow()).where((PlanTask.id == task.id) & PlanTask.done_at.is_null()).execute():
            audit.record("plan.task_done", actor=person, obj=mentorship, ip=ip, task=task.id, side=side)
    return PlanTask.get_by_id(task.id)


def agreed_plan(mentorship_id: int) -> Plan | None:
    """The latest version both sides confirmed: the plan a report measures against."""
    return agreed_versions(mentorship_id).order_by(Plan.version.desc()).first()
