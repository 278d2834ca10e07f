"""The external mentor's cooperation agreement (4.14): issued (frozen, with a verification code), then printed."""
from flask import flash, redirect, render_template, url_for

from portal.services import agreements
from portal.staff import bp
from portal.web import actor, client_ip, pdf_response, staff_scope
from portal.web.forms import EmptyForm


def _external(person_id):
    """An external person this staff member may act on; anyone else is «not found»."""
    return agreements.check_external(staff_scope().circle_person(person_id))


@bp.route("/people/<int:person_id>/agreement", methods=["GET", "POST"], endpoint="agreement")
def agreement(person_id):
    """GET lists the agreements issued; POST issues one from today's data (then printed and signed on paper)."""
    person = _external(person_id)
    form = EmptyForm()
    if form.validate_on_submit():
        document = agreements.issue(actor(), person, ip=client_ip())
        flash(f"Договор оформлен, код проверки {document.code}. Распечатайте его и подпишите.", "success")
        return redirect(url_for("staff.agreement", person_id=person.id), code=303)
    return render_template("staff/agreement.html", person=person, form=form,
                           documents=agreements.issued_agreements(person)), 422 if form.errors else 200


@bp.route("/people/<int:person_id>/agreement.pdf", endpoint="agreement_pdf")
def agreement_pdf(person_id):
    """The newest agreement issued, always the same file; before the first, the page that issues it."""
    person = _external(person_id)
    if not agreements.issued_agreements(person):
        flash("Сначала оформите договор: его текст фиксируется при оформлении.", "info")
        return redirect(url_for("staff.agreement", person_id=person.id), code=303)
    return pdf_response(agreements.agreement_pdf(person), f"dogovor-{person.id}.pdf")
