"""Results reach the administration (s5): the coordinator and the format's curator read every mentor's final
report as frozen when written and download its PDF; the list is filtered by form, period and school year
like the coordinator's dashboard, whose link keeps the same filters. Another format's or school's report is «not found»."""
from portal.services import final_reports
from portal.staff import bp
from portal.web import filters as filter_form
from portal.web import pdf_response, render, staff_scope


@bp.route("/reports", endpoint="reports")
def report_list():
    scope = staff_scope()
    filters = filter_form.read_filters(scope)
    rows = final_reports.reports(scope, filters.format_id, filters.since(), filters.year)
    return render("staff/reports.html", "staff/_reports.html", rows=rows,
                  all_formats_title="Вся школа" if scope.is_coordinator else "Все мои формы",
                  is_coordinator=scope.is_coordinator, **filter_form.choices(scope, filters))


@bp.route("/reports/<int:mentorship_id>", endpoint="report")
def report_page(mentorship_id):
    return render("staff/report.html", **final_reports.report_page(staff_scope(), mentorship_id))


@bp.route("/reports/<int:mentorship_id>.pdf", endpoint="report_pdf")
def report_pdf(mentorship_id):
    return pdf_response(final_reports.report_pdf(staff_scope(), mentorship_id), f"otchet-{mentorship_id}.pdf")
