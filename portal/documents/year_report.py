"""«Отчёт о реализации целевой модели наставничества за учебный год» as a PDF (s10, 6.1, 3.2): the monitoring
report's layout with the year's summary, the roadmap and the orders (templates/documents/year_report.html
extends the monitoring report). The figures come from services.year_report; this module only lays them out."""
from flask import render_template

from portal.documents.pdf import render_pdf


def year_report_html(data: dict) -> str:
    """`data`: year_report.figures()."""
    return render_template("documents/year_report.html", **data)


def year_report_pdf(data: dict) -> bytes:
    return render_pdf(year_report_html(data))
