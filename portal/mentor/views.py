from flask import render_template

from portal.mentor import bp
from portal.services import overview
from portal.web import actor


@bp.route("/")
def home():
    return render_template("mentor/home.html", mentorships=overview.mentorships_of_mentor(actor()))
