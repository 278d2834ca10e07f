from flask import render_template

from portal.mentee import bp
from portal.services import overview
from portal.web import actor


@bp.route("/")
def home():
    return render_template("mentee/home.html", mentorships=overview.mentorships_of_mentee(actor()))
