from django.db import models
from django.utils.translation import gettext_lazy as _

# 挂牌督办 levels: one definition for hazards and incidents.
from hazards.choices import ListingLevel  # noqa: F401


class IncidentType(models.TextChoices):
    """事故类别: the 20 categories of GB 6441-86 《企业职工伤亡事故分类》."""

    OBJECT_STRIKE = "object_strike", _("物体打击")
    VEHICLE = "vehicle", _("车辆伤害")
    MACHINERY = "machinery", _("机械伤害")
    LIFTING = "lifting", _("起重伤害")
    ELECTROCUTION = "electrocution", _("触电")
    DROWNING = "drowning", _("淹溺")
    SCALD = "scald", _("灼烫")
    FIRE = "fire", _("火灾")
    FALL = "fall", _("高处坠落")
    COLLAPSE = "collapse", _("坍塌")
    ROOF_FALL = "roof_fall", _("冒顶片帮")
    WATER_INRUSH = "water_inrush", _("透水")
    BLASTING = "blasting", _("放炮")
    EXPLOSIVE = "explosive", _("火药爆炸")
    GAS_EXPLOSION = "gas_explosion", _("瓦斯爆炸")
    BOILER_EXPLOSION = "boiler_explosion", _("锅炉爆炸")
    VESSEL_EXPLOSION = "vessel_explosion", _("容器爆炸")
    OTHER_EXPLOSION = "other_explosion", _("其它爆炸")
    POISONING = "poisoning", _("中毒和窒息")
    OTHER = "other", _("其它伤害")


class IncidentGrade(models.TextChoices):
    """事故等级 (《生产安全事故报告和调查处理条例》 art. 3), lowest first."""

    GENERAL = "general", _("一般事故")
    LARGER = "larger", _("较大事故")
    MAJOR = "major", _("重大事故")
    EXTRAORDINARY = "extraordinary", _("特别重大事故")


GRADE_RANK = {IncidentGrade.GENERAL: 1, IncidentGrade.LARGER: 2, IncidentGrade.MAJOR: 3, IncidentGrade.EXTRAORDINARY: 4}


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("已报告")
    INVESTIGATING = "investigating", _("调查中")
    CLOSED = "closed", _("已结案")


class ReportLevel(models.TextChoices):
    """Who a report step goes from and to: the unit, then the regulators level by level."""

    UNIT = "unit", _("事故单位")
    COUNTY = "county", _("县级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    MINISTRY = "ministry", _("应急管理部")


class LeadAuthority(models.TextChoices):
    """The government that leads the investigation, by grade (条例 art. 19)."""

    COUNTY = "county", _("县级人民政府")
    CITY = "city", _("设区的市级人民政府")
    PROVINCE = "province", _("省级人民政府")
    STATE_COUNCIL = "state_council", _("国务院或国务院授权的部门")


class IncidentAttachmentKind(models.TextChoices):
    PHOTO = "photo", _("现场照片")
    DOCUMENT = "document", _("文书资料")
    REPORT = "report", _("批复的调查报告")


class IncidentEventAction(models.TextChoices):
    CREATED = "created", _("记录事故")
    FIGURES_UPDATED = "figures_updated", _("续报伤亡和损失")
    STEP_REPORTED = "step_reported", _("逐级上报")
    INVESTIGATION_STARTED = "investigation_started", _("成立调查组")
    INVESTIGATION_EXTENDED = "investigation_extended", _("延长调查期限")
    FINDINGS_RECORDED = "findings_recorded", _("记录调查结论")
    LISTED = "listed", _("挂牌督办")
    HAZARD_LINKED = "hazard_linked", _("关联整改隐患")
    ATTACHMENT_ADDED = "attachment_added", _("上传附件")
    CLOSED = "closed", _("结案")
