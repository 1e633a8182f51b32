"""The columns of the two ledgers. A column is identified by its Chinese header; the template,
the importer and the exports all read this one list, so an exported ledger re-imports.

Workbooks are official Chinese documents: headers and choice labels are written in Chinese
whatever the page language (files are built under `translation.override(LANGUAGE_CODE)`);
the importer also accepts the stable English values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from accounts.choices import RiskColour
from hazards.choices import HazardCategory, HazardLevel, HazardSource, HazardStatus

from .choices import ImportKind


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # lazy Chinese text
    kind: str = "text"  # text | date | datetime | decimal | choice | region | sector | credit_code
    required: bool = False
    max_length: int | None = None
    choices: type | None = None  # a TextChoices class for kind="choice"
    help: object = ""
    aliases: tuple[str, ...] = field(default=())  # short spellings accepted for a choice's labels
    other_headers: tuple[str, ...] = field(default=())  # what other ledgers call this column
    width: int = 14
    # The words county ledgers write for a choice, beyond its labels: (word, stored value).
    words: tuple[tuple[str, str], ...] = field(default=())


HAZARD_COLUMNS: tuple[Column, ...] = (
    Column("original_code", _("原台账编号"), required=True, max_length=64, width=16, other_headers=("台账编号", "隐患台账编号"),
           help=_("原台账中的编号；同一区县内不得重复。再次导入同一编号的行会被跳过，不会重复导入。")),
    Column("title", _("隐患名称"), required=True, max_length=200, width=30,
           other_headers=("隐患内容", "隐患问题", "存在问题", "存在的问题", "隐患名称及内容")),
    Column("description", _("隐患描述"), width=30),
    Column("enterprise_name", _("生产经营单位"), max_length=128, width=24,
           other_headers=("所属单位", "单位名称", "企业名称", "生产经营单位名称", "被检查单位"),
           help=_("单位全称；与统一社会信用代码至少填一项时按单位查找（先按信用代码，再按全称）。")),
    Column("credit_code", _("统一社会信用代码"), kind="credit_code", width=22),
    Column("region", _("所属区划代码"), kind="region", width=14,
           other_headers=("所在乡镇", "乡镇街道", "所在乡镇（街道）", "乡镇（街道）", "所属乡镇", "乡镇"),
           help=_("6位（区县）、9位（乡镇街道）或12位（村社区）区划代码，或您辖区内的区划名称（如“酿溪镇”）；不填时取单位所在区划。须在您的辖区内。")),
    Column("sector", _("行业领域"), kind="sector", help=_("不填时取单位的行业领域。")),
    Column("level", _("隐患等级"), kind="choice", choices=HazardLevel, required=True, aliases=("一般", "重大"),
           other_headers=("是否重大", "是否重大隐患", "是否重大事故隐患", "隐患级别"),
           words=(("一般事故隐患", HazardLevel.GENERAL), ("重大事故隐患", HazardLevel.MAJOR),
                  ("否", HazardLevel.GENERAL), ("是", HazardLevel.MAJOR)),
           help=_("“是否重大”列填“是”即重大隐患，填“否”即一般隐患。")),
    Column("category", _("隐患类别"), kind="choice", choices=HazardCategory, width=16, aliases=("环境",),
           help=_("不填时为“物的不安全状态”。")),
    Column("source", _("隐患来源"), kind="choice", choices=HazardSource, help=_("不填时为“日常检查”。")),
    Column("address", _("具体位置"), max_length=200, width=20),
    Column("found_at", _("发现时间"), kind="datetime", required=True, width=18,
           other_headers=("发现日期", "排查时间", "排查日期", "检查时间", "检查日期"),
           help=_("日期或日期时间，如 2024-03-05 或 2024-03-05 09:30；不能晚于今天。")),
    Column("status", _("状态"), kind="choice", choices=HazardStatus, required=True,
           other_headers=("整改状态", "隐患状态", "整改进度"),
           words=(("未整改", HazardStatus.RECTIFYING), ("已整改", HazardStatus.RECTIFICATION_REPORTED),
                  ("已完成", HazardStatus.RECTIFICATION_REPORTED), ("整改完成", HazardStatus.RECTIFICATION_REPORTED)),
           help=_("历史隐患可按实际状态导入。“未整改”按“整改中”导入（须有整改期限）；“已整改”“已完成”按“申请复查”导入（须有整改完成日期，待现场复查后销号，导入不代替复查）；“已销号”须有销号日期，且只能由监管人员导入。")),
    Column("responsible_unit", _("整改责任单位"), max_length=128, width=20, other_headers=("责任单位",), help=_("已交办的隐患不填时取单位名称。")),
    Column("responsible_person", _("整改责任人"), max_length=32, other_headers=("责任人", "整改负责人")),
    Column("responsible_phone", _("责任人电话"), max_length=32, other_headers=("联系电话", "责任人联系电话")),
    Column("measures", _("整改措施要求"), width=24, other_headers=("整改措施", "整改要求")),
    Column("original_deadline", _("原整改期限"), kind="date", help=_("不填时同“整改期限”。")),
    Column("current_deadline", _("整改期限"), kind="date", other_headers=("整改时限", "整改完成时限"),
           help=_("已交办、整改中、申请复查的隐患必填；不能早于发现日期。尚未交办的隐患不填。")),
    Column("funds_planned", _("计划整改资金（元）"), kind="decimal", width=16),
    Column("rectification_report", _("整改情况"), width=24),
    Column("funds_spent", _("实际整改资金（元）"), kind="decimal", width=16),
    Column("rectified_at", _("整改完成日期"), kind="date", other_headers=("整改完成时间", "完成时间", "完成日期"),
           help=_("状态为“申请复查”（或“已整改”“已完成”）时必填。")),
    Column("verified_at", _("复查日期"), kind="date", help=_("状态为“复查通过”时必填。")),
    Column("signed_off_at", _("销号日期"), kind="date", other_headers=("销号时间",), help=_("状态为“已销号”时必填。")),
    Column("rejection_reason", _("不予认定理由"), width=20, help=_("状态为“不予认定”时必填。")),
    Column("note", _("备注"), max_length=1000, width=20, other_headers=("说明",),
           help=_("导入后附在隐患描述之后（“备注：…”）。")),
)

ENTERPRISE_COLUMNS: tuple[Column, ...] = (
    Column("name", _("单位名称"), required=True, max_length=128, width=28),
    Column("credit_code", _("统一社会信用代码"), kind="credit_code", required=True, width=22,
           help=_("18位，末位为校验码；已登记的单位会被跳过。")),
    Column("region", _("所属区划代码"), kind="region", required=True, width=14,
           help=_("单位所在的区县、乡镇街道或村社区代码；须在您的辖区内。")),
    Column("sector", _("行业领域"), kind="sector", required=True),
    Column("risk_colour", _("风险等级"), kind="choice", choices=RiskColour, help=_("红、橙、黄、蓝；不填时为蓝。"),
           aliases=("红色", "橙色", "黄色", "蓝色")),
    Column("address", _("地址"), max_length=200, width=28),
    Column("contact_name", _("联系人"), max_length=32),
    Column("contact_phone", _("联系电话"), max_length=32),
    Column("latitude", _("纬度"), kind="decimal"),
    Column("longitude", _("经度"), kind="decimal"),
)

# Written by the ledger export before the importable columns; read back by the importer as
# the old code when 原台账编号 is empty (a ledger exported from another hazardtrack).
SYSTEM_CODE_HEADER = _("隐患编号")

COLUMNS = {ImportKind.HAZARDS: HAZARD_COLUMNS, ImportKind.ENTERPRISES: ENTERPRISE_COLUMNS}
SHEET_TITLES = {ImportKind.HAZARDS: _("隐患台账"), ImportKind.ENTERPRISES: _("单位名录")}


def normalise_header(text) -> str:
    """Headers as people type them: spaces, a required-mark star, ASCII or full-width brackets."""
    value = str(text or "").strip().replace(" ", "").replace("\u3000", "")
    value = value.rstrip("*＊").strip()
    return value.replace("(", "（").replace(")", "）")


def choice_lookup(choices: type, aliases: tuple[str, ...] = (), words: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    """Every spelling accepted for a choice: its value, its Chinese label, short forms and the
    words county ledgers use."""
    lookup: dict[str, str] = {str(word): str(value) for word, value in words}
    for value, label in choices.choices:
        lookup[value] = value
        lookup[str(label)] = value
    for alias in aliases:
        for value, label in choices.choices:
            if str(label).startswith(alias) or alias.startswith(str(label)):
                lookup[alias] = value
                break
    return lookup


# What a header cell of a summary row starts with: the row is skipped, not checked.
SUMMARY_WORDS = ("合计", "小计", "总计", "累计")


SUMMARY_FIRST = frozenset(word[0] for word in SUMMARY_WORDS)
SUMMARY_RE = re.compile(r"^(?:%s)(?:$|[:：（(\d])" % "|".join(SUMMARY_WORDS))


def is_summary(value) -> bool:
    """合计, 小计：12 条, 总计（5项）… but not a hazard named 小计量泵泄漏."""
    text = value.lstrip()
    if not text or text[0] not in SUMMARY_FIRST:  # the quick answer for nearly every cell
        return False
    return bool(SUMMARY_RE.match(normalise_header(text)))
