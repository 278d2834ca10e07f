from flask import redirect, render_template
from flask_login import current_user

from portal.auth.access import home_url
from portal.models import School
from portal.public import bp


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_url())
    return render_template("public/index.html", school=School.select().order_by(School.id).first())
