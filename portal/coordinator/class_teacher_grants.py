"""Class teachers (4.5): the coordinator grants a teacher the class-teacher role for a class, and takes it away.
The rules and their Russian messages live in services.class_teachers."""
from flask import flash, redirect, render_template, url_for
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from portal.coordinator import bp
from portal.names import full_name
from portal.services import class_teachers, people
from portal.web import attempt, client_ip, form_status, staff_scope
from portal.web.forms import EmptyForm, TextForm


class ClassTeacherForm(TextForm):
    person = SelectField("Сотрудник школы", choices=[], validate_choice=False)
    school_class = SelectField("Класс", choices=[], validate_choice=False)

    def with_choices(self, people, classes):
        self.person.choices = [SelectChoice("", "— выберите —")] + [
            SelectChoice(str(p.id), p.full_name + (f" — {p.position}" if p.position else "")) for p in people]
        self.school_class.choices = [SelectChoice("", "— выберите —")] + [
            SelectChoice(str(c.id), c.name) for c in classes]
        return self


@bp.route("/class-teachers", methods=["GET", "POST"])
def class_teachers_page():
    """Who is the class teacher of which class, and the form that grants one more."""
    staff = staff_scope()
    form = ClassTeacherForm().with_choices(class_teachers.teacher_candidates(staff),
                                           people.classes_of(staff.school_id))
    if form.validate_on_submit():
        result = attempt(form, lambda: class_teachers.grant(staff, form.person.data, form.school_class.data,
                                                            ip=client_ip()))
        if result is not None:
            grant, account = result
            message = f"{account.person.full_name} — классный руководитель {grant.school_class.name} класса."
            if not account.password_hash:
                message += " Чтобы войти в портал, нужно приглашение: выдайте его в карточке человека."
            flash(message, "success")
            return redirect(url_for("coordinator.class_teachers_page"), code=303)
    return render_template("coordinator/class_teachers.html", form=form, grants=class_teachers.grants(staff)), \
        form_status(form)


@bp.route("/class-teachers/<int:grant_id>/remove", methods=["GET", "POST"])
def remove_class_teacher(grant_id):
    """GET asks «are you sure?», POST takes the class away at once."""
    staff = staff_scope()
    grant = class_teachers.class_teacher_grant(staff, grant_id)
    form = EmptyForm()
    if form.validate_on_submit():
        class_teachers.remove_grant(staff, grant.id, ip=client_ip())
        flash(f"{grant.account.person.full_name} больше не классный руководитель {grant.school_class.name} класса.",
              "success")
        return redirect(url_for("coordinator.class_teachers_page"), code=303)
    return render_template("coordinator/class_teacher_remove.html", form=form, grant=grant,
                           whom=full_name(grant.account.person, "accusative"))
