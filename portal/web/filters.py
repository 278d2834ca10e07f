"""The filter form the coordinator's dashboard, the monitoring results, the final reports list and the
monitoring report share (format × period × school year): read from the query string in one place, and the
choices the form offers (templates/_filters.html). The staff lists of pairs take the school year alone
(read_year)."""
from flask import request

from portal.services import dashboard, years


def read_filters(scope) -> dashboard.Filters:
    """The filters of this request; junk falls back to «all» (dashboard.parse_filters)."""
    return dashboard.parse_filters(scope, request.args.get("format"), request.args.get("period"),
                                   request.args.get("year"))


def choices(scope, filters: dashboard.Filters) -> dict:
    """What _filters.html needs: the filters, the formats in reach, the periods and the school years
    (one query each for the formats and the years)."""
    return {"filters": filters, "periods": dashboard.PERIODS, "all_formats": list(scope.formats()),
            "years": _titled(years.of_formats(scope.format_ids))}


def _titled(offered) -> list[tuple[int, str]]:
    return [(year, years.label(year)) for year in offered]


def read_year(format_ids) -> tuple[int | None, list[tuple[int, str]]]:
    """The school year a list is narrowed to (None: every year, also for junk) and the years the formats'
    programmes offer as (year, «2026/27 учебный год») for the choice macro: one query."""
    offered = years.of_formats(format_ids)
    return years.parse(request.args.get("year"), offered), _titled(offered)
