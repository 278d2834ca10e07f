"""An active pair (order registered) of consenting people, ready to run its cycle."""
from datetime import date, timedelta

import pytest

from portal.models import (
    BaseMembership, Consent, Guardianship, MentoringFormat, Mentorship, MentorshipMember, Programme,
)
from portal.models.base import utcnow
from portal.services import consent as consents
from tests.factories import sign_own_consent


@pytest.fixture
def make_pair(pair, make_person):
    """Another active pair in the same format and programme as `pair` (people without accounts)."""

    def make(status="active"):
        fmt = pair["mentorship"].mentoring_format
        mentor = make_person(kind="staff", birth_date=date(1970, 1, 1))
        mentee = make_person(kind="staff", sex="f", birth_date=date(1995, 1, 1))
        for person, base in ((mentor, "mentor"), (mentee, "mentee")):
            BaseMembership.create(mentoring_format=fmt, person=person, base=base, status="active")
            sign_own_consent(person, "adult_self")
        mentorship = Mentorship.create(mentoring_format=fmt, programme=pair["programme"], mentor=mentor,
                                       status=status)
        MentorshipMember.create(mentorship=mentorship, mentee=mentee)
        return {"mentor": mentor, "mentee": mentee, "mentorship": mentorship}
    return make


@pytest.fixture
def minor_pair(school, make_account, make_person):
    """A teacher and a minor student in «Учитель – ученик»; the parent (with an account) is linked by the
    school and signed the consent for the child."""
    fmt = MentoringFormat.get((MentoringFormat.school == school) & (MentoringFormat.name == "Учитель – ученик"))
    start = date.today() - timedelta(days=60)
    programme = Programme.create(mentoring_format=fmt, title="Программа", starts_on=start,
                                 ends_on=start + timedelta(days=364))
    mentor = make_account("mentor", person=make_person(kind="staff", birth_date=date(1978, 2, 3)))
    child = make_account("mentee", person=make_person(kind="student", birth_date=date(date.today().year - 13, 3, 1)))
    parent = make_account("parent", person=make_person(kind="parent", sex="f", birth_date=date(1984, 6, 1)))
    Guardianship.create(parent=parent.person_id, child=child.person_id, confirmed_at=utcnow())
    BaseMembership.create(mentoring_format=fmt, person=mentor.person_id, base="mentor", status="active")
    BaseMembership.create(mentoring_format=fmt, person=child.person_id, base="mentee", status="active")
    sign_own_consent(mentor.person, "adult_self")
    document = consents.current_documents(school.id)["parent_mentee"]
    Consent.create(document=document, subject=child.person_id, signer=parent.person_id, text_sha256=document.sha256)
    mentorship = Mentorship.create(mentoring_format=fmt, programme=programme, mentor=mentor.person_id,
                                   status="active")
    MentorshipMember.create(mentorship=mentorship, mentee=child.person_id)
    return {"mentor": mentor, "mentee": child, "parent": parent, "mentorship": mentorship, "programme": programme}
