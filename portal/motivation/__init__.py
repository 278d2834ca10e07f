"""Recognition and the methodical bank (s9, 3.2), on URLs several roles share (ARCHITECTURE.md, «Pages several
roles share»): a mentor's own text and photo for «Наши наставники», the coordinator's honour board, and the
methodical bank every signed-in participant reads (mentors and curators add to it, the coordinator publishes).
The public pages themselves are in portal.public."""
from flask import Blueprint

from portal.auth.access import require_role
from portal.models.accounts import ROLE_TITLES

bp = Blueprint("motivation", __name__, url_prefix="/motivation")
bp.before_request(require_role(*ROLE_TITLES))

from portal.motivation import views  # noqa: E402,F401
