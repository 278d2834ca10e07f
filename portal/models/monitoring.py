"""Monitoring (6.1–6.5): versioned questionnaires on verbal scales, rounds and answers — never marks."""
from peewee import (
    CharField, DateTimeField, ForeignKeyField, IntegerField, TextField,
)

from portal.models.base import BaseModel, utcnow
from portal.models.mentorship import Mentorship
from portal.models.people import Person, School
from portal.models.programme import MentoringFormat

QUESTIONNAIRE_KINDS = (
    ("entry", "входная анкета"),
    ("exit", "выходная анкета"),
    ("process", "качество процесса"),
    ("satisfaction", "удовлетворённость"),
)
ANSWER_TYPES = (
    ("agree", "шкала согласия"),
    ("frequency", "шкала частоты"),
    ("text", "свободный ответ"),
)
ROUND_KINDS = (("intermediate", "промежуточный"), ("final", "итоговый"))


class Questionnaire(BaseModel):
    school = ForeignKeyField(School, backref="questionnaires", on_delete="CASCADE")
    kind = CharField(max_length=15, choices=QUESTIONNAIRE_KINDS)
    version = IntegerField(default=1)
    title = CharField(max_length=300)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("school", "kind", "version"), True),)


class Question(BaseModel):
    questionnaire = ForeignKeyField(Questionnaire, backref="questions", on_delete="CASCADE")
    position = IntegerField()
    text = TextField()
    answer_type = CharField(max_length=10, choices=ANSWER_TYPES)
    # Entry and exit share anchors, so growth is a per-person difference (6.3).
    anchor = CharField(max_length=50, default="")

    class Meta:
        indexes = ((("questionnaire", "position"), True),)


class MonitoringRound(BaseModel):
    mentoring_format = ForeignKeyField(MentoringFormat, backref="rounds", on_delete="CASCADE")
    kind = CharField(max_length=15, choices=ROUND_KINDS)
    opened_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    opened_at = DateTimeField(default=utcnow)
    closed_at = DateTimeField(null=True)


class Response(BaseModel):
    """One filled questionnaire; final once submitted."""

    questionnaire = ForeignKeyField(Questionnaire, backref="responses", on_delete="RESTRICT")
    respondent = ForeignKeyField(Person, backref="responses", on_delete="CASCADE")
    about = ForeignKeyField(Person, null=True, backref="+", on_delete="CASCADE")
    mentorship = ForeignKeyField(Mentorship, null=True, backref="responses", on_delete="CASCADE")
    monitoring_round = ForeignKeyField(MonitoringRound, null=True, backref="responses", on_delete="CASCADE")
    submitted_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("questionnaire", "respondent", "mentorship", "monitoring_round"), True),)


class Answer(BaseModel):
    response = ForeignKeyField(Response, backref="answers", on_delete="CASCADE")
    question = ForeignKeyField(Question, backref="answers", on_delete="RESTRICT")
    # A verbal scale step («скорее согласен»), stored as its code; never a number.
    scale_value = CharField(max_length=30, default="")
    text = TextField(default="")

    class Meta:
        indexes = ((("response", "question"), True),)
