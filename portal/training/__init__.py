"""«Школа наставников» (s10, s6, 3.2): one set of pages for the coordinator who runs it, the curators and mentors
who train in it, on shared URLs (ARCHITECTURE.md, «Pages several roles share»). The service decides what each may
do (services/training.py); mentees, parents, class teachers and psychologists have no part in it (403) — except a
group's trainer, who may be a teacher with none of these roles: the list, their own groups and their attendance
(TRAINER_PAGES; the views narrow them to the groups the person leads)."""
from flask import Blueprint, abort, request
from flask_login import current_user

from portal.auth.access import require_role
from portal.services.training import ROLES, leads_a_group

bp = Blueprint("training", __name__, url_prefix="/training")
TRAINER_PAGES = ("training.index", "training.group", "training.attendance")
_by_role = require_role(*ROLES)


@bp.before_request
def admit():
    if current_user.is_authenticated and not any(current_user.has_role(role) for role in ROLES):
        if request.endpoint in TRAINER_PAGES and leads_a_group(current_user.person):
            return None
        abort(403)
    return _by_role()

from portal.training import views  # noqa: E402,F401
