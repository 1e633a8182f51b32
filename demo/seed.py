"""Demo data for hazardtrack (`python manage.py seed_demo`).

Everything here is deterministic: word lists plus `random.Random` instances seeded with fixed
strings, so two databases seeded on the same day hold the same enterprises, users and hazards.

Sections, each in its own transaction and each idempotent:
  regions      the 湖南省 tree from accounts.region_data (missing rows created, nothing else);
  departments  five departments in four counties and four cities (get_or_create on region+name);
  enterprises  ~200 生产经营单位 keyed by their (valid) unified social credit code;
  users        the demo logins, created only if the username is missing (passwords of existing
               users are never touched);
  hazards      ~300 hazards driven through hazards.services, skipped as a whole once any hazard
               found by a demo user exists.

The hazard section is the only place that writes hazard fields without a service: the services
stamp every transition with "now" and refuse deadlines that are not in the future, so after a
hazard's story has been played through the services its timestamps and deadlines are moved
back in time with queryset .update() (see `_backdate`). That is seed data only; the application
itself never does this.
"""
from __future__ import annotations

import datetime
import random
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from django.contrib.auth.hashers import make_password
from django.db import connections, transaction
from django.db.models import Count
from django.utils import timezone

from hazardtrack.demo_files import SEED, demo_jpeg, demo_pdf
from hazardtrack.demo_files import demo_rng as _rng
from hazards import services
from hazards.escalation import run_escalation
from incidents.demo import seed_incidents
from hazards.choices import HazardStatus
from hazards.models import (
    Attachment,
    ExtensionRequest,
    Hazard,
    HazardEvent,
    RectificationPlan,
    ResumeApplication,
    resume_review_due,
)
from hazardtrack.dates import local_today
from inspections import demo as inspections_demo
from notices.choices import RunStatus, RunTrigger
from notices.models import EscalationRun
from supervision.demo import seed_supervision
from tipoffs.demo import demo_tipoffs_exist, seed_tipoffs
from spreadsheets.demo import seed_imports

from accounts.choices import REGION_LEVEL_BY_LENGTH, RiskColour, Role
from accounts.models import Department, Enterprise, Region, Sector, User
from accounts.region_data import CITIES, COUNTIES, PROVINCE, TOWNSHIPS
from accounts.validators import CREDIT_CODE_CHARS, credit_code_check_char, validate_credit_code

DEMO_PASSWORD = "demo12345"
MAX_AGE_DAYS = 425  # hazards are spread over the past ~14 months

Log = Callable[[str], None]


# =========================================================================================
# Regions
# =========================================================================================

def region_rows() -> list[tuple[str, str, str | None]]:
    """(code, name, parent code) for the whole tree, parents before children."""
    rows: list[tuple[str, str, str | None]] = [(PROVINCE[0], PROVINCE[1], None)]
    rows += [(code, name, code[:2]) for code, name in CITIES]
    rows += [(code, name, code[:4]) for code, name in COUNTIES]
    rows += [(code, name, code[:6]) for code, name in TOWNSHIPS]
    return rows


def seed_regions() -> int:
    """Create the regions that are missing; existing rows are left as they are."""
    existing = set(Region.objects.values_list("code", flat=True))
    missing = [
        Region(code=code, name=name, level=REGION_LEVEL_BY_LENGTH[len(code)], parent_id=parent)
        for code, name, parent in region_rows()
        if code not in existing
    ]
    Region.objects.bulk_create(missing, batch_size=500)
    return len(missing)


# =========================================================================================
# Departments
# =========================================================================================

# The four demo counties/districts and their cities.
DEMO_COUNTIES = ("430522", "430407", "431002", "430211")  # 新邵县 石鼓区 北湖区 天元区
DEMO_CITIES = ("4305", "4304", "4310", "4302")  # 邵阳市 衡阳市 郴州市 株洲市
EMERGENCY = "应急管理局"
DEPARTMENTS = [
    # (name at county level, name at city level, sectors) — 三管三必须
    (EMERGENCY, EMERGENCY, ("coal_mine", "non_coal_mine", "hazchem", "fireworks", "industry_trade")),
    ("消防救援大队", "消防救援支队", ("fire",)),
    ("住房和城乡建设局", "住房和城乡建设局", ("construction", "gas")),
    ("交通运输局", "交通运输局", ("road_traffic",)),
    ("市场监督管理局", "市场监督管理局", ("special_equipment",)),
]


def department_name_for(region_code: str, sector: str) -> str:
    """The department supervising `sector` in a region of the given level."""
    for county_name, city_name, sectors in DEPARTMENTS:
        if sector in sectors:
            return county_name if len(region_code) >= 6 else city_name
    return EMERGENCY  # "other": 应急管理 has the comprehensive supervision duty


def seed_departments() -> int:
    created = 0
    for region_code in DEMO_COUNTIES + DEMO_CITIES:
        for county_name, city_name, sectors in DEPARTMENTS:
            name = county_name if len(region_code) >= 6 else city_name
            department, was_created = Department.objects.get_or_create(region_id=region_code, name=name)
            created += was_created
            department.sectors.set(sectors)  # adds/removes only what differs: a no-op on re-runs
    return created


# =========================================================================================
# Enterprises
# =========================================================================================

COUNTY_INFO = {
    # code: (full prefix, name prefixes for companies, centre (lat, lon), seat township)
    "430522": ("湖南省邵阳市新邵县", ("新邵县", "新邵县", "新邵县", "新邵", "邵阳", "湖南"), (27.32, 111.46), "430522100"),
    "430407": ("湖南省衡阳市石鼓区", ("衡阳市石鼓区", "衡阳", "衡阳", "湖南"), (26.91, 112.61), "430407002"),
    "431002": ("湖南省郴州市北湖区", ("郴州市北湖区", "郴州", "郴州", "湖南"), (25.79, 113.01), "431002001"),
    "430211": ("湖南省株洲市天元区", ("株洲市天元区", "株洲", "株洲", "湖南"), (27.83, 113.08), "430211001"),
}

# How many enterprises of each sector per county (新邵县 is a rural county with mines).
ENTERPRISE_MIX = {
    "430522": {"coal_mine": 8, "non_coal_mine": 14, "hazchem": 12, "fireworks": 10, "industry_trade": 30,
               "fire": 18, "road_traffic": 10, "construction": 14, "special_equipment": 8, "gas": 8, "other": 8},
    "430407": {"hazchem": 2, "fireworks": 1, "industry_trade": 5, "fire": 5, "road_traffic": 2, "construction": 3,
               "special_equipment": 2, "gas": 2},
    "431002": {"coal_mine": 1, "non_coal_mine": 3, "hazchem": 2, "industry_trade": 4, "fire": 4, "road_traffic": 1,
               "construction": 3, "special_equipment": 1, "gas": 1},
    "430211": {"hazchem": 3, "industry_trade": 5, "fire": 3, "road_traffic": 1, "construction": 3,
               "special_equipment": 2, "gas": 1},
}

TRADE_NAMES = (
    "鑫源 宏达 金龙 华兴 恒泰 永盛 顺发 福源 瑞丰 天成 富民 龙腾 新兴 兴旺 长青 宝山 白云 东升 明达 正通 "
    "远航 德馨 嘉禾 锦程 汇丰 盛达 和顺 安泰 利民 中意 湘源 金石 腾飞 万通 广源 旭日 华泰 众诚 力拓 诚信 "
    "祥瑞 丰源 海川 荣昌 佳和 弘毅 星辰 凯达 晨光 天诚 恒通 润泽 宏图 隆盛 富源 金山 银河 振兴 创新 青峰"
).split()

SECTOR_SUFFIXES = {
    "coal_mine": ("煤矿", "煤业有限公司"),
    "non_coal_mine": ("矿业有限公司", "石材有限公司", "采石场", "石灰石矿"),
    "hazchem": ("化工有限公司", "加油站", "气体有限公司", "化工贸易有限公司"),
    "fireworks": ("烟花爆竹批发有限公司", "烟花爆竹零售店", "花炮贸易有限公司"),
    "industry_trade": ("机械制造有限公司", "食品有限公司", "纺织有限公司", "木业有限公司", "新型建材有限公司",
                       "铝业有限公司", "电子科技有限公司", "家具有限公司", "陶瓷有限公司", "饲料有限公司"),
    "fire": ("大酒店有限公司", "购物广场有限公司", "商贸城", "宾馆", "物业管理有限公司", "休闲娱乐有限公司",
             "超市有限公司"),
    "road_traffic": ("运输有限公司", "客运有限公司", "物流有限公司", "公共交通有限公司", "驾驶培训有限公司"),
    "construction": ("建筑工程有限公司", "建设有限公司", "路桥工程有限公司", "市政工程有限公司"),
    "special_equipment": ("电梯工程有限公司", "起重设备安装有限公司", "热电有限公司", "压力容器有限公司"),
    "gas": ("燃气有限公司", "液化气站", "天然气有限公司"),
    "other": ("农业开发有限公司", "旅游开发有限公司", "水电站", "生态农业有限公司"),
}

# Higher scores end up red/orange more often.
SECTOR_RISK = {"coal_mine": 3.0, "non_coal_mine": 2.4, "hazchem": 3.0, "fireworks": 2.6, "industry_trade": 1.2,
               "fire": 1.1, "road_traffic": 1.0, "construction": 1.6, "special_equipment": 1.0, "gas": 1.8,
               "other": 0.4}
