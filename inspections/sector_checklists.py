"""Checklists from the sectors' own major-hazard criteria (issue 19): hazardous chemicals,
fireworks and coal mines. Every item is a situation the standard says "shall be judged a
major accident hazard"; `basis` cites its article. The wording is condensed from the standard,
never extended: where the text could not be checked, the item is left out rather than guessed.

- 《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》(安监总管三〔2017〕121号)
- 《烟花爆竹生产经营单位重大生产安全事故隐患判定标准（试行）》(安监总管三〔2017〕121号); its
  first eight articles are carried here.
- 《煤矿重大事故隐患判定标准》(应急管理部令第4号, 2021-01-01 施行): the fourteen situations of
  第三条, each with the article that details it (第四条 … 第十七条).
"""
from __future__ import annotations

import datetime

from .checklists import BASIC_DUTIES, EN, MAJOR, MD, UA, UC, TemplateSpec

HC = "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》"
FW = "《烟花爆竹生产经营单位重大生产安全事故隐患判定标准（试行）》"
CM = "《煤矿重大事故隐患判定标准》"
SAWS_2017_121 = "安监总管三〔2017〕121号"

HAZCHEM = TemplateSpec(
    code="hazchem-2017",
    name="化工和危险化学品安全检查表（含重大生产安全事故隐患判定标准）",
    sector="hazchem",
    description="化工和危险化学品生产、经营（带储存设施）单位。标“重大”的检查项依据"
    f"{HC}（{SAWS_2017_121}），不符合即判定为重大生产安全事故隐患。",
    standard=HC, document_number=SAWS_2017_121, effective_date=datetime.date(2017, 11, 13),
    items=BASIC_DUTIES + (
        ("人员资质", "危险化学品生产、经营单位主要负责人和安全生产管理人员依法经考核合格", f"{HC}第一条", MAJOR, MD),
        ("人员资质", "特种作业人员持证上岗", f"{HC}第二条", MAJOR, UA),
        ("布局与距离", "涉及“两重点一重大”的生产装置、储存设施外部安全防护距离符合国家标准要求", f"{HC}第三条", MAJOR, EN),
        ("自动化控制", "涉及重点监管危险化工工艺的装置实现自动化控制，系统具备紧急停车功能，自动化控制系统、紧急停车系统投入使用",
         f"{HC}第四条", MAJOR, UC),
        ("重大危险源", "构成一级、二级重大危险源的危险化学品罐区实现紧急切断功能；涉及毒性气体、液化气体、剧毒液体的一级、二级重大危险源罐区配备独立的安全仪表系统",
         f"{HC}第五条", MAJOR, UC),
        ("储存设施", "全压力式液化烃储罐按国家标准设置注水措施", f"{HC}第六条", MAJOR, UC),
        ("装卸", "液化烃、液氨、液氯等易燃易爆、有毒有害液化气体的充装使用万向管道充装系统", f"{HC}第七条", MAJOR, UC),
        ("布局与距离", "光气、氯气等剧毒气体及硫化氢气体管道未穿越厂区（包括化工园区、工业园区）以外的公共区域", f"{HC}第八条", MAJOR, EN),
        ("布局与距离", "地区架空电力线路未穿越生产区，或者穿越时符合国家标准要求", f"{HC}第九条", MAJOR, EN),
        ("设计与工艺", "在役化工装置经正规设计，或者已进行安全设计诊断", f"{HC}第十条", MAJOR, MD),
        ("设计与工艺", "未使用淘汰落后安全技术工艺、设备目录列出的工艺、设备", f"{HC}第十一条", MAJOR, UC),
        ("检测报警与防爆", "涉及可燃和有毒有害气体泄漏的场所按国家标准设置检测报警装置，爆炸危险场所按国家标准安装使用防爆电气设备",
         f"{HC}第十二条", MAJOR, UC),
        ("布局与距离", "控制室或机柜间面向具有火灾、爆炸危险性装置一侧满足国家标准关于防火防爆的要求", f"{HC}第十三条", MAJOR, EN),
        ("供电", "化工生产装置按国家标准要求设置双重电源供电，自动化控制系统设置不间断电源", f"{HC}第十四条", MAJOR, UC),
        ("安全附件", "安全阀、爆破片等安全附件正常投用", f"{HC}第十五条", MAJOR, UC),
        ("安全管理", "建立与岗位相匹配的全员安全生产责任制，制定实施生产安全事故隐患排查治理制度", f"{HC}第十六条", MAJOR, MD),
        ("安全管理", "制定操作规程和工艺控制指标", f"{HC}第十七条", MAJOR, MD),
        ("特殊作业", "按国家标准制定动火、进入受限空间等特殊作业管理制度，并有效执行", f"{HC}第十八条", MAJOR, UA),
        ("设计与工艺", "新开发的危险化学品生产工艺经小试、中试、工业化试验；国内首次使用的化工工艺经省级人民政府有关部门组织安全可靠性论证；新建装置制定试生产方案后投料开车；精细化工企业按要求开展反应安全风险评估",
         f"{HC}第十九条", MAJOR, MD),
        ("储存管理", "按国家标准分区分类储存危险化学品，未超量、超品种储存，相互禁配物质未混放混存", f"{HC}第二十条", MAJOR, MD),
    ),
)

