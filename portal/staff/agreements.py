"""The external mentor's cooperation agreement (4.14): issued (frozen, with a verification code), printed,
and recorded once it comes back signed — its number, date and scan — which pairing the mentor waits for."""
from flask import flash, redirect, render_template, url_for
from flask_wtf.file import FileField
from wtforms import StringField

from portal.services import agreements, uploads
from portal.staff import bp
from portal.web import actor, attempt, client_ip, pdf_response, send_download, staff_scope, takes_upload
from portal.web.forms import DayField, EmptyForm, Form


class SignedForm(Form):
    number = StringField("Номер договора")
    signed_on = DayField("Дата подписания")
    scan = FileField("Скан подписанного договора (PDF, JPEG или PNG, до 20 МБ)")


def _external(person_id):
    """An external person this staff member may act on; anyone else is «not found»."""
    return agreements.check_external(staff_scope().circle_person(person_id))


def _page(person, form=None, signed_form=None, status=200):
    return render_template("staff/agreement.html", person=person, form=form or EmptyForm(),
                           signed_form=signed_form or SignedForm(formdata=None),
                           documents=agreements.issued_agreements(person),
                           signed=agreements.signed_agreements(person)), status


@bp.route("/people/<int:person_id>/agreement", methods=["GET", "POST"], endpoint="agreement")
def agreement(person_id):
    """GET lists the agreements issued; POST issues one from today's data (then printed and signed on paper)."""
    person = _external(person_id)
    form = EmptyForm()
    if form.validate_on_submit():
        document = agreements.issue(actor(), person, ip=client_ip())
        flash(f"Договор оформлен, код проверки {document.code}. Распечатайте его и подпишите.", "success")
        return redirect(url_for("staff.agreement", person_id=person.id), code=303)
    return _page(person, form=form, status=422 if form.errors else 200)


@bp.route("/people/<int:person_id>/agreement/signed", methods=["POST"], endpoint="agreement_signed")
@takes_upload
def agreement_signed(person_id):
    """The signed paper came back: its number, date and scan are recorded, and the mentor may be paired."""
    person = _external(person_id)
    form = SignedForm()
    if form.validate_on_submit():
        scan = form.scan.data
        data = scan.read(uploads.MAX_BYTES + 1) if scan else None
        done = attempt(form, lambda: agreements.record_signed(
            actor(), person, form.number.data, form.signed_on.day, getattr(scan, "filename", "") or "", data,
            ip=client_ip()))
        if done is not None:
            flash(f"Подписанный договор № {done.number} внесён: наставника можно предлагать в пары.", "success")
            return redirect(url_for("staff.agreement", person_id=person.id), code=303)
    return _page(person, signed_form=form, status=422)


@bp.route("/people/<int:person_id>/agreement/signed/<int:agreement_id>/scan", endpoint="agreement_scan")
def agreement_scan(person_id, agreement_id):
    person = _external(person_id)
    return send_download(agreements.signed_scan(actor(), person, agreement_id, ip=client_ip()))


@bp.route("/people/<int:person_id>/agreement.pdf", endpoint="agreement_pdf")
def agreement_pdf(person_id):
    """The newest agreement issued, always the same file; before the first, the page that issues it."""
    person = _external(person_id)
    if not agreements.issued_agreements(person):
        flash("Сначала оформите договор: его текст фиксируется при оформлении.", "info")
        return redirect(url_for("staff.agreement", person_id=person.id), code=303)
    return pdf_response(agreements.agreement_pdf(person), f"dogovor-{person.id}.pdf")
