"""The checklists shipped with hazardtrack, loaded by a data migration (version 1 of each).

Items marked major are the situations that the published standards say "shall be judged a
major accident hazard" (应当判定为重大事故隐患); a failed major item becomes a major hazard.
The wording is condensed from the standards; `basis` cites the article. Administrators add
their own templates (and new versions of these) in the admin or through the API.

- 《工贸企业重大事故隐患判定标准》(应急管理部令第10号, 2023-05-15 施行)
- 《金属非金属矿山重大事故隐患判定标准》(矿安〔2022〕88号, 国家矿山安全监察局)
- 消防: 《中华人民共和国消防法》, 《机关、团体、企业、事业单位消防安全管理规定》(公安部令第61号),
  《重大火灾隐患判定方法》(GB 35181-2017)
"""
from __future__ import annotations

import datetime

from .checklist_spec import BASIC_DUTIES, EN, GENERAL, MAJOR, MD, UA, UC, TemplateSpec
from .sector_checklists import SECTOR_TEMPLATES

GM = "《工贸企业重大事故隐患判定标准》"
MM = "《金属非金属矿山重大事故隐患判定标准》"
FIRE_LAW = "《中华人民共和国消防法》"
ORDER61 = "《机关、团体、企业、事业单位消防安全管理规定》（公安部令第61号）"
GB35181 = "《重大火灾隐患判定方法》（GB 35181-2017）"


