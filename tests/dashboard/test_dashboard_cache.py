"""The dashboard's figures are kept between requests and renewed by any audited change (6.1, 3.2)."""
from datetime import date, timedelta

import pytest

from portal.models import BaseMembership
from portal.services import bases
from portal.services import dashboard as dashboards
from portal.services.staff import scope_for
from tests.dashboard.test_dashboard import _fmt, build, number
from tests.querycount import count_queries


@pytest.fixture
def cached(app):
    """What DASHBOARD_CACHE (on outside the tests) gives every app."""
    app.extensions["dashboard_cache"] = dashboards.OverviewCache()
    return app


@pytest.mark.quality("performance")
def test_figures_are_kept_until_an_audited_change(cached, client, school, login_as, make_person):
    build(school, make_person, pairs=2)
    coordinator = login_as("coordinator")
    first = client.get("/coordinator/dashboard").get_data(as_text=True)
    assert number(first, "members") == 6

    # A row written behind the services' back (no audit event) does not renew the figures: the page
    # is served from the cache, at a fraction of the statements…
    BaseMembership.create(mentoring_format=_fmt(school), person=make_person(kind="staff"), base="mentor",
                          status="awaiting_consent")
    with count_queries() as kept:
        again = client.get("/coordinator/dashboard").get_data(as_text=True)
    assert number(again, "members") == 6
    with count_queries() as computed:
        dashboards.overview(scope_for(coordinator), dashboards.Filters())
    assert len(kept) < len(computed)

    # …while a change made through a service writes its audit event and the next page counts it.
    newcomer = make_person(kind="staff", birth_date=date(1990, 5, 5))
    bases.nominate(scope_for(coordinator), _fmt(school).id, newcomer.id, "mentee")
    fresh = client.get("/coordinator/dashboard").get_data(as_text=True)
    assert number(fresh, "members") == 8 and number(fresh, "mentees_awaiting") == 1
    assert newcomer.full_name in client.get("/coordinator/dashboard/list/mentees_awaiting").get_data(as_text=True)


@pytest.mark.quality("performance")
def test_each_filter_and_day_has_its_own_figures(cached, school, login_as, make_person, conn):
    build(school, make_person, pairs=2)
    scope = scope_for(login_as("coordinator"))
    cache = cached.extensions["dashboard_cache"]
    everything = cache.overview(scope, dashboards.Filters())
    assert cache.overview(scope, dashboards.Filters()) is everything
    assert cache.overview(scope, dashboards.Filters(period="30")) is not everything
    tomorrow = date.today() + timedelta(days=1)
    assert cache.overview(scope, dashboards.Filters(), today=tomorrow) is not everything
