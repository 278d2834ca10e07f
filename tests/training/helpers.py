"""Rows of the «Школа наставников» made through the service, for the training tests, the access matrix and CSRF."""
from datetime import date, timedelta

from portal.models import Account, Person, RoleGrant
from portal.services import training

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def coordinator_of(school_id: int) -> training.Actor:
    account = (Account.select().join(RoleGrant)
               .where((Account.school == school_id) & (RoleGrant.role == "coordinator")).order_by(Account.id).get())
    return actor(account)


def actor(account: Account) -> training.Actor:
    return training.Actor(account.person, frozenset(account.role_names()))


def trainer(school_id: int) -> Person:
    return Person.create(school=school_id, kind="staff", sex="f", surname="Ведущая", first_name="Ирина",
                         patronymic="Павловна", birth_date=date(1980, 2, 2))


def group(school_id: int, sessions: int = 4, min_attendance: int = 75, is_open: bool = True, trainer_person=None):
    """A programme of the school with one group of `sessions` sessions a week apart."""
    boss = coordinator_of(school_id)
    programme = training.create_programme(boss, training.ProgrammeData(
        "Наставник: роль и инструменты", 36, "Роль наставника\nПланирование встреч", min_attendance))
    made = training.create_group(boss, programme.id, "Группа 1", (trainer_person or trainer(school_id)).id, is_open)
    start = date.today() - timedelta(days=7 * sessions)
    for n in range(sessions):
        training.add_session(boss, made.id, start + timedelta(days=7 * n), "15:00", "каб. 21", f"Занятие {n + 1}")
    return training.group(boss, made.id)


def attend(group, enrolment, count: int):
    """Mark the enrolment present at the first `count` sessions of the group (and absent at the rest)."""
    boss = coordinator_of(group.programme.school_id)
    for n, session in enumerate(training.sessions([group.id])):
        others = [e.id for e in group.enrolments if e.id != enrolment.id and any(
            a.present for a in e.attendance if a.session_id == session.id)]
        training.mark_attendance(boss, session.id, others + ([enrolment.id] if n < count else []))


def certified(school_id: int, person: Person):
    """An enrolment of `person` in a new group with every session attended and the certificate issued."""
    made = group(school_id, sessions=2)
    boss = coordinator_of(school_id)
    enrolment = training.enrol(boss, made.id, person.id)
    attend(made, enrolment, 2)
    training.complete(boss, made.id)
    return enrolment
