from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

REQUIRED = "Заполните это поле."


class EmptyForm(FlaskForm):
    """Button-only POSTs still carry the CSRF token."""


class LoginForm(FlaskForm):
    login = StringField("Логин", validators=[DataRequired(REQUIRED), Length(max=64)])
    password = PasswordField("Пароль", validators=[DataRequired(REQUIRED), Length(max=128)])


class PasswordChangeForm(FlaskForm):
    old_password = PasswordField("Текущий пароль", validators=[DataRequired(REQUIRED)])
    new_password = PasswordField("Новый пароль", validators=[DataRequired(REQUIRED)])
    confirm = PasswordField("Новый пароль ещё раз", validators=[
        DataRequired(REQUIRED), EqualTo("new_password", "Пароли не совпадают.")])


class InvitationForm(FlaskForm):
    code = StringField("Код приглашения", validators=[DataRequired(REQUIRED), Length(max=40)])
    password = PasswordField("Придумайте пароль", validators=[DataRequired(REQUIRED)])
    confirm = PasswordField("Пароль ещё раз", validators=[
        DataRequired(REQUIRED), EqualTo("password", "Пароли не совпадают.")])


class RoleSwitchForm(FlaskForm):
    role = HiddenField(validators=[DataRequired()])
