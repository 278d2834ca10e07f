from flask import render_template

from portal.parent import bp
from portal.services import consent, cycle, overview, pairing
from portal.web import actor


@bp.route("/")
def home():
    """Each linked child with their pairs, the mentors proposed to them and their choice (read-only, s8)."""
    person = actor()
    children = overview.children_of(person)
    return render_template("parent/home.html", children=children,
                           choices=pairing.choices_of_children(row["child"].id for row in children),
                           rows=[row for row in consent.signing_overview(person) if not row["self"]],
                           esign=consent.has_esign_agreement(person), running=cycle.RUNNING)
