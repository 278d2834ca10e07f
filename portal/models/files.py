"""Files people upload (DECISIONS.md, "Uploads"): scanned agreements and orders, certificates, materials.

The row is what the portal knows of a file; the bytes live under instance/files/ by a random name, outside
static/, and are served only by a view that checks who may see them."""
from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from portal.models.base import BaseModel, utcnow
from portal.models.people import Person, School

FILE_KINDS = (
    ("pdf", "PDF"), ("docx", "документ Word"), ("xlsx", "таблица Excel"), ("pptx", "презентация PowerPoint"),
    ("jpeg", "изображение JPEG"), ("png", "изображение PNG"),
)
# The name an erased file keeps (services/uploads.erase): its bytes are gone, so nothing may link to it.
ERASED_STEM = "уничтожен"


class StoredFile(BaseModel):
    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=10, choices=FILE_KINDS)  # what the content is, not what the name says
    name = CharField(max_length=200)                      # the uploader's file name, for the download
    stored_as = CharField(max_length=64, unique=True)     # the random name under instance/files/
    size = IntegerField()
    sha256 = CharField(max_length=64)
    uploaded_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    uploaded_at = DateTimeField(default=utcnow)

    @property
    def erased(self) -> bool:
        return self.name.rsplit(".", 1)[0] == ERASED_STEM


class SignedAgreement(BaseModel):
    """4.14: the external mentor's cooperation agreement as signed on paper — its number, date and scan.

    Pairing an external mentor waits for it. A later signing (a new agreement) is a new row; the newest counts."""

    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="signed_agreements", on_delete="CASCADE")
    number = CharField(max_length=50)
    signed_on = DateField()
    scan = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")
    recorded_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    recorded_at = DateTimeField(default=utcnow)
