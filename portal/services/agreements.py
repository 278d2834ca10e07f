"""The external mentor's cooperation agreement (4.14): issued once from the roster data, then frozen.

Issuing is a deliberate step (the button «Оформить договор»): the agreement is printed and signed on
paper, so what was printed must stay what the portal holds. A change of the mentor's data later is a
new agreement issued again, never a silent change of the old one.
"""
from datetime import date

from peewee import fn

from portal.db import atomic_write
from portal.documents.agreement import agreement_html
from portal.models import BaseMembership, IssuedDocument, MentoringFormat, Person, School, SignedAgreement, StoredFile
from portal.names import full_name
from portal.services import NotAllowed, ServiceError, audit, issued, uploads

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


# --- the agreement as signed on paper (4.14) -------------------------------------------------------

NOT_SIGNED = "внешний наставник: договор о сотрудничестве ещё не подписан (п. 4.14 Положения)"


def record_signed(actor: Person, person: Person, number: str, signed_on: date | None, scan_name: str,
                  scan: bytes | None, ip: str = "", today: date | None = None) -> SignedAgreement:
    """Record that the printed agreement came back signed: its number, date and a scan (PDF, JPEG or PNG).

    The person was checked to be in the actor's reach by the caller; only an external person signs one."""
    check_external(person)
    number = " ".join((number or "").split())
    if not number:
        raise ServiceError("Укажите номер договора.", field="number")
    if len(number) > 50:
        raise ServiceError("Номер — не длиннее 50 символов.", field="number")
    if signed_on is None:
        raise ServiceError("Укажите дату подписания.", field="signed_on")
    if signed_on > (today or date.today()):
        raise ServiceError("Дата подписания не может быть в будущем.", field="signed_on")
    with atomic_write():
        stored = uploads.store(person.school_id, actor, scan_name, scan, allowed=uploads.SCANS, field="scan", ip=ip,
                               purpose="agreement")
        signed = SignedAgreement.create(school=person.school_id, person=person, number=number, signed_on=signed_on,
                                        scan=stored, recorded_by=actor)
        audit.record("agreement.signed", actor=actor, obj=person, ip=ip, number=number, signed_on=signed_on,
                     scan=stored.id, sha256=stored.sha256)
    return signed


def signed_agreements(person: Person) -> list[SignedAgreement]:
    """Every signed agreement recorded for the person, the newest first, with its scan."""
    return list(SignedAgreement.select(SignedAgreement, StoredFile).join(StoredFile)
                .where(SignedAgreement.person == person.id)
                .order_by(SignedAgreement.signed_on.desc(), SignedAgreement.id.desc()))


def signed_scan(actor: Person, person: Person, agreement_id: int, ip: str = "") -> uploads.Download:
    """The scan of one of the person's signed agreements, to download (audited); another's is «not found».

    The person was checked to be in the actor's reach by the caller."""
    signed = (SignedAgreement.select(SignedAgreement, StoredFile).join(StoredFile)
              .where((SignedAgreement.id == agreement_id) & (SignedAgreement.person == person.id)).first())
    if signed is None:
        raise NotAllowed("Нет такого договора.")
    return uploads.hand_out(signed.scan, actor, ip=ip, action="agreement.scan_downloaded", obj=person,
                            agreement=signed.id, number=signed.number)


def with_signed_agreement(person_ids) -> set[int]:
    """Who of these people has a signed agreement recorded: one query, run whatever the list holds."""
    return {row[0] for row in SignedAgreement.select(fn.DISTINCT(SignedAgreement.person))
            .where(SignedAgreement.person.in_(list(person_ids))).tuples()}


def require_signed(person: Person) -> None:
    """Pairing an external mentor waits for the agreement signed (4.14); others need none."""
    if person.kind == "external" and not with_signed_agreement([person.id]):
        raise ServiceError("Договор о сотрудничестве с внешним наставником ещё не подписан (п. 4.14 Положения).")
