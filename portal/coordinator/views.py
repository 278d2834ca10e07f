from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.auth.forms import EmptyForm, RequireSecondFactorForm
from portal.coordinator import bp
from portal.models import Account, RoleGrant
from portal.models.accounts import ROLE_TITLES
from portal.services import accounts, overview, totp
from portal.web import actor, attempt, client_ip


@bp.route("/")
def home():
    return render_template("coordinator/home.html", glance=overview.school_at_a_glance(current_user.school_id))


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


@bp.route("/accounts/<int:account_id>/invitation", methods=["POST"])
def issue_invitation(account_id):
    account = Account.get_or_none((Account.id == account_id) & (Account.school == current_user.school_id))
    form = EmptyForm()
    if account is None or not form.validate_on_submit():
        return render_template("errors/404.html"), 404
    code = accounts.issue_invitation(actor(), account, current_app.config["INVITATION_TTL"], ip=client_ip())
    return render_template("coordinator/invitation_slip.html", account=account, code=code,
                           ttl_days=current_app.config["INVITATION_TTL"].days)
