"""«Школа наставников» (s10, s6, 3.2): one set of pages for the coordinator who runs it, the curators and mentors
who train in it, on shared URLs (ARCHITECTURE.md, «Pages several roles share»). The service decides what each may
do (services/training.py); mentees, parents, class teachers and psychologists have no part in it (403)."""
from flask import Blueprint

from portal.auth.access import require_role
from portal.services.training import ROLES

bp = Blueprint("training", __name__, url_prefix="/training")
bp.before_request(require_role(*ROLES))

from portal.training import views  # noqa: E402,F401