RISK_SHARES = ((RiskColour.RED, 0.05), (RiskColour.ORANGE, 0.15), (RiskColour.YELLOW, 0.35))

SURNAMES = "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗 谢 曾 彭 邓 唐 肖 蒋 龙 邹 曹".split()
GIVEN_NAMES = ("建国 志强 海军 红梅 丽华 卫东 国庆 小平 春生 秋菊 永红 建华 德胜 桂兰 文斌 晓东 勇 伟 敏 芳 "
               "军 涛 磊 艳 杰 鹏 俊 霞 超 静 湘云 立新 明亮 雪梅 光辉").split()
PHONE_PREFIXES = "138 139 135 137 150 151 152 158 159 182 183 187 188 173 177 180 189 199".split()
VILLAGES = "新田 石门 龙山 白竹 大坪 茶山 杨柳 长冲 桃花 金竹 枫树 青龙 上湾 下湾 塘边 石桥 水口 双江 红星 团结".split()
ROADS = "建设 人民 解放 新华 胜利 迎宾 滨江 工业 文化 长兴 资江 湘江 五一 光明 幸福".split()

# The enterprise the `enterprise` login is bound to: always generated first.
FIRST_ENTERPRISE = {"county": "430522", "township": "430522100", "sector": "hazchem", "trade": "资江",
                    "suffix": "化工有限公司", "prefix": "新邵县"}


