"""Everyone's inbox (DECISIONS.md, "Notifications and running for real"): one URL for every role, since
each person has one inbox whichever role they are acting in."""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


@bp.before_request
@login_required
def _logged_in():
    return None


from portal.inbox import views  # noqa: E402,F401
