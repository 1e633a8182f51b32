from django.db import models
from django.utils.translation import gettext_lazy as _


class CountRule(models.TextChoices):
    """How a period of N days is counted."""

    NATURAL = "natural", _("自然日")
    WORKING = "working", _("工作日")
    # 期间的最后一日是法定节假日的，以节假日后的第一日为期间届满的日期 (民法典 art. 203).
    NATURAL_ROLL = "natural_roll", _("自然日（末日遇节假日顺延）")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    MAKEUP_WORKDAY = "makeup_workday", _("调休上班")


class DeadlineType(models.TextChoices):
    """The periods whose counting a region may configure (RegionDayRule)."""

    # 交办 and 延期 given in days, the reminders before the deadline, the escalation levels after
    # it and the days left / overdue shown everywhere (hazards/ladder.py).
    RECTIFICATION = "rectification", _("隐患整改期限（交办、延期、提醒、逐级督办）")
    RESUME_REVIEW = "resume_review", _("复产现场审查（10日）")
    INCIDENT_INVESTIGATION = "incident_investigation", _("事故调查报告（60日及延长）")
    INCIDENT_CASUALTY = "incident_casualty", _("事故伤亡人数补报期（30日，道路交通、火灾7日）")


# Until a region says otherwise: the periods as the system counted them before the calendar.
DEFAULT_RULES = {
    DeadlineType.RECTIFICATION: CountRule.NATURAL,
    DeadlineType.RESUME_REVIEW: CountRule.NATURAL,
    DeadlineType.INCIDENT_INVESTIGATION: CountRule.NATURAL,
    DeadlineType.INCIDENT_CASUALTY: CountRule.NATURAL,
}
