"""A school with a competition to nominate for: a teacher pair, a pupil mentor (a daughter) with her mother, a pupil
mentor (a son) with his father, and the coordinator's scope."""
from datetime import date, timedelta

import pytest

from portal.models import BaseMembership, Guardianship, MentoringFormat, Mentorship, MentorshipMember, School
from portal.models.base import utcnow
from portal.services import recognition, years
from portal.services.staff import scope_for


@pytest.fixture
def world(school, make_account, make_person, pair):
    School.update(director_name="Смирнова Елена Викторовна", address="г. Ярославль, ул. Свободы, д. 62").where(
        School.id == school.id).execute()
    coordinator = make_account("coordinator")
    scope = scope_for(coordinator)
    pupils = MentoringFormat.get((MentoringFormat.school == school) & (MentoringFormat.name == "Ученик – ученик"))
    daughter = make_person(kind="student", sex="f", surname="Соколова", first_name="Мария", patronymic="Андреевна",
                           birth_date=date(2009, 4, 1))
    mother = make_person(kind="parent", sex="f", surname="Соколова", first_name="Ольга", patronymic="Николаевна",
                         birth_date=date(1982, 1, 1))
    son = make_person(kind="student", sex="m", surname="Волков", first_name="Пётр", patronymic="Ильич",
                      birth_date=date(2009, 6, 1))
    father = make_person(kind="parent", sex="m", surname="Волков", first_name="Илья", patronymic="Сергеевич",
                         birth_date=date(1980, 1, 1))
    for child, parent in ((daughter, mother), (son, father)):
        BaseMembership.create(mentoring_format=pupils, person=child, base="mentor", status="active")
        Guardianship.create(parent=parent, child=child, confirmed_at=utcnow())
    # The daughter leads a pair of pupils: its mentee and the mentee's mother are «the mentee's side».
    mentee = make_person(kind="student", sex="m", surname="Зайцев", first_name="Денис", birth_date=date(2013, 1, 1))
    mentee_mother = make_person(kind="parent", sex="f", surname="Зайцева", first_name="Ирина",
                                patronymic="Олеговна", birth_date=date(1985, 1, 1))
    Guardianship.create(parent=mentee_mother, child=mentee, confirmed_at=utcnow())
    pupils_pair = Mentorship.create(mentoring_format=pupils, mentor=daughter, status="active")
    MentorshipMember.create(mentorship=pupils_pair, mentee=mentee)
    competition = recognition.create_competition(scope, "mentor_of_year", years.school_year(date.today()))
    return {"scope": scope, "coordinator": coordinator, "daughter": daughter, "mother": mother, "son": son,
            "father": father, "mentee": mentee, "mentee_mother": mentee_mother, "pair": pair, "pupils": pupils,
            "competition": competition, "today": date.today(), "week_ago": date.today() - timedelta(days=7)}
