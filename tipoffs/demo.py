"""Demo tip-offs for `manage.py seed_demo` (demo/seed.py calls `seed_tipoffs`).

A dozen tip-offs in 新邵县 and one in 石鼓区, played through the services by the demo staff:
waiting ones, accepted ones (hazards with source 群众举报, one confirmed with a reward proposed,
one with a reward approved and paid), a duplicate, a rejected one, one transferred to 石鼓区,
one from the hotline and one through Open311 by the demo client whose key is DEMO_OPEN311_KEY.
Skipped as a whole once the first demo tip-off exists, so running the seed twice changes
nothing. Submission times are moved back (seed data only) so the figures page spans weeks.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from accounts.models import Region, Sector, User
from hazards import services as hazard_services
from hazardtrack.demo_files import demo_jpeg, demo_rng

from . import services
from .choices import Channel
from .models import Open311Client, TipOff, TipOffEvent

DEMO_OPEN311_KEY = "demo0311.hazardtrack-demo-open311-key-not-for-production"
DEMO_OPEN311_CLIENT = "演示 Open311 客户端"


@dataclass(frozen=True)
class DemoTip:
    description: str
    address: str
    region: str
    sector: str | None
    days_ago: int
    outcome: str  # received | accept | confirm | propose | paid | duplicate | reject | transfer
    name: str = ""
    phone: str = ""
    channel: str = Channel.WEB
    photos: int = 1


TIPS = (
    DemoTip("酿溪镇某五金加工厂车间消防通道堆满成品纸箱，安全出口上锁。", "新邵县酿溪镇工业园五金加工厂", "430522100",
            "fire", 40, "paid", "李先生", "13907390001"),
    DemoTip("雀塘镇一家烟花爆竹零售点在居民楼一楼存放大量烟花，门口有人吸烟。", "新邵县雀塘镇新街42号", "430522102",
            "fireworks", 33, "propose"),
    DemoTip("严塘镇石料厂爆破作业前没有设置警戒，村民从作业区旁经过。", "新邵县严塘镇石料厂", "430522101",
            "non_coal_mine", 27, "confirm", "", "13807390002"),
    DemoTip("工业园化工厂罐区气味很大，夜间有液体从围堰流出。", "新邵县酿溪镇工业园化工厂罐区", "430522100",
            "hazchem", 21, "accept"),
    DemoTip("五金加工厂仓库通道又被堵了，和上次反映的一样。", "新邵县酿溪镇工业园五金加工厂", "430522100",
            "fire", 18, "duplicate"),
    DemoTip("小区门口的路灯不亮，晚上走路不方便。", "新邵县酿溪镇某小区门口", "430522100",
            None, 15, "reject", photos=0),
    DemoTip("石鼓区一处建筑工地塔吊作业时下方没有警戒，行人从下面经过。", "衡阳市石鼓区潇湘街道某工地", "430522",
            "construction", 12, "transfer"),
    DemoTip("陈家坊镇一家木材加工厂除尘设备坏了，车间粉尘很大，工人没戴口罩。", "新邵县陈家坊镇木材加工厂", "430522103",
            "industry_trade", 6, "received", "王女士", "13707390003"),
    DemoTip("坪上镇加油站旁边有人违规售卖散装汽油。", "新邵县坪上镇加油站旁", "430522106",
            "hazchem", 4, "received", channel=Channel.HOTLINE, photos=0),
    DemoTip("潭溪镇液化气站钢瓶露天堆放在太阳下暴晒。", "新邵县潭溪镇液化气站", "430522104",
            "gas", 2, "received"),
    DemoTip("龙溪铺镇一家砖厂的输送带没有防护罩，工人在旁边操作。", "新邵县龙溪铺镇砖厂", "430522107",
            "industry_trade", 1, "received", channel=Channel.OPEN311, photos=0),
    DemoTip("寸石镇某商场电梯运行时异响，检验合格证已过期。", "新邵县寸石镇某商场", "430522105",
            "special_equipment", 0, "received"),
)


def demo_tipoffs_exist() -> bool:
    return TipOff.objects.filter(description=TIPS[0].description).exists()


def _demo_client() -> Open311Client:
    client = Open311Client.objects.filter(name=DEMO_OPEN311_CLIENT).first()
    if client is None:
        client, _ = services.open311_client_create(name=DEMO_OPEN311_CLIENT, region=Region.objects.get(code="430522"),
                                                   raw_key=DEMO_OPEN311_KEY)
    return client


def seed_tipoffs() -> int:
    """Play the demo tip-offs through the services. Returns the number created."""
    if demo_tipoffs_exist():
        return 0
    rng = demo_rng("tipoffs")
    staff = {u.username: u for u in User.objects.filter(username__in=("inspector", "supervisor", "shigu_supervisor"))}
    inspector, supervisor = staff["inspector"], staff["supervisor"]
    client = _demo_client()
    sectors = {s.code: s for s in Sector.objects.all()}
    backdate: list[tuple[int, datetime.datetime]] = []
    first_hazard = None
    for n, tip in enumerate(TIPS):
        photos = [demo_jpeg(rng, after=False, name=f"举报照片{n}-{i}.jpg") for i in range(tip.photos)]
        tipoff = services.tipoff_submit(
            data={"description": tip.description, "address": tip.address, "region": Region.objects.get(code=tip.region),
                  "sector": sectors.get(tip.sector), "reporter_name": tip.name, "reporter_phone": tip.phone,
                  "consent": tip.channel == Channel.WEB},
            photos=photos, channel=tip.channel, api_client=client if tip.channel == Channel.OPEN311 else None,
            recorded_by=inspector if tip.channel == Channel.HOTLINE else None,
        )
        backdate.append((tipoff.pk, timezone.now() - datetime.timedelta(days=tip.days_ago, hours=rng.randint(1, 9))))
        first_hazard = _play(tip, tipoff, inspector, supervisor, first_hazard)
    _backdate(backdate)
    return len(TIPS)


def _play(tip: DemoTip, tipoff: TipOff, inspector: User, supervisor: User, first_hazard):
    """Take the tip-off to its demo outcome; returns the first hazard made (for the duplicate)."""
    version = tipoff.version
    if tip.outcome == "reject":
        services.tipoff_reject(tipoff_id=tipoff.pk, actor=supervisor, expected_version=version,
                               reason="所反映问题属于市政设施维护，不属于安全生产事故隐患，请向城管部门反映。")
    elif tip.outcome == "duplicate":
        services.tipoff_mark_duplicate(tipoff_id=tipoff.pk, actor=supervisor, expected_version=version,
                                       hazard_code=first_hazard.code, comment="与此前举报为同一隐患")
    elif tip.outcome == "transfer":
        services.tipoff_transfer(tipoff_id=tipoff.pk, actor=supervisor, expected_version=version,
                                 region=Region.objects.get(code="430407"), note="地点在衡阳市石鼓区，转属地办理")
    elif tip.outcome in ("accept", "confirm", "propose", "paid"):
        tipoff = services.tipoff_accept(
            tipoff_id=tipoff.pk, actor=supervisor, expected_version=version,
            hazard_data={"title": tip.description[:30].rstrip("，。"), "sector": tipoff.sector}, comment="情况属实，立案核查",
        )
        first_hazard = first_hazard or tipoff.hazard
        if tip.outcome != "accept":
            hazard = tipoff.hazard
            hazard_services.hazard_confirm(hazard_id=hazard.pk, actor=supervisor, expected_version=hazard.version,
                                           comment="经现场核查属实")
        if tip.outcome in ("propose", "paid"):
            reward = services.reward_propose(tipoff_id=tipoff.pk, actor=inspector, amount="500.00",
                                             basis="举报查实一般事故隐患，按本地举报奖励办法给予奖励")
            if tip.outcome == "paid":
                services.reward_approve(reward_id=reward.pk, actor=supervisor, comment="同意")
                services.reward_record_payment(reward_id=reward.pk, actor=inspector, paid_at=timezone.localdate(),
                                               reference="JL-2026-0001")
    return first_hazard


def _backdate(rows: list[tuple[int, datetime.datetime]]) -> None:
    """Seed data only: move submission times (and the submission events) back in time."""
    for pk, when in rows:
        TipOff.objects.filter(pk=pk).update(submitted_at=when)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL hazardtrack.allow_event_rewrite = 'on'")
    for pk, when in rows:
        TipOffEvent.objects.filter(tipoff_id=pk, action="submitted").update(at=when)
