"""The coordinator's dashboard and monitoring results (6.1–6.3, 3.2): filters by form and period, each
number opening the list behind it; the filter form swaps the numbers in place with htmx."""
from flask import abort, render_template, request
from flask_login import current_user

from portal.coordinator import bp
from portal.services import dashboard as dashboards
from portal.services import results
from portal.services.staff import scope_for
from portal.web import render


def _filters():
    scope = scope_for(current_user)
    return scope, dashboards.parse_filters(scope, request.args.get("format"), request.args.get("period"))


def _filter_context(scope, filters):
    return {"filters": filters, "periods": dashboards.PERIODS, "all_formats": list(scope.formats())}


@bp.route("/dashboard")
def dashboard():
    scope, filters = _filters()
    return render("coordinator/dashboard.html", "coordinator/_dashboard_numbers.html",
                  data=dashboards.overview(scope, filters), percent=dashboards.percent,
                  **_filter_context(scope, filters))


@bp.route("/dashboard/list/<what>")
def dashboard_list(what):
    if what not in dashboards.LISTS:
        abort(404)
    scope, filters = _filters()
    data = dashboards.overview(scope, filters)
    return render_template("coordinator/dashboard_list.html", what=what, title=dashboards.LISTS[what],
                           rows=dashboards.list_rows(data, what), **_filter_context(scope, filters))


@bp.route("/results", endpoint="results")
def results_page():
    scope, filters = _filters()
    since = filters.since()
    formats = [f for f in scope.formats() if filters.format_id in (None, f.id)]
    ids = [f.id for f in formats]
    return render("coordinator/dashboard_results.html", "coordinator/_dashboard_results.html",
                  growth=results.growth(ids, since), summaries=results.summaries(ids, since), formats=formats,
                  kinds=results.SUMMARY_KINDS, hidden_text=results.HIDDEN, **_filter_context(scope, filters))