@dataclass
class EnterpriseSpec:
    name: str
    credit_code: str
    county: str
    township: str
    sector: str
    risk_colour: str
    address: str
    latitude: Decimal
    longitude: Decimal
    contact_name: str
    contact_phone: str


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def phone_number(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def _org_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714 check character included). Codes issued since
    2015 start with MA; letters are limited to the credit-code alphabet."""
    if rng.random() < 0.7:
        body = "MA4" + "".join(rng.choice(CREDIT_CODE_CHARS) for _ in range(5))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(body, weights))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def make_credit_code(rng: random.Random, county: str, *, individual: bool = False) -> str:
    """18 characters: 9 (registered by market regulation) + 1/2 (company/individual business),
    the county code, the organisation code, and the GB 32100-2015 check character."""
    first17 = ("92" if individual else "91") + county + _org_code(rng)
    return first17 + credit_code_check_char(first17)


def township_centre(code: str) -> tuple[float, float]:
    """Approximate: the county centre plus a fixed per-township offset (street offices and the
    county seat close to the centre, towns further out). Good enough for a demo map."""
    county = code[:6]
    lat, lon = COUNTY_INFO[county][2]
    name = dict(TOWNSHIPS)[code]
    near = name.endswith("街道") or code == COUNTY_INFO[county][3]
    spread = 0.03 if near else 0.14
    rng = random.Random(f"{SEED}:township:{code}")
    return lat + rng.uniform(-spread, spread), lon + rng.uniform(-spread, spread)


def _townships_of(county: str) -> list[tuple[str, str]]:
    return [(code, name) for code, name in TOWNSHIPS if code.startswith(county)]


def _address(rng: random.Random, county: str, township_code: str) -> str:
    township = dict(TOWNSHIPS)[township_code]
    prefix = COUNTY_INFO[county][0]
    if township.endswith("街道") or township_code == COUNTY_INFO[county][3]:
        return f"{prefix}{township}{rng.choice(ROADS)}路{rng.randint(1, 300)}号"
    if rng.random() < 0.3:
        return f"{prefix}{township}工业园{rng.choice(ROADS)}路{rng.randint(1, 60)}号"
    return f"{prefix}{township}{rng.choice(VILLAGES)}村{rng.randint(1, 12)}组"


def build_enterprises() -> list[EnterpriseSpec]:
    """The demo enterprises, always the same list (the first one is FIRST_ENTERPRISE)."""
    rng = _rng("enterprises")
    slots: list[tuple[str, str]] = []
    for county, mix in ENTERPRISE_MIX.items():
        for sector, count in mix.items():
            slots += [(county, sector)] * count
    first = (FIRST_ENTERPRISE["county"], FIRST_ENTERPRISE["sector"])
    slots.remove(first)
    rng.shuffle(slots)
    slots.insert(0, first)

    names: set[str] = set()
    codes: set[str] = set()
    drafts = []
    for index, (county, sector) in enumerate(slots):
        if index == 0:
            township = FIRST_ENTERPRISE["township"]
            name = FIRST_ENTERPRISE["prefix"] + FIRST_ENTERPRISE["trade"] + FIRST_ENTERPRISE["suffix"]
            suffix = FIRST_ENTERPRISE["suffix"]
        else:
            towns = _townships_of(county)
            seat = COUNTY_INFO[county][3]
            # The county seat / central streets hold more enterprises.
            weights = [5 if code == seat else 2 if n.endswith("街道") else 1 for code, n in towns]
            township = rng.choices([code for code, _ in towns], weights=weights)[0]
            while True:
                suffix = rng.choice(SECTOR_SUFFIXES[sector])
                prefixes = COUNTY_INFO[county][1]
                # Only companies carry a city/province style prefix; stations, shops and mines
                # are named after the county.
                prefix = rng.choice(prefixes) if suffix.endswith("公司") else prefixes[0]
                name = prefix + rng.choice(TRADE_NAMES) + suffix
                if name not in names:
                    break
        names.add(name)
        while True:
            code = make_credit_code(rng, county, individual=suffix.endswith("店"))
            if code not in codes:
                break
        codes.add(code)
        validate_credit_code(code)
        lat, lon = township_centre(township)
        drafts.append(dict(
            name=name, credit_code=code, county=county, township=township, sector=sector,
            address=_address(rng, county, township),
            latitude=Decimal(f"{lat + rng.uniform(-0.012, 0.012):.6f}"),
            longitude=Decimal(f"{lon + rng.uniform(-0.012, 0.012):.6f}"),
            contact_name=person_name(rng), contact_phone=phone_number(rng),
            score=SECTOR_RISK[sector] + rng.uniform(0, 2.5),
        ))

    # Risk colours by rank of score: ~5% red, ~15% orange, ~35% yellow, the rest blue.
    order = sorted(range(len(drafts)), key=lambda i: -drafts[i]["score"])
    colours = {}
    start = 0
    for colour, share in RISK_SHARES:
        n = round(len(drafts) * share)
        for i in order[start:start + n]:
            colours[i] = colour
        start += n
    specs = []
    for i, draft in enumerate(drafts):
        draft.pop("score")
        specs.append(EnterpriseSpec(risk_colour=colours.get(i, RiskColour.BLUE), **draft))
    return specs


def seed_enterprises(specs: list[EnterpriseSpec]) -> int:
    existing = set(Enterprise.objects.filter(credit_code__in=[s.credit_code for s in specs])
                   .values_list("credit_code", flat=True))
    missing = [
        Enterprise(
            name=s.name, credit_code=s.credit_code, region_id=s.township, sector_id=s.sector,
            risk_colour=s.risk_colour, address=s.address, latitude=s.latitude, longitude=s.longitude,
            contact_name=s.contact_name, contact_phone=s.contact_phone,
        )
        for s in specs
        if s.credit_code not in existing
    ]
    Enterprise.objects.bulk_create(missing, batch_size=500)
    return len(missing)


# =========================================================================================
# Users
# =========================================================================================

@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    full_name: str
    region: str | None = None
    department: tuple[str, str] | None = None  # (region code, department name)
    enterprise: bool = False  # bound to the first demo enterprise
    superuser: bool = False
    note: str = ""


DEMO_USERS = (
    DemoUser("admin", Role.ADMIN, "系统管理员", "43", superuser=True, note="全省；Django 管理后台"),
    DemoUser("inspector", Role.INSPECTOR, "张检查", "430522", ("430522", EMERGENCY), note="上报、跟踪、复查"),
    DemoUser("inspector3", Role.INSPECTOR, "李复查", "430522", ("430522", EMERGENCY), note="第二名检查员，可复查他人报告的整改"),
    DemoUser("supervisor", Role.SUPERVISOR, "王督办", "430522", ("430522", EMERGENCY), note="认定、交办、延期审批、销号"),
    DemoUser("city", Role.SUPERVISOR, "赵市督", "4305", ("4305", EMERGENCY), note="市级督办、市级挂牌销号"),
    DemoUser("enterprise", Role.ENTERPRISE, "刘安全", enterprise=True, note="企业整改责任人，仅见本单位"),
    DemoUser("inspector2", Role.INSPECTOR, "陈衡检", "430407", ("430407", EMERGENCY), note="另一区县的检查员"),
    DemoUser("grid", Role.GRID, "周网格", "430522100", note="酿溪镇网格员，只能上报"),
    # Staff of the other demo districts, so their hazards can move through every step too.
    DemoUser("shigu_supervisor", Role.SUPERVISOR, "孙石督", "430407", ("430407", EMERGENCY), note="石鼓区审核督办"),
    DemoUser("beihu_inspector", Role.INSPECTOR, "吴北检", "431002", ("431002", EMERGENCY), note="北湖区检查员"),
    DemoUser("beihu_supervisor", Role.SUPERVISOR, "郑北督", "431002", ("431002", EMERGENCY), note="北湖区审核督办"),
    DemoUser("tianyuan_inspector", Role.INSPECTOR, "冯天检", "430211", ("430211", EMERGENCY), note="天元区检查员"),
    DemoUser("tianyuan_supervisor", Role.SUPERVISOR, "何天督", "430211", ("430211", EMERGENCY), note="天元区审核督办"),
)
DEMO_USERNAMES = tuple(u.username for u in DEMO_USERS)


def seed_users(first_enterprise_code: str) -> int:
    """Create the demo users that are missing. Existing users are not touched (their
    passwords in particular), so a re-run changes nothing."""
    existing = set(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))
    missing = [u for u in DEMO_USERS if u.username not in existing]
    if not missing:
        return 0
    # One hash for all: the demo password is published anyway, and PBKDF2 takes ~0.5 s a hash.
    password = make_password(DEMO_PASSWORD)
    first = Enterprise.objects.get(credit_code=first_enterprise_code)
    rng = _rng("users")
    for spec in missing:
        user = User(
            username=spec.username, role=spec.role, full_name=spec.full_name, region_id=spec.region,
            is_staff=spec.superuser, is_superuser=spec.superuser, password=password,
            phone=phone_number(rng), email=f"{spec.username}@demo.hazardtrack.local",
        )
        if spec.department:
            user.department = Department.objects.get(region_id=spec.department[0], name=spec.department[1])
        if spec.enterprise:
            user.enterprise = first
        user.full_clean(exclude=["password"])
        user.save()
    return len(missing)


# =========================================================================================
# Hazards: templates
# =========================================================================================

UA, UC, MD, EN = "unsafe_act", "unsafe_condition", "management_defect", "environment"


@dataclass(frozen=True)
class Template:
    title: str
    category: str
    measures: str
    done: str  # how the rectification report describes the fix


T = Template
GENERAL_TEMPLATES: dict[str, list[Template]] = {
    "coal_mine": [
        T("采煤工作面上隅角瓦斯传感器悬挂位置不符合规定", UC, "按《煤矿安全规程》重新悬挂上隅角瓦斯传感器并调校，更新传感器布置图。", "已重新悬挂并调校瓦斯传感器，布置图已更新"),
        T("井下作业人员未随身携带自救器", UA, "对当班人员批评教育，严格执行入井检身制度，组织自救器使用培训。", "已落实入井检身制度，组织全员自救器使用培训并考核"),
        T("主要通风机未按规定进行备用风机切换试验", MD, "制定主要通风机倒机试验计划，每月至少试验一次并记录。", "已完成倒机试验，建立试验台账"),
        T("井下运输巷道局部支护失效、顶板离层", UC, "对失效段补强支护，加强顶板离层监测。", "已补打锚杆锚索并架棚加固，离层监测数据正常"),
        T("矿井安全监控系统数据未按规定实时上传", MD, "修复监控系统联网传输故障，落实专人值守。", "传输线路已修复，数据实时上传正常"),
    ],
    "non_coal_mine": [
        T("露天采场台阶高度和坡面角超过设计要求", UC, "按设计削坡分台阶开采，委托有资质单位进行边坡稳定性评估。", "已按设计削坡整形，边坡稳定性评估报告已出具"),
        T("爆破作业未设置警戒区域和警示信号", UA, "严格执行爆破安全规程，设置警戒线并配备专职警戒人员。", "已完善爆破警戒制度，设置警戒标志并配备警戒人员"),
        T("采场作业人员未佩戴安全帽", UA, "加强劳动防护用品管理，对作业人员开展安全教育。", "已为作业人员配发安全帽并开展安全教育"),
        T("尾矿库排洪设施局部堵塞", UC, "立即清理排洪设施，汛期加强巡查。", "已清理排洪井和排洪管，建立汛期巡查记录"),
        T("民用爆炸物品库值班人员未按规定巡查记录", MD, "完善库区值班巡查制度，落实24小时值守。", "已修订值班制度，巡查记录完整"),
    ],
    "hazchem": [
        T("储罐区可燃气体检测报警器超期未检定", UC, "委托有资质机构对可燃气体检测报警器进行检定。", "已完成全部报警器检定，取得检定证书"),
        T("动火作业未办理特殊作业许可票证", UA, "停止违规作业，严格执行特殊作业票证管理制度。", "已对相关人员教育培训，完善作业票证审批流程"),
        T("装卸区静电接地装置损坏", UC, "更换损坏的静电接地装置并检测接地电阻。", "已更换静电接地夹及导线，接地电阻检测合格"),
        T("危险化学品仓库超量储存、混存禁忌物品", MD, "清理超量物品，按禁忌要求分区分类储存。", "已清理超量物品，按禁忌要求分区储存并设置标识"),
        T("重大危险源安全包保责任人未按规定履职", MD, "落实重大危险源包保责任制，按规定开展履职检查。", "已明确包保责任人，补齐履职记录"),
        T("加油站卸油区未设置防溢流措施", UC, "增设卸油防溢阀并完善卸油操作规程。", "已安装防溢阀，卸油操作规程已修订"),
    ],
    "fireworks": [
        T("零售点烟花爆竹超量储存", MD, "立即清理超量产品，按许可限量储存。", "已将超量产品退回批发企业，现存量符合许可要求"),
        T("仓库防雷设施检测超期", UC, "委托有资质单位进行防雷检测。", "已完成防雷检测，取得检测报告"),
        T("库区内违规使用明火和吸烟", UA, "严禁库区烟火，对违规人员教育处理。", "已设置禁烟禁火标志，违规人员已处理并培训"),
        T("仓库温湿度计缺失，未按规定记录", MD, "配备温湿度计，落实每日记录制度。", "已配备温湿度计，每日记录完整"),
        T("搬运作业人员未经安全培训上岗", UA, "组织搬运人员安全培训，考核合格后上岗。", "已组织培训并考核合格"),
    ],
    "industry_trade": [
        T("冲压机未安装光电保护装置", UC, "为冲压设备加装光电保护装置并定期检查。", "已加装光电保护装置，试验有效"),
        T("有限空间作业未执行“先通风、再检测、后作业”", UA, "停止违规作业，严格执行有限空间作业审批和监护制度。", "已完善有限空间作业审批制度，配备检测仪和通风设备"),
        T("车间配电箱未可靠接地，电线私拉乱接", UC, "规范敷设线路，配电箱可靠接地并加装漏电保护。", "已重新敷设线路，配电箱接地和漏电保护检测合格"),
        T("砂轮机防护罩缺失", UC, "为砂轮机加装防护罩和挡屑板。", "已加装防护罩和挡屑板"),
        T("未建立安全生产风险分级管控和隐患排查治理台账", MD, "建立双重预防机制，完善隐患排查治理台账。", "已建立风险分级管控清单和隐患排查台账"),
        T("厂区叉车通道与人行通道未分隔", EN, "施划人车分流标线，设置警示标志。", "已施划人车分流标线并设置警示标志"),
    ],
    "fire": [
        T("疏散通道堆放杂物", UC, "立即清理疏散通道杂物，落实每日防火巡查。", "已清理疏散通道，建立防火巡查记录"),
        T("安全出口上锁，影响人员疏散", MD, "立即打开上锁的安全出口，严禁营业期间锁闭。", "安全出口已改为推闩式逃生门锁"),
        T("室内消火栓无水", UC, "检修消防给水系统，确保消火栓出水压力符合要求。", "已维修消防水泵和管网，消火栓出水正常"),
        T("应急照明灯和疏散指示标志损坏", UC, "更换损坏的应急照明灯和疏散指示标志。", "已更换应急照明灯和疏散指示标志，测试正常"),
        T("电动自行车在楼道内停放充电", UA, "清理楼道内电动自行车，设置集中充电场所。", "已清理楼道，设置集中充电棚"),
        T("消防控制室值班人员未持证上岗", MD, "安排持证人员值班，落实每班两人制度。", "已安排持证人员双人值班"),
    ],
    "road_traffic": [
        T("客运车辆动态监控超速报警未及时处置", MD, "完善动态监控制度，落实专人值守和报警处置记录。", "已配备专职监控员，报警处置记录完整"),
        T("驾驶员未按规定参加岗前安全教育培训", MD, "组织驾驶员安全教育培训并建立培训档案。", "已完成全员培训并建档"),
        T("危险货物运输车辆紧急切断装置失效", UC, "维修紧急切断装置，检测合格后方可上路。", "紧急切断装置已维修并检测合格"),
        T("营运车辆超期未进行综合性能检测", UC, "车辆停运，完成综合性能检测后方可营运。", "车辆已完成综合性能检测，取得检测报告"),
        T("驾驶员疲劳驾驶记录未及时纠正", UA, "对驾驶员教育处理，合理安排排班。", "已调整排班，驾驶员已接受教育"),
    ],
    "construction": [
        T("高处作业临边洞口未设置防护栏杆", UC, "按规范设置临边防护栏杆和洞口盖板。", "已设置防护栏杆和洞口盖板"),
        T("落地式脚手架连墙件设置不足", UC, "按专项方案补设连墙件，组织脚手架验收。", "已补设连墙件，脚手架验收合格"),
        T("塔式起重机力矩限制器失效", UC, "停用塔吊，维修力矩限制器并经检测合格。", "力矩限制器已维修并经检测合格"),
        T("施工现场临时用电未采用TN-S接零保护系统", UC, "按规范改造临时用电系统。", "已改造为TN-S系统，检测合格"),
        T("特种作业人员无证上岗", UA, "停止无证人员作业，安排持证人员上岗。", "已清退无证人员，现场人员均持证上岗"),
        T("施工现场夜间照明不足", EN, "增设照明灯具，保证作业面照度。", "已增设照明灯具"),
    ],
    "special_equipment": [
        T("电梯超期未进行定期检验", MD, "停用电梯，申报定期检验，检验合格后使用。", "电梯已完成定期检验，取得检验合格证"),
        T("压力容器安全阀超期未校验", UC, "委托有资质机构校验安全阀。", "安全阀已校验合格并加铅封"),
        T("叉车司机无证驾驶", UA, "停止无证驾驶，组织司机取证。", "无证人员已停止作业，司机已取得作业人员证"),
        T("起重机械吊钩防脱钩装置失效", UC, "更换吊钩防脱钩装置。", "已更换防脱钩装置"),
        T("锅炉水位表显示模糊不清", UC, "清洗或更换水位表，保证显示清晰。", "已更换水位表，显示清晰"),
    ],
    "gas": [
        T("餐饮场所燃气连接软管过长且老化", UC, "更换为金属波纹管，长度符合规范要求。", "已更换为金属波纹管"),
        T("用气场所未安装可燃气体报警装置", UC, "安装可燃气体报警装置并与切断阀联锁。", "已安装可燃气体报警器及联锁切断阀"),
        T("液化石油气钢瓶超期未检", UC, "停用超期钢瓶，送检或报废。", "超期钢瓶已送检，不合格钢瓶已报废"),
        T("燃气管道阀门井积水、标志缺失", EN, "清理阀门井积水，补设管道标志桩。", "已清理阀门井并补设标志桩"),
        T("瓶装液化气充装未执行充装前后检查制度", MD, "完善充装前后检查制度并建立记录。", "已完善检查制度，充装记录完整"),
    ],
    "other": [
        T("小型水电站压力管道局部渗漏", UC, "对渗漏管段进行修补，加强巡检。", "渗漏管段已修补，巡检记录完整"),
        T("景区游步道护栏松动损坏", UC, "修复加固游步道护栏。", "护栏已修复加固"),
        T("农家乐厨房液化气瓶与灶具间距不足", UC, "调整气瓶位置，保持安全间距。", "已调整气瓶位置"),
        T("汛期临水区域未设置警示标志", EN, "在临水区域设置警示标志和防护设施。", "已设置警示标志和防护栏"),
        T("单位未按规定开展安全生产教育培训", MD, "制定年度培训计划并组织培训。", "已组织全员安全生产教育培训并建档"),
    ],
}

MAJOR_TEMPLATES: dict[str, list[Template]] = {
    "coal_mine": [
        T("瓦斯超限作业", UC, "立即停止作业、撤出人员，查明超限原因，完善通风和瓦斯抽采系统。", "已完善通风系统和瓦斯抽采系统，瓦斯浓度稳定在规定范围内"),
        T("通风系统不完善、不可靠", UC, "按设计完善通风系统，进行通风能力核定。", "已完成通风系统改造并通过通风能力核定"),
    ],
    "non_coal_mine": [
        T("地下矿山安全出口不符合设计要求", UC, "按设计施工第二安全出口，完善避灾路线标识。", "第二安全出口已贯通，避灾路线标识完善"),
        T("露天采场边坡存在滑移现象未采取有效措施", UC, "停止边坡下方作业，委托设计单位制定治理方案并实施监测。", "已完成削坡减载和边坡监测系统建设"),
    ],
    "hazchem": [
        T("涉及重点监管危险化工工艺的装置未实现自动化控制", UC, "按要求实施自动化控制改造，设置安全联锁。", "已完成自动化控制改造，安全联锁投用"),
        T("一级重大危险源罐区未实现紧急切断功能", UC, "增设紧急切断阀并与液位、可燃气体报警联锁。", "已增设紧急切断阀并完成联锁调试"),
    ],
    "fireworks": [
        T("仓库超核定药量储存烟花爆竹", MD, "立即转移超量产品，严格按核定药量储存。", "超量产品已转移，库存符合核定药量"),
    ],
    "industry_trade": [
        T("粉尘涉爆除尘系统未按规定设置泄爆、隔爆装置", UC, "停用除尘系统，按标准加装泄爆、隔爆装置。", "已加装泄爆片和隔爆阀，除尘系统经检测合格"),
        T("有限空间作业未落实审批，作业时无人监护", MD, "停止有限空间作业，建立审批和监护制度，配备检测和救援装备。", "已建立审批和监护制度，配齐检测仪和救援装备"),
    ],
    "fire": [
        T("人员密集场所违规采用易燃可燃材料装修", UC, "拆除易燃可燃装修材料，按规范采用不燃材料重新装修。", "易燃装修材料已拆除，改用A级不燃材料"),
        T("自动喷水灭火系统瘫痪未及时修复", UC, "委托维保单位修复自动喷水灭火系统。", "自动喷水灭火系统已修复并联动测试合格"),
    ],
    "construction": [
        T("深基坑未按专项施工方案进行监测", MD, "停止基坑作业，委托第三方按方案实施监测。", "已委托第三方监测，监测数据在预警值以内"),
        T("高支模工程未编制专项施工方案并经专家论证", MD, "停止高支模施工，编制专项方案并组织专家论证。", "专项方案已通过专家论证，支模架按方案搭设验收"),
    ],
    "special_equipment": [
        T("使用未经定期检验的起重机械", MD, "停用起重机械，检验合格后方可使用。", "起重机械已检验合格"),
    ],
    "gas": [
        T("燃气管道被违章建筑占压", UC, "拆除违章建筑或改迁燃气管道。", "违章建筑已拆除，管道检测无泄漏"),
        T("在地下空间违规使用液化石油气", MD, "立即停止使用，改用电能或管道天然气。", "已停用液化石油气，改用电能"),
    ],
}

# Hazards in public places (no enterprise): the township government is responsible.
PUBLIC_TEMPLATES: list[tuple[str, Template]] = [
    ("road_traffic", T("{place}急弯陡坡路段缺少警示标志和防护栏", EN, "增设警示标志、减速标线和波形护栏。", "已增设警示标志、减速标线和护栏")),
    ("gas", T("{place}老旧小区燃气管道被杂物圈占", UC, "清理圈占物，设置管道警示标志。", "圈占物已清理，警示标志已设置")),
    ("fire", T("{place}沿街门面“三合一”场所住人", MD, "清理住宿人员，实施防火分隔。", "住宿人员已清出，完成防火分隔")),
    ("other", T("{place}河段野泳区域未设置警示牌", EN, "设置防溺水警示牌和救生设施。", "已设置警示牌和救生圈")),
    ("construction", T("{place}农村自建房施工未设置安全防护", UC, "督促施工方搭设防护并办理相关手续。", "已搭设防护设施")),
]

REJECTION_REASONS = (
    "经现场核实，不构成事故隐患。",
    "与已上报隐患重复，已合并处理。",
    "举报情况与现场不符，经核实不存在所述问题。",
    "该问题已在日常检查中发现并整改完毕，不再重复认定。",
)
EXTENSION_REASONS = (
    "所需设备采购周期较长，无法按期完成整改。",
    "受连续降雨天气影响，室外施工无法进行。",
    "需委托有资质单位进行设计，申请延期。",
    "整改涉及停产检修，需结合生产计划统筹安排。",
)
FAIL_COMMENTS = (
    "现场复查发现整改不彻底，部分措施未落实，请继续整改并补充整改后照片。",
    "整改后照片与现场不符，请按整改要求重新整改。",
    "相关制度已修订但未组织培训落实，请继续整改。",
)
MEDIA = ("《邵阳日报》", "湖南卫视《都市1时间》", "红网", "《湖南日报》")


# =========================================================================================
# Hazards: plans (pure, deterministic)
# =========================================================================================

@dataclass
class Step:
    kind: str  # create, on_spot, confirm, reject, list, assign, plan, ext_request, ext_decide, report, verify,
    #            resume_apply, resume_review, sign_off
    day: int  # relative to the hazard's finding while planning; days from today once placed
    opts: dict = field(default_factory=dict)
    minute: int = 0  # minute of the local day
    actor: str = ""


@dataclass
class HazardPlan:
    scenario: str
    county: str
    enterprise: EnterpriseSpec | None
    township: str
    sector: str
    template: Template
    level: str
    source: str
    steps: list[Step]
    listing: str = ""  # "", county, city, province
    production_suspended: bool = False
    upgrade_at_confirm: bool = False
    original_deadline: int | None = None  # days from today
    current_deadline: int | None = None
    seed: int = 0


GENERAL_DAYS = (7, 7, 10, 10, 15, 15, 15, 20, 30, 30, 45)
MAJOR_DAYS = (60, 90, 90, 120)
EXTENSION_DAYS = (7, 10, 15, 20, 30)
OVERDUE_TARGETS = (-1, -1, -2, -3, -4, -5, -6, -8, -9, -12, -16, -20, -25, -33, -45, -60)

# (scenario, count, options) — the whole demo ledger, ~300 hazards.
SCENARIOS: list[tuple[str, int, dict]] = [
    ("on_spot", 36, {}),
    ("signed_off", 2, {"major": True, "listing": "county"}),
    ("signed_off", 1, {"major": True, "listing": "county", "suspended": True, "ext": "approved"}),
    ("signed_off", 1, {"major": True, "listing": "city", "suspended": True}),
    ("signed_off", 1, {"major": True, "listing": "city"}),
    ("signed_off", 1, {"major": True, "listing": "province"}),
    ("signed_off", 1, {"major": True, "listing": "county", "county": "430407"}),
    ("signed_off", 9, {"ext": "approved"}),
    ("signed_off", 2, {"ext": "refused"}),
    ("signed_off", 7, {"fails": 1}),
    ("signed_off", 1, {"fails": 1, "ext": "approved"}),
    ("signed_off", 15, {"late": True}),
    ("signed_off", 99, {}),
    ("verified", 1, {"major": True, "listing": "city", "suspended": True}),  # resume review pending
    ("verified", 1, {"fails": 1}),
    ("verified", 10, {}),
    ("rect_reported", 1, {"major": True, "listing": "county"}),
    ("rect_reported", 2, {"ext": "approved"}),
    ("rect_reported", 1, {"late": True}),
    ("rect_reported", 11, {}),
    ("overdue", 1, {"major": True, "listing": "county", "suspended": True}),
    ("overdue", 3, {"ext": "approved"}),
    ("overdue", 1, {"pending": True}),
    ("overdue", 1, {"ext": "refused"}),
    ("overdue", 1, {"fails": 1}),
    ("overdue", 9, {}),
    ("due_soon", 2, {"ext": "approved"}),
    ("due_soon", 1, {"pending": True}),
    ("due_soon", 5, {}),
    ("rectifying", 1, {"major": True, "listing": "city"}),
    ("rectifying", 1, {"major": True}),
    ("rectifying", 3, {"ext": "approved"}),
    ("rectifying", 2, {"pending": True}),
    ("rectifying", 1, {"ext": "refused"}),
    ("rectifying", 1, {"fails": 1}),
    ("rectifying", 21, {}),
    ("assigned_major", 1, {"major": True, "first_enterprise": True}),
    ("assigned_major", 1, {"major": True, "listing": "county", "suspended": True}),
    ("assigned_major", 2, {"major": True}),
    ("confirmed", 1, {"upgrade": True}),
    ("confirmed", 9, {}),
    ("reported", 20, {}),
    ("rejected", 12, {}),
    # The `enterprise` login's own unit: one hazard overdue, one due soon (its inbox and 待办).
    ("overdue", 1, {"first_enterprise": True, "county": "430522"}),
    ("due_soon", 1, {"first_enterprise": True, "county": "430522"}),
]

COUNTY_WEIGHTS = {"430522": 78, "430407": 9, "431002": 7, "430211": 6}
SOURCE_WEIGHTS = {"inspection": 58, "tipoff": 9, "media": 3, "assigned": 8, "transfer": 8, "grid": 8,
                  "self_report": 6}
RISK_WEIGHT = {RiskColour.RED: 4, RiskColour.ORANGE: 3, RiskColour.YELLOW: 2, RiskColour.BLUE: 1}


def _lifecycle(rng: random.Random, scenario: str, opts: dict) -> tuple[list[Step], int | None, int | None]:
    """Steps of one hazard with days counted from its finding (day 0); returns the steps and
    the original and current deadline days."""
    major = opts.get("major", False)
    steps = [Step("create", 0)]
    if scenario == "on_spot":
        return [Step("on_spot", 0)], None, None
    if scenario == "reported":
        return steps, None, None
    d = rng.choice((0, 0, 1, 1, 2))
    if scenario == "rejected":
        return steps + [Step("reject", d)], None, None
    steps.append(Step("confirm", d))
    if scenario == "confirmed":
        return steps, None, None
    if opts.get("listing"):
        d += rng.randint(0, 3)
        steps.append(Step("list", d))
    d += rng.randint(0, 2)
    assign = d
    steps.append(Step("assign", assign))
    span = rng.choice(MAJOR_DAYS if major else GENERAL_DAYS)
    original = current = assign + span
    if scenario == "assigned_major":
        return steps, original, current
    cur = assign
    if major:
        cur = assign + rng.randint(3, 10)
        steps.append(Step("plan", cur))
    ext = opts.get("ext")
    if ext:
        low = max(cur + 1, assign + span // 2)
        request = rng.randint(low, max(low, original - 1))
        decide = request + rng.randint(0, 2)
        extra = rng.choice(EXTENSION_DAYS)
        steps.append(Step("ext_request", request, {"extra": extra}))
        steps.append(Step("ext_decide", decide, {"approve": ext == "approved"}))
        if ext == "approved":
            current = original + extra
        cur = decide
    reports = opts.get("fails", 0) + (1 if scenario in ("rect_reported", "verified", "signed_off") else 0)
    for n in range(reports):
        if n == 0:
            if opts.get("late"):
                report = current + rng.randint(1, 10)
            else:
                low = max(cur + 1, assign + span // 3)
                report = rng.randint(low, max(low, current))
        else:
            report = cur + rng.randint(2, 8)
        steps.append(Step("report", report))
        cur = report + rng.randint(1, 4)
        passed = n == reports - 1 and scenario in ("verified", "signed_off")
        if n < reports - 1 or passed:
            steps.append(Step("verify", cur, {"passed": passed}))
        elif scenario in ("rectifying", "overdue", "due_soon"):
            steps.append(Step("verify", cur, {"passed": False}))
    if scenario == "signed_off":
        steps.append(Step("sign_off", cur + rng.randint(1, 6)))
    return steps, original, current


def _place(rng: random.Random, scenario: str, opts: dict) -> tuple[list[Step], int | None, int | None]:
    """Plan a lifecycle and move it to absolute days (today = 0) so that every event lies on a
    past day (yesterday at the latest) and within MAX_AGE_DAYS, and deadlines land where the
    scenario wants them (overdue, due within 3 days, ...)."""
    for _ in range(500):
        steps, original, current = _lifecycle(rng, scenario, opts)
        last = max(s.day for s in steps)
        if scenario in ("overdue", "due_soon", "rectifying"):
            if scenario == "overdue":
                target = rng.choice(OVERDUE_TARGETS)
            elif scenario == "due_soon":
                target = rng.randint(1, 3)
            else:
                target = rng.randint(20, 80) if opts.get("major") else rng.randint(4, 28)
            shift = target - current
        elif scenario in ("signed_off", "rejected", "on_spot"):
            if last + 1 > MAX_AGE_DAYS:
                continue
            shift = -rng.randint(last + 1, MAX_AGE_DAYS)
        else:
            # Open items waiting for someone: their last step was recent.
            recent = {"reported": 12, "confirmed": 8, "assigned_major": 6, "rect_reported": 10, "verified": 6}
            shift = -rng.randint(1, recent[scenario]) - last
        if last + shift > -1 or shift < -MAX_AGE_DAYS:
            continue
        pending_day = None
        if opts.get("pending"):
            pending_day = max(last + shift, -rng.randint(1, 3))
            if pending_day > -1:
                continue
        for step in steps:
            step.day += shift
        if pending_day is not None:
            steps.append(Step("ext_request", pending_day, {"extra": rng.choice(EXTENSION_DAYS), "pending": True}))
        return steps, (original + shift if original is not None else None), (
            current + shift if current is not None else None)
    raise RuntimeError(f"could not place a {scenario} hazard {opts}")


def _clock(rng: random.Random, steps: list[Step]) -> None:
    """Minutes of the day, increasing within a day, in working hours."""
    previous_day, minute = None, 0
    for step in steps:
        if step.day != previous_day:
            minute = rng.randint(8 * 60, 16 * 60 + 30)
        else:
            minute = min(minute + rng.randint(10, 75), 23 * 60 + 50)
        step.minute = minute
        previous_day = step.day


def build_hazard_plans(enterprises: list[EnterpriseSpec]) -> list[HazardPlan]:
    """The demo ledger as plans, ordered by the day the hazard was found."""
    rng = _rng("hazards")
    by_county: dict[str, list[EnterpriseSpec]] = {}
    for e in enterprises:
        by_county.setdefault(e.county, []).append(e)
    first = enterprises[0]
    grid_town = next(u.region for u in DEMO_USERS if u.username == "grid")
    plans: list[HazardPlan] = []
    for scenario, count, opts in SCENARIOS:
        for _ in range(count):
            major = opts.get("major", False)
            county = opts.get("county") or ("430522" if major else rng.choices(
                list(COUNTY_WEIGHTS), weights=list(COUNTY_WEIGHTS.values()))[0])
            source = rng.choices(list(SOURCE_WEIGHTS), weights=list(SOURCE_WEIGHTS.values()))[0]
            if scenario == "rejected":
                source = rng.choice(("tipoff", "tipoff", "grid", "inspection", "media"))
            if opts.get("first_enterprise"):
                source = "inspection"
            if county != "430522" and source in ("grid", "self_report"):
                source = "inspection"  # the grid worker and the enterprise login are in 新邵县
            if major and source in ("grid", "self_report"):
                source = "inspection"
            if scenario == "on_spot" and source in ("assigned", "transfer", "media", "tipoff", "grid", "self_report"):
                source = "inspection"  # 立行立改 is recorded by a regulator on site

            enterprise: EnterpriseSpec | None
            public = (not major and not opts.get("upgrade") and source in ("tipoff", "grid", "inspection")
                      and rng.random() < 0.07)
            if opts.get("first_enterprise") or source == "self_report":
                enterprise = first
            elif public:
                enterprise = None
            else:
                pool = by_county[county]
                if source == "grid":
                    pool = [e for e in pool if e.township == grid_town]
                if major or opts.get("upgrade"):
                    pool = [e for e in pool if e.sector in MAJOR_TEMPLATES] or [
                        e for e in by_county[county] if e.sector in MAJOR_TEMPLATES]
                enterprise = rng.choices(pool, weights=[RISK_WEIGHT[e.risk_colour] for e in pool])[0]
            if enterprise is not None:
                sector, township = enterprise.sector, enterprise.township
                templates = MAJOR_TEMPLATES[sector] if major else GENERAL_TEMPLATES[sector]
                template = rng.choice(templates)
            else:
                sector, template = rng.choice(PUBLIC_TEMPLATES)
                if source == "grid":
                    township = grid_town
                else:
                    township = rng.choice(_townships_of(county))[0]
                place = dict(TOWNSHIPS)[township]
                template = Template(template.title.format(place=place), template.category, template.measures,
                                    template.done)
            if opts.get("upgrade"):
                # Reported as general, judged major by the supervisor (重大事故隐患判定标准).
                template = rng.choice(MAJOR_TEMPLATES[sector])

            steps, original, current = _place(rng, scenario, opts)
            _clock(rng, steps)
            if opts.get("suspended") and scenario in ("verified", "signed_off"):
                _with_resume_review(steps, reviewed=scenario == "signed_off")
            plan = HazardPlan(
                scenario=scenario, county=county, enterprise=enterprise, township=township, sector=sector,
                template=template, level="major" if major else "general", source=source, steps=steps,
                listing=opts.get("listing", ""), production_suspended=opts.get("suspended", False),
                upgrade_at_confirm=opts.get("upgrade", False), original_deadline=original,
                current_deadline=current, seed=rng.randrange(1 << 30),
            )
            _cast(plan, rng, first.credit_code)
            plans.append(plan)
    plans.sort(key=lambda p: (p.steps[0].day, p.steps[0].minute))
    return plans


def _with_resume_review(steps: list[Step], *, reviewed: bool) -> None:
    """A major hazard under 停产停业 applies to resume right after reporting its rectification
    (with the assessment report) and, when `reviewed`, passes the on-site review right after the
    verification: within the 10 days and before the sign-off, which the services refuse until
    then. No random draws here, so the rest of the demo ledger stays as it was."""
    report = max(i for i, s in enumerate(steps) if s.kind == "report")
    steps.insert(report + 1, Step("resume_apply", steps[report].day, minute=steps[report].minute + 1))
    if reviewed:
        verify = max(i for i, s in enumerate(steps) if s.kind == "verify")
        steps.insert(verify + 1, Step("resume_review", steps[verify].day, minute=steps[verify].minute + 1))


COUNTY_STAFF = {
    # county: (inspectors, supervisor)
    "430522": (("inspector", "inspector3"), "supervisor"),
    "430407": (("inspector2",), "shigu_supervisor"),
    "431002": (("beihu_inspector",), "beihu_supervisor"),
    "430211": (("tianyuan_inspector",), "tianyuan_supervisor"),
}


def _cast(plan: HazardPlan, rng: random.Random, first_code: str) -> None:
    """Who does each step. The rules the services enforce decide most of it: supervisors
    confirm, assign, decide extensions and sign off; the verifier is never the person who
    reported the rectification; listed major hazards are signed off at their listing level."""
    inspectors, supervisor = COUNTY_STAFF[plan.county]
    own_enterprise = plan.enterprise is not None and plan.enterprise.credit_code == first_code
    if plan.source == "self_report":
        finder = "enterprise"
    elif plan.source == "grid":
        finder = "grid"
    elif plan.source == "assigned" and plan.county == "430522":
        finder = "city"  # handed down by the city and entered there
    elif plan.source in ("tipoff", "media", "transfer", "assigned"):
        finder = supervisor
    else:
        finder = rng.choice(inspectors) if len(inspectors) > 1 and rng.random() < 0.4 else inspectors[0]
    tracker = finder if finder in inspectors else inspectors[0]
    if own_enterprise:
        reporter = "enterprise"
    elif len(inspectors) > 1:
        # Inspectors enter the enterprise's written report; mostly inspector3, so that the
        # `inspector` login has verifications waiting.
        reporter = "inspector3" if rng.random() < 0.65 else "inspector"
    else:
        reporter = supervisor
    if reporter == "enterprise":
        verifier = "inspector" if rng.random() < 0.75 else "inspector3"
    elif reporter in inspectors:
        verifier = next(i for i in inspectors if i != reporter)
    else:
        verifier = inspectors[0]
    signer = {"city": "city", "province": "admin"}.get(plan.listing, supervisor)
    lister = {"county": supervisor, "city": "city", "province": "admin"}.get(plan.listing, supervisor)
    plan_submitter = "enterprise" if own_enterprise else tracker
    for step in plan.steps:
        step.actor = {
            "create": finder, "on_spot": finder, "confirm": supervisor, "reject": supervisor, "list": lister,
            "assign": supervisor, "plan": plan_submitter, "ext_request": plan_submitter, "ext_decide": supervisor,
            "report": reporter, "verify": verifier, "resume_apply": reporter, "resume_review": signer,
            "sign_off": signer,
        }[step.kind]
    plan.steps[0].opts["tracker"] = tracker


# =========================================================================================
# Hazards: playing the plans through the services
# =========================================================================================

def _local(day: int, minute: int, today: datetime.date) -> datetime.datetime:
    date = today + datetime.timedelta(days=day)
    naive = datetime.datetime.combine(date, datetime.time(minute // 60, minute % 60))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low // 100, high // 100) * 100)


class _Player:
    """Plays one HazardPlan through hazards.services, then backdates it."""

    def __init__(self, plan: HazardPlan, users: dict[str, User], enterprises: dict[str, Enterprise],
                 today: datetime.date, counters: dict, backdating: "_Backdating"):
        self.plan, self.users, self.today, self.counters = plan, users, today, counters
        self.backdating = backdating
        self.enterprise = enterprises[plan.enterprise.credit_code] if plan.enterprise else None
        self.rng = random.Random(plan.seed)
        self.hazard = None
        self.times: list[datetime.datetime] = []
        self.date_map: dict[str, str] = {}  # surrogate deadline (ISO) -> real deadline (ISO)
        self.surrogate = today + datetime.timedelta(days=1000)
        self.photo_no = 0

    # -- helpers -----------------------------------------------------------------------
    def _photos(self, n: int, *, after: bool) -> list:
        files = []
        for _ in range(n):
            self.photo_no += 1
            label = "整改后" if after else "现场"
            files.append(demo_jpeg(self.rng, after=after, name=f"{label}照片{self.photo_no}.jpg"))
        return files

    def _deadline(self, real_day: int) -> datetime.date:
        """A future stand-in for a real deadline (services only accept future ones); mapped
        back to the real date afterwards."""
        self.surrogate += datetime.timedelta(days=1)
        self.date_map[self.surrogate.isoformat()] = (self.today + datetime.timedelta(days=real_day)).isoformat()
        return self.surrogate

    def _doc_no(self, kind: str, level: str, day: int) -> str:
        year = (self.today + datetime.timedelta(days=day)).year
        key = (kind, level, self.plan.county if level == "county" else self.plan.county[:4], year)
        self.counters[key] = self.counters.get(key, 0) + 1
        short = {"430522": "新", "430407": "石", "431002": "北", "430211": "天",
                 "4305": "邵", "4304": "衡", "4310": "郴", "4302": "株"}
        issuer = "湘" if level == "province" else short[key[2]]
        return f"{issuer}安委办{kind}〔{year}〕{self.counters[key]}号"

    def _call(self, fn, step: Step, **kwargs):
        result = fn(hazard_id=self.hazard.pk, actor=self.users[step.actor],
                    expected_version=self.hazard.version, **kwargs)
        self.hazard = result if isinstance(result, Hazard) else result.hazard
        self.times.append(_local(step.day, step.minute, self.today))

    # -- the story ---------------------------------------------------------------------
    def play(self) -> None:
        plan, rng = self.plan, self.rng
        t = plan.template
        e = self.enterprise
        town = dict(TOWNSHIPS)[plan.township]
        funds_planned = _money(rng, 100_000, 3_000_000) if plan.level == "major" else _money(rng, 500, 60_000)
        for step in plan.steps:
            at = _local(step.day, step.minute, self.today)
            if step.kind in ("create", "on_spot"):
                self._create(step, at, town)
            elif step.kind == "confirm":
                major_now = plan.upgrade_at_confirm or plan.level == "major"
                self._call(services.hazard_confirm, step, level="major" if plan.upgrade_at_confirm else None,
                           comment="经审核，认定为重大事故隐患，督促单位制定治理方案。" if major_now
                           else "经审核，认定为一般事故隐患。")
            elif step.kind == "reject":
                self._call(services.hazard_reject, step, reason=rng.choice(REJECTION_REASONS))
            elif step.kind == "list":
                level_name = {"county": "县级", "city": "市级", "province": "省级"}[plan.listing]
                self._call(services.hazard_list_for_supervision, step, listing_level=plan.listing,
                           doc_no=self._doc_no("督", plan.listing, step.day), listing_date=at.date(),
                           production_suspended=plan.production_suspended,
                           comment=f"列入{level_name}挂牌督办" + ("，责令局部停产整改。" if plan.production_suspended else "。"))
            elif step.kind == "assign":
                person = e.contact_name if e else person_name(rng)
                self._call(services.hazard_assign, step,
                           responsible_unit=e.name if e else f"{town}{'办事处' if town.endswith('街道') else '人民政府'}",
                           responsible_person=person, responsible_phone=e.contact_phone if e else phone_number(rng),
                           measures=t.measures, deadline=self._deadline(plan.original_deadline),
                           funds_planned=funds_planned, assigned_inspector=self.users[plan.steps[0].opts["tracker"]],
                           comment="下达整改指令书，请按期完成整改并申请复查。")
            elif step.kind == "plan":
                self._call(services.hazard_submit_plan, step, plan={
                    "goals_and_tasks": f"彻底消除“{t.title}”重大事故隐患，确保整改期间不发生生产安全事故。",
                    "methods_and_measures": t.measures,
                    "funds_and_materials": f"落实整改资金{funds_planned}元，所需设备材料已列入采购计划。",
                    "people_in_charge": f"主要负责人{e.contact_name if e else '乡镇主要负责人'}任组长，安全、设备、生产部门负责人为成员。",
                    "time_limits": "按交办期限完成，分阶段倒排工期，每周报告进度。",
                    "safety_and_emergency": "整改期间落实现场监护和警戒，编制专项应急预案并组织演练。",
                }, comment="提交重大事故隐患治理方案。")
            elif step.kind == "ext_request":
                days = step.opts["extra"]
                base = plan.current_deadline if step.opts.get("pending") else plan.original_deadline
                self._call(services.hazard_request_extension, step,
                           requested_deadline=self._deadline(base + days), reason=rng.choice(EXTENSION_REASONS))
            elif step.kind == "ext_decide":
                if step.opts["approve"]:
                    self._call(services.hazard_decide_extension, step, approve=True,
                               comment="同意延期，请在延长期限内完成整改。")
                else:
                    self._call(services.hazard_decide_extension, step, approve=False,
                               comment="延期理由不充分，请按原期限完成整改。")
            elif step.kind == "report":
                major = plan.level == "major" or plan.upgrade_at_confirm
                spent = (funds_planned * Decimal(rng.randint(80, 120)) / 100).quantize(Decimal("1"))
                self._call(services.hazard_report_rectification, step,
                           report=f"{t.done}。", after_photos=self._photos(1 + (rng.random() < 0.3), after=True),
                           funds_spent=spent,
                           assessment_report=(f"经委托第三方机构评估，“{t.title}”已整改到位，安全设施运行正常，"
                                              "具备恢复生产条件。") if major else "",
                           documents=[demo_pdf("整改评估报告.pdf")] if major else [])
            elif step.kind == "verify":
                passed = step.opts["passed"]
                self._call(services.hazard_verify, step, passed=passed,
                           comment="经现场复查，整改措施已落实到位，同意通过。" if passed else rng.choice(FAIL_COMMENTS),
                           photos=self._photos(1, after=True) if passed and rng.random() < 0.3 else [])
            elif step.kind == "resume_apply":
                self._call(services.hazard_apply_resume, step,
                           content=f"“{t.title}”已整改完毕，经第三方机构评估具备安全生产条件，申请恢复生产。")
            elif step.kind == "resume_review":
                self._call(services.hazard_review_resume, step, passed=True,
                           opinion="经现场审查，整改措施落实到位，同意恢复生产。")
            elif step.kind == "sign_off":
                self._call(services.hazard_sign_off, step, comment="整改到位，同意销号。")
            else:  # pragma: no cover
                raise ValueError(step.kind)
        self._backdate()

    def _create(self, step: Step, at: datetime.datetime, town: str) -> None:
        plan, rng, e, t = self.plan, self.rng, self.enterprise, self.plan.template
        data = {
            "title": t.title, "category": t.category, "source": plan.source,
            "level": "general" if plan.upgrade_at_confirm else plan.level, "found_at": at,
        }
        where = e.name if e else town
        intro = {
            "inspection": f"日常检查中发现{where}", "tipoff": f"群众通过12350举报热线反映{where}",
            "media": f"{rng.choice(MEDIA)}报道{where}", "assigned": f"上级安委会办公室交办：{where}",
            "transfer": f"相关部门移送线索：{where}", "self_report": f"企业自查发现本单位",
            "grid": f"网格员巡查发现{where}",
        }[plan.source]
        data["description"] = f"{intro}存在“{t.title}”问题，不符合安全生产法律法规和标准规范的要求。"
        if e:
            data.update(enterprise=e, address=e.address,
                        latitude=(e.latitude + Decimal(rng.randint(-800, 800)) / 1_000_000),
                        longitude=(e.longitude + Decimal(rng.randint(-800, 800)) / 1_000_000))
        else:
            lat, lon = township_centre(plan.township)
            data.update(region=Region.objects.get(code=plan.township),
                        address=f"{COUNTY_INFO[plan.county][0]}{town}{rng.choice(VILLAGES)}村",
                        latitude=Decimal(f"{lat + rng.uniform(-0.01, 0.01):.6f}"),
                        longitude=Decimal(f"{lon + rng.uniform(-0.01, 0.01):.6f}"), sector=Sector.objects.get(
                            code=plan.sector))
        year = at.year
        if plan.source == "tipoff":
            data["source_reference"] = f"12350-{at:%Y%m%d}-{rng.randint(1, 99):03d}"
        elif plan.source == "media":
            data["source_reference"] = f"{at.month}月{at.day}日报道"
        elif plan.source == "assigned":
            data["source_reference"] = self._doc_no("交", "city", step.day)
        elif plan.source == "transfer":
            name = department_name_for(plan.county, plan.sector)
            if name == EMERGENCY:
                name = "市场监督管理局"
            data["source_department"] = Department.objects.get(region_id=plan.county, name=name)
            data["source_reference"] = f"移送函〔{year}〕{rng.randint(1, 60)}号"
        actor = self.users[step.actor]
        if step.kind == "on_spot":
            self.hazard = services.hazard_create(
                actor=actor, data=data, before_photos=self._photos(1, after=False), rectified_on_spot=True,
                after_photos=self._photos(1, after=True), on_spot_note=f"现场立行立改：{t.done}。")
            self.times += [at, at + datetime.timedelta(minutes=rng.randint(5, 40))]
        else:
            self.hazard = services.hazard_create(actor=actor, data=data,
                                                 before_photos=self._photos(1 + (rng.random() < 0.3), after=False))
            self.times.append(at)

    def _remap(self, value):
        if isinstance(value, str):
            return self.date_map.get(value, value)
        if isinstance(value, list):
            return [self._remap(v) for v in value]
        if isinstance(value, dict):
            return {k: self._remap(v) for k, v in value.items()}
        return value

    def _backdate_resume(self, applied_at: datetime.datetime | None, reviewed_at: datetime.datetime | None) -> None:
        """The application to resume (and its review) on their planned days; the dates the
        services wrote into the events' changes (due date, review date: from today) follow."""
        if applied_at is None:
            return
        application = ResumeApplication.objects.get(hazard=self.hazard)
        applied_on = timezone.localtime(applied_at).date()
        fields = {"submitted_at": applied_at, "review_due": resume_review_due(applied_on)}
        self.date_map[application.review_due.isoformat()] = fields["review_due"].isoformat()
        if reviewed_at is not None:
            fields.update(reviewed_at=reviewed_at, review_date=timezone.localtime(reviewed_at).date())
            self.date_map[application.review_date.isoformat()] = fields["review_date"].isoformat()
        ResumeApplication.objects.filter(pk=application.pk).update(**fields)

    def _backdate(self) -> None:
        """SEED DATA ONLY. The services stamped every step with "now" and were given future
        stand-in deadlines; move timestamps and deadlines to the planned (past) ones. The order
        of events, their actors and contents stay as the services wrote them."""
        hazard = self.hazard
        events = list(HazardEvent.objects.filter(hazard=hazard).order_by("id").values_list("id", "action", "changes"))
        if len(events) != len(self.times):  # pragma: no cover - a bug in the plan, not in the data
            raise RuntimeError(f"{hazard.code}: {len(events)} events, {len(self.times)} planned times")
        timeline = [(action, at) for (_pk, action, _c), at in zip(events, self.times)]

        def last(*actions):
            times = [at for action, at in timeline if action in actions]
            return times[-1] if times else None

        self._backdate_resume(last("resume_applied"), last("resume_approved", "resume_refused"))
        at_by_event = {}
        for (pk, _action, changes), at in zip(events, self.times):
            at_by_event[pk] = at
            self.backdating.events.append((at, self._remap(changes), pk))
        for pk, event_id in Attachment.objects.filter(hazard=hazard).values_list("id", "event_id"):
            self.backdating.attachments.append((at_by_event[event_id], pk))

        def real(d: datetime.date | None) -> datetime.date | None:
            return d and datetime.date.fromisoformat(self.date_map.get(d.isoformat(), d.isoformat()))

        fields = {
            "found_at": self.times[0], "created_at": self.times[0], "updated_at": self.times[-1],
            "confirmed_at": last("confirmed", "rejected"), "assigned_at": last("assigned"),
            "rectification_reported_at": last("rectification_reported", "rectified_on_spot"),
            "verified_at": last("verified", "rectified_on_spot") if hazard.verified_by_id else None,
            "signed_off_at": last("signed_off", "rectified_on_spot"),
            "original_deadline": real(hazard.original_deadline), "current_deadline": real(hazard.current_deadline),
        }
        if hazard.rectified_on_spot:
            fields["original_deadline"] = fields["current_deadline"] = timezone.localtime(self.times[0]).date()
        Hazard.objects.filter(pk=hazard.pk).update(**fields)
        plan_at = last("plan_submitted")
        if plan_at:
            RectificationPlan.objects.filter(hazard=hazard).update(submitted_at=plan_at)
        asked = [at for action, at in timeline if action == "extension_requested"]
        if asked:
            decided = [at for action, at in timeline if action in ("extension_approved", "extension_refused")]
            requests = list(ExtensionRequest.objects.filter(hazard=hazard).order_by("id"))
            for n, request in enumerate(requests):
                request.requested_at = asked[n]
                request.decided_at = decided[n] if request.decided_by_id else None
                request.previous_deadline = real(request.previous_deadline)
                request.requested_deadline = real(request.requested_deadline)
                request.approved_deadline = real(request.approved_deadline)
            ExtensionRequest.objects.bulk_update(requests, [
                "requested_at", "decided_at", "previous_deadline", "requested_deadline", "approved_deadline"])


