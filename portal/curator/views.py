from flask import render_template
from flask_login import current_user

from portal.curator import bp
from portal.services import overview


@bp.route("/")
def home():
    return render_template("curator/home.html", formats=overview.curated_formats(current_user.id))
