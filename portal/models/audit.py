"""The audit trail: every state change records who did what to which object, from where."""
import json

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from portal.models.base import BaseModel, utcnow
from portal.models.people import Person, School


class AuditEvent(BaseModel):
    school = ForeignKeyField(School, null=True, backref="audit_events", on_delete="CASCADE")
    actor = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    action = CharField(max_length=50, index=True)
    object_type = CharField(max_length=50, default="")
    object_id = IntegerField(null=True)
    details = TextField(default="{}")
    ip = CharField(max_length=45, default="")
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("object_type", "object_id"), False),)

    @property
    def details_dict(self) -> dict:
        return json.loads(self.details or "{}")
