"""Complaints about a pair's work and the assessment of a mentor's work (s6, s8): one set of pages for those who
file complaints — mentees, parents (for their child), curators and the coordinator — the mentor they are about, and
the coordinator who decides, on shared URLs (ARCHITECTURE.md, «Pages several roles share»). A class teacher's and a
psychologist's accounts have no part in it (403)."""
from flask import Blueprint

from portal.auth.access import require_role
from portal.services.complaints import ROLES

bp = Blueprint("complaints", __name__, url_prefix="/complaints")
bp.before_request(require_role(*ROLES))

from portal.complaints import views  # noqa: E402,F401
