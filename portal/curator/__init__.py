from flask import Blueprint

from portal.auth.access import require_role

bp = Blueprint("curator", __name__, url_prefix="/curator")
bp.before_request(require_role("curator"))

from portal.curator import results, views  # noqa: E402,F401
