"""Recognition of mentors (s9, s6): the school's competitions on shared URLs — the coordinator runs them and records
the jury's decision, a curator and the mentee's side (a mentee, a parent) nominate, a mentor reads the results
(ARCHITECTURE.md, «Pages several roles share») — and the coordinator's events, outside contests and the issued
certificates and letters. A class teacher's or a psychologist's account has no part in it (403)."""
from flask import Blueprint

from portal.auth.access import require_role
from portal.services.recognition import READER_ROLES

bp = Blueprint("recognition", __name__, url_prefix="/recognition")
bp.before_request(require_role(*READER_ROLES))

from portal.recognition import views  # noqa: E402,F401
