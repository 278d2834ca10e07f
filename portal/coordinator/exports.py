"""The coordinator's exports (6.1, 3.2, s10): the school's own tables with names, the municipality's counts,
and the internal monitoring report as a PDF. Every download is written to the audit trail."""
from datetime import date

from flask import Response

from portal.coordinator import bp
from portal.documents.monitoring_report import monitoring_report_pdf
from portal.documents.year_report import year_report_pdf
from portal.services import exports, year_report
from portal.web import client_ip, pdf_response, render, staff_scope
from portal.web import filters as filter_form

MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}


def _download(data: bytes, name: str, fmt: str) -> Response:
    """The file name is ASCII so no header carries Cyrillic; no copy stays in a cache."""
    return Response(data, mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}-{date.today().isoformat()}.{fmt}"',
        "Cache-Control": "no-store"})


@bp.route("/exports")
def exports_page():
    """The files, and the monitoring report for the form, period and school year chosen here (as on the dashboard)."""
    scope = staff_scope()
    return render("coordinator/exports.html", "coordinator/_exports_report.html", tables=exports.TABLE_TITLES,
                  file_formats=exports.FILE_FORMATS, **filter_form.choices(scope, filter_form.read_filters(scope)))


@bp.route("/exports/<any(bases, pairs, meetings, monitoring, training):what>.<any(xlsx, csv):fmt>")
def export_table(what, fmt):
    scope = staff_scope()
    headers, rows = exports.table(scope, what)
    data = exports.file_of(headers, rows, fmt, exports.TABLE_TITLES[what])
    exports.record_download(scope, what, fmt, ip=client_ip())
    return _download(data, what, fmt)


@bp.route("/exports/municipal.<any(xlsx, csv):fmt>")
def export_municipal(fmt):
    scope = staff_scope()
    headers, rows = exports.municipal(scope)
    data = exports.file_of(headers, rows, fmt, exports.MUNICIPAL_TITLE)
    exports.record_download(scope, "municipal", fmt, ip=client_ip())
    return _download(data, "municipal-report", fmt)


@bp.route("/exports/monitoring-report.pdf")
def monitoring_report():
    """The report for the form and period chosen on the dashboard (the same query string), so its figures
    are the dashboard's; without them, the whole school for all time."""
    scope = staff_scope()
    filters = filter_form.read_filters(scope)
    data = monitoring_report_pdf(exports.monitoring_report_figures(scope, filters))
    exports.record_download(scope, "monitoring-report", "pdf", ip=client_ip())
    return pdf_response(data, f"monitoring-report-{date.today().isoformat()}.pdf")


@bp.route("/exports/year-report.pdf", endpoint="year_report")
def year_report_download():
    """The year's report for the director and the municipality, for the school year chosen in the filters (the
    newest year when none is); the form and period filters do not apply — it is the whole school's year."""
    scope = staff_scope()
    year = year_report.year_of(scope, filter_form.read_filters(scope))
    data = year_report_pdf(year_report.figures(scope, year))
    exports.record_download(scope, "year-report", "pdf", ip=client_ip())
    return pdf_response(data, f"year-report-{year}-{(year + 1) % 100:02d}.pdf")
