"""Mentoring formats (5.1), their curators and the coordinator, appointed by the director's order (4.3, 2.7).

The forms only carry text: the rules and their Russian messages live in services.programmes."""
from flask import flash, redirect, render_template, url_for
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.coordinator import bp
from portal.names import full_name
from portal.services import programmes
from portal.services.orders import appointment as appointments
from portal.web import attempt, client_ip, form_status, staff_scope
from portal.web.forms import EmptyForm, TextForm


class FormatForm(TextForm):
    name = StringField("Название формы", render_kw={"maxlength": programmes.MAX_NAME})
    description = TextAreaField("Описание: в какой ролевой ситуации работает пара или группа",
                                render_kw={"rows": 4})
    mentor_kind = SelectField("Кто наставники", choices=[SelectChoice(k, t) for k, t in programmes.MENTOR_KINDS],
                              validate_choice=False)
    mentee_kind = SelectField("Кто наставляемые", choices=[SelectChoice(k, t) for k, t in programmes.MENTEE_KINDS],
                              validate_choice=False)

    def for_edit(self):
        """Who may be in the bases stays as the bases were built: only name and description change."""
        del self.mentor_kind
        del self.mentee_kind
        return self


class CoordinatorForm(TextForm):
    person = SelectField("Кто назначается координатором", choices=[], validate_choice=False)

    def with_people(self, people):
        self.person.choices = [SelectChoice("", "— выберите —")] + [
            SelectChoice(str(p.id), p.full_name + (f" — {p.position}" if p.position else "")) for p in people]
        return self


class CuratorForm(TextForm):
    person = SelectField("Кто назначается куратором", choices=[], validate_choice=False)

    def with_people(self, candidates):
        """Staff first, then partner organisations; «нет учётной записи» tells who still needs a slip."""
        choices = [SelectChoice("", "— выберите —")]
        for person, has_account in sorted(candidates, key=lambda c: programmes.CURATOR_KINDS.index(c[0].kind)):
            title = programmes.KIND_PLURALS[person.kind].capitalize()
            label = person.full_name + (f" — {person.position}" if person.position else "") + (
                f", {person.organisation}" if person.organisation else "") + (
                "" if has_account else " (нет учётной записи)")
            choices.append(SelectChoice(str(person.id), label, optgroup=title))
        self.person.choices = choices
        return self


def _back(fmt=None):
    url = url_for("coordinator.formats")
    return redirect(f"{url}#format-{fmt.id}" if fmt is not None else url, code=303)


@bp.route("/formats")
def formats():
    staff = staff_scope()
    return render_template("coordinator/formats.html", rows=programmes.formats_overview(staff),
                           coordinator=programmes.coordinator_card(staff), form=EmptyForm())


@bp.route("/formats/new", methods=["GET", "POST"])
def new_format():
    staff = staff_scope()
    form = FormatForm()
    if form.validate_on_submit():
        fmt = attempt(form, lambda: programmes.create_format(staff, form.name.data, form.description.data,
                                                             form.mentor_kind.data, form.mentee_kind.data,
                                                             ip=client_ip()))
        if fmt is not None:
            flash(f"Добавлена форма «{fmt.name}». Назначьте куратора и составьте программу.", "success")
            return _back(fmt)
    return render_template("coordinator/formats_form.html", form=form, fmt=None), form_status(form)


@bp.route("/formats/<int:format_id>/edit", methods=["GET", "POST"])
def edit_format(format_id):
    staff = staff_scope()
    fmt = programmes.format_of_school(staff, format_id)
    form = FormatForm(data={"name": fmt.name, "description": fmt.description}).for_edit()
    if form.validate_on_submit():
        saved = attempt(form, lambda: programmes.update_format(staff, fmt.id, form.name.data, form.description.data,
                                                               ip=client_ip()))
        if saved is not None:
            flash(f"Форма «{saved.name}» сохранена.", "success")
            return _back(saved)
    return render_template("coordinator/formats_form.html", form=form, fmt=fmt,
                           mentor_kinds=programmes.kinds_text(fmt, "mentor"),
                           mentee_kinds=programmes.kinds_text(fmt, "mentee")), form_status(form)


