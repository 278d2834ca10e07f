from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.web.forms import REQUIRED, TextForm, printable, too_long


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


class ForgotForm(TextForm):
    login = StringField("Логин", validators=[DataRequired(REQUIRED), Length(max=64, message=too_long(64)),
                                             printable])
