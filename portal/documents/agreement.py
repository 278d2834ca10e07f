"""The external mentor's cooperation agreement (4.14): «договор о сотрудничестве на безвозмездной основе».

Printed from the roster data and signed on paper; fields the portal does not hold (passport, the
date of signing) are left as lines to fill in by hand rather than guessed. The data come from
portal.services.agreements, which freezes the HTML when the agreement is issued.
"""
from portal.documents.html import render


def agreement_html(data: dict) -> str:
    """`data`: person, school, formats, name, name_instrumental, citizen, named, verification."""
    return render("documents/agreement.html", **data)
