"""The psychologist's list of requests, filtered by state; each opens on the request's shared page
(portal/support), where the contact and the closing are recorded."""
from flask import request
from flask_login import current_user

from portal.psychologist import bp
from portal.services import support
from portal.web import render


@bp.route("/")
def home():
    which = request.args.get("state", "open")
    which = which if which in support.FILTER_STATES else "open"
    return render("psychologist/home.html", requests=support.incoming(current_user._get_current_object(), which),
                  which=which, filters=support.FILTERS, state_titles=support.STATE_TITLES)
