"""The signed consent as a PDF, with its signature record printed under the text (4.11)."""
from flask import render_template

from portal.documents.pdf import render_pdf
from portal.models import ConsentWithdrawal, Guardianship, Person, School
from portal.services import consent as consents


def consent_html(consent) -> str:
    signer = Person.get_by_id(consent.signer_id)
    subject = Person.get_by_id(consent.subject_id)
    school = School.get_by_id(consent.document.school_id)
    self_signed = signer.id == subject.id
    link = None if self_signed else Guardianship.get_or_none((Guardianship.parent == signer)
                                                             & (Guardianship.child == subject))
    basis = "лично" if self_signed else (link.basis if link else "")
    details = consents.SigningDetails(consent.identity_document, consent.address, consent.subject_document,
                                      consent.subject_address)
    text = consents.render_text(consent.document, school, signer, subject, details, basis)
    return render_template("documents/consent.html", consent=consent, text=text, signer=signer, subject=subject,
                           school=school, self_signed=self_signed, basis=basis or "родитель",
                           withdrawal=ConsentWithdrawal.get_or_none(ConsentWithdrawal.consent == consent))


def consent_pdf(consent) -> bytes:
    return render_pdf(consent_html(consent))
