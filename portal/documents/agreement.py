"""The external mentor's cooperation agreement (4.14): «договор о сотрудничестве на безвозмездной основе».

Printed from the roster data and signed on paper; fields the portal does not hold (passport, the
date of signing) are left as lines to fill in by hand rather than guessed.
"""
from flask import render_template

from portal.documents.pdf import render_pdf
from portal.models import BaseMembership, MentoringFormat, Person, School
from portal.names import full_name


def agreement_html(person: Person) -> str:
    school = School.get_by_id(person.school_id)
    formats = [m.mentoring_format.name for m in
               BaseMembership.select(BaseMembership, MentoringFormat).join(MentoringFormat)
               .where((BaseMembership.person == person) & (BaseMembership.base == "mentor")
                      & (BaseMembership.status != "left"))
               .order_by(MentoringFormat.id)]
    female = person.sex == "f"
    return render_template(
        "documents/agreement.html", person=person, school=school, formats=formats,
        name=full_name(person), name_instrumental=full_name(person, "instrumental"),
        citizen="гражданка" if female else "гражданин", named="именуемая" if female else "именуемый")


def agreement_pdf(person: Person) -> bytes:
    return render_pdf(agreement_html(person))
