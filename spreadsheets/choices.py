from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    HAZARDS = "hazards", _("隐患台账")
    ENTERPRISES = "enterprises", _("生产经营单位")


class ImportMode(models.TextChoices):
    VALID_ROWS = "valid_rows", _("导入所有有效行，跳过有错误的行")
    ALL_OR_NOTHING = "all_or_nothing", _("全部有效才导入，有任何错误则不导入")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("已上传，等待校验")
    VALIDATING = "validating", _("正在校验")
    VALIDATED = "validated", _("校验完成，等待确认")
    IMPORTING = "importing", _("正在导入")
    DONE = "done", _("导入完成")
    FAILED = "failed", _("失败")


# A background job is running in these states: the page polls for progress.
RUNNING_STATUSES = (ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.IMPORTING)


class IssueKind(models.TextChoices):
    ERROR = "error", _("错误")
    SKIPPED = "skipped", _("已存在，跳过")
    # A warning: the row is imported, but an open hazard of its enterprise looks the same.
    DUPLICATE = "duplicate", _("疑似重复")
    # The enterprise named is not registered, a near name is: imported once the user accepts it.
    SUGGESTION = "suggestion", _("单位名称待确认")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel")
    CSV = "csv", _("CSV")
