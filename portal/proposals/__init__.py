"""Participants' proposals to the administration (s6, s8, s9): one set of pages for every role that writes them —
mentors, mentees, parents (for their child) and staff — and the coordinator who answers them, on shared URLs
(ARCHITECTURE.md, «Pages several roles share»). A class teacher's account has no part in it (403)."""
from flask import Blueprint

from portal.auth.access import require_role
from portal.services.voice import WRITER_ROLES

bp = Blueprint("proposals", __name__, url_prefix="/proposals")
bp.before_request(require_role(*WRITER_ROLES))

from portal.proposals import views  # noqa: E402,F401
