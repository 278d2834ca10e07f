"""The curator's view of the form (issue 5 items 3 and 6): every pair's stage, last meeting and meetings held
of planned, a red mark on pairs with no meeting for 30 days, and the meetings disputed or not yet confirmed.
The coordinator sees every form, a curator their own (another's is «not found»)."""
from flask import render_template

from portal.services import cycle
from portal.staff import bp
from portal.web import staff_scope
from portal.web.filters import read_year

VERDICT_TITLES = {"disputed": "оспорена", "unconfirmed": "не подтверждена"}


@bp.route("/cycle", endpoint="cycle_index")
def cycle_index():
    return render_template("staff/cycle_index.html", formats=cycle.cycle_formats(staff_scope()))


@bp.route("/formats/<int:format_id>/cycle", endpoint="format_cycle")
def format_cycle(format_id):
    """Every year's pairs by default; «Учебный год» narrows to one (a year of another format is junk: all)."""
    scope = staff_scope()
    year, years = read_year([format_id] if format_id in scope.format_ids else [])
    return render_template("staff/cycle.html", **cycle.format_cycle(scope, format_id, year=year), years=years,
                           quiet_days=cycle.QUIET_DAYS, stage_titles=cycle.STAGE_TITLES, verdict_titles=VERDICT_TITLES)
