"""Guardian links a curator asked for, waiting for the coordinator (4.11; DECISIONS.md, "Who may change
whom"): the coordinator confirms one naming the document seen, or rejects it saying why. The same
forms sit on the child's card; both come here, and the rules live in services.people."""
from flask import flash, redirect, render_template, url_for
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, Length, Optional

from portal.coordinator import bp
from portal.services import people as records
from portal.web import attempt, client_ip, staff_scope
from portal.web.forms import EmptyForm, Form, printable, too_long


class ConfirmLinkForm(Form):
    document = StringField("Документ, который вы видели: вид, серия и номер, дата", validators=[
        Length(max=records.DOCUMENT_LIMIT, message=too_long(records.DOCUMENT_LIMIT)), printable])
    back = HiddenField(validators=[Optional(), AnyOf(("card",))])


class RejectLinkForm(Form):
    reason = StringField("Почему связь не подтверждена", validators=[
        Length(max=records.REASON_LIMIT, message=too_long(records.REASON_LIMIT)), printable])
    back = HiddenField(validators=[Optional(), AnyOf(("card",))])


def _page(staff, *, failed=None, confirm_form=None, reject_form=None, status=200):
    """The list; a refused form is shown with its message beside the field, on the link it was for."""
    return render_template("coordinator/guardianships.html", links=records.pending_links(staff), failed=failed,
                           failed_confirm=confirm_form, failed_reject=reject_form, is_coordinator=True, back="",
                           csrf_form=EmptyForm()), status


def _after(form, link):
    if form.back.data == "card":
        return redirect(url_for("staff.person", person_id=link.child.id) + "#guardians", code=303)
    return redirect(url_for("coordinator.guardianship_requests"), code=303)


@bp.route("/guardianships")
def guardianship_requests():
    return _page(staff_scope())


@bp.route("/guardianships/<int:link_id>/confirm", methods=["POST"])
def confirm_guardianship(link_id):
    staff = staff_scope()
    records.pending_link(staff, link_id)  # another school's or a decided link: 404 before any form error
    form = ConfirmLinkForm()
    if form.validate_on_submit():
        link = attempt(form, lambda: records.confirm_link(staff, link_id, form.document.data or "", ip=client_ip()))
        if link is not None:
            link = records.guardianship_for(staff, link.id)
            flash(f"Связь подтверждена: {link.parent.full_name} может подписывать согласия за ребёнка "
                  f"({link.child.full_name}).", "success")
            return _after(form, link)
    return _page(staff, failed=link_id, confirm_form=form, status=422)


@bp.route("/guardianships/<int:link_id>/reject", methods=["POST"])
def reject_guardianship(link_id):
    staff = staff_scope()
    records.pending_link(staff, link_id)
    form = RejectLinkForm()
    if form.validate_on_submit():
        link = attempt(form, lambda: records.reject_link(staff, link_id, form.reason.data or "", ip=client_ip()))
        if link is not None:
            flash(f"Связь не подтверждена: {link.parent.full_name} не получит доступа к данным ребёнка "
                  f"({link.child.full_name}).", "success")
            return _after(form, link)
    return _page(staff, failed=link_id, reject_form=form, status=422)
