"""Forms of the bases pages. Choices come from the closed lists of 4.6–4.8; the service re-checks them,
so a forged value gets the same Russian refusal as a wrong tick."""
from portal.web.forms import Form
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.ids import parse_id
from portal.services.bases import MAX_CAPACITY, MAX_OTHER_TEXT, MAX_TEXT, categories_of_base


class RussianForm(Form):
    """WTForms' own messages (a number that is not a number) in Russian as well."""

    class Meta:
        locales = ("ru_RU", "ru")

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)


class CategoriesField(SelectMultipleField):
    """Checkboxes; an unknown code is left for the service to refuse in its own words."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


class MemberForm(RussianForm):
    """What staff record about a member: categories, needs or help, and a mentor's capacity."""

    categories = CategoriesField("Категории")
    other_text = StringField("«Другое»: что именно", validators=[
        Length(max=MAX_OTHER_TEXT, message=f"Не длиннее {MAX_OTHER_TEXT} символов.")])
    can_help_with = TextAreaField("Может помочь с", validators=[
        Length(max=MAX_TEXT, message=f"Не длиннее {MAX_TEXT} символов.")])
    needs = TextAreaField("Нуждается в", validators=[Length(max=MAX_TEXT, message=f"Не длиннее {MAX_TEXT} символов.")])
    capacity = IntegerField("Сколько наставляемых может вести одновременно", default=1, validators=[
        Optional(), NumberRange(1, MAX_CAPACITY, message=f"Число наставляемых — от 1 до {MAX_CAPACITY}.")])

    def for_base(self, fmt, base: str):
        """The base's own list; mentors say what they can help with and how many they take, mentees what
        they need (4.8 vs 4.6–4.7). Fields a base does not have are dropped, so they are never written."""
        self.categories.choices = list(categories_of_base(fmt, base))
        if not any(code == "other" for code, _ in self.categories.choices):
            del self.other_text
        if base == "mentor":
            del self.needs
        else:
            del self.can_help_with
            del self.capacity
        return self

    def values(self) -> dict:
        """The service's keyword arguments; None for a field this base does not have (left as it is)."""
        def data(name):
            return (self[name].data or "") if name in self else None
        return {"categories": self.categories.data or [], "other_text": data("other_text") or "",
                "can_help_with": data("can_help_with"), "needs": data("needs"),
                "capacity": (self.capacity.data or 1) if "capacity" in self else None}


class NominateForm(MemberForm):
    # Rendered by the template with the candidates grouped by class; the service re-checks the id.
    person = SelectField("Кого добавить", coerce=str, choices=[], validate_choice=False,
                         validators=[DataRequired("Выберите человека из списка.")])

    def person_id(self) -> int | None:
        return parse_id(self.person.data)