@bp.route("/formats/<int:format_id>/deactivate", methods=["GET", "POST"])
def deactivate_format(format_id):
    """GET asks «are you sure?», POST closes the format to new pairing; its history stays."""
    staff = staff_scope()
    form = EmptyForm()
    if form.validate_on_submit():
        fmt = programmes.set_active(staff, format_id, False, ip=client_ip())
        flash(f"Форма «{fmt.name}» закрыта: новых пар в ней не будет, история сохранена.", "success")
        return _back(fmt)
    return render_template("coordinator/formats_deactivate.html", form=form,
                           **programmes.format_summary(staff, format_id))


@bp.route("/formats/<int:format_id>/activate", methods=["POST"])
def activate_format(format_id):
    fmt = programmes.set_active(staff_scope(), format_id, True, ip=client_ip())
    flash(f"Форма «{fmt.name}» снова открыта.", "success")
    return _back(fmt)


@bp.route("/formats/<int:format_id>/curators/new", methods=["GET", "POST"])
def appoint_curator(format_id):
    staff = staff_scope()
    fmt = programmes.format_of_school(staff, format_id)
    form = CuratorForm().with_people(programmes.curator_candidates(staff))
    if form.validate_on_submit():
        appointment = attempt(form, lambda: programmes.appoint_curator(staff, fmt.id, form.person.data,
                                                                       ip=client_ip()))
        if appointment is not None:
            flash(f"{appointment.person.full_name} — в проекте приказа «О назначении координатора и кураторов» "
                  f"куратором формы «{fmt.name}». Назначение ждёт приказа: распечатайте проект на подпись директору "
                  "и зарегистрируйте его номер и дату — тогда куратор получит доступ к форме.", "success")
            return redirect(url_for("coordinator.order", order_id=appointment.order_id), code=303)
    return render_template("coordinator/formats_curator.html", form=form, fmt=fmt), form_status(form)


@bp.route("/formats/curators/<int:grant_id>/remove", methods=["GET", "POST"])
def remove_curator(grant_id):
    """GET asks «are you sure?», POST takes the format away from the curator at once."""
    staff = staff_scope()
    grant = programmes.curator_grant(staff, grant_id)
    form = EmptyForm()
    if form.validate_on_submit():
        programmes.remove_curator(staff, grant.id, ip=client_ip())
        flash(f"{grant.account.person.full_name} больше не куратор формы «{grant.mentoring_format.name}».",
              "success")
        return _back(grant.mentoring_format)
    return render_template("coordinator/formats_curator_remove.html", form=form, grant=grant,
                           whom=full_name(grant.account.person, "accusative"))


@bp.route("/formats/coordinator/change", methods=["GET", "POST"])
def change_coordinator():
    """4.3: the coordinator changes by the director's order. The new one goes into the draft of the appointment
    order and takes over, relieving the one before, when it is registered."""
    staff = staff_scope()
    form = CoordinatorForm().with_people(appointments.coordinator_candidates(staff))
    if form.validate_on_submit():
        appointment = attempt(form, lambda: appointments.appoint_coordinator(staff, form.person.data, ip=client_ip()))
        if appointment is not None:
            flash(f"{appointment.person.full_name} — в проекте приказа «О назначении координатора и кураторов» "
                  "новым координатором. Назначение ждёт приказа: распечатайте проект на подпись директору и "
                  "зарегистрируйте его номер и дату — тогда новый координатор получит доступ, а прежний его "
                  "утратит.", "success")
            return redirect(url_for("coordinator.order", order_id=appointment.order_id), code=303)
    return render_template("coordinator/formats_coordinator.html", form=form,
                           coordinator=programmes.coordinator_card(staff)), form_status(form)
