from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    # Code length per level (GB/T 2260 to county, statistical division codes below).
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县/区")
    TOWNSHIP = "township", _("乡镇/街道")
    VILLAGE = "village", _("村/社区")


REGION_CODE_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}
REGION_LEVEL_BY_LENGTH = {length: level for level, length in REGION_CODE_LENGTH.items()}


class Role(models.TextChoices):
    INSPECTOR = "inspector", _("检查员")
    SUPERVISOR = "supervisor", _("审核督办")
    ADMIN = "admin", _("管理员")
    ENTERPRISE = "enterprise", _("企业整改责任人")
    GRID = "grid", _("网格员")


# The role groups every app's rules use (a superuser is in every group: accounts/jurisdiction.py).
REGULATOR_ROLES = (Role.INSPECTOR, Role.SUPERVISOR, Role.ADMIN)  # the regulator's staff
SUPERVISOR_ROLES = (Role.SUPERVISOR, Role.ADMIN)  # who reviews, approves, plans and supervises


class RiskColour(models.TextChoices):
    # Highest risk first; `rank` orders them.
    RED = "red", _("红")
    ORANGE = "orange", _("橙")
    YELLOW = "yellow", _("黄")
    BLUE = "blue", _("蓝")


RISK_RANK = {RiskColour.RED: 1, RiskColour.ORANGE: 2, RiskColour.YELLOW: 3, RiskColour.BLUE: 4}
