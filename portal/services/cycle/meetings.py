"""The meeting journal (5.3, 5.4): stages in the regulation's order, logging, corrections as new versions,
the mentee's (or parent's) verdict, quiet pairs, upcoming meetings."""
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from peewee import JOIN, fn

from portal.db import atomic_write, lock_row
from portal.formatting import acted_for, agree, ru_date, short_name
from portal.models import (
    Account, Guardianship, Meeting, MeetingConfirmation, Mentorship, MentorshipMember, Person, Plan, RoleGrant,
)
from portal.models.base import KeptSelect, utcnow
from portal.models.cycle import MEETING_FORMATS, STAGES
from portal.services import NotAllowed, ServiceError, audit, notifications
from portal.services import consent as consents
from portal.services import representation
from portal.services.cycle.access import meeting_of_mentor, mentorship_of_mentor

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


PLAN_FIRST = ("Регулярные встречи и заключительная встреча — по плану: их можно записать, когда план "
              "наставничества согласуют обе стороны (п. 5.5 Положения).")


def agreed_versions(mentorship_id: int):
    """The versions of the pair's plan both sides confirmed."""
    return Plan.select().where((Plan.mentorship == mentorship_id) & Plan.mentor_confirmed_at.is_null(False)
                               & Plan.mentee_confirmed_at.is_null(False))


def plan_agreed(mentorship_id: int) -> bool:
    """Some version of the plan was confirmed by both sides: the pair works to it (a newer version waiting
    for a confirmation does not stop the meetings)."""
    return agreed_versions(mentorship_id).exists()


def next_stages(meetings, plan_agreed: bool) -> list[str]:
    """What the mentor may log next, by 5.3: first → trial → planning → regular… → final; the regular and
    final meetings only once the plan made at the planning meeting is agreed (5.5, s5, s7)."""
    done = held_stages(meetings)
    if "final" in done:
        return []
    for stage in ONCE:
        if stage not in done:
            return [stage]
    return ["regular", "final"] if plan_agreed else []


def waits_for_plan(meetings, plan_agreed: bool) -> bool:
    """The first three stages are held and nothing more may be logged until the plan is agreed."""
    done = held_stages(meetings)
    return not plan_agreed and "final" not in done and all(stage in done for stage in ONCE)


def plannable_stages(meetings, plan_agreed: bool) -> list[str]:
    """What may be scheduled ahead: the next legal stage, or regular meetings once planning is done."""
    legal = next_stages(meetings, plan_agreed)
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


class Logged(NamedTuple):
    """What logging a meeting did: the meeting, and whether it was there already (a double submit)."""
    meeting: Meeting
    repeated: bool


def log_meeting(mentor: Person, mentorship_id: int, data: MeetingData, ip: str = "",
                today: date | None = None) -> Meeting:
    """Log a held meeting or schedule one; a double submit returns the meeting already logged."""
    return record_meeting(mentor, mentorship_id, data, ip=ip, today=today).meeting


def record_meeting(mentor: Person, mentorship_id: int, data: MeetingData, ip: str = "",
                   today: date | None = None) -> Logged:
    """`log_meeting` telling the view whether the meeting was new, so it does not show the same meeting twice."""
    today = today or date.today()
    mentorship = mentorship_of_mentor(mentor, mentorship_id)
    if mentorship.status != "active":
        raise ServiceError("Встречи ведутся только в действующей паре, утверждённой приказом директора.")
    _participants_ok(mentorship)
    with atomic_write():
        lock_row(Mentorship, mentorship.id)
        meetings = list(current_meetings([mentorship.id]))
        agreed = plan_agreed(mentorship.id)
        legal = plannable_stages(meetings, agreed) if data.planned else next_stages(meetings, agreed)
        if not legal and waits_for_plan(meetings, agreed):
            raise ServiceError(PLAN_FIRST, field="stage")
        status = "planned" if data.planned else "held"
        twin = next((m for m in meetings if (m.stage, m.held_on, m.topic, m.status) ==
                     (data.stage, data.held_on, " ".join(data.topic.split())[:300], status)), None)
        if twin is not None:
            return Logged(twin, repeated=True)  # a double click or a second tab: one meeting
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
        if not data.planned:
            _ask_to_confirm(mentor, mentorship, meeting)
        if data.stage == "final" and not data.planned:
            Mentorship.update(status="completed", status_changed_at=utcnow()).where(
                Mentorship.id == mentorship.id).execute()
            audit.record("mentorship.completed", actor=mentor, obj=mentorship, ip=ip)
    return Logged(meeting, repeated=False)


