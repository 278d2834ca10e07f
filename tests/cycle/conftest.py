"""An active pair (order registered) of consenting people, ready to run its cycle."""
from datetime import date, timedelta

import pytest

from portal.models import (
    BaseMembership, Consent, MentoringFormat, Mentorship, MentorshipMember, Programme,
)
from portal.services import consent as consents


def _consent(subject, kind):
    document = consents.current_documents(subject.school_id)[kind]
    Consent.create(document=document, subject=subject, signer=subject, text_sha256=document.sha256)


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
        _consent(account.person, "adult_self")
    mentorship = Mentorship.create(mentoring_format=fmt, programme=programme, mentor=mentor.person_id,
                                   status="active")
    MentorshipMember.create(mentorship=mentorship, mentee=mentee.person_id)
    return {"mentor": mentor, "mentee": mentee, "mentorship": mentorship, "programme": programme, "start": start}
