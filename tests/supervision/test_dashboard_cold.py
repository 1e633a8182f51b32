"""The dashboard's cold path (issue #18 item 3): right after a committed change, the figures are
read from the rollup in one statement (supervision/statistics.py _dashboard_statement) — and
they are the live aggregate's, for every scope, period and granularity, overdue included on the
edges (no deadline, deadline today, deadline yesterday); a second request reads them from the
figures cache, the rollup's version alone."""
from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import Role
from hazards.choices import HazardLevel, HazardSource, HazardStatus
from hazards.models import Hazard, local_today
from supervision import statistics as stats
from tests.factories import EnterpriseFactory, HazardFactory, UserFactory, enterprise_contact, region, sector, supervisor

from .conftest import local

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = HazardStatus
TOWNS = ("430522100", "430522101", "430523100", "430421100")


def _hazard(town: str, found_days_ago: int, status: str, *, deadline: int | None = None, level=HazardLevel.GENERAL,
            source=HazardSource.INSPECTION, sector_code="industry_trade", signed_off_after: int | None = None):
    found = local(local_today() - datetime.timedelta(days=found_days_ago), 9)
    current = local_today() + datetime.timedelta(days=deadline) if deadline is not None else None
    signed_off = found + datetime.timedelta(days=signed_off_after) if signed_off_after is not None else None
    return HazardFactory(enterprise=None, region=region(town), sector=sector(sector_code), found_at=found,
                         status=status, level=level, source=source, current_deadline=current,
                         original_deadline=current, signed_off_at=signed_off,
                         listing_level="county" if level == HazardLevel.MAJOR else "")


@pytest.fixture
def world():
    """Hazards of this year and last, in two cities, every status, the deadline edges."""
    made = []
    for n, town in enumerate(TOWNS):
        for ago in (0, 3, 40, 200, 365 + 3, 365 + 40, 400):
            made += [
                _hazard(town, ago, S.REPORTED, source=HazardSource.TIPOFF),
                _hazard(town, ago, S.REJECTED),
                _hazard(town, ago, S.ASSIGNED, deadline=0),  # due today: not overdue yet
                _hazard(town, ago, S.RECTIFYING, deadline=-1, level=HazardLevel.MAJOR),  # overdue since today
                _hazard(town, ago, S.RECTIFYING, deadline=None, sector_code="hazchem"),  # no deadline: never overdue
                _hazard(town, ago, S.ASSIGNED, deadline=5 + n, source=HazardSource.GRID),
                _hazard(town, ago, S.SIGNED_OFF, deadline=-ago + 10, signed_off_after=4 + n, level=HazardLevel.MAJOR),
                _hazard(town, ago, S.VERIFIED, deadline=-2, sector_code="fire"),
            ]
    return made


def _periods() -> list[tuple[stats.Period, str]]:
    today = local_today()
    ytd = stats.current_period(stats.PeriodKind.YEAR_TO_DATE, today)
    month = stats.current_period(stats.PeriodKind.MONTH, today)
    long = stats.Period(today - datetime.timedelta(days=420), today)  # whole months and edge days
    days = stats.Period(today - datetime.timedelta(days=45), today - datetime.timedelta(days=2))
    return [(ytd, "month"), (ytd, "week"), (month, "week"), (long, "month"), (long, "week"), (days, "month")]


def _sums(figures: stats.DashboardFigures) -> tuple:
    cube = figures.cube
    return (cube.total(), {name: cube.by(name) for name in stats.CUBE_DIMENSIONS}, figures.previous, figures.trend)


def _rollup_statements(queries) -> list[str]:
    return [q["sql"] for q in queries if "hazard" in q["sql"].lower() or "set_config" in q["sql"]]


def test_cold_figures_equal_warm_figures_and_the_live_aggregate_in_three_statements(world):
    province = UserFactory(role=Role.ADMIN, region=region("43"), username="cold_province")
    city, county = supervisor("4305"), supervisor("430522")
    views = [(province, ""), (province, "43"), (province, "4304"), (province, "430523"), (city, "4305"),
             (city, "430522"), (county, "430522"), (county, "430522100"), (county, "")]
    today = local_today()
    for user, code in views:
        visible = Hazard.objects.visible_to(user)
        for period, granularity in _periods():
            view = (user.username, code, period, granularity)
            live = stats.dashboard_figures(visible, region_code=code, period=period, granularity=granularity,
                                           today=today)
            stats.FIGURES_CACHE.clear()
            with CaptureQueriesContext(connection) as cold_queries:
                cold = stats.dashboard_figures(visible, region_code=code, period=period, granularity=granularity,
                                               today=today, user=user)
            with CaptureQueriesContext(connection) as warm_queries:
                warm = stats.dashboard_figures(visible, region_code=code, period=period, granularity=granularity,
                                               today=today, user=user)
            assert _sums(cold) == _sums(live), view
            assert warm is cold, view
            # The rollup's version, the session's settings, the one statement of every figure.
            statements = _rollup_statements(cold_queries)
            assert len(statements) == 3, (view, statements)
            assert "supervision_hazardrollup" in statements[0] and "set_config" in statements[1]
            assert "GROUPING SETS" in statements[2] and "hazards_hazard" in statements[2]
            assert len(_rollup_statements(warm_queries)) == 1, view
    assert len(world) == 4 * 7 * 8


def test_overdue_on_the_cold_path_counts_yesterdays_deadline_not_todays_nor_none(world):
    admin = UserFactory(role=Role.ADMIN, region=region("43"), username="cold_overdue")
    today = local_today()
    period = stats.Period(today - datetime.timedelta(days=3), today)  # found today and 3 days ago
    stats.FIGURES_CACHE.clear()
    figures = stats.dashboard_figures(Hazard.objects.visible_to(admin), region_code="43", period=period,
                                      granularity="week", today=today, user=admin)
    total = figures.cube.total()
    # Per town and found day: 7 counted (the rejected one is not), the rectifying major one
    # overdue (deadline yesterday); due today, no deadline and due in days are not.
    assert (total.found, total.overdue, total.major_overdue) == (4 * 2 * 7, 4 * 2, 4 * 2)
    assert figures.cube.by("sector_id")["hazchem"].overdue == 0
    assert figures.cube.by("source")[HazardSource.TIPOFF].found == 4 * 2
    # Tomorrow, the hazards due today are overdue too.
    tomorrow = stats.dashboard_figures(Hazard.objects.visible_to(admin), region_code="43", period=period,
                                       granularity="week", today=today + datetime.timedelta(days=1), user=admin)
    assert tomorrow.cube.total().overdue == 4 * 2 * 2


def test_an_enterprise_contact_reads_the_live_aggregate_of_its_own_hazards_only(world):
    enterprise = EnterpriseFactory(region=region(TOWNS[0]), sector=sector("fire"))
    yesterday = local_today() - datetime.timedelta(days=1)
    own = HazardFactory(enterprise=enterprise, found_at=local(local_today()), status=S.ASSIGNED,
                        current_deadline=yesterday, original_deadline=yesterday)
    contact = enterprise_contact(enterprise)
    period = stats.current_period(stats.PeriodKind.MONTH, local_today())
    with CaptureQueriesContext(connection) as queries:
        figures = stats.dashboard_figures(Hazard.objects.visible_to(contact), region_code="", period=period,
                                          granularity="week", user=contact)
    assert not any("supervision_hazardrollup" in q["sql"] for q in queries)
    assert (figures.cube.total().found, figures.cube.total().overdue) == (1, 1)
    assert figures.cube.by("sector_id") == {own.sector_id: figures.cube.total()}
