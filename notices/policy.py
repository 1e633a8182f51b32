"""The escalation ladder: the one policy object for deadlines and escalation levels.

Defaults follow ../shared/DOMAIN.md ("Deadlines and escalation"); an administrator may give any
region (province, city, county, township) its own ladder (/notices/policy/), and a hazard follows the
ladder of its nearest region ancestor that has one. The nightly job resolves the same rule in SQL
(hazards/escalation.py); `ladder_for_region` is its Python twin for pages and tests.
"""
from __future__ import annotations

from dataclasses import dataclass

from accounts.choices import REGION_CODE_LENGTH
from hazards.choices import HazardLevel


@dataclass(frozen=True)
class Ladder:
    """Days relative to the current deadline. Reminder N days before; level 1 on the first
    overdue day; level 2 and 3 once the hazard is that many days overdue."""

    remind_days_general: int = 3
    remind_days_major: int = 7
    level2_days_general: int = 7
    level2_days_major: int = 3
    level3_days_general: int = 15
    level3_days_major: int = 7

    LEVEL1_DAYS = 1  # level 1 is the first overdue day by definition (逾期 = past the deadline)

    def remind_days(self, level: str) -> int:
        return self.remind_days_major if level == HazardLevel.MAJOR else self.remind_days_general

    def level_due(self, *, hazard_level: str, days_overdue: int) -> int | None:
        """The highest rung due `days_overdue` days after the deadline (negative: before it);
        None when nothing is due yet. Catch-up after missed nights sends only this rung."""
        major = hazard_level == HazardLevel.MAJOR
        if days_overdue >= (self.level3_days_major if major else self.level3_days_general):
            return 3
        if days_overdue >= (self.level2_days_major if major else self.level2_days_general):
            return 2
        if days_overdue >= self.LEVEL1_DAYS:
            return 1
        if days_overdue >= -self.remind_days(hazard_level):
            return 0
        return None

    def rung_days(self, *, rung: int, hazard_level: str) -> int:
        """The day of rung `rung` relative to the deadline under this ladder: negative for the
        reminder (days before), else days overdue — the thresholds `level_due` compares with."""
        major = hazard_level == HazardLevel.MAJOR
        if rung == 0:
            return -self.remind_days(hazard_level)
        if rung == 1:
            return self.LEVEL1_DAYS
        if rung == 2:
            return self.level2_days_major if major else self.level2_days_general
        return self.level3_days_major if major else self.level3_days_general


DEFAULT_LADDER = Ladder()
LADDER_FIELDS = (
    "remind_days_general", "remind_days_major",
    "level2_days_general", "level2_days_major",
    "level3_days_general", "level3_days_major",
)
# Region code lengths, deepest first: the order in which a policy is looked up.
REGION_LENGTHS_DEEPEST_FIRST = tuple(sorted(REGION_CODE_LENGTH.values(), reverse=True))


def _prefixes(region_code: str) -> list[str]:
    return [region_code[:n] for n in REGION_LENGTHS_DEEPEST_FIRST if n <= len(region_code)]


def nearest_policy(region_code: str):
    """The EscalationPolicy of the nearest ancestor (or the region itself) that has one, with its
    region; None when none has. One query."""
    return nearest_policies([region_code])[region_code]


def nearest_policies(region_codes) -> dict:
    """`nearest_policy` of many regions at once: {region code: policy or None}, one query."""
    from .models import EscalationPolicy

    codes = set(region_codes)
    wanted = {prefix for code in codes for prefix in _prefixes(code)}
    found = {p.region_id: p for p in EscalationPolicy.objects.filter(region_id__in=wanted).select_related("region")}
    return {code: next((found[p] for p in _prefixes(code) if p in found), None) for code in codes}


def ladder_for_region(region_code: str) -> Ladder:
    """The ladder of the nearest ancestor (or the region itself) that has a policy."""
    policy = nearest_policy(region_code)
    return policy.ladder if policy else DEFAULT_LADDER
