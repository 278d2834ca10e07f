"""«Отчёт о внутреннем мониторинге реализации целевой модели наставничества» as a PDF (6.1, 3.2, s10).

It carries the same counts as the municipal report, so the school and the municipality read one set of
figures, and the same results of the questionnaires as the coordinator's results page (6.3): growth from
entry to exit and the process-quality and satisfaction summaries, in words with counts of answers, never
as marks (6.5). Growth is given as counts only: the report names nobody.
"""
from collections import Counter, defaultdict

from flask import render_template

from portal.documents.pdf import render_pdf
from portal.services import exports, results

# The words results.direction() gives, in the order the report lists them.
DIRECTIONS = ("рост", "без изменений", "снижение")


def growth_counts(rows) -> dict:
    """How many anchor answers rose, stayed or fell, per format and for the school ("school")."""
    counts = defaultdict(Counter)
    for g in rows:
        for key in ("school", g["format_id"]):
            counts[key][g["direction"]] += 1
    return counts


def monitoring_report_html(scope) -> str:
    data = exports.figures(scope)  # checks that the scope is the coordinator's
    ids = [f["format"].id for f in data["formats"]]
    return render_template("documents/monitoring_report.html", **data, rounds=exports.rounds(scope),
                           growth=growth_counts(results.growth(ids)), directions=DIRECTIONS,
                           summaries=results.summaries(ids), kinds=results.SUMMARY_KINDS,
                           hidden_text=results.HIDDEN, min_about=results.MIN_ABOUT,
                           base_titles=exports.IN_BASE_TITLES, pair_status_titles=exports.PAIR_STATUS_TITLES)


def monitoring_report_pdf(scope) -> bytes:
    return render_pdf(monitoring_report_html(scope))
