"""The psychologist's area (s6, s8): the school's requests for psychological support."""
from flask import Blueprint

from portal.auth.access import require_role

bp = Blueprint("psychologist", __name__, url_prefix="/psychologist")
bp.before_request(require_role("psychologist"))

from portal.psychologist import views  # noqa: E402,F401
