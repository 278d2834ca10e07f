from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, TextAreaField
from wtforms.validators import DataRequired, Length

REQUIRED = "Заполните это поле."


class EsignAgreementForm(FlaskForm):
    agree = BooleanField("Я прочитал(а) соглашение и принимаю его условия")
    password = PasswordField("Пароль от портала (для подтверждения)", validators=[DataRequired(REQUIRED)])


class SignConsentForm(FlaskForm):
    identity_document = TextAreaField("Ваш документ, удостоверяющий личность (вид, серия, номер, кем и когда выдан)",
                                      validators=[Length(max=500)])
    address = TextAreaField("Ваш адрес проживания", validators=[Length(max=500)])
    subject_document = TextAreaField("Документ ребёнка (свидетельство о рождении или паспорт: серия, номер, кем и "
                                     "когда выдан)", validators=[Length(max=500)])
    subject_address = TextAreaField("Адрес проживания ребёнка", validators=[Length(max=500)])
    agree = BooleanField("Я прочитал(а) текст согласия и даю согласие на указанных условиях")
    password = PasswordField("Пароль от портала (простая электронная подпись)", validators=[DataRequired(REQUIRED)])
