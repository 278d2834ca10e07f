"""The roadmap of introducing the target model (дорожная карта внедрения целевой модели, 3.2, s10).

An event belongs to one of the regulation's tasks of 3.2 (a closed list), has a deadline, a person responsible
(from the school's roster, or named in words: «директор», «классные руководители 5–9 классов»), a status the
coordinator sets, and evidence — an issued document or an uploaded file. «Просрочено» is never stored: it is a
deadline passed while the event is not done, so it changes with the calendar and nothing has to keep it true.
"""
from datetime import date

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, TextField

from portal.models.base import BaseModel, utcnow
from portal.models.documents import IssuedDocument
from portal.models.files import StoredFile
from portal.models.people import Person, School

# The tasks of 3.2, in the regulation's order and (shortened) words.
SECTIONS = (
    ("roadmap", "разработка и реализация мероприятий дорожной карты внедрения целевой модели"),
    ("programmes", "разработка и реализация программ наставничества"),
    ("staffing", "кадровая политика: привлечение, обучение и контроль за деятельностью наставников"),
    ("infrastructure", "инфраструктурное и материально-техническое обеспечение программ наставничества"),
    ("records", "персонифицированный учёт участников программ наставничества"),
    ("monitoring", "внутренний мониторинг реализации и эффективности программ наставничества"),
    ("databases", "формирование баз данных программ наставничества и лучших практик"),
    ("skills", "повышение профессионального мастерства педагогов, задействованных в целевой модели"),
)
# What the coordinator sets; «просрочено» is computed (RoadmapEvent.is_overdue).
STATUSES = (("planned", "запланировано"), ("in_progress", "выполняется"), ("done", "выполнено"))
OVERDUE_TITLE = "просрочено"


class RoadmapEvent(BaseModel):
    school = ForeignKeyField(School, backref="+", on_delete="CASCADE")
    section = CharField(max_length=20, choices=SECTIONS)
    title = CharField(max_length=300)
    responsible = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    responsible_text = CharField(max_length=200, default="")
    due_on = DateField()
    status = CharField(max_length=12, choices=STATUSES, default="planned")
    done_at = DateTimeField(null=True)
    # Evidence: a document the portal issued, or a file uploaded (one of them, or none).
    document = ForeignKeyField(IssuedDocument, null=True, backref="+", on_delete="SET NULL")
    evidence_file = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="SET NULL")
    note = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("school", "due_on"), False),)

    def is_overdue(self, today: date | None = None) -> bool:
        """Not done and its deadline has passed: due yesterday and not done is overdue, due today is not yet."""
        return self.status != "done" and self.due_on < (today or date.today())

    def state(self, today: date | None = None) -> str:
        """The status shown: the stored one, or «overdue» when the deadline passed."""
        return "overdue" if self.is_overdue(today) else self.status
