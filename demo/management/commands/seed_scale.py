"""python manage.py seed_scale --hazards 1000000 — the provincial data set for the benchmarks
(PostgreSQL only, into an empty ledger). The logic is in demo.scale and demo.scale_data."""
import datetime
import json

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.scale import SeedError, default_as_of, seed_scale
from demo.scale_data import PASSWORD, Config


class Command(BaseCommand):
    help = (
        "装载全省规模数据（基准测试用，仅 PostgreSQL，须为空台账）：14个市州、约120个县市区及其乡镇街道，"
        f"单位数为隐患数的1/5，用户数为1/200（密码 {PASSWORD}），五年的隐患及其处理记录、延期、督办通知。"
        "同一 --seed 和 --as-of 生成完全相同的数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--hazards", type=int, default=1_000_000, help="隐患条数（默认 1000000）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=None,
                            help="“今天”（YYYY-MM-DD，默认今天）：数据截至前一天晚上，当晚有 --newly-overdue 条隐患新逾期")
        parser.add_argument("--enterprises", type=int, default=0, help="单位数（默认 隐患数/5）")
        parser.add_argument("--users", type=int, default=0, help="用户数（默认 隐患数/200，至少300）")
        parser.add_argument("--newly-overdue", type=int, default=0, help="当晚新逾期的隐患数（默认 隐患数/20）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出统计")

    def handle(self, *args, **options):
        if options["hazards"] < 1000:
            raise CommandError("--hazards 至少为 1000。")
        cfg = Config(
            hazards=options["hazards"], seed=options["seed"], as_of=options["as_of"] or default_as_of(),
            enterprises=options["enterprises"], users=options["users"], newly_overdue=options["newly_overdue"],
        )
        self.stdout.write(f"seed_scale: {cfg.hazards} hazards, {cfg.enterprises} enterprises, {cfg.users} users, "
                          f"as of {cfg.as_of}, seed {cfg.seed}")
        try:
            result = seed_scale(cfg, log=self.stdout.write)
        except SeedError as error:
            raise CommandError(str(error))
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            for key, value in result["counts"].items():
                self.stdout.write(f"  {key}: {value}")
        # The large sizes load with triggers off (session_replication_role): the statistics rollup
        # is rebuilt from the loaded hazards once at the end.
        call_command("rollup_rebuild", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"完成，用时 {result['seconds']} 秒。"))
