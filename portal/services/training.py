"""«Школа наставников» (s10, s6, 3.2; DECISIONS.md "Voice, support, training, motivation").

The coordinator sets up training programmes (title, hours, topics, materials, the share of sessions to attend),
their groups (a trainer from the school's staff, a schedule of sessions) and enrols mentors and curators; a
mentor or curator may enrol themself in an open group. The trainer of a group, a curator or the coordinator
marks attendance, one form per session. Completion follows the programme's rule (at least `min_attendance` per
cent of the group's sessions attended): the coordinator sums up a group, and everyone who met the rule gets a
certificate, an issued document (services/issued.py) with its /verify code. A mentor or curator records the
courses they took elsewhere (federal programmes) with the scan of the certificate (services/uploads.py).
The coordinator corrects a programme, a group or a session (each through the same checks as its creation) and
deletes what nothing hangs on yet: a session with no attendance marked in a group not summed up, a group nobody is
enrolled in, a programme with no groups; the share of sessions to attend stays once a certificate is issued under it.

Every change is one function here that checks who acts, writes the audit record and any notification in the
same transaction. `actor` is an `Actor`: the person and the roles their account holds.
"""
from dataclasses import dataclass
from datetime import date, datetime

from peewee import JOIN, IntegrityError, fn

from portal.db import atomic_write, lock_row
from portal.documents.training import certificate_html
from portal.formatting import plural
from portal.ids import parse_id
from portal.models import (
    Account, ExternalCourse, IssuedDocument, Person, RoleGrant, School, StoredFile, TrainingAttendance, TrainingEnrolment,
    TrainingGroup, TrainingMaterial, TrainingProgramme, TrainingSession,
)
from portal.models.training import DEFAULT_MIN_ATTENDANCE
from portal.names import full_name
from portal.services import NotAllowed, ServiceError, audit, issued, notifications, uploads, years
from portal.services.bases import CONTROL_CHARS, checked_text as _line
from portal.services.staff import scope_for

# Who trains: mentors and curators (s6: the mentor's right to training; 3.2: the teachers' growth).
TRAINEE_ROLES = ("mentor", "curator")
ROLES = ("coordinator",) + TRAINEE_ROLES
CERTIFICATE_TITLE = "Сертификат об обучении в «Школе наставников»"
MAX_TITLE = 200
MAX_TEXT = 4000
MAX_HOURS = 1000
TIME_FORMAT = "ЧЧ:ММ"


@dataclass(frozen=True)
class Actor:
    """Who acts: the person and the roles their account holds (the view reads them off the account)."""
    person: Person
    roles: frozenset

    @property
    def school_id(self) -> int:
        return self.person.school_id

    @property
    def is_coordinator(self) -> bool:
        return "coordinator" in self.roles

    @property
    def is_staff(self) -> bool:
        return bool({"coordinator", "curator"} & self.roles)

    @property
    def trains(self) -> bool:
        return bool(set(TRAINEE_ROLES) & self.roles)

    @property
    def holds_a_role(self) -> bool:
        """A coordinator, curator or mentor; otherwise here only as the trainer of a group (`leads_a_group`)."""
        return bool(set(ROLES) & self.roles)


def completed(present: int, total: int, min_attendance: int) -> bool:
    """The programme's rule: at least `min_attendance` per cent of the group's sessions attended (75 of 100:
    yes; 74 of 100: no). A group without sessions completes nobody."""
    return total > 0 and present * 100 >= min_attendance * total


def percent(present: int, total: int) -> int:
    return present * 100 // total if total else 0


# --- checking what people type ----------------------------------------------------------------------------------

def _lines(value, field: str) -> str:
    value = value if isinstance(value, str) else ""
    value = "\n".join(" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n") if line.strip())
    if CONTROL_CHARS.search(value.replace("\n", " ")):
        raise ServiceError("Текст содержит недопустимые символы.", field=field)
    if len(value) > MAX_TEXT:
        raise ServiceError(f"Не длиннее {MAX_TEXT} символов.", field=field)
    return value


def _number(value, field: str, low: int, high: int, message: str) -> int:
    number = value if isinstance(value, int) and not isinstance(value, bool) else parse_id(value)
    if number is None or not low <= number <= high:
        raise ServiceError(message, field=field)
    return number


def _day(value, field: str, required: str) -> date:
    if not isinstance(value, date):
        raise ServiceError(required, field=field)
    if not date(2000, 1, 1) <= value <= date(2100, 12, 31):
        raise ServiceError("Укажите дату между 2000 и 2100 годами.", field=field)
    return value


def _time(value, field: str) -> str:
    value = (value if isinstance(value, str) else "").strip()
    if not value:
        return ""
    hours, _, minutes = value.partition(":")
    if not (hours.isascii() and minutes.isascii() and hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(hours) < 24 and int(minutes) < 60):
        raise ServiceError(f"Укажите время в виде {TIME_FORMAT}, например 15:00.", field=field)
    return f"{int(hours):02d}:{minutes}"


