from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from wtforms import StringField
from wtforms.validators import Length

from portal.auth.forms import RequireSecondFactorForm
from portal.coordinator import bp
from portal.models import RoleGrant
from portal.models.accounts import ROLE_TITLES
from portal.services import overview, resets, totp
from portal.web import attempt, client_ip, form_status, serving, staff_scope
from portal.web.forms import EmptyForm, Form, printable, too_long


class ResetForm(Form):
    """A new code; the reason counts only when the account has a password (a reset)."""

    reason = StringField("Причина сброса пароля", validators=[
        Length(max=resets.REASON_LIMIT, message=too_long(resets.REASON_LIMIT)), printable])


@bp.route("/")
def home():
    return render_template("coordinator/home.html", glance=overview.school_at_a_glance(current_user.school_id),
                           unsafe=serving.unsafe_settings(current_user.school))


@bp.route("/accounts")
def account_list(require_form=None, status=200):
    rows = list(overview.accounts_of_school(current_user.school_id).prefetch(RoleGrant.select()))
    required = totp.school_requires(current_user.school_id)
    require_form = require_form or RequireSecondFactorForm(required=required)
    return render_template("coordinator/accounts.html", accounts=rows, role_titles=ROLE_TITLES, form=EmptyForm(),
                           require_form=require_form, totp_required=required), status


@bp.route("/accounts/second-factor", methods=["POST"])
def second_factor_requirement():
    """«Требовать второй фактор»: refused beside the box while the coordinator has none themself."""
    form = RequireSecondFactorForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: totp.set_required(current_user._get_current_object(), form.required.data,
                                                       ip=client_ip()))
        if done is not None:
            flash("Второй фактор теперь обязателен для координатора и кураторов." if done
                  else "Второй фактор больше не обязателен.", "success")
            return redirect(url_for("coordinator.account_list"), code=303)
    return account_list(require_form=form, status=422)


@bp.route("/accounts/<int:account_id>/invitation", methods=["GET", "POST"])
def issue_invitation(account_id):
    """A new code; for an account that has a password it is a reset, asked for on a page with the reason
    (services.resets, the same rule as on a person's card)."""
    staff = staff_scope()
    account = resets.account_of_school(staff, account_id)
    form = ResetForm()
    if form.validate_on_submit():
        ttl = current_app.config["INVITATION_TTL"]
        done = attempt(form, lambda: resets.reissue_for_account(staff, account_id, ttl, reason=form.reason.data or "",
                                                                ip=client_ip()))
        if done is not None:
            return render_template("coordinator/invitation_slip.html", account=done[0], code=done[1], ttl_days=ttl.days)
    return render_template("coordinator/reset.html", account=account, form=form,
                           is_reset=resets.is_reset(account)), form_status(form)
