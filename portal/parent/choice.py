"""The parent chooses a mentor for a child under 14 (s8, «через представителя»; services/representation.py).

From 14 the child chooses themself: the parent's page shows the choice and no button, and this URL answers 403
with the reason. Someone else's child, or a proposal not made to this child, is «not found». The question is
asked first: the mentor is told at once and a place is taken."""
from flask import flash, redirect, render_template, url_for

from portal.formatting import name
from portal.parent import bp
from portal.services import cycle, pairing, representation
from portal.web import actor, attempt, client_ip, form_status
from portal.web.forms import EmptyForm


@bp.route("/children/<int:child_id>/choice/<int:proposal_id>", methods=["GET", "POST"], endpoint="choose")
def choose(child_id, proposal_id):
    parent = actor()
    child = cycle.child_of_parent(parent, child_id)        # someone else's child: 404
    proposal = pairing.proposal_of(child, proposal_id)     # not proposed to this child: 404
    refusal = representation.refusal(child, "choose")
    form = EmptyForm()
    if refusal is None and form.validate_on_submit():
        if attempt(form, lambda: pairing.choose(child, proposal.id, ip=client_ip(), parent=parent)):
            flash(f"Вы выбрали наставника за {name(child, 'accusative')}. Ждём подтверждения наставника.",
                  "success")
            return redirect(url_for("parent.home") + f"#child-proposal-{proposal.id}", code=303)
    status = 403 if refusal is not None else form_status(form)
    return render_template("parent/choose.html", child=child, proposal=proposal, form=form, refusal=refusal,
                           back=url_for("parent.home")), status