def require_coordinator(actor: Actor) -> None:
    if not actor.is_coordinator:
        raise NotAllowed("«Школу наставников» ведёт координатор.")


# --- programmes and their materials -----------------------------------------------------------------------------

@dataclass
class ProgrammeData:
    title: str = ""
    hours: str | int | None = None
    topics: str = ""
    min_attendance: str | int | None = DEFAULT_MIN_ATTENDANCE


def _programme_fields(data: ProgrammeData) -> dict:
    """A programme's fields as the coordinator typed them, checked: one rule for creating and editing."""
    return dict(
        title=_line(data.title, "title", MAX_TITLE, "Укажите название программы."),
        hours=_number(data.hours, "hours", 1, MAX_HOURS, f"Укажите число часов от 1 до {MAX_HOURS}."),
        topics=_lines(data.topics, "topics"),
        min_attendance=_number(data.min_attendance, "min_attendance", 1, 100,
                               "Укажите долю посещённых занятий от 1 до 100 %."))


def _changes(found, fields: dict) -> dict:
    """{field: [before, after]} for the fields whose value changes (the audit record of an edit)."""
    return {name: [getattr(found, name), value] for name, value in fields.items() if getattr(found, name) != value}


def create_programme(actor: Actor, data: ProgrammeData, ip: str = "") -> TrainingProgramme:
    require_coordinator(actor)
    fields = _programme_fields(data)
    with atomic_write():
        programme = TrainingProgramme.create(school=actor.school_id, created_by=actor.person, **fields)
        audit.record("training.programme_created", actor=actor.person, obj=programme, school=actor.school_id, ip=ip,
                     **fields)
    return programme


MIN_ATTENDANCE_FIXED = ("Долю посещённых занятий уже не изменить: по этой программе выданы сертификаты, "
                        "и они выданы по этому условию.")


def certified(programme_id: int) -> bool:
    """Has any certificate been issued in a group of the programme? Then its rule of completion stays. One query."""
    return (TrainingEnrolment.select().join(TrainingGroup)
            .where((TrainingGroup.programme == programme_id) & TrainingEnrolment.certificate.is_null(False)).exists())


def update_programme(actor: Actor, programme_id, data: ProgrammeData, ip: str = "") -> TrainingProgramme:
    """Title, hours and topics; the share of sessions to attend only while no certificate has been issued under it
    (MIN_ATTENDANCE_FIXED beside the field). Nothing changed, nothing recorded."""
    require_coordinator(actor)
    found = programme(actor, programme_id)
    fields = _programme_fields(data)
    with atomic_write():
        group_ids = [g.id for g in TrainingGroup.select(TrainingGroup.id).where(TrainingGroup.programme == found.id)]
        for group_id in group_ids:
            lock_row(TrainingGroup, group_id)  # a summing-up of a group (complete) waits, or has finished
        if fields["min_attendance"] != found.min_attendance and certified(found.id):
            raise ServiceError(MIN_ATTENDANCE_FIXED, field="min_attendance")
        changed = _changes(found, fields)
        if changed:
            TrainingProgramme.update(**fields).where(TrainingProgramme.id == found.id).execute()
            audit.record("training.programme_updated", actor=actor.person, obj=found, school=actor.school_id, ip=ip,
                         changed=changed)
    return programme(actor, found.id)


def programme_summary(actor: Actor, programme_id) -> dict:
    """What deleting a programme takes with it (its materials), and why it may not be deleted (its groups)."""
    require_coordinator(actor)
    found = programme(actor, programme_id)
    return {"programme": found, "refusal": programme_refusal(found),
            "materials": TrainingMaterial.select().where(TrainingMaterial.programme == found.id).count()}


def programme_refusal(found: TrainingProgramme) -> str | None:
    """Why the programme may not be deleted (it has groups), or None."""
    groups = TrainingGroup.select().where(TrainingGroup.programme == found.id).count()
    if groups:
        return (f"Программу нельзя удалить: в ней {plural(groups, 'группа', 'группы', 'групп')}. "
                "Удалить можно программу без групп: сначала удалите группы, в которые никто не записан.")
    return None


def delete_programme(actor: Actor, programme_id, ip: str = "") -> TrainingProgramme:
    """A programme with no groups goes with its materials (their files stay stored, as evidence); one with groups
    is refused — delete its groups first."""
    require_coordinator(actor)
    found = programme(actor, programme_id)
    with atomic_write():
        lock_row(TrainingProgramme, found.id)
        refusal = programme_refusal(found)
        if refusal:
            raise ServiceError(refusal)
        files = [m.file_id for m in TrainingMaterial.select().where(TrainingMaterial.programme == found.id)]
        TrainingMaterial.delete().where(TrainingMaterial.programme == found.id).execute()
        TrainingProgramme.delete().where(TrainingProgramme.id == found.id).execute()
        audit.record("training.programme_deleted", actor=actor.person, obj=found, school=actor.school_id, ip=ip,
                     title=found.title, hours=found.hours, topics=found.topics,
                     min_attendance=found.min_attendance, material_files=files)
    return found


