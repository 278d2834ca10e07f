from flask import current_app, render_template
from flask_login import current_user

from portal.auth.forms import EmptyForm
from portal.coordinator import bp
from portal.models import Account, RoleGrant
from portal.models.accounts import ROLE_TITLES
from portal.services import accounts, overview
from portal.web import actor, client_ip


@bp.route("/")
def home():
    return render_template("coordinator/home.html", glance=overview.school_at_a_glance(current_user.school_id))


@bp.route("/accounts")
def account_list():
    rows = list(overview.accounts_of_school(current_user.school_id).prefetch(RoleGrant.select()))
    return render_template("coordinator/accounts.html", accounts=rows, role_titles=ROLE_TITLES, form=EmptyForm())


@bp.route("/accounts/<int:account_id>/invitation", methods=["POST"])
def issue_invitation(account_id):
    account = Account.get_or_none((Account.id == account_id) & (Account.school == current_user.school_id))
    form = EmptyForm()
    if account is None or not form.validate_on_submit():
        return render_template("errors/404.html"), 404
    code = accounts.issue_invitation(actor(), account, current_app.config["INVITATION_TTL"], ip=client_ip())
    return render_template("coordinator/invitation_slip.html", account=account, code=code,
                           ttl_days=current_app.config["INVITATION_TTL"].days)
