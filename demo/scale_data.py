"""Row generators for the provincial data set (`manage.py seed_scale`): pure functions of the
seed and the as-of date, producing COPY text lines. Loading them is `demo.scale`'s job.

Distributions (see docs/scaling.md): hazards over five years with ~20 %/year growth, fewer on
weekends; ~1 % major; sources mostly inspections; ~85 % signed off, the rest open (more of
them the younger they are), ~1 % rejected; a quarter of the closable general hazards found in
inspections are 立行立改; ~5 % of assigned hazards asked for an extension; ~10 % of the closed
ones closed after their deadline.
"""
from __future__ import annotations

import bisect
import datetime
import math
import random
from dataclasses import dataclass, field

from accounts.choices import RiskColour, Role
from accounts.region_data import CITIES, COUNTIES, PROVINCE, TOWNSHIPS
from accounts.validators import CREDIT_CODE_CHARS, credit_code_check_char

from .seed import (
    EXTENSION_REASONS,
    GENERAL_TEMPLATES,
    GIVEN_NAMES,
    MAJOR_TEMPLATES,
    PHONE_PREFIXES,
    PUBLIC_TEMPLATES,
    REJECTION_REASONS,
    ROADS,
    SECTOR_RISK,
    SECTOR_SUFFIXES,
    SURNAMES,
    TRADE_NAMES,
    VILLAGES,
)

NULL = r"\N"
TZ = "+08"  # Asia/Shanghai, written into every timestamp
YEARS = 5
PASSWORD = "scale12345"

# Share of enterprises per sector (行业领域).
SECTOR_SHARES = {
    "industry_trade": 34, "fire": 20, "construction": 8, "road_traffic": 7, "hazchem": 6, "special_equipment": 6,
    "gas": 5, "other": 6, "non_coal_mine": 4, "fireworks": 3, "coal_mine": 1,
}
SOURCE_WEIGHTS = (("inspection", 58), ("self_report", 12), ("grid", 8), ("assigned", 7), ("transfer", 6),
                  ("tipoff", 7), ("media", 2))
GENERAL_DAYS = (7, 7, 10, 10, 15, 15, 15, 20, 30, 30, 45)
MAJOR_DAYS = (60, 90, 90, 120, 180)
EXTENSION_DAYS = (7, 10, 15, 20, 30, 45)
AREAS = ("生产车间", "仓库", "配电房", "锅炉房", "办公楼", "员工宿舍", "装卸区", "罐区", "厨房", "地下室", "楼梯间",
         "屋顶平台", "停车场", "原料库", "成品库", "污水处理站", "空压机房", "危废暂存间", "门卫室", "食堂")
RISKS = ("火灾", "爆炸", "触电", "机械伤害", "高处坠落", "中毒和窒息", "物体打击", "车辆伤害", "坍塌", "淹溺", "灼烫",
         "起重伤害")
DEPARTMENTS = ("应急管理局", "住房和城乡建设局", "交通运输局", "市场监督管理局", "消防救援大队")
TOWN_WORDS = ("东", "西", "南", "北", "新", "长", "大", "石", "龙", "白", "青", "金", "高", "马", "花", "桥", "塘",
              "铺", "坪", "山", "湾", "溪", "田", "岭", "江", "湖", "源", "峰", "林", "泉")