def programme(actor: Actor, programme_id) -> TrainingProgramme:
    """A programme of the actor's school; another school's, or none, is «not found»."""
    programme_id = parse_id(programme_id)
    found = (TrainingProgramme.get_or_none((TrainingProgramme.id == programme_id)
                                           & (TrainingProgramme.school == actor.school_id))
             if programme_id is not None else None)
    if found is None:
        raise NotAllowed("Нет такой программы.")
    return found


def programmes(school_id: int) -> list[TrainingProgramme]:
    """The school's programmes, each with its groups (`groups_list`) and their trainers: two queries."""
    found = list(TrainingProgramme.select().where(TrainingProgramme.school == school_id)
                 .order_by(TrainingProgramme.created_at.desc(), TrainingProgramme.id.desc()))
    groups: dict[int, list] = {}
    if found:
        for group in (TrainingGroup.select(TrainingGroup, Person).join(Person, on=(TrainingGroup.trainer == Person.id))
                      .where(TrainingGroup.programme.in_([p.id for p in found]))
                      .order_by(TrainingGroup.created_at, TrainingGroup.id)):
            groups.setdefault(group.programme_id, []).append(group)
    for p in found:
        p.groups_list = groups.get(p.id, [])
    return found


def materials(programme_id: int) -> list[TrainingMaterial]:
    return list(TrainingMaterial.select(TrainingMaterial, StoredFile).join(StoredFile)
                .where(TrainingMaterial.programme == programme_id).order_by(TrainingMaterial.added_at,
                                                                            TrainingMaterial.id))


def add_material(actor: Actor, programme_id, name: str, data: bytes | None, ip: str = "") -> TrainingMaterial:
    require_coordinator(actor)
    found = programme(actor, programme_id)
    with atomic_write():
        stored = uploads.store(actor.school_id, actor.person, name, data, field="file", ip=ip,
                               purpose="training_material")
        material = TrainingMaterial.create(programme=found, file=stored, added_by=actor.person)
        audit.record("training.material_added", actor=actor.person, obj=found, school=actor.school_id, ip=ip,
                     file=stored.id, name=stored.name)
    return material


def material_download(actor: Actor, material_id, ip: str = "") -> uploads.Download:
    """A material of a programme of the actor's school: everyone in the school's training reads it."""
    material_id = parse_id(material_id)
    found = (TrainingMaterial.select(TrainingMaterial, StoredFile, TrainingProgramme).join(StoredFile)
             .switch(TrainingMaterial).join(TrainingProgramme)
             .where((TrainingMaterial.id == material_id) & (TrainingProgramme.school == actor.school_id)).first()
             if material_id is not None else None)
    if found is None:
        raise NotAllowed("Нет такого материала.")
    return uploads.hand_out(found.file, actor.person, ip=ip, action="training.material_downloaded",
                            obj=found.programme)


# --- groups and sessions ----------------------------------------------------------------------------------------

def trainers(school_id: int) -> list[Person]:
    """Whom the coordinator may name a group's trainer: the school's staff and partners."""
    return list(Person.to_choose(school_id, ("staff", "external")))


def trainees(school_id: int) -> list[Person]:
    """Whom the coordinator may enrol: the school's mentors and curators (one query)."""
    return list(Person.select().distinct().join(Account, on=(Account.person == Person.id)).join(RoleGrant)
                .where((Account.school == school_id) & RoleGrant.role.in_(TRAINEE_ROLES)
                       & Person.destroyed_at.is_null())
                .order_by(Person.surname, Person.first_name, Person.patronymic, Person.id))


def _group_fields(school_id: int, title: str, trainer_id, is_open: bool, keep: Person | None = None) -> dict:
    """A group's fields, checked: one rule for creating and editing. `keep`: the group's present trainer, who stays
    acceptable even if no longer among `trainers` (a partner whose agreement ended)."""
    title = _line(title, "title", MAX_TITLE, "Укажите название группы, например «Группа 1».")
    trainer_id = parse_id(trainer_id)
    trainer = (keep if keep is not None and keep.id == trainer_id
               else next((p for p in trainers(school_id) if p.id == trainer_id), None))
    if trainer is None:
        raise ServiceError("Выберите ведущего занятий из сотрудников школы.", field="trainer")
    return dict(title=title, trainer=trainer, is_open=bool(is_open))


def create_group(actor: Actor, programme_id, title: str, trainer_id, is_open: bool, ip: str = "") -> TrainingGroup:
    require_coordinator(actor)
    found = programme(actor, programme_id)
    fields = _group_fields(actor.school_id, title, trainer_id, is_open)
    with atomic_write():
        group = TrainingGroup.create(programme=found, **fields)
        audit.record("training.group_created", actor=actor.person, obj=group, school=actor.school_id, ip=ip,
                     programme=found.id, title=fields["title"], trainer=fields["trainer"].id,
                     is_open=fields["is_open"])
    return group


