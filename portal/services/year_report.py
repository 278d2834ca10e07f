"""The year's report for the director and the municipality (s10, 6.1, 3.2, 5.4): one PDF that sums up a school
year — the forms, the bases, the pairs by state, meetings held of planned, monitoring (growth and satisfaction
in words), the roadmap's completion, the orders issued, how many proposals and requests for support came, and recognition
(s9): the school's competitions, the events held and the nominations to outside contests.

Nothing is counted a second way: the forms, bases, pairs, meetings and monitoring are the internal monitoring
report's figures (exports.monitoring_report_figures) for the dashboard's filters «all forms, all time, this
school year», which are dashboard.overview()'s — so the report says what the coordinator's dashboard says for
that year. The roadmap's completion is roadmap.summary() over the events due within the year; the orders are
those registered (dated) within it. A fixed number of queries whatever the school's size.

Coordinator only (exports.figures refuses anyone else): the year's report is the school's, with its
school-wide orders and roadmap, as the monitoring report is; a curator reads their forms' figures on the
results page (DECISIONS «What a signed document is»: the coordinator sees all, curators their forms').
The report names nobody — counts, titles of events and orders, dates.
"""
from datetime import date

from peewee import JOIN

from portal.models import Order
from portal.models.mentorship import ORDER_KINDS
from portal.services import dashboard, exports, recognition, roadmap, support, voice, years
from portal.services.staff import StaffScope

ORDER_KIND_TITLES = dict(ORDER_KINDS)


def year_of(scope: StaffScope, filters: dashboard.Filters, today: date | None = None) -> int:
    """The year the report is for: the one chosen in the filters, else the newest year of the school's
    programmes, else the school year today falls in."""
    if filters.year is not None:
        return filters.year
    offered = years.of_formats(scope.format_ids)
    return offered[0] if offered else years.school_year(today or date.today())


def _orders(school_id: int, year: int) -> list[dict]:
    """The orders registered with a date inside the school year, in order of their dates: one query."""
    start, end = years.window(year)
    corrected = Order.alias()
    found = (Order.select(Order.kind, Order.title, Order.number, Order.dated_on, corrected.number, corrected.dated_on)
             .join(corrected, JOIN.LEFT_OUTER, on=(Order.corrects == corrected.id))
             .where((Order.school == school_id) & (Order.status != "draft")
                    & (Order.dated_on >= start) & (Order.dated_on < end))
             .order_by(Order.dated_on, Order.id).tuples())
    return [{"kind": ORDER_KIND_TITLES.get(kind, kind), "title": title, "number": number, "dated_on": dated_on,
             "corrects": (corrects_number, corrects_on) if corrects_number else None}
            for kind, title, number, dated_on, corrects_number, corrects_on in found]


def figures(scope: StaffScope, year: int, today: date | None = None) -> dict:
    """Everything the year's report lays out (portal.documents.year_report), for the school year `year`."""
    today = today or date.today()
    filters = dashboard.Filters(year=year)
    data = exports.monitoring_report_figures(scope, filters, today)  # refuses anyone but the coordinator
    start, end = years.window(year)
    events = [e for e in roadmap.events(scope) if start <= e.due_on < end]
    plan = roadmap.summary(events, today)
    counts = data["school_counts"]
    return dict(
        data, year=year, year_label=years.label(year),
        totals={"formats": len(data["formats"]),
                "in_base": {base: counts[f"{base}s_active"] + counts[f"{base}s_awaiting"]
                            for base in exports.IN_BASE_TITLES},
                "consent": dashboard.percent(counts["consented"], counts["members"]),
                "pairs": {status: counts[f"pairs_{status}"] for status in exports.PAIR_STATUS_TITLES},
                "held": counts["held"], "planned": counts["planned"],
                "held_percent": dashboard.percent(counts["held"], counts["planned"]),
                "answered": counts["answered"], "expected": counts["expected"],
                "answered_percent": dashboard.percent(counts["answered"], counts["expected"])},
        roadmap_rows=[{"title": e.title, "section": roadmap.SECTION_TITLES.get(e.section, e.section),
                       "due_on": e.due_on, "state": roadmap.STATUS_TITLES[e.state(today)],
                       "done_on": e.done_at.date() if e.done_at else None}
                      for e in events],
        roadmap_summary=plan, roadmap_percent=dashboard.percent(plan["done"], plan["total"]),
        orders=_orders(scope.school_id, year), recognition=recognition.year_summary(scope.school_id, year),
        # Participants' voice (s6, s8, s9): proposals written in the year by their state today, and how many asked
        # the psychologist for support — counts only, as the coordinator sees them (DECISIONS «Voice, support»).
        proposals=voice.counts(scope.school_id, year), proposal_state_titles=voice.STATE_TITLES,
        support_total=support.counts(scope, year).total)
