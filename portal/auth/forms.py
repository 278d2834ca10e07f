from flask import request
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

REQUIRED = "Заполните это поле."


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


class LoginForm(TextForm):
    login = StringField("Логин", validators=[DataRequired(REQUIRED), Length(max=64, message=too_long(64)),
                                             printable])
    password = PasswordField("Пароль", validators=[DataRequired(REQUIRED), Length(max=128, message=too_long(128))])


class PasswordChangeForm(TextForm):
    old_password = PasswordField("Текущий пароль", validators=[DataRequired(REQUIRED)])
    new_password = PasswordField("Новый пароль", validators=[DataRequired(REQUIRED)])
    confirm = PasswordField("Новый пароль ещё раз", validators=[
        DataRequired(REQUIRED), EqualTo("new_password", "Пароли не совпадают.")])


class InvitationForm(TextForm):
    code = StringField("Код приглашения", validators=[DataRequired(REQUIRED), Length(max=40, message=too_long(40))])
    password = PasswordField("Придумайте пароль", validators=[DataRequired(REQUIRED)])
    confirm = PasswordField("Пароль ещё раз", validators=[
        DataRequired(REQUIRED), EqualTo("password", "Пароли не совпадают.")])


def _code_field(label: str = "Код из приложения-аутентификатора") -> StringField:
    """Six digits; the service checks the format, so a bad code gets its Russian message there."""
    return StringField(label, validators=[DataRequired(REQUIRED), Length(max=20, message=too_long(20))],
                       render_kw={"inputmode": "numeric", "maxlength": 20})


class LoginCodeForm(TextForm):
    code = _code_field("Код из приложения или резервный код")


class SecondFactorForm(TextForm):
    """Turning the second factor on or off: a current code and the password, so an open session is not enough."""
    code = _code_field()
    password = PasswordField("Пароль от портала", validators=[DataRequired(REQUIRED),
                                                               Length(max=128, message=too_long(128))])


class RequireSecondFactorForm(TextForm):
    required = BooleanField("Требовать второй фактор для координатора и кураторов")


class RoleSwitchForm(TextForm):
    role = HiddenField(validators=[DataRequired()])


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
