"""The supervision dashboard (统计看板): the province administrator's view by city, year to date —
the page as a browser gets it, beside the three aggregate statements written by hand (the cube
by city × sector × source × level, last year's totals for 同比, the trend by month)."""
from __future__ import annotations

import datetime

from bench.harness import Case
from hazardtrack.dates import local_today
from supervision import statistics as stats

from ._common import PROVINCE_USER, client_for, ok

# The figures of supervision/statistics.py `aggregates()`, as one would write them by hand.
AGGREGATES = """
    count(*) AS found,
    count(*) FILTER (WHERE status IN ('verified', 'signed_off')) AS rectified,
    count(*) FILTER (WHERE status = 'signed_off') AS signed_off,
    count(*) FILTER (WHERE status IN ('assigned', 'rectifying') AND current_deadline < %(today)s) AS overdue,
    count(*) FILTER (WHERE status = 'signed_off'
                     AND (signed_off_at AT TIME ZONE 'Asia/Shanghai')::date <= original_deadline) AS on_time,
    sum(signed_off_at - found_at) FILTER (WHERE status = 'signed_off') AS close_time,
    count(*) FILTER (WHERE level = 'major') AS major_found,
    count(*) FILTER (WHERE level = 'major' AND listing_level <> '') AS major_listed,
    count(*) FILTER (WHERE level = 'major' AND status = 'signed_off') AS major_signed_off
"""
SCOPE = "found_at >= %(begin)s AND found_at < %(stop)s AND status <> 'rejected' AND region_id LIKE '43%%'"
CUBE_SQL = f"""
SELECT substring(region_id, 1, 4) AS child, sector_id, source, level, {AGGREGATES}
FROM hazards_hazard WHERE {SCOPE} GROUP BY 1, 2, 3, 4
"""
TOTALS_SQL = f"SELECT {AGGREGATES} FROM hazards_hazard WHERE {SCOPE}"
TREND_SQL = f"""
SELECT date_trunc('month', found_at AT TIME ZONE 'Asia/Shanghai') AS bucket, {AGGREGATES}
FROM hazards_hazard WHERE {SCOPE} GROUP BY 1 ORDER BY 1
"""


def _scope_params(period: stats.Period, today: datetime.date) -> dict:
    begin, stop = period.bounds()
    return {"begin": begin, "stop": stop, "today": today}


class ProvinceDashboard(Case):
    name = "dashboard_province"
    title = "统计看板（HTML）：全省按市，年初至今，含同比和月度趋势（省级管理员）"
    target_ms, target_ratio = 150, 1.5  # issue 18 item 3: p95 < 150 ms at 1,000,000
    iterations = 15
    warmup = 2

    def setup(self):
        self.client = client_for(PROVINCE_USER)
        self.today = local_today()
        self.period = stats.current_period(stats.PeriodKind.YEAR_TO_DATE, self.today)
        self.params = _scope_params(self.period, self.today)
        self.last_year = _scope_params(self.period.year_before(), self.today)

    def code(self):
        return ok(self.client.get("/supervision/", {"period": "ytd"}))

    def sql(self, cursor):
        # The same session settings as the code path (supervision/statistics.py STATISTICS_SESSION).
        cursor.execute("BEGIN")
        for statement in stats.STATISTICS_SESSION:
            cursor.execute(statement)
        cursor.execute(CUBE_SQL, self.params)
        cube = cursor.fetchall()
        cursor.execute(TOTALS_SQL, self.last_year)
        previous = cursor.fetchone()
        cursor.execute(TREND_SQL, self.params)
        trend = cursor.fetchall()
        cursor.execute("COMMIT")
        return cube, previous, trend

    def same(self, response, rows):
        """The page's found total and each city's found count equal the bare SQL's sums."""
        cube, _previous, _trend = rows
        by_city: dict[str, int] = {}
        for row in cube:
            by_city[row[0]] = by_city.get(row[0], 0) + row[4]
        from hazards.models import Hazard
        from accounts.models import User

        visible = Hazard.objects.visible_to(User.objects.get(username=PROVINCE_USER))
        figures = stats.dashboard_figures(visible, region_code="43", period=self.period, granularity="month",
                                          today=self.today)
        code_by_city = {key: f.found for key, f in figures.cube.by("child").items()}
        html = response.content.decode()
        total = sum(by_city.values())
        return code_by_city == by_city and (f"{total:,}" in html or str(total) in html)


# A change that counts nothing yet touches a hazard in scope, committed the way an inspector's edit
# is: the triggers add it to `changes` of its city's "t" rows, so the rollup's version moves.
TOUCH_SQL = "UPDATE hazards_hazard SET current_deadline = current_deadline WHERE id = %s"


class ProvinceDashboardCold(ProvinceDashboard):
    """The same page right after a committed change of a hazard in scope: the figures cache
    (supervision/statistics.py FIGURES_CACHE) misses, the figures are read again from the rollup.
    The write is made before each request, untimed; the bare SQL is the warm case's."""

    name = "dashboard_province_cold"
    title = "统计看板（HTML）：同上，每次请求前有一条已提交的隐患修改（缓存失效，冷路径）"
    target_ms = 150

    def setup(self):
        super().setup()
        from hazards.models import Hazard

        begin, stop = self.period.bounds()
        self.touched = (Hazard.objects.filter(region__code__startswith="43", found_at__gte=begin, found_at__lt=stop)
                        .order_by().values_list("pk", flat=True)[:1].get())
        before = stats.rollup_version("43")
        self.before_code()
        if stats.rollup_version("43") == before:
            raise AssertionError("the committed write did not move the rollup's version: the case would be warm")

    def before_code(self):
        from django.db import connection

        with connection.cursor() as cursor:  # autocommit: committed before the request
            cursor.execute(TOUCH_SQL, [self.touched])


CASES = [ProvinceDashboard(), ProvinceDashboardCold()]
