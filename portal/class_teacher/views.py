"""A class teacher's pages: their classes' pupils, a proposal of a pupil for a base, their own proposals.

Thin views: who the teacher reaches and every rule of a proposal live in services.class_teachers; a pupil of
another class is «not found», like any object outside one's reach. Nothing here names a pair, a meeting or an
answer (DECISIONS.md, "The school year")."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from portal.class_teacher import bp
from portal.services import bases as base_rules
from portal.services import class_teachers
from portal.web import attempt, client_ip, form_status
from portal.web.forms import TextForm, too_long


class ProposeForm(TextForm):
    """Text fields only: the service re-checks the format, the base and the category against its own lists and
    puts its Russian refusal beside the field."""

    mentoring_format = SelectField("Форма наставничества", choices=[], validate_choice=False)
    base = SelectField("База", validate_choice=False, choices=[
        SelectChoice("", "— выберите —"),
        SelectChoice("mentee", "база наставляемых"), SelectChoice("mentor", "база наставников")])
    category = SelectField("Категория", choices=[], validate_choice=False)
    note = TextAreaField("Комментарий для куратора: почему вы предлагаете ученика",
                         validators=[Length(max=class_teachers.MAX_NOTE, message=too_long(class_teachers.MAX_NOTE))])

    def with_choices(self, formats):
        """Formats that take students; categories grouped by base (4.6 for mentees, 4.8 for mentors)."""
        self.mentoring_format.choices = [SelectChoice("", "— выберите —")] + [
            SelectChoice(str(f.id), f"«{f.name}»") for f in formats]
        self.category.choices = [SelectChoice("", "— выберите —")] + [
            SelectChoice(code, title, optgroup=group)
            for base, group in (("mentee", "для базы наставляемых (п. 4.6)"), ("mentor", "для базы наставников (п. 4.8)"))
            for code, title in class_teachers.categories_for_pupils(base)]
        return self


def _scope():
    return class_teachers.scope_of(current_user._get_current_object())


@bp.route("/")
def home():
    """The pupils of the teacher's classes, each with «Предложить в базу»."""
    scope = _scope()
    return render_template("class_teacher/home.html", classes=class_teachers.classes_of(scope),
                           pupils=class_teachers.pupils(scope))


@bp.route("/pupils/<int:person_id>/propose", methods=["GET", "POST"])
def propose(person_id):
    scope = _scope()
    pupil = class_teachers.pupil(scope, person_id)
    formats = class_teachers.open_formats(scope.school_id)
    form = ProposeForm().with_choices(formats)
    if form.validate_on_submit():
        proposal = attempt(form, lambda: class_teachers.propose(
            scope, pupil.id, form.mentoring_format.data, form.base.data, form.category.data, form.note.data,
            ip=client_ip()))
        if proposal is not None:
            flash(f"Предложение отправлено куратору формы «{proposal.mentoring_format.name}»: "
                  f"{pupil.full_name}, {base_rules.BASE_TITLES[proposal.base]}.", "success")
            return redirect(url_for("class_teacher.proposals"), code=303)
    return render_template("class_teacher/propose.html", form=form, pupil=pupil, formats=formats), form_status(form)


@bp.route("/proposals")
def proposals():
    """The teacher's own proposals and what became of them, with the curator's reason for a decline."""
    return render_template("class_teacher/proposals.html", proposals=class_teachers.proposals_of(_scope()),
                           state_titles=class_teachers.STATE_TITLES, base_titles=base_rules.BASE_TITLES,
                           category_titles=class_teachers.CATEGORY_TITLES)
