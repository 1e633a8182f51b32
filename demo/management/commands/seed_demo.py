"""python manage.py seed_demo — load the demo data set (idempotent). The logic is in demo.seed."""
import time

from django.core.management.base import BaseCommand

from demo import seed as demo


class Command(BaseCommand):
    help = (
        "载入演示数据：湖南省行政区划、监管部门、约200家生产经营单位、演示账号（密码 demo12345）"
        "和约300条经服务层流转的隐患。可重复运行：已存在的部分整节跳过。"
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        demo.seed_demo(log=self.stdout.write)
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("数据概况"))
        self.stdout.write(demo.summary_text())
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"演示账号（密码均为 {demo.DEMO_PASSWORD}）"))
        self.stdout.write(demo.logins_text())
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"完成，用时 {time.monotonic() - started:.1f} 秒。"))