def update_group(actor: Actor, group_id, title: str, trainer_id, is_open: bool, ip: str = "") -> TrainingGroup:
    """Title, trainer, open or closed enrolment. Nothing changed, nothing recorded."""
    require_coordinator(actor)
    found = group(actor, group_id)
    fields = _group_fields(actor.school_id, title, trainer_id, is_open, keep=found.trainer)
    changed = {name: [before, after] for name, (before, after) in {
        "title": (found.title, fields["title"]), "trainer": (found.trainer_id, fields["trainer"].id),
        "is_open": (found.is_open, fields["is_open"])}.items() if before != after}
    if changed:
        with atomic_write():
            TrainingGroup.update(**fields).where(TrainingGroup.id == found.id).execute()
            audit.record("training.group_updated", actor=actor.person, obj=found, school=actor.school_id, ip=ip,
                         programme=found.programme_id, changed=changed)
    return group(actor, found.id)


def group_summary(actor: Actor, group_id) -> dict:
    """What deleting a group takes with it (its sessions), and why it may not be deleted (people enrolled)."""
    require_coordinator(actor)
    found = group(actor, group_id)
    return {"group": found, "sessions": TrainingSession.select().where(TrainingSession.group == found.id).count(),
            "refusal": group_refusal(found)}


def group_refusal(found: TrainingGroup) -> str | None:
    """Why the group may not be deleted (people are enrolled: their attendance and certificates hang on it)."""
    enrolled = TrainingEnrolment.select().where(TrainingEnrolment.group == found.id).count()
    if enrolled:
        return (f"Группу нельзя удалить: в ней {plural(enrolled, 'участник', 'участника', 'участников')}, "
                "их посещаемость и сертификаты связаны с ней. Удалить можно группу, в которую никто не записан.")
    return None


def delete_group(actor: Actor, group_id, ip: str = "") -> TrainingGroup:
    """A group nobody is enrolled in goes with its schedule; one with people enrolled is refused."""
    require_coordinator(actor)
    found = group(actor, group_id)
    with atomic_write():
        lock_row(TrainingGroup, found.id)  # an enrolment at this moment either lands first (refused) or fails
        refusal = group_refusal(found)
        if refusal:
            raise ServiceError(refusal)
        schedule = [s.held_on for s in sessions([found.id])]
        TrainingSession.delete().where(TrainingSession.group == found.id).execute()
        TrainingGroup.delete().where(TrainingGroup.id == found.id).execute()
        audit.record("training.group_deleted", actor=actor.person, obj=found, school=actor.school_id, ip=ip,
                     programme=found.programme_id, title=found.title, trainer=found.trainer_id,
                     is_open=found.is_open, sessions=schedule)
    return found


def group(actor: Actor, group_id) -> TrainingGroup:
    """A group of the actor's school with its programme and trainer; another school's is «not found»."""
    group_id = parse_id(group_id)
    found = (TrainingGroup.select(TrainingGroup, TrainingProgramme, Person).join(TrainingProgramme)
             .switch(TrainingGroup).join(Person, on=(TrainingGroup.trainer == Person.id))
             .where((TrainingGroup.id == group_id) & (TrainingProgramme.school == actor.school_id)).first()
             if group_id is not None else None)
    if found is None:
        raise NotAllowed("Нет такой группы.")
    return found


def leads_a_group(person: Person) -> bool:
    """Is the person the trainer of a group of their school, whatever roles their account holds? One query.
    A trainer with no role of the school's («Школа наставников» is theirs only as far as their groups go)."""
    return (TrainingGroup.select().join(TrainingProgramme)
            .where((TrainingGroup.trainer == person.id) & (TrainingProgramme.school == person.school_id)).exists())


def led_by(actor: Actor, found: TrainingGroup) -> bool:
    return found.trainer_id == actor.person.id


def may_mark(actor: Actor, found: TrainingGroup) -> bool:
    """Attendance is marked by the group's trainer, a curator or the coordinator."""
    return actor.is_staff or found.trainer_id == actor.person.id


def _session_fields(held_on, starts_at: str, place: str, topic: str) -> dict:
    """A session's fields, checked: one rule for adding and editing."""
    return dict(held_on=_day(held_on, "held_on", "Укажите дату занятия."), starts_at=_time(starts_at, "starts_at"),
                place=_line(place, "place", 200), topic=_line(topic, "topic", 300, "Укажите тему занятия."))


def add_session(actor: Actor, group_id, held_on, starts_at: str, place: str, topic: str,
                ip: str = "") -> TrainingSession:
    require_coordinator(actor)
    found = group(actor, group_id)
    fields = _session_fields(held_on, starts_at, place, topic)
    with atomic_write():
        session = TrainingSession.create(group=found, **fields)
        audit.record("training.session_added", actor=actor.person, obj=found, school=actor.school_id, ip=ip,
                     session=session.id, **fields)
    return session