class _Backdating:
    """Event and attachment times collected over the whole run and written at the end with one
    executemany per table: ~1,400 events one by one would be most of the seed's time."""

    def __init__(self):
        self.events: list[tuple] = []
        self.attachments: list[tuple] = []

    def flush(self) -> None:
        connection = connections[HazardEvent.objects.db]
        at_field, changes_field = HazardEvent._meta.get_field("at"), HazardEvent._meta.get_field("changes")
        uploaded_field = Attachment._meta.get_field("uploaded_at")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The events table is append-only (hazards migration 0002); seed data alone may
                # backdate, for this transaction only.
                cursor.execute("SET LOCAL hazardtrack.allow_event_rewrite = 'on'")
            cursor.executemany(
                f"UPDATE {HazardEvent._meta.db_table} SET at = %s, changes = %s WHERE id = %s",
                [(at_field.get_db_prep_value(at, connection), changes_field.get_db_prep_value(changes, connection), pk)
                 for at, changes, pk in self.events],
            )
            cursor.executemany(
                f"UPDATE {Attachment._meta.db_table} SET uploaded_at = %s WHERE id = %s",
                [(uploaded_field.get_db_prep_value(at, connection), pk) for at, pk in self.attachments],
            )
        self.events.clear()
        self.attachments.clear()


