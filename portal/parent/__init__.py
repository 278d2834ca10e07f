from flask import Blueprint

from portal.auth.access import require_role

bp = Blueprint("parent", __name__, url_prefix="/parent")
bp.before_request(require_role("parent"))

from portal.parent import choice, meetings, views  # noqa: E402,F401
