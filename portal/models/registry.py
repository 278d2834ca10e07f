"""The registry of documents (s10): the school's own target model of mentorship, kept as uploaded files.

«Целевая модель наставничества МОУ СОШ № 62» is a document the school writes and approves itself, so the portal
keeps the file, not a text of its own. Each upload is a new version: the older ones stay downloadable, since an
order or a report of an earlier year refers to the model as it stood then. Who uploaded it and when are the
stored file's (StoredFile.uploaded_by, uploaded_at)."""
from peewee import ForeignKeyField, IntegerField, TextField

from portal.models.base import BaseModel
from portal.models.files import StoredFile
from portal.models.people import School


class TargetModelVersion(BaseModel):
    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    number = IntegerField()  # 1, 2, … within the school: «редакция 2»
    file = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")
    note = TextField(default="")  # what changed, in the coordinator's words

    class Meta:
        indexes = ((("school", "number"), True),)
