"""Signing consents online (4.11): parents for their children, adults for themselves — one set of screens."""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("consent", __name__, url_prefix="/consent")


@bp.before_request
@login_required
def _logged_in():
    return None


from portal.consent import views  # noqa: E402,F401
