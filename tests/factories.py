"""factory_boy factories for tests. Regions use real-looking hierarchical codes."""
from __future__ import annotations

import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.choices import REGION_LEVEL_BY_LENGTH, RiskColour, Role
from accounts.models import Enterprise, Region, Sector, User
from accounts.validators import CREDIT_CODE_CHARS, credit_code_check_char
from hazards.models import Hazard

PASSWORD = "demo12345"


def region(code: str, name: str | None = None) -> Region:
    """Get or create a region and all its ancestors from the code alone."""
    parent = None
    for length in (2, 4, 6, 9, 12):
        if length > len(code):
            break
        part = code[:length]
        parent, _ = Region.objects.get_or_create(
            code=part,
            defaults={"name": name if part == code and name else f"区划{part}", "level": REGION_LEVEL_BY_LENGTH[length], "parent": parent},
        )
    return parent


def credit_code(seq: int, region_code: str = "430522") -> str:
    body = "91" + region_code[:6].ljust(6, "0")
    org = ""
    n = seq
    for _ in range(9):
        org = CREDIT_CODE_CHARS[n % 31] + org
        n //= 31
    first17 = body + org
    return first17 + credit_code_check_char(first17)


def sector(code: str = "industry_trade") -> Sector:
    return Sector.objects.get(code=code)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.Sequence(lambda n: credit_code(n + 1000))
    region = factory.LazyFunction(lambda: region("430522100"))
    sector = factory.LazyFunction(sector)
    risk_colour = RiskColour.YELLOW
    address = "测试地址"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.INSPECTOR
    region = factory.LazyFunction(lambda: region("430522"))
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def inspector(code: str = "430522", **kw) -> User:
    return UserFactory(role=Role.INSPECTOR, region=region(code), **kw)


def supervisor(code: str = "430522", **kw) -> User:
    return UserFactory(role=Role.SUPERVISOR, region=region(code), **kw)


def enterprise_contact(enterprise: Enterprise, **kw) -> User:
    return UserFactory(role=Role.ENTERPRISE, region=None, enterprise=enterprise, **kw)


class HazardFactory(factory.django.DjangoModelFactory):
    """A bare hazard row (no events): for list/filter/statistics tests. Lifecycle tests should
    create hazards through hazards.services instead."""

    class Meta:
        model = Hazard

    code = factory.Sequence(lambda n: f"YH-TEST-{n:06d}")
    title = factory.Sequence(lambda n: f"测试隐患{n}")
    enterprise = factory.SubFactory(EnterpriseFactory)
    region = factory.LazyAttribute(lambda o: o.enterprise.region if o.enterprise else region("430522100"))
    sector = factory.LazyAttribute(lambda o: o.enterprise.sector if o.enterprise else sector())
    found_at = factory.LazyFunction(timezone.now)


def jpeg_bytes(width: int = 64, height: int = 48, colour=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buf, "JPEG")
    return buf.getvalue()


def photo(name: str = "photo.jpg", **kw) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kw), content_type="image/jpeg")


def days_from_today(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


# --- inspections -----------------------------------------------------------------------------
from inspections.choices import InspectionStatus, InspectionType  # noqa: E402
from inspections.models import ChecklistItem, ChecklistTemplate, ChecklistTemplateVersion, Inspection  # noqa: E402


def checklist(items=(("一般项", False), ("重大项", True)), *, code: str | None = None, sector_code: str | None = None
              ) -> ChecklistTemplate:
    """A small checklist template with one version; `items` are (text, is_major_criterion)."""
    code = code or f"test-{ChecklistTemplate.objects.count() + 1}-{len(items)}"
    template = ChecklistTemplate.objects.create(code=code, name=f"测试检查表{code}",
                                                sector=sector(sector_code) if sector_code else None)
    version = ChecklistTemplateVersion.objects.create(template=template, number=1)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(version=version, position=n, section="测试", text=text, basis=f"测试依据第{n}条",
                      is_major_criterion=major)
        for n, (text, major) in enumerate(items, start=1)
    )
    return template


class InspectionFactory(factory.django.DjangoModelFactory):
    """A bare inspection row (for list tests); behaviour tests use inspections.services."""

    class Meta:
        model = Inspection
        skip_postgeneration_save = True

    type = InspectionType.ROUTINE
    enterprise = factory.SubFactory(EnterpriseFactory)
    region = factory.LazyAttribute(lambda o: o.enterprise.region)
    date = factory.LazyFunction(timezone.localdate)
    template_version = factory.LazyFunction(
        lambda: ChecklistTemplateVersion.objects.filter(template__code="fire-safety").first())
    status = InspectionStatus.IN_PROGRESS
    created_by = factory.LazyFunction(lambda: inspector())

    @factory.post_generation
    def inspectors(obj, create, extracted, **kwargs):
        if create:
            obj.inspectors.set(extracted or [obj.created_by])
# --- supervision ------------------------------------------------------------------------------

class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "supervision.Subscription"

    user = factory.SubFactory(UserFactory, role=Role.SUPERVISOR)
    kind = "day"
    region = factory.LazyAttribute(lambda o: o.user.region)
    by_email = False
# --- tipoffs ---------------------------------------------------------------------------------

from tipoffs.codes import new_tracking_code  # noqa: E402  (this section is appended by the tipoffs app)
from tipoffs.models import TipOff  # noqa: E402


class TipOffFactory(factory.django.DjangoModelFactory):
    """A bare tip-off row (no photos, no events): for lists and figures. Behaviour tests submit
    through tipoffs.services.tipoff_submit instead."""

    class Meta:
        model = TipOff

    tracking_code = factory.LazyFunction(new_tracking_code)
    description = factory.Sequence(lambda n: f"测试举报{n}：车间安全出口被堵")
    address = "新邵县酿溪镇测试路1号"
    region = factory.LazyFunction(lambda: region("430522100"))
    sector = factory.LazyFunction(sector)
    consent = True


def open311_client(code: str = "430522", name: str = "测试客户端"):
    """An Open311 client and its API key."""
    from tipoffs.services import open311_client_create

    return open311_client_create(name=name, region=region(code))
# --- incidents ----------------------------------------------------------------------------

def _incident_grade(o) -> str:
    from incidents.rules import grade_for

    return grade_for(o.deaths, o.serious_injuries, o.direct_loss)


class IncidentFactory(factory.django.DjangoModelFactory):
    """A bare incident row (no report steps or events): for list, filter and figures tests.
    Tests of the reporting clock and the lifecycle create incidents through incidents.services."""

    class Meta:
        model = "incidents.Incident"

    code = factory.Sequence(lambda n: f"SG-TEST-{n:06d}")
    title = factory.Sequence(lambda n: f"测试事故{n}")
    occurred_at = factory.LazyFunction(timezone.now)
    region = factory.LazyFunction(lambda: region("430522100"))
    sector = factory.LazyFunction(sector)
    type = "fall"
    reported_by = factory.LazyFunction(lambda: User.objects.get_or_create(
        username="incident-recorder", defaults={"role": Role.INSPECTOR, "region": region("430522")})[0])
    grade = factory.LazyAttribute(lambda o: _incident_grade(o))
    deaths = 0
    serious_injuries = 0
    direct_loss = 0
