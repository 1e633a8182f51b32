"""Each statistics definition (DOMAIN.md "Statistics") against figures computed by hand."""
from __future__ import annotations

import datetime

import pytest

from hazards import services
from hazards.choices import HazardLevel, HazardStatus, ListingLevel
from hazards.models import Hazard
from supervision import statistics as stats
from supervision.templatetags.supervision import change, figure
from tests.factories import EnterpriseFactory, inspector, photo, region

from .conftest import S, d, hazard, local

pytestmark = pytest.mark.django_db

MARCH = stats.Period(d("2026-03-01"), d("2026-03-31"))
TODAY = d("2026-04-10")


@pytest.fixture
def march():
    """新邵县 in March 2026, looked at on 10 April (numbers refer to the docstring list).

    1 reported · 2 rejected (excluded) · 3 rectifying, deadline extended to 5 Apr: overdue ·
    4 rectifying, extended to 20 Apr: not overdue · 5 major assigned, deadline 1 Apr: overdue ·
    6 rectification reported after its deadline: not overdue · 7 verified ·
    8 signed off on its deadline after 10 days · 9 signed off after 20 days, after the original
    deadline but before the extended one: late · 10 major, listed, signed off on the deadline
    day after 10 days · 11 found 31 March 23:30 · outside: 28 Feb 23:59, 1 Apr 00:00, and one in
    the next county."""
    hazard(found=local("2026-03-02"))
    hazard(found=local("2026-03-03"), status=S.REJECTED)
    hazard(found=local("2026-03-04"), status=S.RECTIFYING, deadline="2026-04-05", original="2026-03-20")
    hazard(found=local("2026-03-04"), status=S.RECTIFYING, deadline="2026-04-20", original="2026-03-25")
    hazard(found=local("2026-03-05"), status=S.ASSIGNED, level=HazardLevel.MAJOR, deadline="2026-04-01")
    hazard(found=local("2026-03-05"), status=S.RECTIFICATION_REPORTED, deadline="2026-04-01")
    hazard(found=local("2026-03-05"), status=S.VERIFIED, deadline="2026-03-30")
    hazard(found=local("2026-03-05"), status=S.SIGNED_OFF, deadline="2026-03-15", signed_off=local("2026-03-15"))
    hazard(found=local("2026-03-06"), status=S.SIGNED_OFF, deadline="2026-03-30", original="2026-03-20",
           signed_off=local("2026-03-26"))
    hazard(found=local("2026-03-10"), status=S.SIGNED_OFF, level=HazardLevel.MAJOR, deadline="2026-03-20",
           signed_off=local("2026-03-20", 10), listing_level=ListingLevel.COUNTY)
    hazard(found=local("2026-03-31", 23, 30))
    hazard(found=local("2026-02-28", 23, 59))
    hazard(found=local("2026-04-01", 0, 0))
    hazard("430523100", found=local("2026-03-05"))


def test_figures_of_a_county_month_match_the_hand_count(march):
    figures = stats.totals(stats.hazards_in_scope(Hazard.objects.all(), region_code="430522", period=MARCH),
                           today=TODAY)
    assert (figures.found, figures.rectified, figures.signed_off, figures.overdue, figures.on_time) == (10, 4, 3, 2, 2)
    assert figures.rectification_rate == pytest.approx(0.4)
    assert figures.sign_off_rate == pytest.approx(0.3)
    assert figures.overdue_rate == pytest.approx(2 / 7)  # overdue / (found − signed off)
    assert figures.on_time_rate == pytest.approx(2 / 3)  # against the ORIGINAL deadline
    assert figures.mean_days_to_close == pytest.approx((10 + 20 + 10) / 3)
    assert (figures.major_found, figures.major_listed, figures.major_signed_off) == (2, 1, 1)


def test_rejected_reports_are_not_found(march):
    scope = stats.hazards_in_scope(Hazard.objects.all(), region_code="430522", period=MARCH)
    assert not scope.filter(status=HazardStatus.REJECTED).exists()
    assert Hazard.objects.filter(region__code__startswith="430522", status=HazardStatus.REJECTED).count() == 1


def test_an_extension_moves_overdue_but_not_the_on_time_deadline(march):
    scope = stats.hazards_in_scope(Hazard.objects.all(), region_code="430522", period=MARCH)
    # Before the extended deadline of hazard 4 but after its original one: not overdue.
    assert stats.totals(scope, today=d("2026-04-19")).overdue == 2
    assert stats.totals(scope, today=d("2026-04-21")).overdue == 3
    # Hazard 9 was signed off after its original deadline though before the extended one.
    assert stats.totals(scope, today=TODAY).on_time == 2


def test_overdue_is_the_ledger_definition_of_overdue(march):
    for today in (d("2026-03-01"), d("2026-04-02"), TODAY, d("2026-05-01")):
        assert stats.totals(Hazard.objects.exclude(status=S.REJECTED), today=today).overdue == \
            Hazard.objects.overdue(today).count()


