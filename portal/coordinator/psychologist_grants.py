"""Psychological support (s6, s8): the coordinator grants the psychologist role and takes it away, and sees how
many requests came, by month and form — counts only, never a request (services.support)."""
from flask import flash, redirect, render_template, url_for
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from portal.coordinator import bp
from portal.names import full_name
from portal.services import support
from portal.web import attempt, client_ip, form_status, staff_scope
from portal.web.forms import EmptyForm, TextForm


class PsychologistForm(TextForm):
    person = SelectField("Сотрудник школы", choices=[], validate_choice=False)

    def with_choices(self, people):
        self.person.choices = [SelectChoice("", "— выберите —")] + [
            SelectChoice(str(p.id), p.full_name + (f" — {p.position}" if p.position else "")) for p in people]
        return self


@bp.route("/psychologists", methods=["GET", "POST"])
def psychologists_page():
    """Who the school's psychologists are, the form that grants one more, and the year's counts of requests."""
    staff = staff_scope()
    form = PsychologistForm().with_choices(support.candidates(staff))
    if form.validate_on_submit():
        result = attempt(form, lambda: support.grant(staff, form.person.data, ip=client_ip()))
        if result is not None:
            _, account = result
            message = f"{account.person.full_name} — педагог-психолог в портале."
            if not account.password_hash:
                message += " Чтобы войти в портал, нужно приглашение: выдайте его в карточке человека."
            flash(message, "success")
            return redirect(url_for("coordinator.psychologists_page"), code=303)
    return render_template("coordinator/psychologists.html", form=form, grants=support.grants(staff),
                           counts=support.counts(staff)), form_status(form)


@bp.route("/psychologists/<int:grant_id>/remove", methods=["GET", "POST"])
def remove_psychologist(grant_id):
    """GET asks «are you sure?», POST takes the role away at once."""
    staff = staff_scope()
    grant = support.psychologist_grant(staff, grant_id)
    form = EmptyForm()
    if form.validate_on_submit():
        support.remove_grant(staff, grant.id, ip=client_ip())
        flash(f"{grant.account.person.full_name} больше не педагог-психолог в портале.", "success")
        return redirect(url_for("coordinator.psychologists_page"), code=303)
    return render_template("coordinator/psychologist_remove.html", form=form, grant=grant,
                           whom=full_name(grant.account.person, "accusative"))
