"""The mentor's final report «Отчёт наставника о работе по программе наставничества» as a PDF (s5).

The last of the mentor's duties: the report sets the pair's work against the agreed plan, and the
meeting log is attached as a table so the curator reads what the conclusions rest on."""
from flask import render_template

from portal.documents.pdf import render_pdf
from portal.services import cycle


def report_html(mentor, mentorship_id: int) -> str:
    return render_template("documents/report.html", **cycle.report_document(mentor, mentorship_id),
                           stage_titles=cycle.STAGE_TITLES, format_titles=cycle.FORMAT_TITLES)


def report_pdf(mentor, mentorship_id: int) -> bytes:
    return render_pdf(report_html(mentor, mentorship_id))
