"""«Отчёт о внутреннем мониторинге реализации целевой модели наставничества» as a PDF (6.1, 3.2, s10).

It carries the same counts as the municipal report, so the school and the municipality read one set of
figures, and, for the same form and period, every figure the coordinator's dashboard shows (bases, consent
coverage, pairs by state, meetings held, rounds, growth); the results of the questionnaires are those of
the coordinator's results page (6.3): growth from entry to exit and the process-quality and satisfaction
summaries, in words with counts of answers, never as marks (6.5). Growth is given as counts only: the
report names nobody.

The figures come from the services (portal.services.exports.figures gathers them); this module only lays
them out.
"""
from flask import render_template

from portal.documents.pdf import render_pdf


def monitoring_report_html(data: dict) -> str:
    """`data`: exports.figures() with the summaries and titles the template names."""
    return render_template("documents/monitoring_report.html", **data)


def monitoring_report_pdf(data: dict) -> bytes:
    return render_pdf(monitoring_report_html(data))
