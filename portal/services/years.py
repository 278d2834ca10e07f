"""The school year a programme belongs to (5.4): what «by year» means on every list, the dashboard, results
and exports (DECISIONS.md, «The school year»).

A programme runs at most twelve months and need not start in September, so its year is the school year
(September to August) its start date falls in: 2026-09-01 and 2027-03-01 both start «2026/27», 2026-06-01
starts «2025/26» (a summer start belongs to the year it ends). Two programmes of one format therefore fall
in different years as long as they start about a year apart — what «a new year is a new programme» gives.

A year is its starting calendar year (2026 for «2026/27»), an int: it goes into a query string and a cache
key as it is. Pairs are narrowed in SQL (pair_condition), never by loading them, so a page filtered by year
costs as many queries as without the filter.

Only published programmes make a year: the next year's draft has no pairs, answers or reports yet, and
participants do not see it, so its year is not offered until it is published.

A pair with no programme (a few rows older than the programme link) belongs to the year of its format's
earliest published programme — the only programme that existed when it was made; a format without one gives
such a pair no year, so it shows under «all years» only.
"""
from datetime import date, datetime, time

from peewee import fn

from portal.ids import parse_id
from portal.models import Mentorship, MonitoringRound, Programme

FIRST_MONTH = 9  # September


def school_year(day: date) -> int:
    """The school year a day falls in, as its starting calendar year: 2027-03-01 → 2026."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def label(year: int) -> str:
    """«2026/27 учебный год»."""
    return f"{year}/{(year + 1) % 100:02d} учебный год"


def short_label(year: int | None) -> str:
    """«2026/27» for a table cell; «—» for a pair that has no year."""
    return "—" if year is None else f"{year}/{(year + 1) % 100:02d}"


def window(year: int) -> tuple[date, date]:
    """The year's first day and the first day of the next one (September 1st both)."""
    return date(year, FIRST_MONTH, 1), date(year + 1, FIRST_MONTH, 1)


def of_formats(format_ids) -> list[int]:
    """The school years of the formats' programmes, newest first: one query. The choices of the year select."""
    ids = list(format_ids)
    if not ids:
        return []
    starts = (Programme.published().select(Programme.starts_on).where(Programme.mentoring_format.in_(ids))
              .distinct().tuples())
    return sorted({school_year(_as_date(start)) for start, in starts}, reverse=True)


def parse(arg: str | None, years) -> int | None:
    """A year from the query string if it is one of `years`; anything else is «all years» (a filter never errors)."""
    year = parse_id(arg)  # digits only, as the URL reads an id: «²» is a digit to str.isdigit, not to int()
    return year if year in years else None


def _starts_in(column, year: int):
    first, after = window(year)
    return (column >= first) & (column < after)


def programmes_of(year: int):
    """Ids of the published programmes that start in the year, as a subquery."""
    return Programme.published().select(Programme.id).where(_starts_in(Programme.starts_on, year))


def pair_condition(year: int):
    """A WHERE condition on Mentorship: the pair's programme is of the year.

    A pair without a programme counts in the year of its format's earliest programme (module docstring)."""
    first_started = (Programme.published().select(Programme.mentoring_format).group_by(Programme.mentoring_format)
                     .having(_starts_in(fn.MIN(Programme.starts_on), year)))
    return (Mentorship.programme.in_(programmes_of(year))
            | (Mentorship.programme.is_null() & Mentorship.mentoring_format.in_(first_started)))


def pairs_of(year: int):
    """Ids of the year's pairs, as a subquery (for meetings, plans, answers and reports of those pairs)."""
    return Mentorship.select(Mentorship.id).where(pair_condition(year))


def round_condition(year: int):
    """A WHERE condition on MonitoringRound: the round is of the year.

    A round has a format and a date but no programme. Opened while a published programme of its format ran, it
    belongs to that programme's year — the year its pairs count in, even when the programme does not start in
    September; opened between programmes, to the school year of its opening day."""
    opened_on = fn.DATE(MonitoringRound.opened_at)
    covering = Programme.published().select(Programme.id).where(
        (Programme.mentoring_format == MonitoringRound.mentoring_format)
        & (Programme.starts_on <= opened_on) & (Programme.ends_on >= opened_on))
    first, after = window(year)
    calendar = ((MonitoringRound.opened_at >= datetime.combine(first, time.min))
                & (MonitoringRound.opened_at < datetime.combine(after, time.min)))
    return fn.EXISTS(covering.where(_starts_in(Programme.starts_on, year))) | (~fn.EXISTS(covering) & calendar)


def of_pairs(mentorship_ids) -> dict[int, int | None]:
    """The school year of each pair (None when it has none): two queries whatever the number of pairs."""
    ids = list(mentorship_ids)
    if not ids:
        return {}
    rows = list(Mentorship.select(Mentorship.id, Mentorship.mentoring_format, Programme.starts_on)
                .left_outer_join(Programme, on=(Mentorship.programme == Programme.id))
                .where(Mentorship.id.in_(ids)).tuples())
    orphans = {format_id for _, format_id, start in rows if start is None}
    earliest = dict(Programme.published().select(Programme.mentoring_format, fn.MIN(Programme.starts_on))
                    .where(Programme.mentoring_format.in_(list(orphans))).group_by(Programme.mentoring_format)
                    .tuples()) if orphans else {}
    result = {}
    for pair_id, format_id, start in rows:
        start = start or earliest.get(format_id)
        result[pair_id] = school_year(_as_date(start)) if start else None
    return result


def with_school_years(pairs: list) -> list:
    """The pairs, each given `school_year` (int or None) and `school_year_title` («2026/27», «—») for a
    list's «Учебный год» column: two queries (of_pairs)."""
    found = of_pairs(p.id for p in pairs)
    for pair in pairs:
        pair.school_year = found.get(pair.id)
        pair.school_year_title = short_label(pair.school_year)
    return pairs


def _as_date(value) -> date:
    """MIN() over a date column comes back from SQLite as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value