INDUSTRY_TRADE = TemplateSpec(
    code="industry-trade-2023",
    name="工贸企业安全检查表（含重大事故隐患判定标准）",
    sector="industry_trade",
    standard=GM, document_number="应急管理部令第10号", effective_date=datetime.date(2023, 5, 15),
    description="冶金、有色、建材、机械、轻工、纺织、烟草、商贸等工贸企业。标“重大”的检查项依据"
    "《工贸企业重大事故隐患判定标准》（应急管理部令第10号），不符合即判定为重大事故隐患。",
    items=BASIC_DUTIES + (
        # 第三条 管理类
        ("管理类", "对承包单位、承租单位的安全生产工作统一协调、管理，并定期进行安全检查", f"{GM}第三条第（一）项", MAJOR, MD),
        ("管理类", "特种作业人员经专门的安全作业培训并取得相应资格后上岗作业", f"{GM}第三条第（二）项", MAJOR, UA),
        ("管理类", "金属冶炼企业主要负责人、安全生产管理人员按照规定经考核合格", f"{GM}第三条第（三）项", MAJOR, MD),
        # 第四条 冶金
        ("冶金", "会议室、活动室、休息室、操作室、交接班室、更衣室等6类人员聚集场所未设置在铁水、钢水、液渣吊运跨的地坪区域内", f"{GM}第四条第（一）项", MAJOR, EN),
        ("冶金", "生产期间冶炼、精炼、铸造区域的事故坑、炉下渣坑及熔融金属泄漏、喷溅影响范围内无积水、未放置易燃易爆物品", f"{GM}第四条第（二）项", MAJOR, EN),
        ("冶金", "炼钢炉水冷元件设置出水温度、进出水流量差等监测报警装置，并与炉体倾动、氧（副）枪自动提升、电极自动断电和升起装置联锁", f"{GM}第四条第（四）项", MAJOR, UC),
        ("冶金", "煤气设施附近的人员聚集场所及可能发生煤气泄漏、积聚的部位设置固定式一氧化碳浓度监测报警装置，数据接入24小时有人值守场所", f"{GM}第四条第（六）项", MAJOR, UC),
        # 第五条 有色
        ("有色", "吊运熔融有色金属及渣的起重机符合冶金起重机要求，横梁焊缝、吊钩无裂纹或变形，装设两套制动器", f"{GM}第五条第（一）项", MAJOR, UC),
        ("有色", "熔融有色金属铸造、浇铸流程设置紧急排放和应急储存设施", f"{GM}第五条", MAJOR, UC),
        ("有色", "铝加工深井铸造结晶器冷却水系统设置进水压力、进水流量监测报警装置，并与快速切断阀、紧急排放阀、流槽断开装置联锁", f"{GM}第五条", MAJOR, UC),
        # 第六条 建材
        ("建材", "水泥工厂煤磨袋式收尘器、煤粉仓设置温度和固定式一氧化碳浓度监测报警装置及气体灭火装置", f"{GM}第六条第（一）项", MAJOR, UC),
        ("建材", "燃气窑炉设置燃气低压警报器和快速切断阀，易燃易爆气体聚集区域设置监测报警装置", f"{GM}第六条", MAJOR, UC),
        ("建材", "进入筒型储库、焙烧窑、预热器旋风筒、磨机、破碎机等设备前，对可能意外启动的设备和涌入的物料、高温气体、有毒有害气体采取隔离措施并落实断电、挂牌", f"{GM}第六条", MAJOR, UA),
        # 第七条 机械
        ("机械", "铸造用熔炼炉、精炼炉、保温炉设置紧急排放和应急储存设施", f"{GM}第七条第（二）项", MAJOR, UC),
        ("机械", "使用煤气（天然气）的燃烧装置燃气总管设置压力监测报警装置并与紧急自动切断装置联锁，燃烧装置设置火焰监测和熄火保护系统", f"{GM}第七条第（五）项", MAJOR, UC),
        ("机械", "使用可燃性有机溶剂清洗设备设施、工装器具、地面时，采取防止可燃气体在周边密闭或半密闭空间内积聚的措施", f"{GM}第七条第（六）项", MAJOR, UA),
        ("机械", "使用非水性漆的调漆间、喷漆室设置固定式可燃气体浓度监测报警装置或者通风设施", f"{GM}第七条第（七）项", MAJOR, UC),
        # 第八条 轻工
        ("轻工", "食品制造企业烘制、油炸等设施设备设置防过热自动报警切断装置和隔热防护措施", f"{GM}第八条第（一）项", MAJOR, UC),
        ("轻工", "白酒储存、勾兑场所规范设置乙醇浓度检测报警装置", f"{GM}第八条第（二）项", MAJOR, UC),
        ("轻工", "纸浆制造、造纸企业未使用蒸气、明火直接加热钢瓶汽化液氯", f"{GM}第八条第（三）项", MAJOR, UA),
        ("轻工", "锂离子电池储存仓库对故障电池采取有效物理隔离措施", f"{GM}第八条", MAJOR, UC),
        # 第九条 纺织
        ("纺织", "烧毛、开幅、烘干等热定型工艺的汽化室、燃气贮罐、储油罐、热媒炉与生产加工等人员聚集场所有效分隔", f"{GM}第九条第（一）项", MAJOR, EN),
        ("纺织", "保险粉、双氧水、次氯酸钠、亚氯酸钠、雕白粉未与禁忌物料混合储存，保险粉储存场所采取防水防潮措施", f"{GM}第九条第（二）项", MAJOR, MD),
        # 第十条 烟草
        ("烟草", "熏蒸作业场所配备磷化氢气体检测报警仪和个人防护用品，设置警示标志", f"{GM}第十条第（一）项", MAJOR, UC),
        ("烟草", "液态二氧化碳膨胀烟丝生产线设置二氧化碳浓度检测报警装置并与事故通风设施联锁", f"{GM}第十条第（二）项", MAJOR, UC),
        # 第十一条 粉尘爆炸
        ("粉尘防爆", "粉尘爆炸危险场所未设置在非框架结构的多层建（构）筑物内，场所内未设有员工宿舍、会议室、办公室、休息室等人员聚集场所", f"{GM}第十一条第（一）项", MAJOR, EN),
        ("粉尘防爆", "不同类别的可燃性粉尘、可燃性粉尘与可燃气体等未共用一套除尘系统，不同建（构）筑物、不同防火分区的除尘系统未互联互通", f"{GM}第十一条第（二）项", MAJOR, UC),
        ("粉尘防爆", "干式除尘系统采取泄爆、惰化、抑爆等至少一种爆炸防控措施", f"{GM}第十一条第（三）项", MAJOR, UC),
        ("粉尘防爆", "铝镁等金属粉尘除尘系统未采用正压除尘方式；其他可燃性粉尘正压吹送时采取火花探测消除等防范点燃源措施", f"{GM}第十一条第（四）项", MAJOR, UC),
        ("粉尘防爆", "除尘系统未采用重力沉降室除尘，未采用干式巷道式构筑物作为除尘风道", f"{GM}第十一条第（五）项", MAJOR, UC),
        ("粉尘防爆", "铝镁等金属粉尘、木质粉尘的干式除尘系统设置锁气卸灰装置", f"{GM}第十一条第（六）项", MAJOR, UC),
        ("粉尘防爆", "除尘器、收尘仓等划分为20区的粉尘爆炸危险场所电气设备符合防爆要求", f"{GM}第十一条第（七）项", MAJOR, UC),
        ("粉尘防爆", "粉碎、研磨、造粒、砂光等工艺设备前设置铁、石等杂物去除装置，木制品加工企业砂光机风管设置火花探测消除装置", f"{GM}第十一条第（八）项", MAJOR, UC),
        ("粉尘防爆", "遇湿自燃金属粉尘收集、堆放、储存场所采取通风等防止氢气积聚措施，干式收集场所采取防水、防潮措施", f"{GM}第十一条第（九）项", MAJOR, UC),
        ("粉尘防爆", "落实粉尘清理制度，作业现场无严重积尘", f"{GM}第十一条第（十）项", MAJOR, MD),
        # 第十二条 液氨制冷
        ("涉氨制冷", "包装、分割、产品整理场所的空调系统未采用氨直接蒸发制冷", f"{GM}第十二条第（一）项", MAJOR, UC),
        ("涉氨制冷", "快速冻结装置设置在单独的作业间内，且作业间内作业人员不超过9人", f"{GM}第十二条第（二）项", MAJOR, EN),
        # 第十三条 有限空间
        ("有限空间", "对有限空间进行辨识、建立安全管理台账，并设置明显的安全警示标志", f"{GM}第十三条第（一）项", MAJOR, MD),
        ("有限空间", "落实有限空间作业审批，执行“先通风、再检测、后作业”，作业现场设置监护人员", f"{GM}第十三条第（二）项", MAJOR, UA),
    ),
)

