"""Consent texts, signatures and withdrawals (4.10, 4.11): append-only evidence the school must keep."""
from peewee import (
    CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField,
)

from portal.models.base import BaseModel, utcnow
from portal.models.people import Person, School

CONSENT_KINDS = (
    ("adult_self", "согласие совершеннолетнего участника"),
    ("parent_mentee", "согласие законного представителя (наставляемый)"),
    ("parent_mentor", "согласие законного представителя (наставник-обучающийся)"),
    ("dissemination", "согласие на распространение персональных данных"),
    ("esign_agreement", "соглашение об использовании простой электронной подписи"),
)


# What a consent to dissemination (152-ФЗ art. 10.1) may let the public pages show; the signer ticks them,
# the consent's text lists the ticked ones, and the pages show nothing else. The name is always among them.
PUBLIC_FIELDS = (
    ("name", "фамилия, имя, отчество"),
    ("role", "роль в программе наставничества (наставник, куратор)"),
    ("format", "форма наставничества"),
    ("text", "краткий рассказ о себе, написанный субъектом"),
    ("achievements", "достижения в программе наставничества (звания и награды доски почёта)"),
    ("photo", "фотография"),
)


class ConsentDocument(BaseModel):
    """One version of a consent text; a new wording is a new version, never an edit."""

    school = ForeignKeyField(School, backref="consent_documents", on_delete="CASCADE")
    kind = CharField(max_length=20, choices=CONSENT_KINDS)
    version = IntegerField()
    title = CharField(max_length=300)
    body = TextField()
    sha256 = CharField(max_length=64)
    created_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("school", "kind", "version"), True),)


class Consent(BaseModel):
    """A signature: never updated; withdrawal is a separate record."""

    document = ForeignKeyField(ConsentDocument, backref="signatures", on_delete="RESTRICT")
    subject = ForeignKeyField(Person, backref="consents", on_delete="RESTRICT")
    signer = ForeignKeyField(Person, backref="signed_consents", on_delete="RESTRICT")
    text_sha256 = CharField(max_length=64)
    # Identity details typed by the signer (DECISIONS.md): only the coordinator and the PDF show them.
    identity_document = TextField(default="")
    address = TextField(default="")
    subject_document = TextField(default="")
    subject_address = TextField(default="")
    signed_at = DateTimeField(default=utcnow)
    ip = CharField(max_length=45, default="")
    user_agent = CharField(max_length=300, default="")
    # A consent to dissemination: the PUBLIC_FIELDS codes the signer ticked, comma-separated; empty otherwise.
    public_fields = CharField(max_length=100, default="")

    class Meta:
        indexes = ((("document", "subject", "signer", "signed_at"), True),)


class ConsentWithdrawal(BaseModel):
    consent = ForeignKeyField(Consent, unique=True, backref="withdrawals", on_delete="RESTRICT")
    withdrawn_by = ForeignKeyField(Person, backref="+", on_delete="RESTRICT")
    withdrawn_at = DateTimeField(default=utcnow)
    ip = CharField(max_length=45, default="")
    user_agent = CharField(max_length=300, default="")
    # 30 days after withdrawal the data must be destroyed (DECISIONS.md, retention).
    destruction_due_on = DateField()
    destroyed_at = DateTimeField(null=True)
