"""The filter form the coordinator's dashboard, the monitoring results, the final reports list and the
monitoring report share (format × period × school year): read from the query string in one place, and the
choices the form offers (templates/_filters.html)."""
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
            "years": [(year, years.label(year)) for year in years.of_formats(scope.format_ids)]}
