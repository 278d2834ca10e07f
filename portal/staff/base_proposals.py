"""Class teachers' proposals of pupils for a base (4.5), as the format's curator and the coordinator see them:
accept (the pupil is nominated as on the bases page, «ожидает согласия») or decline with a reason."""
from flask import flash, redirect, render_template, request, url_for
from wtforms import TextAreaField
from wtforms.validators import Length

from portal.services import bases as base_rules
from portal.services import class_teachers
from portal.staff import bp
from portal.web import attempt, client_ip, form_status, staff_scope
from portal.web.forms import EmptyForm, TextForm, too_long

STATUS_CHOICES = (("pending", "на рассмотрении"), ("accepted", "принятые"), ("declined", "отклонённые"),
                  ("all", "все"))


class DeclineForm(TextForm):
    reason = TextAreaField("Причина отказа (её прочтёт классный руководитель)",
                           validators=[Length(max=class_teachers.MAX_REASON, message=too_long(class_teachers.MAX_REASON))])


def _back():
    return redirect(url_for("staff.base_proposals"), code=303)


def _list(staff, status: str, form, refused: int | None = None, http_status: int = 200):
    return render_template("staff/base_proposals.html", proposals=class_teachers.incoming(staff, status),
                           status=status, status_choices=STATUS_CHOICES, form=form, refused=refused,
                           state_titles=class_teachers.STATE_TITLES, base_titles=base_rules.BASE_TITLES,
                           category_titles=class_teachers.CATEGORY_TITLES), http_status


@bp.route("/bases/proposals")
def base_proposals():
    """The proposals for the formats in reach; those waiting first (the bases page links here with their count)."""
    status = request.args.get("status", "pending")
    return _list(staff_scope(), status if status in dict(STATUS_CHOICES) else "pending", EmptyForm())


@bp.route("/bases/proposals/<int:proposal_id>/accept", methods=["POST"])
def accept_base_proposal(proposal_id):
    staff = staff_scope()
    proposal = class_teachers.proposal_for(staff, proposal_id)
    form = EmptyForm()
    if form.validate_on_submit():
        membership = attempt(form, lambda: class_teachers.accept(staff, proposal.id, ip=client_ip()))
        if membership is not None:
            flash(f"{proposal.person.full_name} — {base_rules.BASE_TITLES[proposal.base]} формы "
                  f"«{proposal.mentoring_format.name}»: {base_rules.STATUS_TITLES[membership.status]}.", "success")
            return _back()
    return _list(staff, "pending", form, refused=proposal.id, http_status=422)


@bp.route("/bases/proposals/<int:proposal_id>/decline", methods=["GET", "POST"])
def decline_base_proposal(proposal_id):
    staff = staff_scope()
    proposal = class_teachers.proposal_for(staff, proposal_id)
    form = DeclineForm()
    if form.validate_on_submit():
        if attempt(form, lambda: class_teachers.decline(staff, proposal.id, form.reason.data, ip=client_ip())):
            flash(f"Предложение отклонено: {proposal.person.full_name}. Классный руководитель увидит причину.",
                  "success")
            return _back()
    return render_template("staff/base_proposal_decline.html", form=form, proposal=proposal,
                           base_titles=base_rules.BASE_TITLES), form_status(form)
