from flask import render_template

from portal.parent import bp
from portal.services import consent, cycle, ending, overview, pairing, representation
from portal.web import actor


@bp.route("/")
def home():
    """Each linked child with their pairs, the mentors proposed to them and their choice (the parent chooses for a
    child under 14, s8; from 14 it is read-only), and the
    consents waiting for this parent's signature, each linked to its signing page."""
    person = actor()
    children = overview.children_of(person)
    rows = [row for row in consent.signing_overview(person) if not row["self"]]
    return render_template("parent/home.html", children=children,
                           choices=pairing.choices_of_children(row["child"].id for row in children),
                           rows=rows, waiting={row["subject"].id: row["waiting"] for row in rows},
                           esign=consent.has_esign_agreement(person), running=cycle.RUNNING, asking=ending.ASKABLE,
                           may_choose={row["child"].id for row in children
                                       if representation.acts_for(row["child"], "choose")}, me=person.id)
