"""Calendar days as the regulators count them: today in Asia/Shanghai, and periods of days.

Deadlines, statistics and reports all count whole calendar days there. `Period` is start..end
inclusive; an app that filters its own rows by a period subclasses it with its own filter
(supervision/statistics.py: the hazard ledger's found_* parameters; incidents/statistics.py:
occurred_*)."""
from __future__ import annotations

import dataclasses
import datetime

from django.utils import timezone


def local_today() -> datetime.date:
    """Today's calendar date in Asia/Shanghai: deadlines are calendar days there."""
    return timezone.localdate()


def year_earlier(day: datetime.date) -> datetime.date:
    """The same day one year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


class PeriodKind:
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR_TO_DATE = "ytd"
    CUSTOM = "custom"


@dataclasses.dataclass(frozen=True)
class Period:
    """Calendar days start..end inclusive (Asia/Shanghai)."""

    start: datetime.date
    end: datetime.date
    kind: str = PeriodKind.CUSTOM

    @classmethod
    def year_to_date(cls, today: datetime.date | None = None):
        """1 January up to and including today."""
        today = today or local_today()
        return cls(today.replace(month=1, day=1), today)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start 00:00, day after end 00:00) local: a plain range on a timestamp, index-friendly."""
        tz = timezone.get_current_timezone()
        begin = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        stop = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return begin, stop

    def year_before(self):
        """The same days one year earlier (同比), of the same class and kind."""
        return dataclasses.replace(self, start=year_earlier(self.start), end=year_earlier(self.end))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} — {self.end.isoformat()}"
