"""Recognition and the methodical bank (s9, 3.2): what the public pages «Наши наставники» and «Лучшие
наставники» show, and the materials mentors and curators share.

A person is shown publicly only under a valid consent to dissemination (152-ФЗ art. 10.1), and only the
fields that consent names (`Consent.public_fields`); these rows hold what a person or the coordinator wrote
for those pages. Photos and public files are reached by a random token, never by a person's id or name."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from portal.models.base import BaseModel, utcnow
from portal.models.files import StoredFile
from portal.models.people import Person, School
from portal.models.programme import MentoringFormat


class PublicProfile(BaseModel):
    """The short text and photo a mentor writes for «Наши наставники» (their own page, their own words)."""

    person = ForeignKeyField(Person, unique=True, backref="+", on_delete="CASCADE")
    text = TextField(default="")
    photo = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="SET NULL")
    photo_token = CharField(max_length=32, null=True, unique=True)
    updated_at = DateTimeField(default=utcnow)


class HonourEntry(BaseModel):
    """A line of the honour board «Лучшие наставники»: who, which year, which title («Наставник года»)."""

    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    year = IntegerField()
    title = CharField(max_length=200)
    text = TextField(default="")
    photo = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="SET NULL")
    photo_token = CharField(max_length=32, null=True, unique=True)
    added_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("school", "year"), False),)


BANK_STATES = (("new", "на рассмотрении"), ("published", "опубликован"), ("declined", "возвращён автору"))


class BankMaterial(BaseModel):
    """A material of the methodical bank (методическая копилка, 3.2, s9): added by a mentor or a curator,
    published by the coordinator while its author agrees; public only with the author's separate tick."""

    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    author = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    title = CharField(max_length=200)
    mentoring_format = ForeignKeyField(MentoringFormat, null=True, backref="+", on_delete="SET NULL")
    topic = CharField(max_length=100)
    description = TextField(default="")
    file = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")
    publish_agreed = BooleanField(default=False)
    public_agreed = BooleanField(default=False)
    status = CharField(max_length=10, choices=BANK_STATES, default="new")
    reviewed_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    published_at = DateTimeField(null=True)
    # The public download's address: random, so the URL names neither the author nor the row.
    public_token = CharField(max_length=32, unique=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("school", "status"), False),)
