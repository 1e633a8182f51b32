"""Demo inspections for `manage.py seed_demo` (demo.seed calls `seed_inspections`).

In 新邵县, by the demo users `inspector` (张检查) and `inspector3` (李复查): finished inspections
with the shipped checklists, their findings in the ledger and their numbered documents; one
inspection half done; a conflict of interest; a random plan (双随机) drawn with a fixed seed and
published, two of its inspections done. Everything goes through inspections.services.
Idempotent: skipped as a whole once a demo user has created an inspection.
"""
from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Enterprise, Region, Sector, User
from hazards.models import Hazard
from hazardtrack.demo_files import demo_jpeg, demo_rng

from . import services
from .choices import DocumentKind, InspectionType, ItemResult
from .models import ChecklistTemplate, ConflictOfInterest, Inspection

COUNTY = "430522"
PLAN_SEED = "hazardtrack-demo-2026"
# Sections of the 工贸 checklist that do not apply to the demo's machinery and food factories.
OTHER_TRADES = {"冶金", "有色", "建材", "轻工", "纺织", "烟草", "涉氨制冷"}


def _enterprises(sector: str) -> list[Enterprise]:
    return list(Enterprise.objects.filter(region__code__startswith=COUNTY, sector_id=sector).order_by("credit_code"))


class _Run:
    def __init__(self, users: dict[str, User]):
        self.users = users
        self.rng = demo_rng("inspections")
        self.today = timezone.localdate()
        self.count = 0

    def photo(self, *, after: bool = False):
        return [demo_jpeg(self.rng, after=after, name="整改后.jpg" if after else "现场.jpg")]

    def inspect(self, enterprise: Enterprise, *, type: str, days_ago: int, template: str | None = None,
                fails: dict[int, tuple[str, bool]] | None = None, answered: int | None = None,
                finish: str | None = "", actor: str = "inspector", team=("inspector", "inspector3"),
                inspection: Inspection | None = None, deadline_days: int = 15) -> Inspection:
        """Answer the checklist: `fails` maps item positions to (note, fixed on the spot); the
        rest pass (not applicable for other trades' sections). `answered`: stop after that many."""
        actor_user = self.users[actor]
        if inspection is None:
            inspection = services.inspection_create(
                actor=actor_user, enterprise=enterprise, type=type, date=self.today - datetime.timedelta(days=days_ago),
                inspectors=[self.users[u] for u in team],
                template=ChecklistTemplate.objects.get(code=template) if template else None,
            )
        fails = fails or {}
        hazards = []
        for item in list(inspection.template_version.items.order_by("position"))[:answered]:
            if item.position in fails:
                note, on_spot = fails[item.position]
                row = services.inspection_record_result(
                    inspection_id=inspection.pk, actor=actor_user, item_id=item.pk, result=ItemResult.FAIL, note=note,
                    photos=self.photo(), rectified_on_spot=on_spot,
                    after_photos=self.photo(after=True) if on_spot else (),
                    not_duplicate=True)  # seeded history: each inspection's findings are hazards of their own
                hazards.append(row.hazard_id)
            else:
                services.inspection_record_result(
                    inspection_id=inspection.pk, actor=actor_user, item_id=item.pk,
                    result=ItemResult.NOT_APPLICABLE if item.section in OTHER_TRADES else ItemResult.PASS)
        inspection.refresh_from_db()
        found_at = timezone.make_aware(datetime.datetime.combine(inspection.date, datetime.time(10, 30)))
        # SEED DATA ONLY: the hazards were found on the inspection's day, not at seeding time.
        Hazard.objects.filter(pk__in=hazards).update(found_at=found_at)
        if finish is not None:
            services.inspection_finish(inspection_id=inspection.pk, actor=actor_user, conclusion=finish)
            services.document_issue(inspection_id=inspection.pk, actor=actor_user, kind=DocumentKind.RECORD,
                                    issue_date=inspection.date)
            if any(not on_spot for _, on_spot in fails.values()):
                services.document_issue(inspection_id=inspection.pk, actor=actor_user, kind=DocumentKind.ORDER,
                                        deadline=self.today + datetime.timedelta(days=deadline_days),
                                        issue_date=inspection.date)
        self.count += 1
        return inspection


def demo_inspections_exist() -> bool:
    return Inspection.objects.filter(created_by__username__in=("inspector", "inspector3", "supervisor")).exists()


def seed_inspections() -> int:
    """Returns the number of inspections created (0 when they exist already)."""
    if demo_inspections_exist():
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=("inspector", "inspector3", "supervisor"))}
    if len(users) < 3:
        return 0
    run = _Run(users)
    trade, fire, mines = _enterprises("industry_trade"), _enterprises("fire"), _enterprises("non_coal_mine")

    run.inspect(trade[0], type=InspectionType.ROUTINE, days_ago=40, template="industry-trade-2023",
                fails={3: ("3名新入职员工未经岗前安全培训即上岗，无培训档案", False),
                       6: ("冲压车间配电柜未设置安全警示标志", True)},
                finish="发现一般事故隐患2项，其中1项已现场整改，1项责令限期整改。")
    run.inspect(fire[0], type=InspectionType.UNANNOUNCED, days_ago=12, template="fire-safety",
                fails={8: ("二楼走廊2具灭火器压力指针位于红区，已当场更换", True)},
                finish="发现问题1项，已当场整改完毕。")
    run.inspect(mines[0], type=InspectionType.CAMPAIGN, days_ago=5, template="metal-mine-2022",
                fails={18: ("主通风机停机检修期间未采取安全措施，井下作业面风量不足", False),
                       39: ("3号采场爆破作业未设置警戒人员", False)},
                finish="发现重大事故隐患1项、一般事故隐患1项，责令限期整改，重大事故隐患报县应急管理局挂牌督办。",
                deadline_days=30)
    run.inspect(trade[1], type=InspectionType.ROUTINE, days_ago=0, template="industry-trade-2023", answered=8,
                finish=None)

    # 回避: 李复查's spouse works at a construction company (outside the plan's sectors below).
    builder = _enterprises("construction")[0]
    ConflictOfInterest.objects.get_or_create(inspector=users["inspector3"], enterprise=builder,
                                             defaults={"reason": "配偶在该单位任职", "recorded_by": users["supervisor"]})

    plan = services.plan_create(
        actor=users["supervisor"], name=f"新邵县{run.today.year}年双随机一公开抽查（工贸、危化、消防）",
        region=Region.objects.get(code=COUNTY), size=6, start_date=run.today - datetime.timedelta(days=20),
        end_date=run.today + datetime.timedelta(days=40),
        sectors=Sector.objects.filter(code__in=("industry_trade", "hazchem", "fire")),
    )
    plan = services.plan_draw(plan_id=plan.pk, actor=users["supervisor"], seed=PLAN_SEED)
    draws = list(plan.draws.select_related("inspection", "enterprise").order_by("position"))
    run.inspect(draws[0].enterprise, type=InspectionType.RANDOM, days_ago=0, inspection=draws[0].inspection,
                finish="")
    run.inspect(draws[1].enterprise, type=InspectionType.RANDOM, days_ago=0, inspection=draws[1].inspection,
                fails={1: ("未建立全员安全生产责任制，岗位职责不清", False)}, finish="")
    services.plan_publish(plan_id=plan.pk, actor=users["supervisor"])
    return run.count + len(draws) - 2
