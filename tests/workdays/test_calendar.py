"""The statutory calendar, checked against the dates of the State Council's notices."""
import datetime

import pytest

from workdays.choices import CountRule
from workdays.models import CalendarDay, CalendarYear
from workdays.rules import add_days, days_between, is_workday, next_workday

pytestmark = pytest.mark.django_db
D = datetime.date


def test_five_working_days_from_the_friday_before_national_day_2026():
    # Fri 18 Sep 2026; Sun 20 Sep is a make-up workday (the 2026 notice), so five working days
    # are Sun 20, Mon 21 … Thu 24 — the period ends before 中秋 (25–27 Sep).
    assert add_days(D(2026, 9, 18), 5, rule=CountRule.WORKING) == D(2026, 9, 24)
    # From Fri 25 Sep (中秋 itself): 28, 29, 30 Sep, then 国庆 1–7 Oct off, Thu 8 and Fri 9 Oct.
    assert add_days(D(2026, 9, 25), 5, rule=CountRule.WORKING) == D(2026, 10, 9)
    # Sat 10 Oct 2026 is a make-up workday: the sixth.
    assert add_days(D(2026, 9, 25), 6, rule=CountRule.WORKING) == D(2026, 10, 10)


def test_the_same_five_days_in_calendar_days_ignore_the_holiday():
    assert add_days(D(2026, 9, 25), 5, rule=CountRule.NATURAL) == D(2026, 9, 30)


def test_a_period_ending_in_national_day_moves_to_the_next_working_day():
    assert add_days(D(2026, 9, 28), 5, rule=CountRule.NATURAL_ROLL) == D(2026, 10, 8)
    assert add_days(D(2026, 9, 21), 5, rule=CountRule.NATURAL_ROLL) == D(2026, 9, 28)  # 26 Sep is 中秋
    assert add_days(D(2026, 9, 22), 2, rule=CountRule.NATURAL_ROLL) == D(2026, 9, 24)  # a workday: unchanged


@pytest.mark.parametrize("day, workday", [
    (D(2026, 1, 4), True),    # Sunday, 元旦 make-up workday
    (D(2026, 2, 14), True),   # Saturday, 春节 make-up
    (D(2026, 2, 23), False),  # Monday, 春节
    (D(2026, 5, 9), True),    # Saturday, 劳动节 make-up
    (D(2026, 6, 19), False),  # Friday, 端午节
    (D(2026, 10, 7), False),  # Wednesday, 国庆节
    (D(2026, 10, 10), True),  # Saturday, 国庆 make-up
    (D(2025, 10, 8), False),  # Wednesday, 国庆节、中秋节 2025
    (D(2025, 4, 27), True),   # Sunday, 劳动节 make-up 2025
    (D(2026, 10, 12), True),  # an ordinary Monday
    (D(2026, 10, 17), False), # an ordinary Saturday
])
def test_each_day_is_what_the_notice_says(day, workday):
    assert is_workday(day) is workday


def test_2027_is_weekends_only_until_its_notice_is_loaded():
    year = CalendarYear.objects.get(year=2027)
    assert not year.published and not year.overrides.exists() and year.source_published_on is None
    assert is_workday(D(2027, 1, 1))  # a Friday: no notice loaded, so an ordinary day
    assert not is_workday(D(2027, 1, 2))


def test_each_year_keeps_its_source_notice():
    notice = CalendarYear.objects.get(year=2026)
    assert notice.source_title == "国务院办公厅关于2026年部分节假日安排的通知"
    assert notice.source_published_on == D(2025, 11, 4)
    assert CalendarYear.objects.get(year=2025).source_number == "国办发明电〔2024〕12号"


def test_working_days_between_count_the_holidays_out():
    assert days_between(D(2026, 9, 30), D(2026, 10, 8), rule=CountRule.WORKING) == 1
    assert days_between(D(2026, 10, 8), D(2026, 9, 30), rule=CountRule.WORKING) == -1
    assert days_between(D(2026, 9, 30), D(2026, 10, 8), rule=CountRule.NATURAL) == 8


def test_next_workday_after_spring_festival():
    assert next_workday(D(2026, 2, 15)) == D(2026, 2, 24)


def test_ordinals_count_working_days_and_are_materialised_for_every_day():
    first, last = CalendarDay.objects.get(day=D(2026, 9, 30)), CalendarDay.objects.get(day=D(2026, 10, 8))
    assert last.workday_ordinal - first.workday_ordinal == 1
    assert CalendarDay.objects.filter(day__year=2026).count() == 365


def test_beyond_the_materialised_span_weekends_still_count():
    assert add_days(D(2040, 1, 6), 1, rule=CountRule.WORKING) == D(2040, 1, 9)  # Fri → Mon
