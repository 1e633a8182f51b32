"""The escalation ladder's numbers: the defaults and each region's own (EscalationPolicy).

Defaults follow ../shared/DOMAIN.md ("Deadlines and escalation"); an administrator may give any
region (province, city, county, township) its own ladder (/notices/policy/), and a hazard follows the
ladder of its nearest region ancestor that has one (accounts.jurisdiction.nearest_to_region).
The rule that reads these numbers — which rung is due for a hazard on a day, counted in the
region's days — is hazards/ladder.py, in Python and in the nightly job's SQL, beside the job.
Plain numbers, no database: which region's policy applies is read by notices/selectors.py
(`nearest_policy`, `ladder_for_region`).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ladder:
    """Days relative to the current deadline, counted as the hazard's region counts its
    rectification deadline (workdays: natural or working days). Reminder N days before; level 1
    on the first overdue day; level 2 and 3 once the hazard is that many days overdue."""

    remind_days_general: int = 3
    remind_days_major: int = 7
    level2_days_general: int = 7
    level2_days_major: int = 3
    level3_days_general: int = 15
    level3_days_major: int = 7

    def rung_days(self, *, rung: int, hazard_level: str) -> int:
        """The day of rung `rung` relative to the deadline: negative for the reminder (days
        before), else days overdue (level 1: the first day past it)."""
        major = hazard_level == "major"
        if rung == 0:
            return -(self.remind_days_major if major else self.remind_days_general)
        if rung == 1:
            return 1
        if rung == 2:
            return self.level2_days_major if major else self.level2_days_general
        return self.level3_days_major if major else self.level3_days_general


DEFAULT_LADDER = Ladder()
LADDER_FIELDS = (
    "remind_days_general", "remind_days_major",
    "level2_days_general", "level2_days_major",
    "level3_days_general", "level3_days_major",
)