METAL_MINE = TemplateSpec(
    code="metal-mine-2022",
    name="金属非金属矿山安全检查表（含重大事故隐患判定标准）",
    sector="non_coal_mine",
    standard=MM, document_number="矿安〔2022〕88号",
    description="金属非金属地下矿山、露天矿山和尾矿库。标“重大”的检查项依据"
    "《金属非金属矿山重大事故隐患判定标准》（矿安〔2022〕88号），不符合即判定为重大事故隐患。",
    items=BASIC_DUTIES + (
        # 一、地下矿山
        ("地下矿山", "矿井直达地面的独立安全出口不少于2个且与设计一致，安全出口畅通、梯子踏步等设施完好", f"{MM}一、（一）", MAJOR, UC),
        ("地下矿山", "未使用国家明令禁止使用的设备、材料或者工艺", f"{MM}一、（二）", MAJOR, UC),
        ("地下矿山", "不同矿权主体的相邻矿山井巷未相互贯通，同一矿权主体相邻独立生产系统的井巷未擅自贯通", f"{MM}一、（三）", MAJOR, UC),
        ("地下矿山", "现状图纸按规定保存、按期更新，采空区、废弃井巷和地表塌陷区位置与实际相符", f"{MM}一、（四）", MAJOR, MD),
        ("地下矿山", "矿区地表水或者大气降水危及井下安全时按设计采取防治水措施", f"{MM}一、（六）", MAJOR, EN),
        ("地下矿山", "井下主要排水系统的水泵数量、能力和水仓容积符合设计要求", f"{MM}一、（七）", MAJOR, UC),
        ("地下矿山", "井口标高高于当地历史最高洪水位1米以上，或者按设计采取相应防护措施", f"{MM}一、（八）", MAJOR, EN),
        ("地下矿山", "受地表水倒灌威胁的矿井在强降雨或上游洪水期间实施停产撤人", f"{MM}一、（十二）", MAJOR, MD),
        ("地下矿山", "有自然发火危险的矿山安装井下环境监测系统，按设计采取防灭火措施", f"{MM}一、（十三）", MAJOR, UC),
        ("地下矿山", "采用机械通风，主通风机连续运转，作业面风速、风量、风质符合标准，按期进行反风试验", f"{MM}一、（二十）", MAJOR, UC),
        ("地下矿山", "入井人员配齐并随身携带具有矿用产品安全标志的便携式气体检测报警仪和自救器，能正确使用自救器", f"{MM}一、（二十一）", MAJOR, UA),
        ("地下矿山", "一级负荷采用双重电源供电，任一电源均能满足全部一级负荷需要", f"{MM}一、（二十四）", MAJOR, UC),
        ("地下矿山", "地面向井下供电的变压器或者井下普通变压器未采用中性点直接接地", f"{MM}一、（二十五）", MAJOR, UC),
        ("地下矿山", "井下或者井口动火作业落实审批制度和安全措施", f"{MM}一、（二十九）", MAJOR, UA),
        ("地下矿山", "年产量未超过设计年生产能力20%，月产量未超过设计年生产能力的20%", f"{MM}一、（三十）", MAJOR, MD),
        # 二、露天矿山
        ("露天矿山", "采用自上而下的开采顺序分台阶或者分层开采", f"{MM}二、（三）", MAJOR, UA),
        ("露天矿山", "工作帮坡角、最终边坡台阶高度未超过设计值", f"{MM}二、（四）", MAJOR, UC),
        ("露天矿山", "未开采或者破坏设计要求保留的矿（岩）柱或者挂帮矿体", f"{MM}二、（五）", MAJOR, UA),
        ("露天矿山", "按国家标准或者行业标准对采场边坡、排土场边坡进行稳定性分析", f"{MM}二、（六）", MAJOR, MD),
        ("露天矿山", "高度200米及以上的采场边坡、排土场边坡进行在线监测，监测系统未被关闭或破坏", f"{MM}二、（七）", MAJOR, UC),
        ("露天矿山", "边坡无横向及纵向放射状裂缝、坡脚上隆或位移加速等滑移现象", f"{MM}二、（八）", MAJOR, EN),
        ("露天矿山", "运输道路坡度未大于设计坡度10%以上", f"{MM}二、（九）", MAJOR, UC),
        ("露天矿山", "凹陷露天矿山按设计建设防洪、排洪设施", f"{MM}二、（十）", MAJOR, UC),
        # 三、尾矿库
        ("尾矿库", "库区和尾矿坝上无未按设计进行的开采、挖掘、爆破等危及尾矿库安全的活动", f"{MM}三、（一）", MAJOR, UA),
        ("尾矿库", "坝体无严重管涌、流土变形、贯穿性裂缝、坍塌、滑动迹象", f"{MM}三、（二）", MAJOR, UC),
        ("尾矿库", "坝体高度未超过设计总坝高，未超过设计库容贮存尾矿", f"{MM}三、（四）", MAJOR, UC),
        ("尾矿库", "浸润线埋深不小于控制浸润线埋深", f"{MM}三、（七）", MAJOR, UC),
        ("尾矿库", "汛前进行调洪演算，安全超高和干滩长度满足设计规定", f"{MM}三、（八）", MAJOR, MD),
        ("尾矿库", "排洪设施无堵塞、坍塌、倾斜，排水能力满足设计要求", f"{MM}三、（九）", MAJOR, UC),
        ("尾矿库", "按设计设置安全监测系统并正常运行，监测数据未被篡改、隐瞒或销毁", f"{MM}三、（十三）", MAJOR, UC),
        # 通用（一般项）
        ("一般检查", "爆破作业设置警戒区域和警示信号，配备警戒人员", "《爆破安全规程》（GB 6722-2014）", GENERAL, UA),
        ("一般检查", "采场、排土场作业人员佩戴安全帽，临边作业系安全带", "《金属非金属矿山安全规程》（GB 16423-2020）", GENERAL, UA),
        ("一般检查", "民用爆炸物品库值班、巡查、领退记录完整", "《民用爆炸物品安全管理条例》", GENERAL, MD),
    ),
)

