"""Staff work on the roster, the bases and guardianship (4.4, 4.5): the coordinator school-wide,
a curator within their own formats. One blueprint for both, so each rule has one view."""
from flask import Blueprint

from portal.auth.access import require_role

bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.before_request(require_role("coordinator", "curator"))

from portal.staff import views  # noqa: E402,F401
