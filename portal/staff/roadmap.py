"""The roadmap of introducing the target model (3.2, s10), as the coordinator and the curators read it: the
events by deadline with their state, the evidence behind each, and the roadmap as PDF and XLSX. The coordinator's
changes are made on the coordinator's pages (portal.coordinator.roadmap); the rules live in services.roadmap."""
from datetime import date

from portal.documents.roadmap import roadmap_pdf
from portal.services import exports
from portal.services import roadmap as rules
from portal.staff import bp
from portal.web import client_ip, file_response, pdf_response, render, staff_scope
from portal.web.forms import EmptyForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/roadmap", endpoint="roadmap")
def roadmap_page():
    scope = staff_scope()
    today = date.today()
    rows = rules.events(scope)
    return render("staff/roadmap.html", rows=rows, today=today, summary=rules.summary(rows, today),
                  is_coordinator=scope.is_coordinator, section_titles=rules.SECTION_TITLES,
                  status_titles=rules.STATUS_TITLES, statuses=rules.STATUSES, responsible_of=rules.responsible_of,
                  document_label=rules.document_label, typical=len(rules.TYPICAL), csrf_form=EmptyForm())


@bp.route("/roadmap/<int:event_id>/evidence", endpoint="roadmap_evidence")
def roadmap_evidence(event_id):
    data, name, mimetype = rules.evidence(staff_scope(), event_id)
    return file_response(data, name, mimetype)


@bp.route("/roadmap.pdf", endpoint="roadmap_pdf")
def roadmap_as_pdf():
    scope = staff_scope()
    data = roadmap_pdf(rules.document_data(scope))
    rules.record_download(scope, "pdf", ip=client_ip())
    return pdf_response(data, f"roadmap-{date.today().isoformat()}.pdf")


@bp.route("/roadmap.xlsx", endpoint="roadmap_xlsx")
def roadmap_as_xlsx():
    scope = staff_scope()
    headers, rows = rules.table(scope)
    data = exports.to_xlsx(headers, rows, "Дорожная карта")
    rules.record_download(scope, "xlsx", ip=client_ip())
    return file_response(data, f"roadmap-{date.today().isoformat()}.xlsx", XLSX)