FIRE_SAFETY = TemplateSpec(
    code="fire-safety",
    name="消防安全检查表",
    sector=None,
    description="各类单位通用的消防安全检查。标“重大”的检查项为《重大火灾隐患判定方法》"
    "（GB 35181-2017）规定的直接判定要素。",
    items=(
        ("消防安全管理", "确定消防安全责任人、管理人，落实消防安全责任制", f"{FIRE_LAW}第十六条", GENERAL, MD),
        ("消防安全管理", "开展每日防火巡查、每月防火检查并记录", f"{ORDER61}第二十五条、第二十六条", GENERAL, MD),
        ("消防安全管理", "员工经消防安全培训，每半年至少组织一次灭火和应急疏散演练", f"{ORDER61}第三十六条、第四十条", GENERAL, MD),
        ("消防安全管理", "消防控制室24小时双人值班，值班人员持证上岗", "《消防控制室通用技术要求》（GB 25506-2010）", GENERAL, MD),
        ("疏散设施", "疏散通道、安全出口畅通，未锁闭、堵塞、占用", f"{FIRE_LAW}第二十八条", GENERAL, UC),
        ("疏散设施", "应急照明和疏散指示标志完好有效", f"{FIRE_LAW}第十六条", GENERAL, UC),
        ("疏散设施", "人员密集场所门窗上未设置影响逃生和灭火救援的障碍物", f"{FIRE_LAW}第二十八条", GENERAL, UC),
        ("消防设施器材", "灭火器配置合理，压力正常，在有效期内", "《建筑灭火器配置验收及检查规范》（GB 50444-2008）", GENERAL, UC),
        ("消防设施器材", "室内消火栓箱内水带、水枪齐全，出水正常", f"{FIRE_LAW}第十六条", GENERAL, UC),
        ("消防设施器材", "火灾自动报警、自动喷水灭火等设施处于正常运行状态，每年至少全面检测一次", f"{FIRE_LAW}第十六条", GENERAL, UC),
        ("用火用电", "电气线路敷设规范，无私拉乱接、超负荷用电", f"{FIRE_LAW}第二十七条", GENERAL, UC),
        ("用火用电", "电动自行车未在疏散通道、安全出口、楼梯间停放或充电", f"{FIRE_LAW}第二十八条", GENERAL, UA),
        ("用火用电", "厨房排油烟管道定期清洗，燃气使用符合规定", f"{ORDER61}第二十条", GENERAL, UC),
        ("用火用电", "动火作业办理审批手续，落实现场监护和防火措施", f"{FIRE_LAW}第二十一条", GENERAL, UA),
        ("重大火灾隐患", "甲、乙类厂房未与人员密集场所或住宅、宿舍设置在同一建筑内", f"{GB35181}第5.1条", MAJOR, EN),
        ("重大火灾隐患", "公共娱乐场所、商店、地下人员密集场所的安全出口数量和总净宽度满足规范要求（不小于规定值的80%）", f"{GB35181}第5.1条", MAJOR, UC),
        ("重大火灾隐患", "人员密集场所未违反消防安全规定使用、储存或者销售易燃易爆危险品", f"{GB35181}第5.1条", MAJOR, MD),
        ("重大火灾隐患", "人员密集场所的居住场所未采用芯材燃烧性能低于A级的彩钢夹芯板搭建", f"{GB35181}第5.1条", MAJOR, UC),
    ),
)



