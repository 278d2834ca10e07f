"""The certificate of the «Школа наставников» (s10, s6, 3.2): issued on completion by services/training.py, which
hands in the school, the person with their name in the dative («выдан Иванову Петру Сергеевичу»), the programme,
the attendance and the verification block; frozen at issue like every issued document."""
from portal.documents.html import render


def certificate_html(data: dict) -> str:
    """`data`: school, person, name_dative, programme, group, present, total, topics, first_day, last_day, number,
    issued_on, verification."""
    return render("documents/training_certificate.html", **data)
