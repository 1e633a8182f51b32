"""Generate the 日报/周报/月报 of every subscribed region now (what the beat task does)."""
from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from supervision import services
from supervision.choices import ReportKind


class Command(BaseCommand):
    help = "生成订阅区划的日报/周报/月报并发送（与定时任务相同）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ReportKind.values, help="day / week / month")
        parser.add_argument("--today", help="业务日期 YYYY-MM-DD（默认今天；报告覆盖此前最近一个完整的日/周/月）")

    def handle(self, *args, kind: str, today: str | None = None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError("--today 应为 YYYY-MM-DD")
        reports = services.reports_generate_due(kind=kind, today=day)
        sent = services.report_deliveries_send()
        for report in reports:
            self.stdout.write(f"{report.pk}\t{report.title}")
        self.stdout.write(f"共 {len(reports)} 份报告；邮件发送 {sent.sent}，待重试 {sent.retrying}。")