def sessions(group_ids: list[int]) -> list[TrainingSession]:
    if not group_ids:
        return []
    return list(TrainingSession.select().where(TrainingSession.group.in_(group_ids))
                .order_by(TrainingSession.held_on, TrainingSession.starts_at, TrainingSession.id))


@dataclass
class Progress:
    """One enrolment as the group's page and the certificate show it."""
    enrolment: TrainingEnrolment
    present: int
    total: int
    min_attendance: int

    @property
    def percent(self) -> int:
        return percent(self.present, self.total)

    @property
    def completed(self) -> bool:
        return completed(self.present, self.total, self.min_attendance)


def _progress_query():
    present = fn.COALESCE(fn.SUM(TrainingAttendance.present.cast("integer")), 0)
    return (TrainingEnrolment.select(TrainingEnrolment, Person, present.alias("present_count"))
            .join(Person, on=(TrainingEnrolment.person == Person.id))
            .switch(TrainingEnrolment).join(TrainingAttendance, JOIN.LEFT_OUTER)
            .group_by(TrainingEnrolment, Person))


def _session_counts(group_ids: list[int]) -> dict[int, int]:
    if not group_ids:
        return {}
    return dict(TrainingSession.select(TrainingSession.group, fn.COUNT(TrainingSession.id))
                .where(TrainingSession.group.in_(group_ids)).group_by(TrainingSession.group).tuples())


def roster(found: TrainingGroup) -> list[Progress]:
    """Everyone enrolled in the group with the sessions they attended: two queries, however many people."""
    total = _session_counts([found.id]).get(found.id, 0)
    return [Progress(e, int(e.present_count or 0), total, found.programme.min_attendance)
            for e in _progress_query().where(TrainingEnrolment.group == found.id)
            .order_by(Person.surname, Person.first_name, Person.id)]


def enrol(actor: Actor, group_id, person_id=None, ip: str = "") -> TrainingEnrolment:
    """The coordinator enrols a mentor or curator of the school (`person_id`); a mentor or curator enrols themself
    (no `person_id`) in an open group. The person is told in the same transaction."""
    found = group(actor, group_id)
    if person_id is None:
        if not actor.trains:
            raise NotAllowed("Записаться в группу могут наставники и кураторы.")
        if not found.is_open:
            raise ServiceError("Запись в эту группу закрыта: записывает координатор.")
        person = actor.person
    else:
        require_coordinator(actor)
        person_id = parse_id(person_id)
        person = next((p for p in trainees(actor.school_id) if p.id == person_id), None)
        if person is None:
            raise ServiceError("Выберите наставника или куратора из списка.", field="person")
    twice = ServiceError("Уже записан(а) в эту группу." if person_id else "Вы уже записаны в эту группу.",
                         field="person" if person_id else None)
    try:
        with atomic_write():
            if _enrolled(found.id, person.id):
                raise twice
            enrolment = TrainingEnrolment.create(group=found, person=person, enrolled_by=actor.person)
            audit.record("training.enrolled", actor=actor.person, obj=enrolment, school=actor.school_id, ip=ip,
                         group=found.id, person=person.id, self_enrolled=person_id is None)
            notifications.notify([person], "training.enrolled", obj=found,
                                 details=f"«{found.programme.title}», {found.title}")
    except IntegrityError:  # a double click: the other request enrolled them a moment ago (the unique index holds)
        raise twice from None
    return enrolment


def _enrolled(group_id: int, person_id: int) -> bool:
    return TrainingEnrolment.select().where((TrainingEnrolment.group == group_id)
                                            & (TrainingEnrolment.person == person_id)).exists()


# --- attendance -------------------------------------------------------------------------------------------------

def session(actor: Actor, session_id) -> TrainingSession:
    session_id = parse_id(session_id)
    found = (TrainingSession.select(TrainingSession, TrainingGroup, TrainingProgramme).join(TrainingGroup)
             .join(TrainingProgramme)
             .where((TrainingSession.id == session_id) & (TrainingProgramme.school == actor.school_id)).first()
             if session_id is not None else None)
    if found is None:
        raise NotAllowed("Нет такого занятия.")
    return found


def marked(session_id: int) -> bool:
    """Has attendance been marked for the session? One query."""
    return TrainingAttendance.select().where(TrainingAttendance.session == session_id).exists()


def group_certified(group_id: int) -> bool:
    """Has the group been summed up with certificates issued? One query."""
    return (TrainingEnrolment.select().where((TrainingEnrolment.group == group_id)
                                             & TrainingEnrolment.certificate.is_null(False)).exists())


