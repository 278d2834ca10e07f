"""Monitoring results as a page (6.2, 6.3, 3.2): one view body for the coordinator's and the curator's areas.

Blueprints do not import each other, so the shared body lives here, as web.pages.questionnaires does
for answering. What a reader may see is decided by their StaffScope alone: the form filter only narrows it,
and a form outside the scope in the query string is dropped by parse_filters, never shown.
"""
from portal.services import results
from portal.web import filters as filter_form
from portal.web import render


def results_page(scope, endpoint: str, *, heading: str, overall: str, all_formats_title: str,
                 back: tuple[str, str] | None = None):
    """Growth per person and anchor, and the process/satisfaction summaries, for the formats in `scope`.

    `overall` names the summary over every format the reader sees («Школа в целом», «Все мои формы»);
    `back` is an (endpoint, title) link that keeps the filters.
    """
    filters = filter_form.read_filters(scope)
    choices = filter_form.choices(scope, filters)
    formats = [f for f in choices["all_formats"] if filters.format_id in (None, f.id)]
    ids = [f.id for f in formats]
    since = filters.since()
    return render("monitoring/results.html", "_results.html",
                  growth=results.growth(ids, since, filters.year), summaries=results.summaries(ids, since, filters.year),
                  formats=formats, kinds=results.SUMMARY_KINDS, hidden_text=results.HIDDEN,
                  all_formats_title=all_formats_title, endpoint=endpoint, heading=heading, overall=overall, back=back,
                  **choices)
