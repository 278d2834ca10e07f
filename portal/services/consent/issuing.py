"""The signed document: frozen at signing (DECISIONS.md «What a signed document is»)."""
from portal.db import atomic_write
from portal.documents.consent import consent_html
from portal.models import Consent, IssuedDocument, Person, School
from portal.services import issued
from portal.services.consent.gate import guardianship
from portal.services.consent.texts import KIND_TITLES, render_text, SigningDetails


def _issue(consent: Consent, signer: Person, subject: Person, basis: str, ip: str = "",
           late: bool = False) -> IssuedDocument:
    """The consent exactly as signed — names, the school's details, the identity details typed, the
    authority the school confirmed — frozen with its SHA-256 and a verification code, in the signing's
    transaction. A later change of any of these changes nothing the signer was given."""
    school = School.get_by_id(consent.document.school_id)
    details = SigningDetails(consent.identity_document, consent.address, consent.subject_document,
                             consent.subject_address, consent.public_fields)
    data = {"consent": consent, "signer": signer, "subject": subject, "school": school,
            "self_signed": signer.id == subject.id, "basis": basis or "родитель",
            "text": render_text(consent.document, school, signer, subject, details, basis)}
    kind = consent.document.kind
    return issued.issue(school_id=school.id, kind="esign_agreement" if kind == "esign_agreement" else "consent",
                        title=KIND_TITLES[kind].capitalize(), issued_at=consent.signed_at,
                        actor=None if late else signer, ip=ip, frozen_late=late, consent=consent.id,
                        render=lambda verification: consent_html(dict(data, verification=verification)))


def freeze_late(consent: Consent) -> IssuedDocument:
    """A consent signed before documents were frozen: frozen now from what it renders today, marked so.

    Inside the caller's transaction (flask db-upgrade, or the first download of an old consent)."""
    signer = Person.get_by_id(consent.signer_id)
    subject = Person.get_by_id(consent.subject_id)
    if signer.id == subject.id:
        basis = "лично"
    else:  # the authority is the guardianship the school confirmed, as at signing (subject_for_signer)
        link = guardianship(signer, subject)
        basis = link.basis if link else ""
    return _issue(consent, signer, subject, basis, late=True)


def issued_document(consent: Consent) -> IssuedDocument:
    """The frozen document of a consent the caller may see (consent_for / esign_agreement_of)."""
    found = issued.of(consent=consent.id)
    if found is None:
        with atomic_write():
            found = issued.of(consent=consent.id) or freeze_late(consent)
    return found


def consent_pdf(consent: Consent) -> bytes:
    """Always the PDF of the frozen document: the same bytes at every download."""
    return issued.pdf_bytes(issued_document(consent))