def esc(value: str) -> str:
    """COPY text format: our vocabulary has no tabs or newlines, but names may grow; be safe."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def ts(day0: datetime.date, days: float) -> str:
    """`days` after local midnight of `day0`, as an Asia/Shanghai timestamp literal."""
    d = day0 + datetime.timedelta(days=math.floor(days))
    seconds = int((days - math.floor(days)) * 86400)
    return f"{d.isoformat()} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{TZ}"


@dataclass
class Config:
    hazards: int
    seed: int
    as_of: datetime.date  # the night the benchmark's escalation run is for; data is "as of the evening before"
    enterprises: int = 0
    users: int = 0
    newly_overdue: int = 0

    def __post_init__(self):
        self.enterprises = self.enterprises or max(200, self.hazards // 5)
        self.users = self.users or max(300, self.hazards // 200)
        self.newly_overdue = self.newly_overdue or self.hazards // 20

    @property
    def start(self) -> datetime.date:
        return self.as_of - datetime.timedelta(days=365 * YEARS)

    @property
    def days(self) -> int:
        return (self.as_of - self.start).days

    def rng(self, purpose: str) -> random.Random:
        return random.Random(f"hazardtrack-scale:{self.seed}:{purpose}")


# --- regions -------------------------------------------------------------------------------

def region_rows(cfg: Config) -> list[tuple[str, str, str | None, str]]:
    """(code, name, parent, level): the real tree, plus generated townships (codes county+3
    digits not used by a real one) for the counties region_data has none for."""
    rng = cfg.rng("regions")
    rows = [(PROVINCE[0], PROVINCE[1], None, "province")]
    rows += [(c, n, c[:2], "city") for c, n in CITIES]
    rows += [(c, n, c[:4], "county") for c, n in COUNTIES]
    rows += [(c, n, c[:6], "township") for c, n in TOWNSHIPS]
    real = {c[:6] for c, _ in TOWNSHIPS}
    for county, _name in COUNTIES:
        if county in real:
            continue
        streets, towns = rng.randint(2, 8), rng.randint(6, 16)
        names: set[str] = set()
        for i in range(streets + towns):
            while True:
                base = rng.choice(TOWN_WORDS) + rng.choice(TOWN_WORDS)
                if base not in names:
                    names.add(base)
                    break
            if i < streets:
                rows.append((f"{county}{i + 1:03d}", base + "街道", county, "township"))
            else:
                rows.append((f"{county}{100 + i - streets:03d}", base + "镇", county, "township"))
    return rows


def county_weights(cfg: Config) -> dict[str, float]:
    """Relative hazard (and enterprise) volume of each county: districts and industrial counties more."""
    rng = cfg.rng("county-weights")
    return {c: rng.uniform(0.5, 2.0) * (1.3 if n.endswith("区") else 1.0) for c, n in COUNTIES}


# --- people --------------------------------------------------------------------------------

def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def org_code(n: int) -> str:
    """A unique 9-character organisation code for the n-th enterprise: MA + 6 base-31 digits
    of n (letters from the credit-code alphabet) + the GB 11714 check character."""
    digits = ""
    for _ in range(6):
        n, r = divmod(n, 31)
        digits = CREDIT_CODE_CHARS[r] + digits
    body = "MA" + digits
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(body, weights))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(n: int, county: str) -> str:
    first17 = "91" + county + org_code(n)
    return first17 + credit_code_check_char(first17)


@dataclass
class Enterprise:
    id: int
    county: str
    township: str
    sector: str
    weight: int  # hazards follow risk: red enterprises get more
    name: str
    contact: int | None = None  # user id of its contact, if it has one


@dataclass
class World:
    """What hazards are generated from: townships, enterprises and staff per county."""

    townships: dict[str, list[str]] = field(default_factory=dict)
    enterprises: dict[str, list[Enterprise]] = field(default_factory=dict)
    enterprise_cum: dict[str, list[int]] = field(default_factory=dict)
    inspectors: dict[str, list[int]] = field(default_factory=dict)
    supervisors: dict[str, list[int]] = field(default_factory=dict)  # county and city codes
    grid: dict[str, list[int]] = field(default_factory=dict)
    departments: dict[str, list[int]] = field(default_factory=dict)  # county -> department ids
    county_names: dict[str, str] = field(default_factory=dict)


def enterprise_rows(cfg: Config, world: World, first_id: int, townships: dict[str, list[str]]):
    """COPY lines of accounts_enterprise; fills world.enterprises."""
    rng = cfg.rng("enterprises")
    weights = county_weights(cfg)
    counties = list(weights)
    cum = _cumulative([weights[c] for c in counties])
    sectors = list(SECTOR_SHARES)
    sector_cum = _cumulative([SECTOR_SHARES[s] for s in sectors])
    created = ts(cfg.start - datetime.timedelta(days=400), 0.4)
    colour_weight = {RiskColour.RED: 5, RiskColour.ORANGE: 3, RiskColour.YELLOW: 2, RiskColour.BLUE: 1}
    for n in range(cfg.enterprises):
        county = counties[bisect.bisect(cum, rng.random() * cum[-1])]
        sector = sectors[bisect.bisect(sector_cum, rng.random() * sector_cum[-1])]
        township = rng.choice(townships[county])
        risk = SECTOR_RISK[sector] * rng.random()
        colour = (RiskColour.RED if risk > 2.2 else RiskColour.ORANGE if risk > 1.4
                  else RiskColour.YELLOW if risk > 0.7 else RiskColour.BLUE)
        prefix = world.county_names[county]
        name = f"{prefix}{rng.choice(TRADE_NAMES)}{rng.choice(TRADE_NAMES)}{rng.choice(SECTOR_SUFFIXES[sector])}"
        address = f"{prefix}{rng.choice(ROADS)}路{rng.randint(1, 400)}号"
        if rng.random() < 0.4:
            address = f"{prefix}{rng.choice(VILLAGES)}村{rng.randint(1, 12)}组"
        lat, lon = 25.0 + rng.random() * 4.0, 109.5 + rng.random() * 4.5
        eid = first_id + n
        world.enterprises.setdefault(county, []).append(
            Enterprise(eid, county, township, sector, colour_weight[colour], name))
        yield "\t".join((
            str(eid), esc(name), credit_code(n, county), township, sector, colour, esc(address),
            f"{lat:.6f}", f"{lon:.6f}", person_name(rng), phone(rng), created,
        )) + "\n"
    for county, items in world.enterprises.items():
        world.enterprise_cum[county] = _cumulative([e.weight for e in items])


def user_rows(cfg: Config, world: World, first_id: int, password_hash: str):
    """COPY lines of accounts_user: province, city and county staff, grid workers and enterprise
    contacts; fills the world's staff lists. Bench users have fixed names: sc_admin (province
    administrator), sc_sup_<region>_1 (first supervisor of each city and county)."""
    rng = cfg.rng("users")
    joined = ts(cfg.start - datetime.timedelta(days=30), 0.4)
    next_id = first_id
    counties = [c for c, _ in COUNTIES]
    weights = county_weights(cfg)
    total_w = sum(weights.values())
    contacts = cfg.users // 5
    grid_n = cfg.users // 20
    staff_budget = cfg.users - contacts - grid_n - 5 - len(CITIES) * 10

    def row(username, role, region, *, department=None, enterprise=None, superuser=False, staff=False):
        nonlocal next_id
        uid = next_id
        next_id += 1
        email = f"{username}@example.gov.cn" if role != Role.ENTERPRISE and rng.random() < 0.5 else ""
        return uid, "\t".join((
            str(uid), password_hash, NULL, "t" if superuser else "f", username, "", "", email,
            "t" if staff else "f", "t", joined, role, person_name(rng), phone(rng),
            region or NULL, str(department) if department else NULL, str(enterprise) if enterprise else NULL,
        )) + "\n"

    uid, line = row("sc_admin", Role.ADMIN, PROVINCE[0], staff=True)
    yield line
    for i in range(1, 5):
        uid, line = row(f"sc_sup_{PROVINCE[0]}_{i}", Role.SUPERVISOR, PROVINCE[0])
        world.supervisors.setdefault(PROVINCE[0], []).append(uid)
        yield line
    for city, _ in CITIES:
        for i in range(1, 5):
            uid, line = row(f"sc_sup_{city}_{i}", Role.SUPERVISOR, city)
            world.supervisors.setdefault(city, []).append(uid)
            yield line
        for i in range(1, 7):
            uid, line = row(f"sc_ins_{city}_{i}", Role.INSPECTOR, city)
            yield line
    for county in counties:
        n = max(4, round(staff_budget * weights[county] / total_w))
        deps = world.departments.get(county) or [None]
        for i in range(1, n + 1):
            supervisor = i <= max(2, n // 7)
            role = Role.SUPERVISOR if supervisor else Role.INSPECTOR
            prefix = "sc_sup" if supervisor else "sc_ins"
            uid, line = row(f"{prefix}_{county}_{i}", role, county, department=deps[i % len(deps)])
            (world.supervisors if supervisor else world.inspectors).setdefault(county, []).append(uid)
            yield line
    for i in range(grid_n):
        county = counties[i % len(counties)]
        township = world.townships[county][i // len(counties) % len(world.townships[county])]
        uid, line = row(f"sc_grid_{township}_{i}", Role.GRID, township)
        world.grid.setdefault(county, []).append(uid)
        yield line
    # Enterprise contacts for the riskiest enterprises first (they report most).
    candidates = sorted((e for items in world.enterprises.values() for e in items), key=lambda e: (-e.weight, e.id))
    for i, enterprise in enumerate(candidates[:contacts]):
        uid, line = row(f"sc_ent_{enterprise.id}", Role.ENTERPRISE, None, enterprise=enterprise.id)
        enterprise.contact = uid
        yield line


def _cumulative(weights) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


# --- hazards -------------------------------------------------------------------------------

@dataclass
class HazardOutput:
    """Side products of the hazard stream that are loaded afterwards."""

    sequences: dict[tuple[str, int], int] = field(default_factory=dict)
    extensions: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def daily_counts(cfg: Config) -> list[int]:
    """Hazards found each day, summing exactly to cfg.hazards: ~20 %/year growth, quieter
    weekends, campaigns in spring and autumn."""
    weights = []
    for d in range(cfg.days):
        day = cfg.start + datetime.timedelta(days=d)
        w = 1.2 ** (d / 365)
        w *= 0.35 if day.weekday() >= 5 else 1.0
        w *= 1.25 if day.month in (3, 4, 9, 10) else 1.0
        w *= 0.5 if (day.month == 2 and day.day < 15) else 1.0  # Spring Festival
        weights.append(w)
    total = sum(weights)
    counts, acc, given = [], 0.0, 0
    for w in weights:
        acc += w * cfg.hazards / total
        n = round(acc) - given
        counts.append(n)
        given += n
    return counts


def open_probability(age_days: float) -> float:
    """Chance that a hazard found `age_days` ago is still open (calibrated to ~13 % overall)."""
    if age_days < 30:
        return 0.90
    if age_days < 90:
        return 0.66
    if age_days < 180:
        return 0.42
    if age_days < 365:
        return 0.20
    if age_days < 730:
        return 0.10
    return 0.04


HAZARD_COLUMNS = (
    "id", "code", "original_code", "title", "description", "enterprise_id", "region_id", "sector_id", "level",
    "category", "source", "source_department_id", "source_reference", "address", "latitude", "longitude",
    "found_at", "found_by_id", "status", "version", "rectified_on_spot", "confirmed_by_id", "confirmed_at",
    "rejection_reason", "responsible_unit", "responsible_person", "responsible_phone", "measures",
    "assigned_by_id", "assigned_at", "assigned_inspector_id", "original_deadline", "current_deadline",
    "funds_planned", "rectification_report", "funds_spent", "rectification_reported_by_id",
    "rectification_reported_at", "verified_by_id", "verified_at", "verification_comment", "signed_off_by_id",
    "signed_off_at", "listing_level", "listing_doc_no", "listing_date", "production_suspended",
    "assessment_report", "overdue_since", "circular_queued_on", "created_at", "updated_at",
)
EXTENSION_COLUMNS = (
    "hazard_id", "requested_by_id", "requested_at", "reason", "previous_deadline", "requested_deadline", "status",
    "decided_by_id", "decided_at", "approved_deadline", "decision_comment",
)
_COL = {name: i for i, name in enumerate(HAZARD_COLUMNS)}
_BLANK = [NULL if name.endswith(("_id", "_at", "_deadline", "_date", "_since", "_on", "tude", "funds_planned",
                                 "funds_spent")) else "" for name in HAZARD_COLUMNS]
for _name, _value in (("original_code", ""), ("version", "1"), ("rectified_on_spot", "f"),
                      ("production_suspended", "f")):
    _BLANK[_COL[_name]] = _value


def hazard_rows(cfg: Config, world: World, first_id: int, out: HazardOutput):
    """COPY lines of hazards_hazard in the order they were found; codes numbered per county
    and year in that order (as `next_hazard_code` would have)."""
    rng = cfg.rng("hazards")
    weights = county_weights(cfg)
    counties = list(weights)
    county_cum = _cumulative([weights[c] for c in counties])
    source_names = [s for s, _ in SOURCE_WEIGHTS]
    source_cum = _cumulative([w for _, w in SOURCE_WEIGHTS])
    A = cfg.days  # the as-of date, in days from cfg.start; "now" is its midnight
    start = cfg.start
    date_of = [(start + datetime.timedelta(days=d)).isoformat() for d in range(A + 400)]
    county_departments = world.departments
    hid = first_id
    c = {k: 0 for k in ("open", "signed_off", "rejected", "on_spot", "major", "extensions", "late")}
    for day, n in enumerate(daily_counts(cfg)):
        year = int(date_of[day][:4])
        for _ in range(n):
            row = list(_BLANK)
            county = counties[bisect.bisect(county_cum, rng.random() * county_cum[-1])]
            ents = world.enterprises.get(county)
            public = not ents or rng.random() < 0.03
            if public:
                sector, template = rng.choice(PUBLIC_TEMPLATES)
                township = rng.choice(world.townships[county])
                enterprise = None
                title = template.title.format(place=world.county_names[county] + rng.choice(VILLAGES) + "村")
                unit = world.county_names[county] + "人民政府"
            else:
                cum = world.enterprise_cum[county]
                enterprise = ents[bisect.bisect(cum, rng.random() * cum[-1])]
                sector, township = enterprise.sector, enterprise.township
                major = sector in MAJOR_TEMPLATES and rng.random() < 0.012
                template = rng.choice((MAJOR_TEMPLATES if major else GENERAL_TEMPLATES)[sector])
                title = template.title
                unit = enterprise.name
            major = not public and template in MAJOR_TEMPLATES.get(sector, ())
            source = source_names[bisect.bisect(source_cum, rng.random() * source_cum[-1])]
            inspectors = world.inspectors[county]
            supervisors = world.supervisors[county]
            found_by = rng.choice(inspectors)
            if source == "grid" and world.grid.get(county):
                found_by = rng.choice(world.grid[county])
            elif source == "self_report":
                if enterprise is not None and enterprise.contact:
                    found_by = enterprise.contact
                else:
                    source = "inspection"
            f = day + rng.uniform(0.35, 0.75)
            age = A - f
            seq_key = (county, year)
            seq = out.sequences.get(seq_key, 0) + 1
            out.sequences[seq_key] = seq
            row[_COL["id"]] = str(hid)
            row[_COL["code"]] = f"YH-{county}-{year}-{seq:06d}"
            place = rng.choice(AREAS)
            row[_COL["title"]] = title
            row[_COL["description"]] = (
                f"{'检查人员' if source == 'inspection' else '经核查'}在{unit}{place}发现{title}，"
                f"存在{rng.choice(RISKS)}风险，需立即督促整改。"
            )
            row[_COL["enterprise_id"]] = str(enterprise.id) if enterprise else NULL
            row[_COL["region_id"]] = township
            row[_COL["sector_id"]] = sector
            row[_COL["level"]] = "major" if major else "general"
            row[_COL["category"]] = template.category
            row[_COL["source"]] = source
            if source in ("transfer", "assigned") and county_departments.get(county):
                row[_COL["source_department_id"]] = str(rng.choice(county_departments[county]))
            if source in ("tipoff", "transfer", "media", "assigned"):
                row[_COL["source_reference"]] = f"{date_of[day][:4]}-{rng.randrange(1, 5000):04d}号"
            row[_COL["address"]] = f"{world.county_names[county]}{place}"
            row[_COL["latitude"]] = f"{25.0 + rng.random() * 4:.6f}"
            row[_COL["longitude"]] = f"{109.5 + rng.random() * 4.5:.6f}"
            row[_COL["found_at"]] = ts(start, f)
            row[_COL["found_by_id"]] = str(found_by)
            row[_COL["created_at"]] = row[_COL["found_at"]]
            last = f
            version = 1

            supervisor = rng.choice(supervisors)
            # 立行立改: closed on the spot by the regulator who found it.
            if (not major and source == "inspection" and found_by in inspectors and rng.random() < 0.25
                    and rng.random() > open_probability(age) * 0.3):
                t = f + 0.02
                row[_COL["status"]] = "signed_off"
                row[_COL["rectified_on_spot"]] = "t"
                row[_COL["rectification_report"]] = template.done
                for who, at in (("rectification_reported", t), ("verified", t), ("signed_off", t)):
                    row[_COL[f"{who}_by_id"]] = str(found_by)
                    row[_COL[f"{who}_at"]] = ts(start, t)
                row[_COL["original_deadline"]] = row[_COL["current_deadline"]] = date_of[day]
                row[_COL["version"]] = "2"
                row[_COL["updated_at"]] = ts(start, t)
                c["on_spot"] += 1
                c["signed_off"] += 1
                hid += 1
                yield "\t".join(row) + "\n"
                continue

            want_open = rng.random() < open_probability(age)
            t_conf = f + rng.uniform(0.1, 3.0)
            status = "reported"
            if t_conf < A and rng.random() < 0.012 and not major:
                row[_COL["status"]] = "rejected"
                row[_COL["rejection_reason"]] = rng.choice(REJECTION_REASONS)
                row[_COL["confirmed_by_id"]] = str(supervisor)
                row[_COL["confirmed_at"]] = ts(start, t_conf)
                row[_COL["version"]] = "2"
                row[_COL["updated_at"]] = row[_COL["confirmed_at"]]
                c["rejected"] += 1
                hid += 1
                yield "\t".join(row) + "\n"
                continue
            # Open hazards stop at a stage; closed ones go all the way if time allows.
            stage = 6
            if want_open:
                r = rng.random()
                stage = 0 if r < 0.03 else 1 if r < 0.07 else 2 if r < 0.75 else 3 if r < 0.90 else 4
            if t_conf >= A or stage == 0:
                pass
            else:
                status = "confirmed"
                version += 1
                row[_COL["confirmed_by_id"]] = str(supervisor)
                row[_COL["confirmed_at"]] = ts(start, t_conf)
                last = t_conf
                if major and rng.random() < 0.6:
                    listing_t = t_conf + rng.uniform(0.5, 5)
                    if listing_t < A:
                        level = rng.choice(("county", "county", "city", "province"))
                        row[_COL["listing_level"]] = level
                        row[_COL["listing_doc_no"]] = f"{world.county_names[county]}安督〔{date_of[day][:4]}〕{rng.randrange(1, 99)}号"
                        row[_COL["listing_date"]] = date_of[int(listing_t)]
                        row[_COL["production_suspended"]] = "t" if rng.random() < 0.4 else "f"
                        version += 1
                t_assign = t_conf + rng.uniform(0.05, 2.0)
                if stage >= 2 and t_assign < A:
                    inspector = rng.choice(inspectors)
                    span = rng.choice(MAJOR_DAYS if major else GENERAL_DAYS)
                    deadline = int(t_assign) + span
                    row[_COL["responsible_unit"]] = unit
                    row[_COL["responsible_person"]] = person_name(rng)
                    row[_COL["responsible_phone"]] = phone(rng)
                    row[_COL["measures"]] = template.measures
                    row[_COL["assigned_by_id"]] = str(supervisor)
                    row[_COL["assigned_at"]] = ts(start, t_assign)
                    row[_COL["assigned_inspector_id"]] = str(inspector)
                    row[_COL["original_deadline"]] = date_of[deadline]
                    if rng.random() < 0.5:
                        row[_COL["funds_planned"]] = f"{rng.randrange(5, 2000) * (100 if major else 10)}.00"
                    status = "rectifying" if not major else "assigned"
                    version += 1
                    last = t_assign
                    if major:
                        t_plan = t_assign + rng.uniform(2, 10)
                        if t_plan < A:
                            status = "rectifying"
                            version += 1
                            last = t_plan
                    current = deadline
                    # 延期申请: asked before the deadline, decided a few days later.
                    if status == "rectifying" and rng.random() < 0.05:
                        t_req = t_assign + span * rng.uniform(0.4, 0.9)
                        t_dec = t_req + rng.uniform(0.3, 3)
                        if t_req < A:
                            contact = enterprise.contact if enterprise and enterprise.contact else inspector
                            asked = current + rng.choice(EXTENSION_DAYS)
                            decided, state, approved = NULL, "pending", NULL
                            version += 1
                            if t_dec < A and not (want_open and rng.random() < 0.1):
                                state = "approved" if rng.random() < 0.78 else "refused"
                                decided = ts(start, t_dec)
                                version += 1
                                if state == "approved":
                                    approved = date_of[asked]
                                    current = asked
                            out.extensions.append("\t".join((
                                str(hid), str(contact), ts(start, t_req), rng.choice(EXTENSION_REASONS),
                                date_of[deadline], date_of[asked], state,
                                str(supervisor) if decided != NULL else NULL, decided, approved,
                                "同意延期。" if state == "approved" else "理由不充分，不予延期。" if state == "refused" else "",
                            )) + "\n")
                            c["extensions"] += 1
                    row[_COL["current_deadline"]] = date_of[current]
                    # The fix: on time mostly, late sometimes; open ones stop where they are.
                    if status == "rectifying" and stage >= 3:
                        late = rng.random() < 0.1
                        if want_open:
                            t_rep = max(last + 0.3, A - rng.uniform(0.5, 12))
                        elif late:
                            t_rep = current + 1 + rng.uniform(0.5, 30)
                        else:
                            t_rep = last + max(0.3, (current + 1 - last) * rng.uniform(0.3, 1.0))
                        t_ver = t_rep + rng.uniform(0.3, 5)
                        t_sign = t_ver + rng.uniform(0.1, 5)
                        if want_open and stage == 4:
                            t_rep, t_ver = A - rng.uniform(3, 15), A - rng.uniform(0.2, 2.5)
                            t_rep = max(last + 0.2, t_rep)
                            t_ver = max(t_rep + 0.1, t_ver)
                        if t_rep < A:
                            if int(t_rep) > current:
                                c["late"] += 1
                            status = "rectification_reported"
                            version += 1
                            reporter = enterprise.contact if enterprise and enterprise.contact and rng.random() < 0.5 else inspector
                            verifier = rng.choice(inspectors)
                            if verifier == reporter:
                                verifier = supervisor
                            row[_COL["rectification_report"]] = template.done
                            if rng.random() < 0.6:
                                row[_COL["funds_spent"]] = f"{rng.randrange(5, 2000) * (100 if major else 10)}.00"
                            if major:
                                row[_COL["assessment_report"]] = "经第三方机构评估，隐患已消除，具备复产条件。"
                            row[_COL["rectification_reported_by_id"]] = str(reporter)
                            row[_COL["rectification_reported_at"]] = ts(start, t_rep)
                            last = t_rep
                            if t_ver < A and (stage >= 4):
                                status = "verified"
                                version += 1
                                row[_COL["verified_by_id"]] = str(verifier)
                                row[_COL["verified_at"]] = ts(start, t_ver)
                                row[_COL["verification_comment"]] = "现场复查，整改到位。"
                                last = t_ver
                                if t_sign < A and stage >= 6:
                                    status = "signed_off"
                                    version += 1
                                    signer = supervisor
                                    if major and row[_COL["listing_level"]] in ("city", "province"):
                                        city = county[:4] if row[_COL["listing_level"]] == "city" else PROVINCE[0]
                                        signer = world.supervisors[city][0]
                                    row[_COL["signed_off_by_id"]] = str(signer)
                                    row[_COL["signed_off_at"]] = ts(start, t_sign)
                                    row[_COL["production_suspended"]] = "f"
                                    last = t_sign
            row[_COL["status"]] = status
            row[_COL["version"]] = str(version)
            row[_COL["updated_at"]] = ts(start, last)
            c["signed_off" if status == "signed_off" else "open"] += 1
            c["major"] += major
            hid += 1
            yield "\t".join(row) + "\n"
    out.counts = c
