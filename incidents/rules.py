"""The rules of 《生产安全事故报告和调查处理条例》 (State Council order 493), in one place.

Grading (art. 3), the reporting clock (art. 9–10), the window for supplementary casualty
figures (art. 13) and the investigation (art. 19, 29). "以上" includes the number, "以下"
excludes it, so 较大 is 3 ≤ deaths < 10, 10 ≤ serious injuries < 50, 10 M ≤ loss < 50 M yuan.
Services, pages, the API and the demo data all ask this module; nothing else knows the numbers.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from accounts.choices import REGION_CODE_LENGTH, RegionLevel
from workdays.choices import DeadlineType

from .choices import GRADE_RANK, IncidentGrade, IncidentType, LeadAuthority, ReportLevel

MILLION = Decimal(1_000_000)

# (grade, deaths ≥, serious injuries ≥, direct economic loss ≥ yuan), highest grade first.
GRADE_THRESHOLDS = (
    (IncidentGrade.EXTRAORDINARY, 30, 100, 100 * MILLION),
    (IncidentGrade.MAJOR, 10, 50, 50 * MILLION),
    (IncidentGrade.LARGER, 3, 10, 10 * MILLION),
)


def grade_for(deaths: int, serious_injuries: int, loss: Decimal | int | None) -> IncidentGrade:
    """The grade the figures reach: the highest that any one criterion reaches."""
    loss = Decimal(loss or 0)
    for grade, min_deaths, min_serious, min_loss in GRADE_THRESHOLDS:
        if (deaths or 0) >= min_deaths or (serious_injuries or 0) >= min_serious or loss >= min_loss:
            return grade
    return IncidentGrade.GENERAL


def grade_rank(grade: str) -> int:
    return GRADE_RANK[IncidentGrade(grade)]


# --- the reporting clock -----------------------------------------------------------------

# The unit reports to the county within 1 hour of the accident; each regulator level passes it
# up within 2 hours of receiving it.
UNIT_REPORT_WITHIN = datetime.timedelta(hours=1)
LEVEL_REPORT_WITHIN = datetime.timedelta(hours=2)

# The steps in order: (from, to).
CHAIN = (
    (ReportLevel.UNIT, ReportLevel.COUNTY),
    (ReportLevel.COUNTY, ReportLevel.CITY),
    (ReportLevel.CITY, ReportLevel.PROVINCE),
    (ReportLevel.PROVINCE, ReportLevel.MINISTRY),
)
# How high each grade is reported: 一般 to the city, 较大 to the province, 重大 and above to the ministry.
TOP_LEVEL = {
    IncidentGrade.GENERAL: ReportLevel.CITY,
    IncidentGrade.LARGER: ReportLevel.PROVINCE,
    IncidentGrade.MAJOR: ReportLevel.MINISTRY,
    IncidentGrade.EXTRAORDINARY: ReportLevel.MINISTRY,
}
STEP_ORDER = {to: n for n, (_from, to) in enumerate(CHAIN)}


def steps_for(grade: str) -> list[tuple[ReportLevel, ReportLevel]]:
    """The report steps an incident of `grade` needs, lowest first."""
    top = STEP_ORDER[TOP_LEVEL[IncidentGrade(grade)]]
    return list(CHAIN[: top + 1])


def report_within(from_level: str) -> datetime.timedelta:
    return UNIT_REPORT_WITHIN if from_level == ReportLevel.UNIT else LEVEL_REPORT_WITHIN


def level_region_code(level: str, incident_region_code: str) -> str | None:
    """The region code of a regulator level for an incident in `incident_region_code`
    (430522100 → county 430522, city 4305, province 43); None for the unit and the ministry."""
    if level in (ReportLevel.UNIT, ReportLevel.MINISTRY):
        return None
    return incident_region_code[: REGION_CODE_LENGTH[RegionLevel(level)]]


# --- supplementary figures ---------------------------------------------------------------

CASUALTY_WINDOW_DAYS = 30
SHORT_CASUALTY_WINDOW_DAYS = 7  # 道路交通事故、火灾事故
SHORT_WINDOW_SECTORS = ("road_traffic", "fire")
SHORT_WINDOW_TYPES = (IncidentType.FIRE,)


def casualty_window_days(*, sector_code: str, incident_type: str) -> int:
    if sector_code in SHORT_WINDOW_SECTORS or incident_type in SHORT_WINDOW_TYPES:
        return SHORT_CASUALTY_WINDOW_DAYS
    return CASUALTY_WINDOW_DAYS


def casualty_last_day(*, occurred_on: datetime.date, sector_code: str, incident_type: str,
                      region_code: str | None = None) -> datetime.date:
    """The last day on which casualty figures may still change: "自事故发生之日起30日内" (7 for
    road traffic and fire), the day of the accident not counted (民法典 art. 201), counted as the
    incident's region counts this period (workdays; natural days unless a region says otherwise)."""
    days = casualty_window_days(sector_code=sector_code, incident_type=incident_type)
    return _period_end(occurred_on, days, region_code, DeadlineType.INCIDENT_CASUALTY)


# --- the investigation -------------------------------------------------------------------

LEAD_AUTHORITY = {
    IncidentGrade.GENERAL: LeadAuthority.COUNTY,
    IncidentGrade.LARGER: LeadAuthority.CITY,
    IncidentGrade.MAJOR: LeadAuthority.PROVINCE,
    IncidentGrade.EXTRAORDINARY: LeadAuthority.STATE_COUNCIL,
}
# The region level whose staff act for the lead authority in this system (the State Council's
# investigation is recorded by the province).
AUTHORITY_REGION_LEVEL = {
    LeadAuthority.COUNTY: RegionLevel.COUNTY,
    LeadAuthority.CITY: RegionLevel.CITY,
    LeadAuthority.PROVINCE: RegionLevel.PROVINCE,
    LeadAuthority.STATE_COUNCIL: RegionLevel.PROVINCE,
}
INVESTIGATION_DAYS = 60
MAX_EXTENSION_DAYS = 60


def investigation_due(started_on: datetime.date, region_code: str | None = None) -> datetime.date:
    """The report's due day, counted as the incident's region counts this period (workdays)."""
    return _period_end(started_on, INVESTIGATION_DAYS, region_code, DeadlineType.INCIDENT_INVESTIGATION)


def latest_extension(original_due_on: datetime.date, region_code: str | None = None) -> datetime.date:
    """The latest day the investigation may be extended to: MAX_EXTENSION_DAYS after the original due day."""
    return _period_end(original_due_on, MAX_EXTENSION_DAYS, region_code, DeadlineType.INCIDENT_INVESTIGATION)


def _period_end(start: datetime.date, days: int, region_code: str | None, deadline_type: str) -> datetime.date:
    from workdays.choices import DEFAULT_RULES
    from workdays.rules import add_days, deadline_for

    if region_code is None:
        return add_days(start, days, rule=DEFAULT_RULES[deadline_type])
    return deadline_for(region_code=region_code, deadline_type=deadline_type, start=start, days=days)
