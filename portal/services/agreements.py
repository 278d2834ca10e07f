"""The external mentor's cooperation agreement (4.14): issued once from the roster data, then frozen.

Issuing is a deliberate step (the button «Оформить договор»): the agreement is printed and signed on
paper, so what was printed must stay what the portal holds. A change of the mentor's data later is a
new agreement issued again, never a silent change of the old one.
"""
from portal.db import atomic_write
from portal.documents.agreement import agreement_html
from portal.models import BaseMembership, IssuedDocument, MentoringFormat, Person, School
from portal.names import full_name
from portal.services import NotAllowed, ServiceError, audit, issued

TITLE = "Договор о сотрудничестве на безвозмездной основе"


def check_external(person: Person) -> Person:
    """4.14: only people from outside the school sign a cooperation agreement; a destroyed person signs nothing."""
    if person.kind != "external" or person.destroyed_at is not None:
        raise NotAllowed("Договор о сотрудничестве заключается только с внешним наставником.")
    return person


def agreement_data(person: Person) -> dict:
    """What the agreement prints: the school, the mentor in the cases the text needs, their formats."""
    school = School.get_by_id(person.school_id)
    formats = [m.mentoring_format.name for m in
               BaseMembership.select(BaseMembership, MentoringFormat).join(MentoringFormat)
               .where((BaseMembership.person == person) & (BaseMembership.base == "mentor")
                      & (BaseMembership.status != "left"))
               .order_by(MentoringFormat.id)]
    female = person.sex == "f"
    return {"person": person, "school": school, "formats": formats, "name": full_name(person),
            "name_instrumental": full_name(person, "instrumental"),
            "citizen": "гражданка" if female else "гражданин", "named": "именуемая" if female else "именуемый"}


def issued_agreements(person: Person) -> list[IssuedDocument]:
    """Every agreement issued to the person, the newest first (without the HTML and the PDF)."""
    return list(IssuedDocument.select(*issued.SUMMARY_FIELDS)
                .where((IssuedDocument.kind == "agreement") & (IssuedDocument.person == person.id))
                .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc()))


def issue(actor: Person, person: Person, ip: str = "") -> IssuedDocument:
    """Freeze the agreement as it prints today: the person (already checked to be in the actor's reach)."""
    check_external(person)
    with atomic_write():
        data = agreement_data(person)
        document = issued.issue(school_id=person.school_id, kind="agreement", title=TITLE, actor=actor, ip=ip,
                                person=person.id,
                                render=lambda verification: agreement_html(dict(data, verification=verification)))
        audit.record("agreement.issued", actor=actor, obj=person, ip=ip, document=document.id, code=document.code)
    return document


def agreement_pdf(person: Person) -> bytes:
    """The PDF of the newest agreement issued; none issued yet is refused with a Russian message."""
    check_external(person)
    document = issued.latest_for_person("agreement", person.id)
    if document is None:
        raise ServiceError("Договор ещё не оформлен: нажмите «Оформить договор».")
    return issued.pdf_bytes(document)
