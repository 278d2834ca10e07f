"""The coordinator's exports (6.1, 3.2, s10): the school's own tables with names, the municipality's counts,
and the internal monitoring report as a PDF. Every download is written to the audit trail."""
from datetime import date

from flask import Response, render_template
from flask_login import current_user

from portal.coordinator import bp
from portal.documents.monitoring_report import monitoring_report_pdf
from portal.services import exports
from portal.services.staff import scope_for
from portal.web import client_ip, pdf_response

MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}


def _scope():
    return scope_for(current_user._get_current_object())


def _download(data: bytes, name: str, fmt: str) -> Response:
    """The file name is ASCII so no header carries Cyrillic; no copy stays in a cache."""
    return Response(data, mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}-{date.today().isoformat()}.{fmt}"',
        "Cache-Control": "no-store"})


@bp.route("/exports")
def exports_page():
    return render_template("coordinator/exports.html", tables=exports.TABLE_TITLES, file_formats=exports.FILE_FORMATS)


@bp.route("/exports/<any(bases, pairs, meetings, monitoring):what>.<any(xlsx, csv):fmt>")
def export_table(what, fmt):
    scope = _scope()
    headers, rows = exports.table(scope, what)
    data = exports.file_of(headers, rows, fmt, exports.TABLE_TITLES[what])
    exports.record_download(scope, what, fmt, ip=client_ip())
    return _download(data, what, fmt)


@bp.route("/exports/municipal.<any(xlsx, csv):fmt>")
def export_municipal(fmt):
    scope = _scope()
    headers, rows = exports.municipal(scope)
    data = exports.file_of(headers, rows, fmt, exports.MUNICIPAL_TITLE)
    exports.record_download(scope, "municipal", fmt, ip=client_ip())
    return _download(data, "municipal-report", fmt)


@bp.route("/exports/monitoring-report.pdf")
def monitoring_report():
    scope = _scope()
    data = monitoring_report_pdf(scope)
    exports.record_download(scope, "monitoring-report", "pdf", ip=client_ip())
    return pdf_response(data, f"monitoring-report-{date.today().isoformat()}.pdf")
