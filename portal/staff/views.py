"""The staff area's views live in one module per concern; this module only gathers them."""
from flask import abort
from flask_login import current_user

from portal.services import NotAllowed
from portal.services.staff import scope_for


def scope():
    """The current staff member's reach; a role without staff rights never gets here (before_request)."""
    try:
        return scope_for(current_user._get_current_object())
    except NotAllowed:
        abort(403)


from portal.staff import agreements, bases, cycle, monitoring, pairs, people, programmes, proposals, roster_import  # noqa: E402,F401