def update_session(actor: Actor, session_id, held_on, starts_at: str, place: str, topic: str, ip: str = "",
                   today: date | None = None) -> TrainingSession:
    """Date, time, place and topic of a session. A session whose attendance is marked is not moved to a day still
    ahead (nobody can have attended it). Nothing changed, nothing recorded."""
    require_coordinator(actor)
    found = session(actor, session_id)
    fields = _session_fields(held_on, starts_at, place, topic)
    changed = _changes(found, fields)
    if changed:
        with atomic_write():
            if fields["held_on"] > (today or date.today()) and marked(found.id):
                raise ServiceError("Посещаемость этого занятия уже отмечена: его нельзя перенести на день, который "
                                   "ещё не наступил.", field="held_on")
            TrainingSession.update(**fields).where(TrainingSession.id == found.id).execute()
            audit.record("training.session_updated", actor=actor.person, obj=found.group, school=actor.school_id,
                         ip=ip, session=found.id, changed=changed)
    return session(actor, found.id)


def session_refusal(found: TrainingSession) -> str | None:
    """Why the session may not be deleted, or None: its attendance is marked, or the group has been summed up."""
    if marked(found.id):
        return ("Занятие нельзя удалить: его посещаемость уже отмечена, и она входит в итоги участников. "
                "Исправьте дату, время, место или тему.")
    if group_certified(found.group_id):
        return ("Занятие нельзя удалить: итоги группы подведены, сертификаты выданы по её расписанию.")
    return None


def delete_session(actor: Actor, session_id, ip: str = "") -> TrainingSession:
    """A session with no attendance marked, of a group not yet summed up, leaves the schedule."""
    require_coordinator(actor)
    found = session(actor, session_id)
    with atomic_write():
        lock_row(TrainingGroup, found.group_id)  # the same lock as the summing-up (complete)
        refusal = session_refusal(found)
        if refusal:
            raise ServiceError(refusal)
        TrainingSession.delete().where(TrainingSession.id == found.id).execute()
        audit.record("training.session_deleted", actor=actor.person, obj=found.group, school=actor.school_id, ip=ip,
                     session=found.id, held_on=found.held_on, starts_at=found.starts_at, place=found.place,
                     topic=found.topic)
    return found


def attendance_of(session_ids: list[int]) -> dict[tuple[int, int], bool]:
    """(session, enrolment) -> present, for the sessions asked about: one query."""
    if not session_ids:
        return {}
    return {(s, e): bool(p) for s, e, p in TrainingAttendance.select(
        TrainingAttendance.session, TrainingAttendance.enrolment, TrainingAttendance.present)
        .where(TrainingAttendance.session.in_(session_ids)).tuples()}


def ahead(found: TrainingSession, today: date | None = None) -> bool:
    """A session not held yet: nobody can have attended it."""
    return found.held_on > (today or date.today())


def mark_attendance(actor: Actor, session_id, present_ids, ip: str = "", today: date | None = None) -> int:
    """The session's attendance as one form gives it: the ticked enrolments were there, the others were not.
    Marked by the group's trainer, a curator or the coordinator, on the session's day or later; returns how many
    were there."""
    found = session(actor, session_id)
    if not may_mark(actor, found.group):
        raise NotAllowed("Посещаемость отмечает ведущий группы, куратор или координатор.")
    if ahead(found, today):
        raise ServiceError(f"Занятие {found.held_on.strftime('%d.%m.%Y')} ещё не прошло: посещаемость отмечают "
                           "в день занятия или после него.")
    enrolments = {e.id for e in TrainingEnrolment.select(TrainingEnrolment.id)
                  .where(TrainingEnrolment.group == found.group_id)}
    ticked = {parse_id(value) for value in present_ids or ()}
    if ticked - enrolments:
        raise ServiceError("Отметьте только тех, кто записан в группу.")
    with atomic_write():
        TrainingAttendance.delete().where(TrainingAttendance.session == found.id).execute()
        if enrolments:
            TrainingAttendance.insert_many(
                [{"session": found.id, "enrolment": e, "present": e in ticked, "marked_by": actor.person.id}
                 for e in sorted(enrolments)]).execute()
        audit.record("training.attendance_marked", actor=actor.person, obj=found, school=actor.school_id, ip=ip,
                     group=found.group_id, present=sorted(ticked), absent=sorted(enrolments - ticked))
    return len(ticked)


# --- completion and the certificate -------------------------------------------------------------------------------

def certificate_data(progress: Progress, found: TrainingGroup, school: School, schedule: list) -> dict:
    person = progress.enrolment.person
    return {"school": school, "person": person, "name_dative": full_name(person, "dative"),
            "programme": found.programme, "group": found, "present": progress.present, "total": progress.total,
            "topics": [t for t in found.programme.topics.split("\n") if t.strip()],
            "first_day": schedule[0].held_on if schedule else None,
            "last_day": schedule[-1].held_on if schedule else None,
            "number": certificate_number(progress.enrolment), "issued_on": date.today()}


def certificate_number(enrolment: TrainingEnrolment) -> str:
    return f"ШН-{enrolment.id}"


