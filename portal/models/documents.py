"""Issued documents (DECISIONS.md, «What a signed document is»): what the portal gave out, frozen at issue.

A document is the exact HTML rendered at the moment of issue (names in the forms used then, the school's
details, the identity details typed) with its SHA-256; the PDF is produced once from that HTML and kept, so
every later download is the same bytes and an uploaded copy can be compared with them. A short code printed
on the document opens `/verify/<code>` without login.
"""
from peewee import BlobField, CharField, DateTimeField, ForeignKeyField, TextField

from portal.models.base import BaseModel, utcnow
from portal.models.consent import Consent
from portal.models.cycle import FinalReport
from portal.models.mentorship import Order
from portal.models.people import Person, School

ISSUED_KINDS = (
    ("consent", "согласие на обработку персональных данных"),
    ("esign_agreement", "соглашение об использовании простой электронной подписи"),
    ("agreement", "договор о сотрудничестве на безвозмездной основе"),
    ("order", "приказ"),
    ("report", "отчёт наставника о работе по программе наставничества"),
    ("training_certificate", "сертификат об обучении в «Школе наставников»"),
    ("award", "грамота «Лучший наставник»"),
    ("thanks_letter", "благодарственное письмо родителям"),
)


class IssuedDocument(BaseModel):
    """Never re-rendered: a later change of a name, a guardian or the school's details changes nothing here."""

    school = ForeignKeyField(School, backref="issued_documents", on_delete="CASCADE")
    kind = CharField(max_length=20, choices=ISSUED_KINDS)
    # What /verify names it by: a fixed title, never a person's name.
    title = CharField(max_length=300)
    number = CharField(max_length=50, null=True)
    issued_at = DateTimeField(default=utcnow)
    issued_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    code = CharField(max_length=16, unique=True)
    html = TextField()
    html_sha256 = CharField(max_length=64)
    # The first PDF made from the HTML, served unchanged ever after.
    pdf = BlobField(null=True)
    pdf_sha256 = CharField(max_length=64, null=True)
    pdf_at = DateTimeField(null=True)
    # Rows issued before documents were frozen: frozen from what they rendered at the upgrade.
    frozen_late_at = DateTimeField(null=True)
    # Personal data destroyed after a withdrawal: HTML and PDF erased, the hashes and the code kept.
    erased_at = DateTimeField(null=True)
    # The row the document was issued for (one of them).
    consent = ForeignKeyField(Consent, null=True, unique=True, backref="issued", on_delete="RESTRICT")
    order = ForeignKeyField(Order, null=True, unique=True, backref="issued", on_delete="RESTRICT")
    report = ForeignKeyField(FinalReport, null=True, unique=True, backref="issued", on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, backref="issued_documents", on_delete="RESTRICT")

    class Meta:
        indexes = ((("school", "kind", "issued_at"), False),)
