"""Demo data: a small historical ledger of 新邵县 imported by the demo supervisor through the
real services, with one row the importer refuses, so the import pages have something to show.
Idempotent: nothing happens once the demo import exists."""
from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from accounts.models import Enterprise, User

from . import services
from .choices import ImportMode
from .columns import HAZARD_COLUMNS
from .models import ImportJob

DEMO_FILE = "新邵县2025年隐患排查治理台账（演示）.xlsx"
TITLES = ["消防通道堆放杂物", "配电箱未接地", "有限空间作业未审批", "安全出口锁闭", "特种作业人员无证上岗",
          "储罐区可燃气体报警器失效", "应急预案未演练", "叉车未定期检验", "危化品仓库超量储存", "劳动防护用品配备不足"]
STATUSES = ["已销号", "已销号", "已销号", "复查通过", "申请复查", "整改中", "整改中", "已交办", "已认定", "已上报"]


def story_fields(status: str, found: datetime.date) -> dict:
    """The columns a historical hazard in this status (Chinese label) carries — deadline,
    completion dates, reasons — dated from its discovery, as the importer expects them."""
    day = datetime.timedelta(days=1)
    fields: dict = {}
    if status in ("已交办", "整改中", "申请复查", "复查通过", "已销号"):
        fields.update(responsible_person="安全负责人", measures="按要求限期整改", current_deadline=found + 30 * day)
    if status in ("申请复查", "复查通过", "已销号"):
        fields.update(rectified_at=found + 20 * day, rectification_report="已按要求整改完毕")
    if status in ("复查通过", "已销号"):
        fields["verified_at"] = found + 22 * day
    if status == "已销号":
        fields["signed_off_at"] = found + 25 * day
    if status == "不予认定":
        fields["rejection_reason"] = "不构成隐患"
    return fields


def _rows(enterprises: list[Enterprise], today: datetime.date) -> list[list]:
    keys = [c.key for c in HAZARD_COLUMNS]
    rows = []
    for n, (title, status) in enumerate(zip(TITLES, STATUSES)):
        found = today - datetime.timedelta(days=300 - 25 * n)
        enterprise = enterprises[n % len(enterprises)]
        row = {"original_code": f"XS-2025-{n + 1:03d}", "title": title, "credit_code": enterprise.credit_code,
               "level": "一般隐患", "found_at": found, "status": status, "source": "日常检查",
               **story_fields(status, found)}
        rows.append([row.get(k) for k in keys])
    refused = dict(zip(keys, rows[0]), original_code="XS-2025-011", credit_code=None, enterprise_name="已注销的某某厂")
    rows.append([refused.get(k) for k in keys])
    return rows


def seed_imports() -> int:
    """Returns the number of hazards imported (0 when the demo import exists or users are missing)."""
    if ImportJob.objects.filter(original_name=DEMO_FILE).exists():
        return 0
    supervisor = User.objects.filter(username="supervisor").first()
    enterprises = list(Enterprise.objects.filter(region__code__startswith="430522").order_by("credit_code")[:4])
    if supervisor is None or not enterprises:
        return 0
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "隐患台账"
    sheet.append([str(c.header) for c in HAZARD_COLUMNS])
    for row in _rows(enterprises, timezone.localdate()):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = services.import_job_create(actor=supervisor, kind="hazards", upload=SimpleUploadedFile(DEMO_FILE, buffer.getvalue()))
    job = services.import_validate(job_id=job.pk)
    services.import_start(job_id=job.pk, actor=supervisor, mode=ImportMode.VALID_ROWS)
    return services.import_run(job_id=job.pk).imported_rows
