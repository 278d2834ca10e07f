"""Forms every area shares: the CSRF-only button form, text-only forms, the meeting verdict, field helpers."""
from flask import request
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from portal.models.mentorship import END_REASONS

REQUIRED = "Заполните это поле."
END_TEXT_MAX = 1000


def too_long(limit: int) -> str:
    return f"Не длиннее {limit} символов."


def printable(form, field):
    """Control characters never belong in a login (PostgreSQL refuses NUL in a query outright)."""
    if field.data and any(ord(ch) < 32 or ord(ch) == 127 for ch in field.data):
        raise ValidationError("Поле содержит недопустимые символы.")


class TextForm(FlaskForm):
    """A form of text fields, filled from the posted text parts only.

    Flask-WTF would also hand a field an uploaded file or a JSON value (a number, a list), which the
    validators cannot measure (a 500); these forms never take either, so both are ignored.
    """

    def __init__(self, **kwargs):
        submitted = request.method in ("POST", "PUT", "PATCH", "DELETE")
        super().__init__(formdata=request.form if submitted and request.form else None, **kwargs)


class EmptyForm(FlaskForm):
    """Button-only POSTs still carry the CSRF token."""


MAX_VERDICT_COMMENT = 1000


class MeetingVerdictForm(FlaskForm):
    """«Встреча состоялась» or «оспорить» for one row of a journal (mentee and parent pages share it).

    Filled from the posted text parts only, and only for the row that was posted; the comment's id names
    the meeting, so the error lands beside the right box."""

    verdict = StringField("Встреча состоялась?")
    comment = TextAreaField("Комментарий (обязателен, если оспариваете)",
                            validators=[Length(max=MAX_VERDICT_COMMENT, message=too_long(MAX_VERDICT_COMMENT))])

    def __init__(self, meeting_id: int, posted: bool = False):
        submitted = posted and request.method == "POST" and request.form
        super().__init__(formdata=request.form if submitted else None)
        self.comment.id = self.comment.label.field_id = f"comment-{meeting_id}"


class EndPairForm(TextForm):
    """«Завершить досрочно» / «Отменить пару»: a reason from the short list and free text (services/ending.py
    checks both; the refusal lands beside the field). Also on the base-removal page of a member in a pair."""

    reason = SelectField("Причина", choices=[SelectChoice("", "— выберите причину —")]
                         + [SelectChoice(code, title) for code, title in END_REASONS], validate_choice=False)
    text = TextAreaField("Пояснение (обязательно для «другой причины»)",
                         validators=[Length(max=END_TEXT_MAX, message=too_long(END_TEXT_MAX))])


class EndRequestForm(TextForm):
    """A participant's or a parent's request to end the pair: why, in words."""

    text = TextAreaField("Почему пару нужно завершить",
                         validators=[Length(max=END_TEXT_MAX, message=too_long(END_TEXT_MAX))])
