"""«Отчёт о внутреннем мониторинге реализации целевой модели наставничества» as a PDF (6.1, 3.2, s10).

It carries the same counts as the municipal report, so the school and the municipality read one set of
figures; results of the questionnaires (growth, satisfaction) have their own section, filled in by
`results` when those summaries exist.
"""
from flask import render_template

from portal.documents.pdf import render_pdf
from portal.services import exports


def monitoring_report_html(scope, results=()) -> str:
    data = exports.figures(scope)
    return render_template("documents/monitoring_report.html", **data, rounds=exports.rounds(scope),
                           results=list(results), base_titles=exports.IN_BASE_TITLES,
                           pair_status_titles=exports.PAIR_STATUS_TITLES)


def monitoring_report_pdf(scope, results=()) -> bytes:
    return render_pdf(monitoring_report_html(scope, results))
