from flask import Blueprint

from portal.auth.access import require_role

bp = Blueprint("mentee", __name__, url_prefix="/mentee")
bp.before_request(require_role("mentee"))

from portal.mentee import monitoring, pairs, views  # noqa: E402,F401
