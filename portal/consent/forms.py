from portal.web.forms import Form
from wtforms import BooleanField, PasswordField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from portal.models.consent import PUBLIC_FIELDS

REQUIRED = "Заполните это поле."


class EsignAgreementForm(Form):
    agree = BooleanField("Я прочитал(а) соглашение и принимаю его условия")
    password = PasswordField("Пароль от портала (для подтверждения)", validators=[DataRequired(REQUIRED)])


class SignConsentForm(Form):
    identity_document = TextAreaField("Ваш документ, удостоверяющий личность (вид, серия, номер, кем и когда выдан)",
                                      validators=[Length(max=500)])
    address = TextAreaField("Ваш адрес проживания", validators=[Length(max=500)])
    subject_document = TextAreaField("Документ ребёнка (свидетельство о рождении или паспорт: серия, номер, кем и "
                                     "когда выдан)", validators=[Length(max=500)])
    subject_address = TextAreaField("Адрес проживания ребёнка", validators=[Length(max=500)])
    # Only on a consent to dissemination: what the public pages may show (152-ФЗ art. 10.1).
    # The name is always shown (without it a page shows nobody); the rest the signer ticks.
    public_fields = SelectMultipleField("Что ещё можно показывать на публичных страницах", choices=[
        SelectChoice(code, title[:1].upper() + title[1:]) for code, title in PUBLIC_FIELDS if code != "name"],
        validate_choice=False, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    agree = BooleanField("Я прочитал(а) текст согласия и даю согласие на указанных условиях")
    password = PasswordField("Пароль от портала (простая электронная подпись)", validators=[DataRequired(REQUIRED)])
