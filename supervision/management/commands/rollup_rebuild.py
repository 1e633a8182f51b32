"""python manage.py rollup_rebuild [--verify] [--verify-only] — recompute the statistics rollup
(supervision.HazardRollup) from the hazards and check it against the live aggregate."""
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from supervision import rollup


class Command(BaseCommand):
    help = "重建统计汇总表（隐患按日×区划×行业×来源×等级×状态计数），并可与实时统计逐行核对（仅 PostgreSQL）。"

    def add_arguments(self, parser):
        parser.add_argument("--verify", action="store_true", help="重建后与实时统计逐行核对，不一致则报错退出")
        parser.add_argument("--verify-only", action="store_true", help="只核对，不重建")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        using = options["database"]
        if connections[using].vendor != "postgresql":
            self.stdout.write("SQLite：不使用汇总表，统计直接读取实时数据，无需重建。")
            return
        if not options["verify_only"]:
            started = time.monotonic()
            rollup.install(using, fill=False)  # the triggers as defined now, then the rows
            count = rollup.rebuild(using)
            self.stdout.write(f"汇总表已重建：{count} 行，用时 {time.monotonic() - started:.1f} 秒。")
        if options["verify"] or options["verify_only"]:
            started = time.monotonic()
            differences = rollup.verify(using)
            if differences:
                for row in differences:
                    self.stderr.write(f"  {row}")
                raise CommandError(f"汇总表与实时统计不一致（列出前 {len(differences)} 处）。")
            self.stdout.write(self.style.SUCCESS(
                f"核对通过：汇总表与实时统计完全一致（用时 {time.monotonic() - started:.1f} 秒）。"))
