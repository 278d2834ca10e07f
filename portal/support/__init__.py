"""Psychological support (s6, s8): one URL for a request, whoever may read it — the asker, a parent who is told,
the psychologist — so a shared blueprint (ARCHITECTURE.md, "Pages several roles share"). Who reads what is decided
by services.support; anyone else meets «not found»."""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("support", __name__, url_prefix="/support")


@bp.before_request
@login_required
def _logged_in():
    return None


from portal.support import views  # noqa: E402,F401