def templates() -> tuple[TemplateSpec, ...]:
    return (INDUSTRY_TRADE, METAL_MINE, FIRE_SAFETY, *SECTOR_TEMPLATES)


STANDARD_FIELDS = ("standard", "document_number", "effective_date")

# Default inspection frequency by risk colour (months): red monthly … blue yearly.
DEFAULT_FREQUENCIES = (("red", 1), ("orange", 3), ("yellow", 6), ("blue", 12))


def load(apps, schema_editor=None) -> None:
    """Create what is missing: templates with their first version and items, and the default
    frequencies. Idempotent; existing templates (perhaps edited since) are never touched."""
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Version = apps.get_model("inspections", "ChecklistTemplateVersion")
    Item = apps.get_model("inspections", "ChecklistItem")
    Frequency = apps.get_model("inspections", "InspectionFrequency")
    # Migrations before 0003 know no standard fields on a version.
    known = {f.name for f in Version._meta.get_fields()}
    for spec in templates():
        template, _ = Template.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "sector_id": spec.sector, "description": spec.description}
        )
        if Version.objects.filter(template=template).exists():
            continue
        standard = {name: getattr(spec, name) for name in STANDARD_FIELDS if name in known}
        version = Version.objects.create(template=template, number=1, notes="初始版本", **standard)
        Item.objects.bulk_create(
            Item(version=version, position=n, section=section, text=text, basis=basis, is_major_criterion=major,
                 category=category)
            for n, (section, text, basis, major, category) in enumerate(spec.items, start=1)
        )
    for colour, months in DEFAULT_FREQUENCIES:
        if not Frequency.objects.filter(region__isnull=True, risk_colour=colour).exists():
            Frequency.objects.create(region=None, risk_colour=colour, months=months)


def loaded() -> bool:
    """Are the shipped templates and frequencies present? (One query; for test setup.)"""
    from .models import ChecklistTemplate, InspectionFrequency

    shipped = templates()
    return (
        ChecklistTemplate.objects.filter(code__in=[t.code for t in shipped], versions__isnull=False)
        .distinct().count() == len(shipped)
        and InspectionFrequency.objects.filter(region__isnull=True).count() == len(DEFAULT_FREQUENCIES)
    )