FIREWORKS = TemplateSpec(
    code="fireworks-2017",
    name="烟花爆竹安全检查表（含重大生产安全事故隐患判定标准）",
    sector="fireworks",
    description="烟花爆竹生产、批发经营单位。标“重大”的检查项依据"
    f"{FW}（{SAWS_2017_121}），不符合即判定为重大生产安全事故隐患。",
    standard=FW, document_number=SAWS_2017_121, effective_date=datetime.date(2017, 11, 13),
    items=BASIC_DUTIES + (
        ("人员资质", "主要负责人、安全生产管理人员依法经考核合格", f"{FW}第一条", MAJOR, MD),
        ("人员资质", "特种作业人员持证上岗，作业人员未带药检维修设备设施", f"{FW}第二条", MAJOR, UA),
        ("涉药作业", "职工未自行携带工器具、机器设备进厂进行涉药作业", f"{FW}第三条", MAJOR, UA),
        ("定员定量", "工（库）房实际作业人员数量未超过核定人数", f"{FW}第四条", MAJOR, MD),
        ("定员定量", "工（库）房实际滞留、存储药量未超过核定药量", f"{FW}第五条", MAJOR, MD),
        ("工（库）房", "工（库）房内、外部安全距离足够，防护屏障完好且符合要求", f"{FW}第六条", MAJOR, EN),
        ("工（库）房", "防静电、防火、防雷设备设施齐全有效", f"{FW}第七条", MAJOR, UC),
        ("工（库）房", "未擅自改变工（库）房设计用途", f"{FW}第八条", MAJOR, MD),
    ),
)

COAL_MINE = TemplateSpec(
    code="coal-mine-2020",
    name="煤矿安全检查表（含重大事故隐患判定标准）",
    sector="coal_mine",
    description="煤矿。标“重大”的检查项依据《煤矿重大事故隐患判定标准》（应急管理部令第4号），"
    "不符合即判定为重大事故隐患；各项的具体情形见所引条款。",
    standard=CM, document_number="应急管理部令第4号", effective_date=datetime.date(2021, 1, 1),
    items=BASIC_DUTIES + (
        ("生产组织", "未超能力、超强度或者超定员组织生产", f"{CM}第三条第（一）项、第四条", MAJOR, MD),
        ("瓦斯", "未瓦斯超限作业", f"{CM}第三条第（二）项、第五条", MAJOR, UA),
        ("瓦斯", "煤与瓦斯突出矿井依照规定实施防突出措施", f"{CM}第三条第（三）项、第六条", MAJOR, MD),
        ("瓦斯", "高瓦斯矿井建立瓦斯抽采系统和监控系统，并正常运行", f"{CM}第三条第（四）项、第七条", MAJOR, UC),
        ("通风", "通风系统完善、可靠", f"{CM}第三条第（五）项、第八条", MAJOR, UC),
        ("防治水", "有严重水患的，已采取有效措施", f"{CM}第三条第（六）项、第九条", MAJOR, EN),
        ("开采范围", "未超层越界开采", f"{CM}第三条第（七）项、第十条", MAJOR, MD),
        ("冲击地压", "有冲击地压危险的，已采取有效措施", f"{CM}第三条第（八）项、第十一条", MAJOR, EN),
        ("防灭火", "自然发火严重的，已采取有效措施", f"{CM}第三条第（九）项、第十二条", MAJOR, EN),
        ("设备工艺", "未使用明令禁止使用或者淘汰的设备、工艺", f"{CM}第三条第（十）项、第十三条", MAJOR, UC),
        ("供电", "煤矿有双回路供电系统", f"{CM}第三条第（十一）项、第十四条", MAJOR, UC),
        ("建设与改扩建", "新建煤矿未边建设边生产；改扩建期间未在改扩建区域生产，其他区域的生产未超出安全设施设计规定的范围和规模",
         f"{CM}第三条第（十二）项、第十五条", MAJOR, MD),
        ("承包与改制", "整体承包生产经营后重新取得或者及时变更安全生产许可证；承包方未再次转包，未将井下采掘工作面和井巷维修作业进行劳务承包",
         f"{CM}第三条第（十三）项、第十六条", MAJOR, MD),
        ("承包与改制", "改制期间明确安全生产责任人和安全管理机构；改制完成后重新取得或者及时变更采矿许可证、安全生产许可证和营业执照",
         f"{CM}第三条第（十四）项、第十七条", MAJOR, MD),
    ),
)

SECTOR_TEMPLATES = (HAZCHEM, FIREWORKS, COAL_MINE)
