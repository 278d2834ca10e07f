from flask import render_template

from portal.parent import bp
from portal.services import consent, overview
from portal.web import actor


@bp.route("/")
def home():
    person = actor()
    return render_template("parent/home.html", children=overview.children_of(person),
                           rows=[row for row in consent.signing_overview(person) if not row["self"]],
                           esign=consent.has_esign_agreement(person))
