from flask import Blueprint

from portal.auth.access import require_role

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")
bp.before_request(require_role("coordinator"))

from portal.coordinator import (  # noqa: E402,F401
    class_teacher_grants, consents, dashboard, exports, formats, guardianships, orders, psychologist_grants, questionnaires,
    views,
)
