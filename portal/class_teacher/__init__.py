"""The class teacher's area (4.5): the pupils of their classes and their proposals of pupils for a base."""
from flask import Blueprint

from portal.auth.access import require_role

bp = Blueprint("class_teacher", __name__, url_prefix="/class-teacher")
bp.before_request(require_role("class_teacher"))

from portal.class_teacher import views  # noqa: E402,F401
