"""The coordinator's exports (6.1, 3.2, s10): the school's own tables with names, the municipality's counts,
and the internal monitoring report as a PDF. Every download is written to the audit trail."""
from datetime import date

from flask import Response

from portal.coordinator import bp
from portal.documents.monitoring_report import monitoring_report_pdf
from portal.services import exports, results
from portal.web import client_ip, pdf_response, render, staff_scope
from portal.web import filters as filter_form

MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}


def _download(data: bytes, name: str, fmt: str) -> Response:
    """The file name is ASCII so no header carries Cyrillic; no copy stays in a cache."""
    return Response(data, mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}-{date.today().isoformat()}.{fmt}"',
        "Cache-Control": "no-store"})


def _monitoring_figures(scope, filters) -> dict:
    """What the internal monitoring report shows, from the services, for the dashboard's filters;
    exports.figures() checks that the scope is the coordinator's."""
    data = exports.figures(scope, filters)
    ids = [f["format"].id for f in data["formats"]]
    return dict(data, summaries=results.summaries(ids, filters.since(), filters.year), kinds=results.SUMMARY_KINDS,
                hidden_text=results.HIDDEN, min_about=results.MIN_ABOUT, base_titles=exports.IN_BASE_TITLES,
                pair_status_titles=exports.PAIR_STATUS_TITLES, directions=results.DIRECTIONS)


@bp.route("/exports")
def exports_page():
    """The files, and the monitoring report for the form, period and school year chosen here (as on the dashboard)."""
    scope = staff_scope()
    return render("coordinator/exports.html", "coordinator/_exports_report.html", tables=exports.TABLE_TITLES,
                  file_formats=exports.FILE_FORMATS, **filter_form.choices(scope, filter_form.read_filters(scope)))


@bp.route("/exports/<any(bases, pairs, meetings, monitoring):what>.<any(xlsx, csv):fmt>")
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
    data = monitoring_report_pdf(_monitoring_figures(scope, filters))
    exports.record_download(scope, "monitoring-report", "pdf", ip=client_ip())
    return pdf_response(data, f"monitoring-report-{date.today().isoformat()}.pdf")