def correct_meeting(mentor: Person, meeting_id: int, data: MeetingData, ip: str = "",
                    today: date | None = None) -> Meeting:
    """A correction is a new version; the earlier one stays in the history."""
    today = today or date.today()
    old, _ = meeting_of_mentor(mentor, meeting_id)
    mentorship = mentorship_of_mentor(mentor, old.mentorship_id)
    with atomic_write():
        lock_row(Mentorship, mentorship.id)
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
        if meeting.status == "held":  # the corrected record is confirmed or disputed afresh
            _ask_to_confirm(mentor, mentorship, meeting)
    return meeting


def _about(meeting: Meeting) -> str:
    return f"{STAGE_TITLES[meeting.stage]}, {ru_date(meeting.held_on)}"


def _ask_to_confirm(mentor: Person, mentorship: Mentorship, meeting: Meeting) -> None:
    """meeting.to_confirm for the pair's mentees: a held meeting waits for their word (one item per pair)."""
    mentees = [m.mentee_id for m in MentorshipMember.select(MentorshipMember.mentee).where(
        (MentorshipMember.mentorship == mentorship) & MentorshipMember.left_at.is_null())]
    notifications.notify(mentees, "meeting.to_confirm", obj=mentorship,
                         details=f"{_about(meeting)}; {agree(mentor, 'записал(а)')} {short_name(mentor)}")


def curators_of(format_id: int) -> list[int]:
    """The people curating a format through an active account."""
    return [pid for (pid,) in Account.select(Account.person).join(RoleGrant)
            .where((RoleGrant.role == "curator") & (RoleGrant.mentoring_format == format_id)
                   & (Account.is_active == True)).distinct().tuples()]  # noqa: E712


def _tell_disputed(person: Person, meeting: Meeting, comment: str, child: Person | None = None) -> None:
    """A disputed record: the mentor is asked to look at it, the format's curators to sort it out."""
    mentorship = Mentorship.get_by_id(meeting.mentorship_id)
    who = acted_for(person, child) if child is not None else short_name(person)
    details = f"{_about(meeting)}; {agree(person, 'оспорил(а)')} {who}: «{comment}»"
    notifications.notify([mentorship.mentor_id], "meeting.disputed", obj=mentorship, details=details)
    notifications.notify(curators_of(mentorship.mentoring_format_id), "meeting.disputed_staff", obj=mentorship,
                         details=details)


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
    child = None
    if person.id not in members:  # a parent acts for their minor child in the pair (s8), by the one rule
        child = representation.represented_by([person.id], members).get(person.id)
        if child is None:
            raise NotAllowed("Нет такой встречи.")
        reason = representation.refusal(child, "confirm_meeting")
        if reason is not None:
            raise ServiceError(reason)
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
                     meeting=meeting.id, child=getattr(child, "id", None))
        if verdict == "disputed":
            _tell_disputed(person, meeting, comment, child)
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


VERDICT_PERSON = (Person.id, Person.surname, Person.first_name, Person.patronymic, Person.sex, Person.kind,
                  Person.destroyed_at)


def verdicts_of(meeting_ids) -> dict[int, list[MeetingConfirmation]]:
    """Who confirmed or disputed each meeting, with the person joined: one query.

    Of the person, what a verdict shows: the name (short or full, in the person's gender), the kind, and
    whether the record was destroyed — not every column of the person for each of a journal's verdicts.
    A parent's verdict (s8) also knows the child they acted for (`for_child`, else None): the parent's
    confirmed ward among the meeting pair's current members, joined in the same query."""
    found: dict[int, list[MeetingConfirmation]] = {}
    ids = list(meeting_ids)
    if ids:
        for verdict, person, child in _VERDICTS.models(ids):
            verdict.person = person
            verdict.for_child = child
            found.setdefault(verdict.meeting_id, []).append(verdict)
    return found


Child = Person.alias()


def _verdicts_query(meeting_ids):
    ward = (Guardianship.select(Guardianship.child)
            .join(MentorshipMember, on=((MentorshipMember.mentee == Guardianship.child)
                                        & MentorshipMember.left_at.is_null()))
            .where((Guardianship.parent == MeetingConfirmation.person) & Guardianship.confirmed_at.is_null(False)
                   & (MentorshipMember.mentorship == Meeting.mentorship))
            .limit(1))
    return (MeetingConfirmation.select(MeetingConfirmation, *VERDICT_PERSON,
                                       *[getattr(Child, f.name) for f in VERDICT_PERSON])
            .join(Person, on=(MeetingConfirmation.person == Person.id))
            .switch(MeetingConfirmation)
            .join(Meeting, on=(MeetingConfirmation.meeting == Meeting.id))
            .join(Child, JOIN.LEFT_OUTER, on=(Child.id == ward))
            .where(MeetingConfirmation.meeting.in_(meeting_ids)).order_by(MeetingConfirmation.created_at))


# A journal's every page asks it (models.base.KeptSelect: the text kept per number of meetings).
_VERDICTS = KeptSelect(_verdicts_query)


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


RUNNING = ("active", "suspended", "completed", "ended", "carried")  # the pair page opens: the cycle runs or ran


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
