"""Demo incidents for `seed_demo` (the section "incidents" of demo.seed).

About twenty incidents in the four demo districts, this year and the same months last year
(fewer this year, so the figures page shows a "双下降"), of several types and grades, played
through incidents.services: recorded, reported up level by level (some late), re-graded,
investigated and — the older ones — closed with a report. The services stamp "now"; like the
hazard seed, the times are then moved back to the story's (`_backdate`). Idempotent: nothing
is done once an incident recorded by a demo user exists.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from accounts.models import Enterprise, User
from hazardtrack.demo_files import demo_pdf
from hazardtrack.outbox import Channel, DeliveryStatus

from . import services
from .models import Incident, IncidentEvent, IncidentReport

@dataclass(frozen=True)
class Plan:
    county: str
    title: str
    type: str
    year_back: int         # 0 this year, 1 last year
    fraction: float        # position in the year-to-date period (0 = 1 January, 1 = today)
    deaths: int = 0
    serious: int = 0
    minor: int = 0
    loss: int = 0          # yuan
    unit_minutes: int = 35  # unit's report after the accident
    level_minutes: int = 80  # each level's report after it received it (over 120 = late)
    narrative: str = ""
    later_deaths: int | None = None  # 续报: the deaths figure a few days later (recent incidents only)


PLANS = (
    # 新邵县 (邵阳市): the county of the demo inspector and supervisor.
    Plan("430522", "建材公司“3·14”高处坠落事故", "fall", 0, 0.2, deaths=1, minor=1, loss=1_200_000,
         narrative="作业人员在厂房屋面检修时未系安全带，从约8米高处坠落。"),
    Plan("430522", "砂石场“6·02”坍塌事故", "collapse", 0, 0.45, deaths=3, serious=2, loss=4_800_000,
         level_minutes=150, narrative="砂石场边坡局部坍塌，掩埋正在作业的3名工人。"),
    Plan("430522", "加工厂机械伤害事故", "machinery", 0, 0.88, serious=1, minor=2, loss=300_000),
    Plan("430522", "货运车辆厂区内车辆伤害事故", "vehicle", 0, 0.97, deaths=2, serious=1, loss=650_000,
         later_deaths=3, narrative="叉车倒车时挤压作业人员；一名重伤人员经抢救无效死亡。"),
    Plan("430522", "冶炼厂灼烫事故", "scald", 1, 0.15, deaths=1, serious=3, loss=900_000),
    Plan("430522", "矿山放炮事故", "blasting", 1, 0.3, deaths=2, loss=1_500_000, unit_minutes=75),
    Plan("430522", "化工厂“5·20”中毒和窒息事故", "poisoning", 1, 0.4, deaths=3, serious=4, loss=6_200_000,
         narrative="清理废水池时未检测、未通风，3人中毒死亡。"),
    Plan("430522", "建筑工地起重伤害事故", "lifting", 1, 0.6, deaths=1, loss=800_000),
    Plan("430522", "仓库火灾事故", "fire", 1, 0.85, deaths=1, minor=3, loss=12_500_000),
    # 石鼓区 (衡阳市)
    Plan("430407", "商场电梯井物体打击事故", "object_strike", 0, 0.35, deaths=1, loss=500_000),
    Plan("430407", "锅炉房锅炉爆炸事故", "boiler_explosion", 1, 0.5, deaths=4, serious=6, loss=23_000_000),
    Plan("430407", "码头淹溺事故", "drowning", 1, 0.7, deaths=1),
    # 北湖区 (郴州市)
    Plan("431002", "矿井透水事故", "water_inrush", 0, 0.93, deaths=2, loss=3_000_000, level_minutes=130),
    Plan("431002", "煤矿瓦斯爆炸事故", "gas_explosion", 1, 0.45, deaths=11, serious=8, loss=62_000_000,
         narrative="采煤工作面瓦斯积聚遇火源爆炸。"),
    Plan("431002", "加油站容器爆炸事故", "vessel_explosion", 1, 0.8, serious=2, loss=1_800_000),
    # 天元区 (株洲市)
    Plan("430211", "工业园触电事故", "electrocution", 0, 0.95, deaths=1, loss=200_000),
    Plan("430211", "烟花仓库火药爆炸事故", "explosive", 1, 0.35, deaths=3, serious=1, loss=9_000_000),
    Plan("430211", "物流园其它伤害事故", "other", 1, 0.65, minor=4, loss=150_000),
)

# Who acts for each level in the demo (the other cities have no city login: the administrator).
COUNTY_STAFF = {"430522": "supervisor", "430407": "shigu_supervisor", "431002": "beihu_supervisor",
                "430211": "tianyuan_supervisor"}
COUNTY_RECORDER = {"430522": "inspector", "430407": "inspector2", "431002": "beihu_inspector",
                   "430211": "tianyuan_inspector"}
CITY_STAFF = {"4305": "city"}


def demo_incidents_exist() -> bool:
    return Incident.objects.filter(reported_by__username__in=COUNTY_RECORDER.values()).exists()


def _occurred(plan: Plan, today: datetime.date) -> datetime.datetime:
    jan1 = today.replace(month=1, day=1)
    day = jan1 + datetime.timedelta(days=int((today - jan1).days * plan.fraction))
    if plan.year_back:
        day = day.replace(year=day.year - plan.year_back) if not (day.month == 2 and day.day == 29) else \
            day.replace(year=day.year - plan.year_back, day=28)
    if day >= today:  # the most recent one: three days ago, within the casualty window
        day = today - datetime.timedelta(days=3)
    hour = 8 + int(plan.fraction * 100) % 10
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 20)))


def seed_incidents() -> int:
    """Create the demo incidents (none if they exist already). Returns how many were created."""
    if demo_incidents_exist():
        return 0
    users = {u.username: u for u in User.objects.filter(
        username__in=["admin", *COUNTY_STAFF.values(), *COUNTY_RECORDER.values(), *CITY_STAFF.values()])}
    if "admin" not in users:
        return 0
    today = timezone.localdate()
    enterprises = {}
    for county in COUNTY_STAFF:
        enterprises[county] = list(Enterprise.objects.filter(region__code__startswith=county)
                                   .select_related("region", "sector").order_by("credit_code")[:12])
    created = 0
    for n, plan in enumerate(PLANS):
        enterprise = enterprises[plan.county][n % len(enterprises[plan.county])] if enterprises[plan.county] else None
        if enterprise is None:
            continue
        _play(plan, enterprise, users, today)
        created += 1
    return created


def _play(plan: Plan, enterprise: Enterprise, users: dict[str, User], today: datetime.date) -> None:
    occurred = _occurred(plan, today)
    recorder = users.get(COUNTY_RECORDER[plan.county], users["admin"])
    incident = services.incident_create(actor=recorder, data={
        "title": plan.title, "occurred_at": occurred, "enterprise": enterprise, "type": plan.type,
        "address": enterprise.address, "deaths": plan.deaths, "serious_injuries": plan.serious,
        "minor_injuries": plan.minor, "direct_loss": Decimal(plan.loss), "narrative": plan.narrative,
    })
    if plan.later_deaths is not None:
        # Reported to the city first, then the 续报 re-grades it (the city must pass it up).
        services.incident_report_step(incident_id=incident.pk, actor=users.get(COUNTY_STAFF[plan.county], recorder))
        incident = services.incident_update_figures(
            incident_id=incident.pk, actor=recorder, expected_version=incident.version,
            figures={"deaths": plan.later_deaths, "missing": 0, "serious_injuries": max(plan.serious - 1, 0),
                     "minor_injuries": plan.minor, "direct_loss": Decimal(plan.loss)},
            comment="重伤人员经抢救无效死亡")
        _backdate(incident, plan, occurred)
        return
    # Every level passes it up (the administrator stands in for cities and the province).
    for step in IncidentReport.objects.filter(incident=incident, reported_at__isnull=True).order_by("sequence"):
        actor = {"county": users.get(COUNTY_STAFF[plan.county]), "city": users.get(CITY_STAFF.get(plan.county[:4], ""))
                 }.get(step.from_level) or users["admin"]
        services.incident_report_step(incident_id=incident.pk, actor=actor)
    age = (today - occurred.date()).days
    if age > 20:
        lead = users.get(COUNTY_STAFF[plan.county]) if incident.grade == "general" else users["admin"]
        incident = services.incident_start_investigation(
            incident_id=incident.pk, actor=lead, expected_version=incident.version, started_on=occurred.date()
            + datetime.timedelta(days=2), team_leader="区（县）应急管理局局长", team_members="应急管理、公安、总工会、行业主管部门")
        if age > 90:
            incident = services.incident_record_findings(
                incident_id=incident.pk, actor=lead, expected_version=incident.version, findings={
                    "direct_causes": "作业人员违章作业，现场安全防护措施缺失。",
                    "indirect_causes": "企业安全生产责任制不落实，安全教育培训和隐患排查治理不到位。",
                    "responsible_parties": "建议对事故单位及其主要负责人依法给予行政处罚。",
                    "recommendations": "举一反三，在全区开展同类作业专项整治。"})
            incident = services.incident_close(
                incident_id=incident.pk, actor=lead, expected_version=incident.version,
                approval_doc_no=f"政函〔{occurred.year}〕{incident.pk}号",
                approved_on=min(occurred.date() + datetime.timedelta(days=58), today),
                report_files=[demo_pdf("事故调查报告.pdf")])
    _backdate(incident, plan, occurred)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _backdate(incident: Incident, plan: Plan, occurred: datetime.datetime) -> None:
    """Move the report times to the story's: the unit after `unit_minutes`, each level after
    `level_minutes` (over 120 minutes: late); deadlines follow from them as the service sets
    them. A step still open after a 续报 keeps the deadline the re-grading gave it (the 续报 is
    today's news)."""
    steps = list(IncidentReport.objects.filter(incident=incident).order_by("sequence"))
    received = occurred
    for step in steps:
        if step.reported_at is None:
            break
        step.due_at = received + (datetime.timedelta(hours=1) if step.sequence == 0 else datetime.timedelta(hours=2))
        step.reported_at = received + datetime.timedelta(
            minutes=plan.unit_minutes if step.sequence == 0 else plan.level_minutes)
        received = step.reported_at
    IncidentReport.objects.bulk_update(steps, ["due_at", "reported_at"])
    reported = iter([s.reported_at for s in steps if s.reported_at is not None])
    investigation = getattr(incident, "investigation", None)
    times = {
        "created": lambda: next(reported),
        "step_reported": lambda: next(reported),
        "investigation_started": lambda: _at(investigation.started_on, 9),
        "findings_recorded": lambda: _at(incident.approved_on - datetime.timedelta(days=3), 10),
        "closed": lambda: _at(incident.approved_on, 16),
    }
    rows = [(times[e.action](), e.pk) for e in IncidentEvent.objects.filter(incident=incident).order_by("id")
            if e.action in times]
    Incident.objects.filter(pk=incident.pk).update(
        reported_at=steps[0].reported_at, closed_at=_at(incident.approved_on, 16) if incident.approved_on else None)
    # Old news is read news: only the 续报 of a recent incident stays unread in the demo inboxes.
    if plan.later_deaths is None:
        incident.notices.filter(channel=Channel.INAPP).update(read_at=timezone.now())
        incident.notices.exclude(channel=Channel.INAPP).update(status=DeliveryStatus.SENT, sent_at=timezone.now(),
                                                               next_attempt_at=None)
    at_field = IncidentEvent._meta.get_field("at")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The timeline is append-only (migration 0002); seed data may backdate it.
            cursor.execute("SET LOCAL hazardtrack.allow_event_rewrite = 'on'")
        cursor.executemany(f"UPDATE {IncidentEvent._meta.db_table} SET at = %s WHERE id = %s",
                           [(at_field.get_db_prep_value(at, connection), pk) for at, pk in rows])
