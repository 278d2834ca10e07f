from flask import render_template

from portal.parent import bp
from portal.services import overview
from portal.web import actor


@bp.route("/")
def home():
    return render_template("parent/home.html", children=overview.children_of(actor()))
