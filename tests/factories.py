"""Factories that build real rows through the same services the portal uses."""
import itertools
from datetime import date, timedelta

import pytest

from portal.db import db
from portal.models import (
    Account, BaseMembership, MentoringFormat, Mentorship, MentorshipMember, Person, Programme, School, SchoolClass,
)
from portal.services import accounts, passwords
from portal.services.school import create_school

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


@pytest.fixture
def school(conn) -> School:
    created, _ = create_school("Муниципальное общеобразовательное учреждение СОШ № 62", "МОУ СОШ № 62",
                               {"surname": "Смирнова", "first_name": "Елена", "patronymic": "Викторовна",
                                "sex": "f"}, "coordinator0")
    return created


@pytest.fixture
def make_person(conn, school):
    def make(kind="student", sex="m", birth_date=date(2011, 5, 20), **fields) -> Person:
        n = next(_seq)
        defaults = {"surname": f"Петров{'а' if sex == 'f' else ''}", "first_name": "Анна" if sex == "f" else "Иван",
                    "patronymic": "Сергеевна" if sex == "f" else "Сергеевич"}
        defaults.update(fields)
        defaults["surname"] = defaults["surname"] + ("" if "surname" in fields else f"-{n}")
        return Person.create(school=school, kind=kind, sex=sex, birth_date=birth_date, **defaults)
    return make


@pytest.fixture
def make_account(conn, make_person, school):
    """An account holding exactly the given roles (a curator of the school's first format, a class teacher of 7А)."""

    def make(*roles, login=None, person=None, password=PASSWORD, acknowledged=False) -> Account:
        staff = set(roles) & {"coordinator", "curator", "class_teacher", "psychologist"}
        person = person or make_person(kind="staff" if staff else "student",
                                       birth_date=date(1985, 1, 1) if set(roles) - {"mentee"} else date(2011, 5, 20))
        login = login or f"user{next(_seq)}"
        with db.atomic():
            account = accounts.create_account(None, person, login)
            for role in roles:
                fmt = MentoringFormat.of_school(school).first() if role == "curator" else None
                school_class = SchoolClass.get_or_create(school=school, name="7А")[0] if role == "class_teacher" else None
                accounts.grant_role(None, account, role, fmt, school_class=school_class)
            Account.update(password_hash=passwords.hash_password(password)).where(Account.id == account.id).execute()
            if acknowledged:
                accounts.acknowledge_regulation(account)
        return Account.get_by_id(account.id)
    return make


@pytest.fixture
def login_as(make_account, login):
    """Create an account holding only `role` and log in with it; returns the account."""

    def do(*roles, **kw):
        account = make_account(*roles, **kw)
        login(account.login)
        return account
    return do


@pytest.fixture
def curator_of(make_account, login):
    """Log in as an account curating `fmt` alone (make_account("curator") takes the school's first form)."""
    def make(fmt):
        account = make_account()
        accounts.grant_role(None, account, "curator", fmt)
        login(account.login)
        return account
    return make


@pytest.fixture
def other_school(conn, school) -> School:
    """A second school on the same installation, with its own coordinator account (login `other-coordinator`)."""
    created, _ = create_school("Муниципальное общеобразовательное учреждение Гимназия № 5", "Гимназия № 5",
                               {"surname": "Кузнецов", "first_name": "Олег", "patronymic": "Иванович", "sex": "m"},
                               "other-coordinator")
    return created


def next_version(school, kind: str) -> int:
    """A questionnaire version after the school's standard ones (create_school seeds version 1)."""
    from peewee import fn

    from portal.models import Questionnaire
    latest = (Questionnaire.select(fn.MAX(Questionnaire.version))
              .where((Questionnaire.school == school) & (Questionnaire.kind == kind)).scalar())
    return (latest or 0) + 1


def sign_own_consent(subject, kind: str = "adult_self"):
    """The consent row the gate reads, signed by the adult subject (as consent.sign stores it)."""
    from portal.models import Consent
    from portal.services import consent as consents
    document = consents.current_documents(subject.school_id)[kind]
    return Consent.create(document=document, subject=subject, signer=subject, text_sha256=document.sha256)


@pytest.fixture
def pair(school, make_account, make_person):
    """Mentor and adult mentee (teachers) in «Учитель – учитель», programme from 60 days ago for a year."""
    fmt = MentoringFormat.get((MentoringFormat.school == school) & (MentoringFormat.name == "Учитель – учитель"))
    start = date.today() - timedelta(days=60)
    programme = Programme.create(mentoring_format=fmt, title="Программа", starts_on=start,
                                 ends_on=start + timedelta(days=364))
    mentor = make_account("mentor", person=make_person(kind="staff", birth_date=date(1975, 2, 3)))
    mentee = make_account("mentee", person=make_person(kind="staff", sex="f", birth_date=date(1999, 5, 6)))
    for account, base in ((mentor, "mentor"), (mentee, "mentee")):
        BaseMembership.create(mentoring_format=fmt, person=account.person_id, base=base, status="active")
        sign_own_consent(account.person)
    mentorship = Mentorship.create(mentoring_format=fmt, programme=programme, mentor=mentor.person_id,
                                   status="active")
    MentorshipMember.create(mentorship=mentorship, mentee=mentee.person_id)
    return {"mentor": mentor, "mentee": mentee, "mentorship": mentorship, "programme": programme, "start": start,
            "format": fmt}


def agree_plan(mentorship, planned_meetings: int = 10):
    """The plan both sides confirmed at the planning meeting (5.5): regular and final meetings wait for it.
    Written directly, as the other factories do: the plan's own rules are tested through the services."""
    from portal.models import Plan
    from portal.models.base import utcnow
    now = utcnow()
    return Plan.create(mentorship=mentorship, goals="Цели наставничества", planned_meetings=planned_meetings,
                       mentor_confirmed_at=now, mentee_confirmed_at=now)