def demo_hazards_exist() -> bool:
    return Hazard.objects.filter(found_by__username__in=DEMO_USERNAMES).exists()


def seed_hazards(enterprise_specs: list[EnterpriseSpec], log: Log | None = None) -> int:
    """Play every plan through the services. Returns the number of hazards created."""
    plans = build_hazard_plans(enterprise_specs)
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    enterprises = {e.credit_code: e for e in Enterprise.objects.filter(
        credit_code__in=[s.credit_code for s in enterprise_specs]).select_related("region", "sector")}
    today = timezone.localdate()
    counters: dict = {}
    backdating = _Backdating()
    for n, plan in enumerate(plans, 1):
        _Player(plan, users, enterprises, today, counters, backdating).play()
        if log and n % 100 == 0:
            log(f"  … 已生成 {n}/{len(plans)} 条隐患")
    backdating.flush()
    return len(plans)


# =========================================================================================
# The whole seed, and its report
# =========================================================================================

@dataclass
class SeedResult:
    created: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def seed_demo(log: Log | None = None) -> SeedResult:
    """Seed everything that is missing. Safe to run any number of times."""
    log = log or (lambda message: None)
    result = SeedResult()
    specs = build_enterprises()

    def section(name: str, label: str, fn, skip_reason: str | None = None):
        if skip_reason:
            result.skipped.append(name)
            log(f"{label}：{skip_reason}，跳过。")
            return
        started = time.monotonic()
        with transaction.atomic():
            created = fn()
        result.created[name] = created
        result.seconds[name] = time.monotonic() - started
        log(f"{label}：新建 {created} 条（{result.seconds[name]:.1f} 秒）。")

    section("regions", "行政区划", seed_regions)
    section("departments", "监管部门", seed_departments)
    section("enterprises", "生产经营单位", lambda: seed_enterprises(specs))
    section("users", "演示账号", lambda: seed_users(specs[0].credit_code))
    section("hazards", "隐患", lambda: seed_hazards(specs, log),
            skip_reason="已存在演示隐患" if demo_hazards_exist() else None)
    section("inspections", "监督检查", inspections_demo.seed_inspections)
    section("supervision", "统计报告订阅与月报", seed_supervision)
    section("tipoffs", "群众举报", seed_tipoffs, skip_reason="已存在演示举报" if demo_tipoffs_exist() else None)
    section("incidents", "生产安全事故", seed_incidents)
    section("imports", "Excel导入示例", seed_imports)
    _seed_last_night(result, log)
    return result


