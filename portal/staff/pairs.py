"""Pairs and groups for staff (4.13): where each pair stands, and its history step by step — who chose,
who confirmed, which order approved it. A curator sees the pairs of their own formats only."""
from flask import render_template, request

from portal.ids import id_arg
from portal.services import orders as order_rules
from portal.staff import bp
from portal.web import staff_scope

STATE_FILTERS = (
    ("current", "все текущие"),
    ("waiting", "ждут приказа"),
    ("active", "действуют"),
    ("over", "завершены и отменены"),
    ("all", "все"),
)


@bp.route("/pairs", endpoint="pairs")
def pair_list():
    staff = staff_scope()
    state = request.args.get("state", "current")
    state = state if state in order_rules.PAIR_FILTERS else "current"
    format_id = request.args.get("format", type=id_arg)
    format_id = format_id if format_id in staff.format_ids else None
    return render_template("staff/pairs.html", pairs=order_rules.pairs(staff, state, format_id), state=state,
                           format_id=format_id, formats=list(staff.formats()), state_filters=STATE_FILTERS,
                           is_coordinator=staff.is_coordinator, class_of=order_rules.class_of)


@bp.route("/pairs/<int:mentorship_id>", endpoint="pair")
def pair_card(mentorship_id):
    staff = staff_scope()
    return render_template("staff/pair.html", **order_rules.pair(staff, mentorship_id),
                           is_coordinator=staff.is_coordinator, class_of=order_rules.class_of)