def complete(actor: Actor, group_id, ip: str = "") -> list[TrainingEnrolment]:
    """The coordinator sums up the group: everyone who met the programme's rule and has no certificate yet gets
    one (frozen, with its /verify code) and a notification. Returns those certified now."""
    require_coordinator(actor)
    found = group(actor, group_id)
    schedule = sessions([found.id])
    if not schedule:
        raise ServiceError("В группе нет занятий: подводить итоги рано.")
    school = School.get_by_id(actor.school_id)
    done = []
    with atomic_write():
        lock_row(TrainingGroup, found.id)  # a double click sums up once: the second waits and finds them certified
        for progress in roster(found):
            if not progress.completed or progress.enrolment.certificate_id is not None:
                continue
            data = certificate_data(progress, found, school, schedule)
            document = issued.issue(
                school_id=actor.school_id, kind="training_certificate", title=CERTIFICATE_TITLE, actor=actor.person,
                ip=ip, number=data["number"], person=progress.enrolment.person_id,
                render=lambda verification, data=data: certificate_html(dict(data, verification=verification)))
            TrainingEnrolment.update(certificate=document).where(
                TrainingEnrolment.id == progress.enrolment.id).execute()
            notifications.notify([progress.enrolment.person_id], "training.certificate", obj=found,
                                 details=f"«{found.programme.title}»")
            done.append(progress.enrolment)
        audit.record("training.completed", actor=actor.person, obj=found, school=actor.school_id, ip=ip,
                     certified=[e.id for e in done])
    return done


def certificate_pdf(actor: Actor, enrolment_id) -> tuple[bytes, IssuedDocument]:
    """The certificate of an enrolment: for its holder, the coordinator and the curators of the school."""
    enrolment_id = parse_id(enrolment_id)
    condition = TrainingEnrolment.person == actor.person.id
    if actor.is_staff:
        condition |= TrainingProgramme.school == actor.school_id
    found = (TrainingEnrolment.select(TrainingEnrolment).join(TrainingGroup).join(TrainingProgramme)
             .where((TrainingEnrolment.id == enrolment_id) & (TrainingProgramme.school == actor.school_id)
                    & condition & TrainingEnrolment.certificate.is_null(False)).first()
             if enrolment_id is not None else None)
    if found is None:
        raise NotAllowed("Нет такого сертификата.")
    document = IssuedDocument.get_by_id(found.certificate_id)
    return issued.pdf_bytes(document), document


# --- external courses -----------------------------------------------------------------------------------------

@dataclass
class CourseData:
    title: str = ""
    provider: str = ""
    hours: str | int | None = None
    completed_on: date | None = None
    file_name: str = ""
    file_data: bytes | None = None


def record_course(actor: Actor, data: CourseData, ip: str = "", today: date | None = None) -> ExternalCourse:
    """A course the actor took elsewhere, with the scan of its certificate (PDF, JPEG or PNG, checked by content)."""
    if not actor.trains:
        raise NotAllowed("Курсы записывают наставники и кураторы.")
    fields = dict(title=_line(data.title, "title", 300, "Укажите название курса."),
                  provider=_line(data.provider, "provider", 300, "Укажите, кто проводил курс."),
                  hours=_number(data.hours, "hours", 1, MAX_HOURS, f"Укажите число часов от 1 до {MAX_HOURS}."),
                  completed_on=_day(data.completed_on, "completed_on", "Укажите дату окончания курса."))
    if fields["completed_on"] > (today or date.today()):
        raise ServiceError("Дата окончания курса ещё не наступила.", field="completed_on")
    with atomic_write():
        stored = uploads.store(actor.school_id, actor.person, data.file_name, data.file_data, allowed=uploads.SCANS,
                               field="file", ip=ip, purpose="external_course")
        course = ExternalCourse.create(school=actor.school_id, person=actor.person, certificate=stored,
                                       recorded_by=actor.person, **fields)
        audit.record("training.course_recorded", actor=actor.person, obj=course, school=actor.school_id, ip=ip,
                     file=stored.id, **fields)
    return course


def course_file(actor: Actor, course_id, ip: str = "") -> uploads.Download:
    """The certificate of an external course: for the person who took it, the coordinator, and a curator for the
    people of their circle — the scan names the person, and a curator's reach is the person's card's."""
    course_id = parse_id(course_id)
    condition = ExternalCourse.person == actor.person.id
    if actor.is_coordinator:
        condition |= ExternalCourse.school == actor.school_id
    elif actor.is_staff:
        account = Account.get_or_none(Account.person == actor.person.id)
        if account is not None:
            condition |= ExternalCourse.person.in_(scope_for(account).circle())
    found = (ExternalCourse.select(ExternalCourse, StoredFile).join(StoredFile)
             .where((ExternalCourse.id == course_id) & (ExternalCourse.school == actor.school_id) & condition).first()
             if course_id is not None else None)
    if found is None:
        raise NotAllowed("Нет такого курса.")
    return uploads.hand_out(found.certificate, actor.person, ip=ip, action="training.course_file_downloaded",
                            obj=found)


# --- history: the person's card, their own page and the exports ----------------------------------------------------

