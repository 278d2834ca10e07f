"""Forms every area shares: the CSRF-only button form, text-only forms, the meeting verdict, field helpers."""
import re
from datetime import date

from flask import g, request
from markupsafe import Markup, escape
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError
from wtforms.widgets import HiddenInput

from portal.models.mentorship import END_REASONS

REQUIRED = "Заполните это поле."
DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
DATE_RU = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)


class DayField(StringField):
    """A date from the browser's picker (2025-09-01) or typed by hand (01.09.2025); `day` holds it once valid."""

    day: date | None = None

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(label, validators, **kwargs)

    def pre_validate(self, form):
        self.day = None
        if self.data is not None and not isinstance(self.data, str):  # a file posted under a date's name
            raise ValidationError("Укажите дату в виде ДД.ММ.ГГГГ.")
        text = (self.data or "").strip()
        if not text:
            return
        iso, ru = DATE_ISO.fullmatch(text), DATE_RU.fullmatch(text)
        try:
            if iso:
                self.day = date(int(iso[1]), int(iso[2]), int(iso[3]))
            elif ru:
                self.day = date(int(ru[3]), int(ru[2]), int(ru[1]))
            else:
                raise ValueError
        except ValueError:
            raise ValidationError("Укажите дату в виде ДД.ММ.ГГГГ.") from None

END_TEXT_MAX = 1000


def too_long(limit: int) -> str:
    return f"Не длиннее {limit} символов."


def printable(form, field):
    """Control characters never belong in a login (PostgreSQL refuses NUL in a query outright)."""
    if field.data and any(ord(ch) < 32 or ord(ch) == 127 for ch in field.data):
        raise ValidationError("Поле содержит недопустимые символы.")


class Form(FlaskForm):
    """Every portal form. Its hidden fields (the CSRF token) are written without element ids — a page with a
    form a row (a `post_button` each) would otherwise repeat id="csrf_token" — and once per form instance, the
    token's input once per request, not through WTForms for every form of a long page."""

    _hidden = None

    def hidden_tag(self, *fields):
        if fields:
            return super().hidden_tag(*fields)
        if self._hidden is None:
            self._hidden = Markup("".join(_csrf_input(f) if f.type == "CSRFTokenField" else str(f(id=False))
                                          for f in self if isinstance(f.widget, HiddenInput)))
        return self._hidden


class TextForm(Form):
    """A form of text fields, filled from the posted text parts only.

    Flask-WTF would also hand a field an uploaded file or a JSON value (a number, a list), which the
    validators cannot measure (a 500); these forms never take either, so both are ignored.
    """

    def __init__(self, fresh: bool = False, **kwargs):
        """`fresh`: a second form on a page whose own form was posted — it shows its data, not the post's."""
        submitted = request.method in ("POST", "PUT", "PATCH", "DELETE") and not fresh
        super().__init__(formdata=request.form if submitted and request.form else None, **kwargs)


class EmptyForm(Form):
    """Button-only POSTs still carry the CSRF token (one instance for every button of a page: `Form.hidden_tag`)."""


def _csrf_input(field) -> str:
    """The request's CSRF token as a hidden input, the same for every form of the page (WTForms' own markup)."""
    kept = g.get("_csrf_input")
    if kept is None or kept[0] != field.name:
        kept = (field.name, f'<input name="{escape(field.name)}" type="hidden" value="{escape(field.current_token)}">')
        g._csrf_input = kept
    return kept[1]


class LazyForm:
    """A form built when a template first uses it (iterates its fields or asks for an attribute): a page
    whose buttons may not show (the journal's «Отметить выполненной», «Подтвердить план») does not build
    the form for nothing (≈60 µs, its CSRF field)."""

    def __init__(self, form_class=EmptyForm):
        self._form_class, self._form = form_class, None

    def _built(self):
        if self._form is None:
            self._form = self._form_class()
        return self._form

    def __iter__(self):
        return iter(self._built())

    def __getattr__(self, name):
        return getattr(self._built(), name)


MAX_VERDICT_COMMENT = 1000


class MeetingVerdictForm(Form):
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
