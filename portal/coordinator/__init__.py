from flask import Blueprint

from portal.auth.access import require_role

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")
bp.before_request(require_role("coordinator"))

from portal.coordinator import consents, dashboard, exports, formats, orders, questionnaires, views  # noqa: E402,F401
