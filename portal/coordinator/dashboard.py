"""The coordinator's dashboard and monitoring results (6.1–6.3, 3.2): filters by form, period and school year, each
number opening the list behind it; the filter form swaps the numbers in place with htmx."""
from flask import abort, current_app, render_template

from portal.coordinator import bp
from portal.services import dashboard as dashboards
from portal.web import filters as filter_form
from portal.web import render, staff_scope
from portal.web.pages import monitoring_results


def _filters():
    scope = staff_scope()
    return scope, filter_form.read_filters(scope)


def _filter_context(scope, filters):
    return filter_form.choices(scope, filters)


def _overview(scope, filters):
    """The figures, from the app's cache when it keeps one (create_app, DASHBOARD_CACHE)."""
    cache = current_app.extensions.get("dashboard_cache")
    return cache.overview(scope, filters) if cache else dashboards.overview(scope, filters)


@bp.route("/dashboard")
def dashboard():
    scope, filters = _filters()
    return render("coordinator/dashboard.html", "coordinator/_dashboard_numbers.html",
                  data=_overview(scope, filters), percent=dashboards.percent,
                  **_filter_context(scope, filters))


@bp.route("/dashboard/list/<what>")
def dashboard_list(what):
    if what not in dashboards.LISTS:
        abort(404)
    scope, filters = _filters()
    data = _overview(scope, filters)
    return render_template("coordinator/dashboard_list.html", what=what, title=dashboards.LISTS[what],
                           rows=dashboards.list_rows(data, what), **_filter_context(scope, filters))


@bp.route("/results", endpoint="results")
def results_page():
    return monitoring_results.results_page(staff_scope(), "coordinator.results",
                                           heading="Результаты мониторинга", overall="Школа в целом",
                                           all_formats_title="Вся школа",
                                           back=("coordinator.dashboard", "Панель координатора"))
