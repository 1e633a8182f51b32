"""What a shipped checklist is (TemplateSpec, an item's five fields) and the vocabulary every
shipped checklist shares: the hazard categories, major or general, the 安全生产法 duties every
enterprise inspection starts with. The lists themselves: checklists.py (general: 工贸, 矿山, 消防;
and the loader), sector_checklists.py (危化, 烟花爆竹, 煤矿)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

UA, UC, MD, EN = "unsafe_act", "unsafe_condition", "management_defect", "environment"
MAJOR, GENERAL = True, False

SAFETY_LAW = "《中华人民共和国安全生产法》"


@dataclass(frozen=True)
class TemplateSpec:
    code: str
    name: str
    sector: str | None
    description: str
    items: tuple[tuple[str, str, str, bool, str], ...]  # (section, text, basis, major, category)
    # The standard the first version follows (stored on the version: a revision names its own).
    standard: str = ""
    document_number: str = ""
    effective_date: datetime.date | None = None


# Items every enterprise inspection starts with (安全生产法 duties of the unit).
BASIC_DUTIES = (
    ("基础管理", "建立健全全员安全生产责任制和安全生产规章制度、操作规程", f"{SAFETY_LAW}第四条、第二十一条", GENERAL, MD),
    ("基础管理", "按规定设置安全生产管理机构或者配备专职（兼职）安全生产管理人员", f"{SAFETY_LAW}第二十四条", GENERAL, MD),
    ("基础管理", "从业人员经安全生产教育和培训合格后上岗，培训档案完整", f"{SAFETY_LAW}第二十八条", GENERAL, MD),
    ("基础管理", "建立安全风险分级管控和隐患排查治理双重预防机制，隐患排查治理情况如实记录", f"{SAFETY_LAW}第四十一条", GENERAL, MD),
    ("基础管理", "为从业人员提供符合国家标准或者行业标准的劳动防护用品，并监督正确佩戴使用", f"{SAFETY_LAW}第四十五条", GENERAL, UA),
    ("现场管理", "有较大危险因素的场所和设施、设备上设置明显的安全警示标志", f"{SAFETY_LAW}第三十五条", GENERAL, UC),
    ("现场管理", "安全设备经常性维护、保养并定期检测，未关闭、破坏直接关系生产安全的监控、报警、防护设备设施", f"{SAFETY_LAW}第三十六条", GENERAL, UC),
    ("应急管理", "制定生产安全事故应急救援预案并定期组织演练", f"{SAFETY_LAW}第八十一条", GENERAL, MD),
)
