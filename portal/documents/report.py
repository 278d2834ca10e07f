"""The mentor's final report «Отчёт наставника о работе по программе наставничества» as HTML (s5).

The last of the mentor's duties: the report sets the pair's work against the agreed plan, and the
meeting log is attached as a table so the curator reads what the conclusions rest on. Frozen when the
report is written (portal.services.cycle)."""
from portal.documents.html import render


def report_html(data: dict) -> str:
    """`data`: what services.cycle.report_document gives, with stage_titles, format_titles, verification."""
    return render("documents/report.html", **data)