@dataclass
class HistoryRow:
    """One line of a person's training history: the school's programme or an external course."""
    person_id: int
    kind: str            # "school" or "external"
    title: str
    provider: str
    hours: int
    when: date | None
    result: str          # «сертификат ШН-12», «идёт обучение: 3 из 8 занятий», «сертификат о курсе»
    enrolment_id: int | None = None
    course_id: int | None = None
    has_certificate: bool = False


def history(school_id: int, person_ids: list[int] | None = None) -> list[HistoryRow]:
    """The training of the school's people (or of those named), the school's programmes and external courses:
    four queries, however many people and rows."""
    school = School.get_by_id(school_id)
    enrolments = (_progress_query().select_extend(TrainingProgramme.title, TrainingProgramme.hours)
                  .join_from(TrainingEnrolment, TrainingGroup).join(TrainingProgramme)
                  .where(TrainingProgramme.school == school_id)
                  .group_by(TrainingEnrolment, Person, TrainingProgramme.title, TrainingProgramme.hours))
    courses = ExternalCourse.select().where(ExternalCourse.school == school_id)
    if person_ids is not None:
        enrolments = enrolments.where(TrainingEnrolment.person.in_(person_ids))
        courses = courses.where(ExternalCourse.person.in_(person_ids))
    enrolments = list(enrolments.objects())
    totals = _session_counts(list({e.group_id for e in enrolments}))
    last_days = dict(TrainingSession.select(TrainingSession.group, fn.MAX(TrainingSession.held_on))
                     .where(TrainingSession.group.in_(list(totals) or [0])).group_by(TrainingSession.group).tuples())
    rows = []
    for e in enrolments:
        present, total = int(e.present_count or 0), totals.get(e.group_id, 0)
        if e.certificate_id is not None:
            result = f"сертификат {certificate_number(e)}"
        else:
            result = f"обучение: посещено {present} из {plural(total, 'занятия', 'занятий', 'занятий')}"
        rows.append(HistoryRow(e.person_id, "school", e.title, school.short_name or school.name, e.hours,
                               last_days.get(e.group_id), result, enrolment_id=e.id,
                               has_certificate=e.certificate_id is not None))
    for c in courses:
        rows.append(HistoryRow(c.person_id, "external", c.title, c.provider, c.hours, c.completed_on,
                               "сертификат загружен", course_id=c.id, has_certificate=True))
    rows.sort(key=lambda r: (r.person_id, r.when or date.max, r.title))
    return rows


def my_enrolments(person: Person) -> list[Progress]:
    """The person's groups with their attendance and certificate: two queries."""
    found = list(_progress_query().select_extend(TrainingGroup, TrainingProgramme)
                 .join_from(TrainingEnrolment, TrainingGroup).join(TrainingProgramme)
                 .where(TrainingEnrolment.person == person.id)
                 .group_by(TrainingEnrolment, Person, TrainingGroup, TrainingProgramme)
                 .order_by(TrainingEnrolment.enrolled_at.desc(), TrainingEnrolment.id.desc()))
    totals = _session_counts([e.group_id for e in found])
    return [Progress(e, int(e.present_count or 0), totals.get(e.group_id, 0), e.group.programme.min_attendance)
            for e in found]


def my_courses(person: Person) -> list[ExternalCourse]:
    return list(ExternalCourse.select().where(ExternalCourse.person == person.id)
                .order_by(ExternalCourse.completed_on.desc(), ExternalCourse.id.desc()))


def enrolled_group_ids(person: Person) -> set[int]:
    return {row[0] for row in TrainingEnrolment.select(TrainingEnrolment.group)
            .where(TrainingEnrolment.person == person.id).tuples()}


# --- the order on the «Школа наставников» ------------------------------------------------------------------------

def for_order(school_id: int, year: int | None = None) -> list[dict]:
    """The school's programmes with their groups and schedules, for the order on the «Школа наставников» of the
    school year `year`: a group belongs to the year its sessions are held in (one with no session yet, to the year it
    was made in), and a programme is listed with its groups of the year (one with no group yet, in the year it was
    made in), so next year's order does not repeat this year's schedule. Three queries."""
    found = programmes(school_id)
    schedule: dict[int, list] = {}
    for s in sessions([g.id for p in found for g in p.groups_list]):
        schedule.setdefault(s.group_id, []).append(s)
    starts, ends = years.window(year) if year is not None else (date.min, date.max)

    def in_year(day) -> bool:
        return starts <= (day.date() if isinstance(day, datetime) else day) < ends

    listed = []
    for p in reversed(found):
        groups = [g for g in p.groups_list if any(in_year(s.held_on) for s in schedule.get(g.id, []))
                  or (not schedule.get(g.id) and in_year(g.created_at))]
        if groups or (not p.groups_list and in_year(p.created_at)):
            listed.append({"programme": p, "topics": [t for t in p.topics.split("\n") if t.strip()],
                           "groups": [{"group": g,
                                       "sessions": [s for s in schedule.get(g.id, []) if in_year(s.held_on)]}
                                      for g in groups]})
    return listed
