"""The signed consent (and the e-signature agreement) as HTML, with its signature record under the text (4.11).

The data come from portal.services.consent, which renders this once, at signing, and freezes it."""
from portal.documents.html import render


def consent_html(data: dict) -> str:
    """`data`: consent, text, signer, subject, school, self_signed, basis, verification."""
    return render("documents/consent.html", **data)
