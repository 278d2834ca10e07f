"""Proposing mentors to a mentee (s8, 4.12, 4.13): the queue of mentees without a pair, the ranked
candidates with the reasons of each rank, and withdrawing a proposal after a confirmation."""
from flask import flash, redirect, render_template, url_for
from wtforms import SelectMultipleField

from portal.names import full_name
from portal.services import matching
from portal.staff import bp
from portal.web import attempt, client_ip, form_status, staff_scope
from portal.web.forms import EmptyForm, Form


class ProposeForm(Form):
    # The ticked mentors' ids; the service re-checks each against the ranked list it builds itself.
    mentors = SelectMultipleField("Кандидаты в наставники", choices=[], validate_choice=False)


@bp.route("/proposals")
def proposals_index():
    """The formats in reach: each opens its queue."""
    return render_template("staff/proposals_index.html", formats=list(staff_scope().formats()))


@bp.route("/formats/<int:format_id>/proposals")
def proposals_queue(format_id):
    return render_template("staff/proposals.html", **matching.queue(staff_scope(), format_id))


@bp.route("/formats/<int:format_id>/proposals/<int:mentee_id>", methods=["GET", "POST"])
def proposals_mentee(format_id, mentee_id):
    staff = staff_scope()
    form = ProposeForm()
    if form.validate_on_submit():
        made = attempt(form, lambda: matching.propose(staff, format_id, mentee_id, form.mentors.data,
                                                      ip=client_ip()))
        if made is not None:
            if made:
                flash(f"Предложено наставников: {len(made)}. Наставляемый увидит их на экране выбора.", "success")
            else:
                flash("Отмеченные наставники уже предложены этому наставляемому.", "info")
            return redirect(url_for("staff.proposals_mentee", format_id=format_id, mentee_id=mentee_id), code=303)
    ranking = matching.rank_candidates(staff, format_id, mentee_id)
    ticked = {str(value) for value in form.mentors.data or ()}
    return render_template("staff/proposals_mentee.html", form=form, ranking=ranking, ticked=ticked,
                           proposal_titles=matching.PROPOSAL_TITLES), form_status(form)


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["GET", "POST"])
def proposals_withdraw(proposal_id):
    """Withdrawing narrows the mentee's choice, so it is confirmed first."""
    staff = staff_scope()
    proposal = matching.proposal_in_scope(staff, proposal_id)
    back = url_for("staff.proposals_mentee", format_id=proposal.mentoring_format_id, mentee_id=proposal.mentee_id)
    form = EmptyForm()
    if form.validate_on_submit():
        if attempt(form, lambda: matching.withdraw_proposal(staff, proposal.id, ip=client_ip())):
            flash(f"Предложение отозвано: {proposal.mentor.full_name} больше не предлагается "
                  f"{full_name(proposal.mentee, 'dative')}.", "success")
            return redirect(back, code=303)
    return render_template("staff/proposals_withdraw.html", form=form, proposal=proposal, back=back,
                           proposal_titles=matching.PROPOSAL_TITLES,
                           mentee_dative=full_name(proposal.mentee, "dative")), form_status(form)
