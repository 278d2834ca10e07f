"""Setting up a school: a real one starts empty with its coordinator's invitation."""
import re
from datetime import timedelta

from portal.db import db
from portal.models import MentoringFormat, Person, School
from portal.models.people import SEX_CHOICES
from portal.services import ServiceError, accounts, audit, consent, monitoring
from portal.services.roster import NAME_RE

# A school's name as it is printed on consents and orders: letters, digits and the punctuation of Russian
# official names («», quotes, №, brackets, dashes) — no markup, no control characters, one line.
SCHOOL_NAME_RE = re.compile(r"^[0-9A-Za-zА-Яа-яЁё«»\"'’()№.,:;/+\- –—]+$")
# The logins the portal gives out (people.login_for) are of these characters; the login form reads any case.
LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._\-]{2,63}$")
MAX_SCHOOL_NAME, MAX_SHORT_NAME, MAX_PERSON_NAME = 200, 100, 100

STANDARD_FORMATS = (
    ("Ученик – ученик", "student", "student"),
    ("Учитель – учитель", "staff", "staff"),
    ("Учитель – ученик", "staff", "student"),
)


def create_school(name: str, short_name: str, coordinator: dict, login: str, *, address: str = "",
                  is_demo: bool = False,
                  invitation_ttl: timedelta = timedelta(days=14)) -> tuple[School, str]:
    """The school, its three standard formats and a coordinator account with a fresh invitation code.

    The names follow the rules the pages apply (a person's name as the roster takes it), so nothing typed
    at the console reaches a document that a form would have refused; a refusal writes nothing."""
    name, short_name = " ".join((name or "").split()), " ".join((short_name or "").split())
    coordinator = _checked_coordinator(coordinator)
    if not name or not (login or "").strip():
        raise ServiceError("Укажите название школы и логин координатора.")
    for value, field, what, limit in ((name, "name", "Полное название школы", MAX_SCHOOL_NAME),
                                      (short_name, "short_name", "Краткое название", MAX_SHORT_NAME)):
        if len(value) > limit:
            raise ServiceError(f"{what}: не длиннее {limit} символов.", field=field)
        if value and not SCHOOL_NAME_RE.match(value):
            raise ServiceError(f"{what}: только буквы, цифры, пробелы и знаки «» \" ' № ( ) . , : ; / + -; "
                               "без знаков < > и разметки.", field=field)
    if not LOGIN_RE.match(login.strip().lower()):
        raise ServiceError("Логин: от 3 до 64 латинских букв и цифр, можно точку, дефис и подчёркивание.",
                           field="login")
    with db.atomic():
        school = School.create(name=name, short_name=short_name or name[:MAX_SHORT_NAME],
                               address=address.strip(), is_demo=is_demo)
        for title, mentor_kind, mentee_kind in STANDARD_FORMATS:
            MentoringFormat.create(school=school, name=title, mentor_kind=mentor_kind, mentee_kind=mentee_kind)
        person = Person.create(school=school, kind="staff", position="заместитель директора по УВР", **coordinator)
        account = accounts.create_account(None, person, login, roles=("coordinator",))
        consent.seed_documents(school)
        monitoring.seed_questionnaires(school)
        audit.record("school.created", obj=school, school=school, name=school.name)
        code = accounts.issue_invitation(None, account, invitation_ttl)
    return school, code


def _checked_coordinator(person: dict) -> dict:
    """The coordinator's name by the roster's rule for names, and a sex to decline it by."""
    checked = dict(person)
    for field, what, required in (("surname", "Фамилия", True), ("first_name", "Имя", True),
                                  ("patronymic", "Отчество", False)):
        value = " ".join((person.get(field) or "").split())
        if required and not value:
            raise ServiceError(f"{what} координатора: заполните.", field=field)
        if len(value) > MAX_PERSON_NAME:
            raise ServiceError(f"{what} координатора: не длиннее {MAX_PERSON_NAME} символов.", field=field)
        if value and not NAME_RE.match(value):
            raise ServiceError(f"{what} координатора: только буквы, дефис, апостроф и пробел.", field=field)
        checked[field] = value
    if person.get("sex") not in dict(SEX_CHOICES):
        raise ServiceError("Пол координатора: m или f (нужен, чтобы верно склонять имя в документах).", field="sex")
    return checked