def _seed_last_night(result: SeedResult, log: Log) -> None:
    """Leave the demo as after last night's run, so every role's inbox shows real notices. The
    job owns its transaction (durable), so it runs outside section(); once per day."""
    today = local_today()
    if EscalationRun.objects.filter(as_of=today, dry_run=False, status=RunStatus.SUCCEEDED).exists():
        result.skipped.append("escalation")
        log("逾期督办：今日已运行，跳过。")
        return
    started = time.monotonic()
    run = run_escalation(as_of=today, trigger=RunTrigger.COMMAND)
    result.created["escalation"] = run.notices_total
    result.seconds["escalation"] = time.monotonic() - started
    log(f"逾期督办：新建提醒/督办通知 {run.notices_total} 条（{result.seconds['escalation']:.1f} 秒）。")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(str(row[i])) for row in [headers] + rows) for i in range(len(headers))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(_pad(h, w) for h, w in zip(headers, widths)), line]
    out += ["  ".join(_pad(str(c), w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join(out)


def summary_text() -> str:
    """Counts of what the database holds now (not only what this run created)."""
    regions = dict(Region.objects.values_list("level").annotate(n=Count("code")))
    colours = dict(Enterprise.objects.values_list("risk_colour").annotate(n=Count("id")))
    statuses = dict(Hazard.objects.values_list("status").annotate(n=Count("id")))
    hazards = Hazard.objects.all()
    rows = [
        ["行政区划", f"省 {regions.get('province', 0)}，市州 {regions.get('city', 0)}，县市区 {regions.get('county', 0)}，"
                    f"乡镇街道 {regions.get('township', 0)}"],
        ["监管部门", str(Department.objects.count())],
        ["生产经营单位", f"{Enterprise.objects.count()}（红 {colours.get('red', 0)}，橙 {colours.get('orange', 0)}，"
                       f"黄 {colours.get('yellow', 0)}，蓝 {colours.get('blue', 0)}）"],
        ["用户", str(User.objects.count())],
        ["隐患", str(hazards.count())],
    ]
    rows += [[f"  {label}", str(statuses.get(value, 0))] for value, label in HazardStatus.choices]
    rows += [
        ["  其中立行立改", str(hazards.filter(rectified_on_spot=True).count())],
        ["  重大隐患 / 挂牌督办", f"{hazards.filter(level='major').count()} / {hazards.exclude(listing_level='').count()}"],
        ["  逾期 / 3日内到期", f"{hazards.overdue().count()} / {hazards.due_soon().count()}"],
        ["  延期申请（批准/不批准/待审批）",
         " / ".join(str(ExtensionRequest.objects.filter(status=s).count()) for s in ("approved", "refused", "pending"))],
        ["隐患事件 / 附件", f"{HazardEvent.objects.count()} / {Attachment.objects.count()}"],
    ]
    return format_table(["项目", "数量"], rows)


def logins_text() -> str:
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)
             .select_related("region", "department__region", "enterprise")}
    rows = []
    for spec in DEMO_USERS:
        user = users.get(spec.username)
        if user is None:
            continue
        where = user.enterprise.name if user.enterprise else str(user.department or "") or (
            user.region.name if user.region else "")
        rows.append([user.username, DEMO_PASSWORD, user.get_role_display(), user.full_name,
                     f"{user.region.name}（{user.region_id}）" if user.region else "—", where, spec.note])
    return format_table(["用户名", "密码", "角色", "姓名", "辖区", "部门/单位", "说明"], rows)
