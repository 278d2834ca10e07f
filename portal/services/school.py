"""Setting up a school: a real one starts empty with its coordinator's invitation."""
from datetime import timedelta

from portal.db import db
from portal.models import MentoringFormat, Person, School
from portal.services import ServiceError, accounts, audit, consent, monitoring

STANDARD_FORMATS = (
    ("Ученик – ученик", "student", "student"),
    ("Учитель – учитель", "staff", "staff"),
    ("Учитель – ученик", "staff", "student"),
)


def create_school(name: str, short_name: str, coordinator: dict, login: str, *, address: str = "",
                  is_demo: bool = False,
                  invitation_ttl: timedelta = timedelta(days=14)) -> tuple[School, str]:
    """The school, its three standard formats and a coordinator account with a fresh invitation code."""
    if not name.strip() or not login.strip():
        raise ServiceError("Укажите название школы и логин координатора.")
    with db.atomic():
        school = School.create(name=name.strip(), short_name=short_name.strip() or name.strip(),
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
