"""«Отчёт о внутреннем мониторинге реализации целевой модели наставничества» as a PDF (6.1, 3.2, s10).

It carries the same counts as the municipal report, so the school and the municipality read one set of
figures, and the same results of the questionnaires as the coordinator's results page (6.3): growth from
entry to exit and the process-quality and satisfaction summaries, in words with counts of answers, never
as marks (6.5). Growth is given as counts only: the report names nobody.

The figures come from the services (portal.coordinator.exports gathers them); this module only lays them out.
"""
from collections import Counter, defaultdict

from flask import render_template

from portal.documents.pdf import render_pdf

# The words results.direction() gives, in the order the report lists them.
DIRECTIONS = ("рост", "без изменений", "снижение")


def growth_counts(rows) -> dict:
    """How many anchor answers rose, stayed or fell, per format and for the school ("school")."""
    counts = defaultdict(Counter)
    for g in rows:
        for key in ("school", g["format_id"]):
            counts[key][g["direction"]] += 1
    return counts


def monitoring_report_html(data: dict, growth_rows) -> str:
    """`data`: exports.figures() with the rounds, summaries and titles the template names; `growth_rows`:
    results.growth(), counted here per format and for the school."""
    return render_template("documents/monitoring_report.html", **data, growth=growth_counts(growth_rows),
                           directions=DIRECTIONS)


def monitoring_report_pdf(data: dict, growth_rows) -> bytes:
    return render_pdf(monitoring_report_html(data, growth_rows))
