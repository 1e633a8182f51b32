"""Who and where: regions, sectors, departments, enterprises and users."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_lazy as _

from .choices import REGION_CODE_LENGTH, REGION_LEVEL_BY_LENGTH, REGULATOR_ROLES, SUPERVISOR_ROLES, RegionLevel, RiskColour, Role
from .jurisdiction import JurisdictionQuerySet
from .validators import validate_credit_code


class Region(models.Model):
    """A node of the administrative tree. The code is the primary key and is hierarchical
    (43 → 4305 → 430522 → 430522100 → 430522100001), so "this region's subtree" is a prefix
    match on any foreign key to Region — no join and index-friendly."""

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_region_field = "code"

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def gb_code(self) -> str:
        """The code as printed in GB/T 2260 (province and city padded to 6 digits)."""
        return self.code.ljust(6, "0") if len(self.code) < 6 else self.code

    def clean(self) -> None:
        if not self.code.isdigit() or len(self.code) not in REGION_LEVEL_BY_LENGTH:
            raise ValidationError({"code": _("区划代码应为2、4、6、9或12位数字。")})
        self.level = REGION_LEVEL_BY_LENGTH[len(self.code)]
        if self.parent_id and not self.code.startswith(self.parent_id):
            raise ValidationError({"parent": _("区划代码必须以上级区划代码开头。")})

    def ancestor_codes(self) -> list[str]:
        """Codes of this region and every ancestor, province first."""
        return [self.code[:n] for n in sorted(REGION_CODE_LENGTH.values()) if n <= len(self.code)]

    def ancestor_at(self, level: str) -> str | None:
        length = REGION_CODE_LENGTH[RegionLevel(level)]
        return self.code[:length] if len(self.code) >= length else None


class Sector(models.Model):
    """行业领域. Stable slug codes; names are what users read."""

    code = models.SlugField(_("代码"), max_length=32, primary_key=True)
    name = models.CharField(_("名称"), max_length=32)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("行业领域")
        verbose_name_plural = _("行业领域")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        # The standard names are in the catalog (accounts/sectors.py); gettext("") would be the header.
        return gettext(self.name) if self.name else self.name


class Department(models.Model):
    """A government department with supervisory duties for some sectors (三管三必须)."""

    name = models.CharField(_("名称"), max_length=64)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT)
    sectors = models.ManyToManyField(Sector, verbose_name=_("监管行业"), blank=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_region_field = "region"

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_in_region")]

    def __str__(self) -> str:
        return f"{self.region.name}{self.name}"


class Enterprise(models.Model):
    """生产经营单位."""

    name = models.CharField(_("单位名称"), max_length=128)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT)
    sector = models.ForeignKey(Sector, verbose_name=_("行业领域"), on_delete=models.PROTECT)
    risk_colour = models.CharField(_("风险等级"), max_length=8, choices=RiskColour.choices, default=RiskColour.BLUE)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_region_field = "region"
    jurisdiction_enterprise_field = "pk"

    class Meta:
        verbose_name = _("生产经营单位")
        verbose_name_plural = _("生产经营单位")
        ordering = ["name"]
        indexes = [models.Index(fields=["sector", "risk_colour"], name="enterprise_sector_risk")]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None):
        # Normalise before validation so the unique check compares what will be stored.
        self.credit_code = (self.credit_code or "").strip().upper()
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        self.credit_code = (self.credit_code or "").strip().upper()
        super().save(*args, **kwargs)


class ScopedUserManager(UserManager.from_queryset(JurisdictionQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in. Staff belong to a region (their jurisdiction) and a department;
    an enterprise contact is bound to exactly one enterprise."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.INSPECTOR)
    full_name = models.CharField(_("姓名"), max_length=32, blank=True)
    phone = models.CharField(_("手机号"), max_length=32, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("辖区"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )

    objects = ScopedUserManager()
    jurisdiction_region_field = "region"
    jurisdiction_enterprise_field = "enterprise"

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=Role.ENTERPRISE) | models.Q(enterprise__isnull=False),
                name="user_enterprise_contact_has_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_regulator(self) -> bool:
        return self.role in REGULATOR_ROLES

    @property
    def is_supervisor(self) -> bool:
        return self.role in SUPERVISOR_ROLES

    @property
    def is_enterprise_contact(self) -> bool:
        return self.role == Role.ENTERPRISE

    def clean(self) -> None:
        if self.role == Role.ENTERPRISE and not self.enterprise_id:
            raise ValidationError({"enterprise": _("企业整改责任人必须绑定一个单位。")})
        if self.role in (Role.INSPECTOR, Role.SUPERVISOR, Role.GRID) and not self.region_id:
            raise ValidationError({"region": _("工作人员必须属于一个辖区。")})


class DocumentSequence(models.Model):
    """Per-issuer, per-year counters behind official document numbers (检查记录, 整改指令书,
    通报 …). `issuer` is whatever makes the series unique: a department id or a region code."""

    kind = models.SlugField(max_length=32)
    issuer = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "issuer", "year"], name="document_sequence_unique")]