def test_period_is_calendar_days_in_shanghai(march):
    one_day = stats.Period(d("2026-03-31"), d("2026-03-31"))
    scope = stats.hazards_in_scope(Hazard.objects.all(), region_code="430522", period=one_day)
    assert scope.count() == 1  # 23:30 on the 31st is in; 00:00 on 1 April is not
    february_end = stats.Period(d("2026-02-28"), d("2026-02-28"))
    assert stats.hazards_in_scope(Hazard.objects.all(), region_code="43", period=february_end).count() == 1


def test_no_hazards_gives_dashes_not_division_errors():
    figures = stats.totals(Hazard.objects.none(), today=TODAY)
    assert figures.found == 0
    for rate in ("rectification_rate", "sign_off_rate", "overdue_rate", "on_time_rate", "mean_days_to_close"):
        assert figures.value(rate) is None
        assert figure(figures.value(rate), "rate") == "—"
    assert change(None, "rate") == "—"


def test_everything_signed_off_makes_the_overdue_rate_a_dash(march):
    hazard("430522200", found=local("2026-03-05"), status=S.SIGNED_OFF, deadline="2026-03-10",
           signed_off=local("2026-03-09"))
    scope = stats.hazards_in_scope(Hazard.objects.all(), region_code="430522200", period=MARCH)
    figures = stats.totals(scope, today=TODAY)
    assert (figures.found, figures.signed_off, figures.overdue_rate, figures.on_time_rate) == (1, 1, None, 1.0)


def test_rectified_on_spot_counts_as_found_rectified_and_signed_off_on_time():
    county = region("430522")
    enterprise = EnterpriseFactory(region=region("430522100"))
    hazard = services.hazard_create(actor=inspector("430522"), data={"title": "灭火器过期", "enterprise": enterprise},
                                    before_photos=[photo()], rectified_on_spot=True, after_photos=[photo()])
    today = hazard.signed_off_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).date()
    period = stats.Period(today, today)
    figures = stats.totals(stats.hazards_in_scope(Hazard.objects.all(), region_code=county.code, period=period),
                           today=today)
    assert (figures.found, figures.rectified, figures.signed_off, figures.on_time) == (1, 1, 1, 1)
    assert figures.sign_off_rate == 1.0 and figures.overdue_rate is None


def test_groups_by_child_region_sum_to_the_whole(march):
    hazard("4305", found=local("2026-03-08"))  # recorded at the city itself
    scope = stats.hazards_in_scope(Hazard.objects.all(), region_code="4305", period=MARCH)
    cube = stats.cube(scope, child_length=6, today=TODAY)
    by_child = cube.by("child")
    assert {k: v.found for k, v in by_child.items()} == {"430522": 10, "430523": 1, "4305": 1}
    assert cube.total() == stats.totals(scope, today=TODAY)
    assert sum(f.found for f in cube.by("level").values()) == 12


def test_trend_buckets_cover_the_period_and_add_up(march):
    scope = stats.hazards_in_scope(Hazard.objects.all(), region_code="430522", period=MARCH)
    weeks = stats.trend(scope, granularity="week", today=TODAY)
    assert sum(f.found for _day, f in weeks) == 10
    assert all(day.weekday() == 0 for day, _f in weeks)
    buckets = stats.trend_buckets(MARCH, "week")
    assert buckets[0].start == d("2026-03-01") and buckets[0].end == d("2026-03-01")  # a Sunday
    assert buckets[-1].end == d("2026-03-31")
    assert sum(b.days for b in buckets) == 31


def test_ranking_orders_by_sign_off_rate_and_shares_ties():
    class R:
        def __init__(self, code, found, signed_off, overdue):
            self.code, self.figures = code, stats.Figures(found=found, signed_off=signed_off, overdue=overdue)

    rows = stats.rank([R("a", 10, 5, 1), R("b", 4, 4, 0), R("c", 2, 1, 3), R("d", 0, 0, 0), R("e", 10, 9, 0)])
    assert [(r.code, r.rank) for r in rows] == [("b", 1), ("e", 2), ("a", 3), ("c", 3), ("d", None)]


def test_periods_this_month_quarter_year_and_the_year_before():
    today = d("2024-05-17")
    assert stats.current_period("month", today) == stats.Period(d("2024-05-01"), today, "month")
    assert stats.current_period("quarter", today).start == d("2024-04-01")
    assert stats.current_period("ytd", today).start == d("2024-01-01")
    leap = stats.Period(d("2024-02-01"), d("2024-02-29"))
    assert leap.year_before() == stats.Period(d("2023-02-01"), d("2023-02-28"))
    assert stats.previous_period("week", d("2026-03-11")) == stats.Period(d("2026-03-02"), d("2026-03-08"), "week")
    assert stats.previous_period("month", d("2026-03-01")) == stats.Period(d("2026-02-01"), d("2026-02-28"), "month")
    assert stats.previous_period("day", d("2026-03-01")).start == d("2026-02-28")


def test_display_of_counts_rates_means_and_changes():
    assert figure(1056) == "1,056"
    assert figure(0.9337, "rate") == "93.4%"
    assert figure(12.26, "days") == "12.3"
    assert change(0.125) == "+12.5%"
    assert change(-0.05, "rate") == "−5.0 个百分点"
