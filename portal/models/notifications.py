"""What the portal asks of a person, kept in their inbox, and the mail that carries it where the school has mail."""
from peewee import SQL, CharField, DateTimeField, ForeignKeyField, IntegerField

from portal.models.base import BaseModel, utcnow
from portal.models.people import Person, School


class Notification(BaseModel):
    """One item of a person's inbox, written by the service that changed the state, in its transaction.

    `title` names the task without anyone else's personal data, because a mail carries it out of the
    portal; `details` (names, dates) is shown only inside the portal. The link is made by the web layer
    from `kind` and the object, so a service never needs to know a URL."""

    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="notifications", on_delete="CASCADE")
    kind = CharField(max_length=40)
    title = CharField(max_length=200)
    details = CharField(max_length=300, default="")
    object_type = CharField(max_length=50, default="")
    object_id = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    read_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("person", "read_at"), False), (("person", "created_at"), False))

    @classmethod
    def unread_of(cls, person_id: int):
        return cls.select().where((cls.person == person_id) & cls.read_at.is_null())


class OutboxMail(BaseModel):
    """A notification still to be mailed: written with it, deleted never, marked when the relay took it.

    The address is read when the mail is sent, so a corrected or destroyed address is the one that
    counts. `next_attempt_at` moves forward after each failure (backoff); nothing is lost while the
    relay is down."""

    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    notification = ForeignKeyField(Notification, backref="+", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=utcnow, index=True)
    sent_at = DateTimeField(null=True, index=True)
    # Set when the mail will never go (no address any more, mail turned off): kept for the record.
    dropped_at = DateTimeField(null=True)
    last_error = CharField(max_length=300, default="")
