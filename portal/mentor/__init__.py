from flask import Blueprint

from portal.auth.access import require_role

bp = Blueprint("mentor", __name__, url_prefix="/mentor")
bp.before_request(require_role("mentor"))

from portal.mentor import monitoring, pairs, views  # noqa: E402,F401
