"""Excel imports: one row per uploaded file (the job survives a refresh or a closed tab), and the
problems found in its rows."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.jurisdiction import JurisdictionQuerySet

from .choices import RUNNING_STATUSES, ImportKind, ImportMode, ImportStatus, IssueKind


def upload_path(instance: "ImportJob", filename: str) -> str:
    # Never the user's file name on disk; the original name is kept in `original_name`.
    return f"imports/{uuid.uuid4().hex}.xlsx"


def staged_path(instance: "ImportJob", filename: str) -> str:
    return f"imports/{uuid.uuid4().hex}.jsonl.gz"


class ImportJob(models.Model):
    """An uploaded ledger on its way in: uploaded → validating → validated → importing → done
    (or failed). Scoped to the uploader's region: colleagues of the same jurisdiction see it."""

    kind = models.CharField(_("导入内容"), max_length=16, choices=ImportKind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    mode = models.CharField(_("导入方式"), max_length=16, choices=ImportMode.choices, blank=True)
    file = models.FileField(_("上传文件"), upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    # The validated rows, cleaned, one JSON object per line (gzip): the import reads these
    # instead of parsing the workbook a second time.
    staged = models.FileField(upload_to=staged_path, max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT,
                                    related_name="+")
    region = models.ForeignKey("accounts.Region", verbose_name=_("辖区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    # Who chose to import (a colleague of the uploader may): the imported rows are theirs.
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    valid_rows = models.PositiveIntegerField(_("有效行数"), default=0)
    error_rows = models.PositiveIntegerField(_("有错误的行数"), default=0)
    skipped_rows = models.PositiveIntegerField(_("已存在跳过的行数"), default=0)
    imported_rows = models.PositiveIntegerField(_("已导入行数"), default=0)
    # Rows waiting for the user to accept a near enterprise name (not counted as valid yet).
    suggested_rows = models.PositiveIntegerField(_("单位名称待确认的行数"), default=0)
    # 合计/小计 rows and blank rows between the data: skipped, never checked.
    blank_rows = models.PositiveIntegerField(_("合计、小计或空白而跳过的行数"), default=0)
    # Headers of the sheet's columns that the import does not read, as written in the file.
    ignored_columns = models.JSONField(default=list, blank=True)
    # {"430522:2024": 120, ...}: how many hazard codes each county and year will need.
    code_counts = models.JSONField(default=dict, blank=True)

    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # the running task's last sign of life
    failure = models.TextField(_("失败原因"), blank=True)
    stopped_at_row = models.PositiveIntegerField(_("中止于第几行"), null=True, blank=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_region_field = "region"

    class Meta:
        verbose_name = _("Excel导入任务")
        verbose_name_plural = _("Excel导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in (ImportStatus.DONE, ImportStatus.VALIDATED) else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ImportIssue(models.Model):
    """A problem in one cell or row: an error (the row is not imported) or a row skipped because
    it is already in the system. Rows are numbered as Excel shows them (the header is row 1)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField(_("行号"))
    column = models.CharField(_("列"), max_length=64, blank=True)
    value = models.CharField(_("值"), max_length=200, blank=True)
    message = models.CharField(_("问题"), max_length=300)
    kind = models.CharField(_("类型"), max_length=16, choices=IssueKind.choices, default=IssueKind.ERROR)
    # Found by the re-check when the import ran (the database changed after the preview).
    at_import = models.BooleanField(_("导入时发现"), default=False)
    # kind=suggestion: {"enterprise": id, "name": registered name}; accepted by the user in the preview.
    suggestion = models.JSONField(null=True, blank=True)
    accepted = models.BooleanField(_("已接受建议"), default=False)

    class Meta:
        verbose_name = _("导入问题")
        verbose_name_plural = _("导入问题")
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["job", "row"], name="import_issue_job_row")]
