"""Services that change inspections, plans and their documents.

Each: keyword-only arguments; checks permission and input; one transaction that locks the row
it changes (select_for_update) and checks the state it expects; refusals are DomainError with
a code and a translatable message. Hazards are created only through hazards.services.
"""
from __future__ import annotations

import datetime
import secrets
from typing import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import REGULATOR_ROLES, SUPERVISOR_ROLES, Role
from accounts.jurisdiction import get_visible_or_404, has_role, region_in_jurisdiction
from accounts.models import Enterprise, Region, Sector, User
from accounts.numbering import next_document_number
from hazards import reporting
from hazards.choices import HazardLevel, HazardSource, HazardStatus
from hazards.models import Hazard
from hazardtrack.dates import local_today
from hazardtrack.errors import DomainError

from . import documents
from .choices import (
    DOCUMENT_SERIES,
    ENFORCEMENT_TYPES,
    MIN_ENFORCEMENT_OFFICERS,
    DocumentKind,
    InspectionStatus,
    InspectionType,
    ItemResult,
    Outcome,
    PlanStatus,
)
from .draw import NotEnoughInspectors, draw
from .models import (
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateVersion,
    ConflictOfInterest,
    Inspection,
    InspectionDocument,
    InspectionPlan,
    InspectionResult,
    PlanDraw,
)

REGULATORS = REGULATOR_ROLES
PLANNERS = SUPERVISOR_ROLES


def _require_role(actor: User, roles, message) -> None:
    if not has_role(actor, roles):
        raise DomainError("role_not_allowed", message, status=403)


def _stale(kind: str) -> DomainError:
    return DomainError("stale_version", _("该%(kind)s已被他人修改，请刷新后重试；您填写的内容已保留。") % {"kind": kind})


# --- checklists ----------------------------------------------------------------------------

def template_publish_version(*, actor: User, template: ChecklistTemplate | None = None, code: str = "",
                             name: str = "", sector: Sector | None = None, description: str = "",
                             items: Iterable[dict], notes: str = "", standard: str = "",
                             document_number: str = "", effective_date: datetime.date | None = None,
                             ) -> ChecklistTemplateVersion:
    """Publish a new version of `template` (or create the template with its first version).
    Versions are never edited: inspections keep pointing at the version they used. A revised
    standard is a new version naming it (`standard`, `document_number`, `effective_date`)."""
    if not has_role(actor, (Role.ADMIN,)):
        raise DomainError("role_not_allowed", _("只有管理员可以新增或修订检查表。"), status=403)
    items = [dict(item) for item in items]
    if not items:
        raise DomainError("items_required", _("检查表至少要有一个检查项。"), status=400, field="items")
    for n, item in enumerate(items, start=1):
        if not (item.get("text") or "").strip():
            raise DomainError("item_text_required", _("第 %(n)d 个检查项没有检查内容。") % {"n": n}, status=400,
                              field="items")
    with transaction.atomic():
        if template is None:
            if not (name or "").strip():
                raise DomainError("name_required", _("请填写检查表名称。"), status=400, field="name")
            if ChecklistTemplate.objects.filter(code=code).exists():
                raise DomainError("code_taken", _("代码“%(code)s”已被使用。") % {"code": code}, status=400, field="code")
            template = ChecklistTemplate.objects.create(code=code, name=name.strip(), sector=sector,
                                                        description=description)
            number = 1
        else:
            template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
            number = (template.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = ChecklistTemplateVersion.objects.create(
            template=template, number=number, notes=notes, published_by=actor, standard=(standard or "").strip(),
            document_number=(document_number or "").strip(), effective_date=effective_date)
        ChecklistItem.objects.bulk_create(
            ChecklistItem(version=version, position=n, section=(item.get("section") or "").strip(),
                          text=item["text"].strip(), basis=(item.get("basis") or "").strip(),
                          is_major_criterion=bool(item.get("is_major_criterion")),
                          category=item.get("category") or ChecklistItem._meta.get_field("category").default)
            for n, item in enumerate(items, start=1)
        )
    return version


def current_version(template: ChecklistTemplate) -> ChecklistTemplateVersion:
    version = template.versions.order_by("-number").first()
    if version is None:
        raise DomainError("template_empty", _("检查表“%(name)s”还没有发布版本。") % {"name": template.name},
                          status=400, field="template")
    return version


def proposed_templates(sector_id: str | None) -> QuerySet[ChecklistTemplate]:
    """Every active checklist, the enterprise's sector's own first, then the general ones (no
    sector), then the other sectors'."""
    own = Case(When(sector_id=sector_id, then=Value(0)), When(sector__isnull=True, then=Value(1)), default=Value(2))
    return (ChecklistTemplate.objects.filter(is_active=True, versions__isnull=False).distinct()
            .annotate(proposal_rank=own).order_by("proposal_rank", "name"))


def default_template_for(sector_id: str | None) -> ChecklistTemplate | None:
    """The sector's own active checklist, else a general one (no sector)."""
    return proposed_templates(sector_id).filter(Q(sector_id=sector_id) | Q(sector__isnull=True)).first()


# --- inspections ---------------------------------------------------------------------------

def _check_team(*, type: str, enterprise: Enterprise, inspectors: list[User]) -> None:
    if type in ENFORCEMENT_TYPES and len(inspectors) < MIN_ENFORCEMENT_OFFICERS:
        raise DomainError(
            "two_officers_required",
            _("%(type)s属于行政执法检查，检查人员不得少于%(n)d人。") % {"type": InspectionType(type).label,
                                                            "n": MIN_ENFORCEMENT_OFFICERS},
            status=400, field="inspectors",
        )
    for person in inspectors:
        if person.role not in REGULATORS or not person.is_active:
            raise DomainError("not_an_officer", _("%(name)s不是在岗的监管人员。") % {"name": person.display_name},
                              status=400, field="inspectors")
        if not region_in_jurisdiction(person, enterprise.region_id):
            raise DomainError("inspector_out_of_jurisdiction",
                              _("%(name)s的辖区不包含该单位。") % {"name": person.display_name}, status=400,
                              field="inspectors")
    conflicted = ConflictOfInterest.objects.filter(enterprise=enterprise, inspector__in=inspectors).select_related(
        "inspector").first()
    if conflicted is not None:
        raise DomainError("conflict_of_interest",
                          _("%(name)s已登记与该单位存在利害关系（%(reason)s），应当回避。")
                          % {"name": conflicted.inspector.display_name, "reason": conflicted.reason},
                          status=400, field="inspectors")


def inspection_create(*, actor: User, enterprise: Enterprise, type: str, date: datetime.date,
                      inspectors: Iterable[User], template: ChecklistTemplate | None = None,
                      plan: InspectionPlan | None = None, started: bool = True) -> Inspection:
    """Open an inspection with the current version of a checklist. `started`: the inspectors are
    on site now (检查中); otherwise it is scheduled (待检查)."""
    _require_role(actor, REGULATORS, _("只有监管人员可以开展检查。"))
    if not region_in_jurisdiction(actor, enterprise.region_id):
        raise DomainError("out_of_jurisdiction", _("该单位不在您的辖区内。"), status=400, field="enterprise")
    if type not in InspectionType.values:
        raise DomainError("bad_type", _("检查类型无效。"), status=400, field="type")
    if date is None:
        raise DomainError("date_required", _("请填写检查日期。"), status=400, field="date")
    if started and date > local_today():
        raise DomainError("date_in_future", _("开始检查时，检查日期不能晚于今天。"), status=400, field="date")
    team = list(dict.fromkeys(inspectors))
    _check_team(type=type, enterprise=enterprise, inspectors=team)
    template = template or default_template_for(enterprise.sector_id)
    if template is None:
        raise DomainError("template_required", _("请选择检查表。"), status=400, field="template")
    version = current_version(template)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            type=type, enterprise=enterprise, region_id=enterprise.region_id, date=date, plan=plan,
            template_version=version, created_by=actor,
            status=InspectionStatus.IN_PROGRESS if started else InspectionStatus.DRAFT,
            started_at=timezone.now() if started else None,
        )
        inspection.inspectors.set(team)
    return inspection


def _lock_inspection(actor: User, inspection_id: int) -> Inspection:
    return get_visible_or_404(Inspection.objects.select_for_update().select_related("enterprise"), actor,
                              pk=inspection_id)


def _check_may_record(inspection: Inspection, actor: User) -> None:
    if actor.role == Role.INSPECTOR and not any(u.pk == actor.pk for u in inspection.inspectors.all()):
        raise DomainError("not_on_team", _("您不是本次检查的检查人员。"), status=403)
    _require_role(actor, REGULATORS, _("只有监管人员可以填写检查结果。"))
    if inspection.is_finished:
        raise DomainError("finished", _("检查已完成，结果不能再修改。"))


def may_record(inspection: Inspection, user: User) -> bool:
    """May `user` fill in this inspection now? (The same rule the services apply.)"""
    try:
        _check_may_record(inspection, user)
    except DomainError:
        return False
    return True


def hazard_title(item: ChecklistItem) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # stored text: Chinese whatever the UI language
        return (_("不符合：%(text)s") % {"text": item.text})[:200]


def inspection_record_result(
    *, inspection_id: int, actor: User, item_id: int, result: str, note: str = "", expected: str | None = None,
    photos=(), rectified_on_spot: bool = False, after_photos=(), title: str = "",
    duplicate_of: int | None = None, not_duplicate: bool = False,
) -> InspectionResult:
    """Save the answer to one item (save-as-you-go). A failed item creates its hazard at once
    (level major when the item is a major-hazard criterion); fixed on the spot (立行立改) the
    hazard is closed with its after-photo. `expected`: the result the user saw ("" for none),
    so two people answering the same item never silently overwrite each other.

    The hazard goes through the report gate (hazards.reporting): when the enterprise already has
    an open hazard like it, nothing is saved until the inspector says whether it is the same
    (`duplicate_of`: recorded as a duplicate pointing at it, in both timelines, counted once) or
    not (`not_duplicate`). The item card shows those candidates before the inspector saves, so
    the choice is made on site, not discovered later in the ledger."""
    if result not in ItemResult.values:
        raise DomainError("bad_result", _("请选择检查结果。"), status=400, field="result")
    note = (note or "").strip()
    if result == ItemResult.FAIL and not note:
        raise DomainError("note_required", _("检查项不符合时，请写明具体情况。"), status=400, field="note")
    if result == ItemResult.FAIL and duplicate_of and rectified_on_spot:
        # The open hazard has its own rectification; an on-spot fix would close only the copy.
        raise DomainError("duplicate_on_spot", _("关联为已有的同一隐患时不能立行立改，请按该隐患的整改流程办理。"),
                          status=400, field="rectified_on_spot")
    with transaction.atomic():
        inspection = _lock_inspection(actor, inspection_id)
        _check_may_record(inspection, actor)
        try:
            item = ChecklistItem.objects.get(pk=item_id, version_id=inspection.template_version_id)
        except (ChecklistItem.DoesNotExist, ValueError, TypeError):
            raise DomainError("item_not_in_checklist", _("该检查项不属于本次检查所用的检查表。"), status=404)
        existing = InspectionResult.objects.filter(inspection=inspection, item=item).select_related("hazard").first()
        if expected is not None and expected != (existing.result if existing else ""):
            raise _stale(_("检查项"))
        if existing is not None and existing.hazard_id:
            raise DomainError("hazard_recorded",
                              _("该项已生成隐患 %(code)s，不能再修改；如属误报，请由审核人员对该隐患不予认定。")
                              % {"code": existing.hazard.code})
        row = existing or InspectionResult(inspection=inspection, item=item)
        row.result, row.note, row.recorded_by, row.recorded_at = result, note, actor, timezone.now()
        row.rectified_on_spot = False
        if result == ItemResult.FAIL:
            with translation.override(settings.LANGUAGE_CODE):  # stored text: Chinese whatever the UI language
                basis_line = f"\n{_('检查依据')}：{item.basis}" if item.basis else ""
                reference = _("现场检查 #%(id)s") % {"id": inspection.pk}
            row.hazard = reporting.hazard_report(
                actor=actor, duplicate_of=duplicate_of, not_duplicate=not_duplicate,
                data={
                    "title": (title or "").strip()[:200] or hazard_title(item),
                    "description": note + basis_line,
                    "enterprise": inspection.enterprise,
                    "sector": inspection.enterprise.sector,
                    "level": HazardLevel.MAJOR if item.is_major_criterion else HazardLevel.GENERAL,
                    "category": item.category,
                    "source": HazardSource.INSPECTION,
                    "source_reference": reference,
                    "address": inspection.enterprise.address,
                },
                before_photos=photos, rectified_on_spot=rectified_on_spot, after_photos=after_photos,
                on_spot_note=note if rectified_on_spot else "",
            )
            row.rectified_on_spot = bool(rectified_on_spot)
        row.save()
        if inspection.status == InspectionStatus.DRAFT:
            # A scheduled inspection starts when its first item is answered; its date becomes the real one.
            inspection.status, inspection.started_at, inspection.date = (
                InspectionStatus.IN_PROGRESS, timezone.now(), local_today())
        inspection.version += 1
        inspection.save()
    return row


def _outcome(inspection: Inspection) -> str:
    found = inspection.results.filter(result=ItemResult.FAIL).aggregate(
        total=Count("id"),
        on_spot=Count("id", filter=Q(rectified_on_spot=True)),
        major=Count("id", filter=Q(hazard__level=HazardLevel.MAJOR)),
    )
    if found["major"]:
        return Outcome.MAJOR_HAZARDS
    if found["total"] > found["on_spot"]:
        return Outcome.HAZARDS
    if found["total"]:
        return Outcome.FIXED_ON_SPOT
    return Outcome.NO_PROBLEM


def inspection_finish(*, inspection_id: int, actor: User, conclusion: str = "",
                      expected_version: int | None = None) -> Inspection:
    """完成检查: every item answered, the team complete; the outcome is what the results say."""
    with transaction.atomic():
        inspection = _lock_inspection(actor, inspection_id)
        _check_may_record(inspection, actor)
        if expected_version is not None and int(expected_version) != inspection.version:
            raise _stale(_("检查"))
        missing = inspection.template_version.items.exclude(
            pk__in=inspection.results.values("item_id")).count()
        if missing:
            raise DomainError("items_unanswered", _("还有 %(n)d 个检查项未填写结果，请逐项检查后再完成。") % {"n": missing})
        _check_team(type=inspection.type, enterprise=inspection.enterprise, inspectors=list(inspection.inspectors.all()))
        inspection.outcome = _outcome(inspection)
        with translation.override(settings.LANGUAGE_CODE):  # stored text: Chinese whatever the UI language
            inspection.conclusion = (conclusion or "").strip() or str(Outcome(inspection.outcome).label)
        inspection.status = InspectionStatus.FINISHED
        inspection.finished_at, inspection.finished_by = timezone.now(), actor
        inspection.version += 1
        inspection.save()
    return inspection


# --- documents -----------------------------------------------------------------------------

def document_issue(*, inspection_id: int, actor: User, kind: str, deadline: datetime.date | None = None,
                   issue_date: datetime.date | None = None) -> InspectionDocument:
    """Number and freeze a document. Issuing the same document again returns the one issued.
    The number comes from the issuer's series for the year, in this transaction: a failure
    rolls the number back, and concurrent issuers never share one."""
    _require_role(actor, REGULATORS, _("只有监管人员可以制发检查文书。"))
    if kind not in DocumentKind.values:
        raise DomainError("bad_kind", _("文书类型无效。"), status=400, field="kind")
    with transaction.atomic():
        inspection = _lock_inspection(actor, inspection_id)
        existing = inspection.documents.filter(kind=kind).first()
        if existing is not None:
            return existing
        if not inspection.is_finished:
            raise DomainError("not_finished", _("检查完成后才能制发%(doc)s。") % {"doc": DocumentKind(kind).label})
        hazards = list(Hazard.objects.filter(inspection_result__inspection=inspection)
                       .select_related("inspection_result__item").order_by("code"))
        open_hazards = [h for h in hazards if not h.rectified_on_spot and h.status != HazardStatus.REJECTED]
        if kind == DocumentKind.ORDER:
            if not open_hazards:
                raise DomainError("no_open_hazards", _("本次检查没有需要限期整改的隐患，无需制发整改指令书。"))
            if deadline is None:
                raise DomainError("deadline_required", _("请填写整改期限。"), status=400, field="deadline")
            if deadline <= local_today():
                raise DomainError("deadline_in_past", _("整改期限必须晚于今天。"), status=400, field="deadline")
        issue_date = issue_date or local_today()
        with translation.override(settings.LANGUAGE_CODE):  # official documents are Chinese whatever the UI language
            issuer = documents.issuer_for(actor, inspection)
            number = next_document_number(kind=DOCUMENT_SERIES[kind], issuer=issuer.key, year=issue_date.year)
            doc_no = documents.document_number(issuer, kind=kind, year=issue_date.year, number=number)
            content = documents.snapshot(kind=kind, inspection=inspection, hazards=hazards, open_hazards=open_hazards,
                                         issuer=issuer, doc_no=doc_no, issue_date=issue_date, deadline=deadline)
        return InspectionDocument.objects.create(
            inspection=inspection, kind=kind, issuer=issuer.key, year=issue_date.year, number=number, doc_no=doc_no,
            content=content, issued_by=actor,
        )


# --- conflicts of interest -----------------------------------------------------------------

def conflict_record(*, actor: User, inspector: User, enterprise: Enterprise, reason: str) -> ConflictOfInterest:
    _require_role(actor, PLANNERS, _("只有审核督办人员或管理员可以登记回避关系。"))
    if not (reason or "").strip():
        raise DomainError("reason_required", _("请填写回避事由。"), status=400, field="reason")
    if not region_in_jurisdiction(actor, enterprise.region_id):
        raise DomainError("out_of_jurisdiction", _("该单位不在您的辖区内。"), status=400, field="enterprise")
    conflict, created = ConflictOfInterest.objects.get_or_create(
        inspector=inspector, enterprise=enterprise, defaults={"reason": reason.strip(), "recorded_by": actor})
    if not created:
        raise DomainError("conflict_exists", _("该回避关系已登记。"), status=400, field="inspector")
    return conflict


# --- random inspection plans (双随机一公开) ----------------------------------------------------

def plan_create(*, actor: User, name: str, region: Region, size: int, start_date: datetime.date,
                end_date: datetime.date, sectors: Iterable[Sector] = (), risk_colours: Iterable[str] = (),
                inspectors_per_enterprise: int = 2) -> InspectionPlan:
    _require_role(actor, PLANNERS, _("只有审核督办人员或管理员可以制定抽查计划。"))
    if not (name or "").strip():
        raise DomainError("name_required", _("请填写计划名称。"), status=400, field="name")
    if not region_in_jurisdiction(actor, region.code):
        raise DomainError("out_of_jurisdiction", _("抽查区域不在您的辖区内。"), status=400, field="region")
    if size is None or size < 1:
        raise DomainError("size_invalid", _("抽取单位数至少为1。"), status=400, field="size")
    if inspectors_per_enterprise < MIN_ENFORCEMENT_OFFICERS:
        raise DomainError("two_officers_required", _("每户检查人员不得少于%(n)d人。") % {"n": MIN_ENFORCEMENT_OFFICERS},
                          status=400, field="inspectors_per_enterprise")
    if end_date < start_date:
        raise DomainError("dates_reversed", _("检查截止日期不能早于开始日期。"), status=400, field="end_date")
    with transaction.atomic():
        plan = InspectionPlan.objects.create(
            name=name.strip(), region=region, size=size, start_date=start_date, end_date=end_date,
            risk_colours=sorted(set(risk_colours)), inspectors_per_enterprise=inspectors_per_enterprise,
            created_by=actor,
        )
        plan.sectors.set(list(sectors))
    return plan


def plan_pool(plan: InspectionPlan) -> list[list]:
    """The enterprises matching the plan's criteria, [[id, risk colour], …] by id."""
    queryset = Enterprise.objects.filter(region__code__startswith=plan.region_id)
    sector_ids = [s.pk for s in plan.sectors.all()]
    if sector_ids:
        queryset = queryset.filter(sector_id__in=sector_ids)
    if plan.risk_colours:
        queryset = queryset.filter(risk_colour__in=plan.risk_colours)
    return [[pk, colour] for pk, colour in queryset.order_by("id").values_list("id", "risk_colour")]


def plan_inspector_pool(plan: InspectionPlan) -> list[int]:
    """Active inspectors whose jurisdiction covers the whole plan area."""
    ancestors = [plan.region_id[:n] for n in (2, 4, 6, 9, 12) if n <= len(plan.region_id)]
    return list(User.objects.filter(role=Role.INSPECTOR, is_active=True, region_id__in=ancestors)
                .order_by("id").values_list("id", flat=True))


def plan_draw(*, plan_id: int, actor: User, seed: str = "") -> InspectionPlan:
    """Draw enterprises and teams, store the inputs, schedule one inspection per drawn enterprise."""
    seed = (seed or "").strip() or secrets.token_hex(8)
    with transaction.atomic():
        # Visibility first: another jurisdiction's plan is a 404 whatever the caller's role.
        plan = get_visible_or_404(InspectionPlan.objects.select_for_update(), actor, pk=plan_id)
        _require_role(actor, PLANNERS, _("只有审核督办人员或管理员可以抽取。"))
        if plan.status != PlanStatus.DRAFT:
            raise DomainError("already_drawn", _("该计划已于 %(at)s 抽取，不能重复抽取。")
                              % {"at": timezone.localtime(plan.drawn_at).strftime("%Y-%m-%d %H:%M")})
        pool = plan_pool(plan)
        inspector_pool = plan_inspector_pool(plan)
        if len(pool) < plan.size:
            raise DomainError("pool_too_small", _("符合条件的单位只有 %(n)d 家，少于抽取数量 %(size)d。")
                              % {"n": len(pool), "size": plan.size}, status=400, field="size")
        conflicts = [list(pair) for pair in ConflictOfInterest.objects.filter(
            enterprise_id__in=[e for e, _ in pool], inspector_id__in=inspector_pool,
        ).order_by("inspector_id", "enterprise_id").values_list("inspector_id", "enterprise_id")]
        try:
            drawn = draw(seed=seed, pool=pool, inspectors=inspector_pool, conflicts=conflicts, size=plan.size,
                         per_enterprise=plan.inspectors_per_enterprise)
        except NotEnoughInspectors as error:
            name = Enterprise.objects.filter(pk=error.enterprise_id).values_list("name", flat=True).first()
            raise DomainError("not_enough_inspectors",
                              _("检查人员不足：可派往“%(name)s”的无回避关系检查员只有 %(n)d 人，每户需要 %(k)d 人。")
                              % {"name": name, "n": error.eligible, "k": plan.inspectors_per_enterprise}, status=400)
        plan.seed, plan.pool, plan.inspector_pool, plan.conflict_pairs = seed, pool, inspector_pool, conflicts
        plan.status, plan.drawn_at, plan.drawn_by = PlanStatus.DRAWN, timezone.now(), actor
        plan.save()
        enterprises = Enterprise.objects.in_bulk([d.enterprise_id for d in drawn])
        users = User.objects.in_bulk({i for d in drawn for i in d.inspector_ids})
        for position, result in enumerate(drawn, start=1):
            enterprise = enterprises[result.enterprise_id]
            template = default_template_for(enterprise.sector_id)
            if template is None:
                raise DomainError("template_required", _("没有适用于“%(sector)s”的检查表。")
                                  % {"sector": enterprise.sector_id}, status=400)
            inspection = Inspection.objects.create(
                type=InspectionType.RANDOM, enterprise=enterprise, region_id=enterprise.region_id,
                date=plan.start_date, plan=plan, template_version=current_version(template), created_by=actor,
                status=InspectionStatus.DRAFT,
            )
            team = [users[i] for i in result.inspector_ids]
            inspection.inspectors.set(team)
            row = PlanDraw.objects.create(plan=plan, position=position, enterprise=enterprise, inspection=inspection)
            row.inspectors.set(team)
    return plan


def plan_publish(*, plan_id: int, actor: User) -> InspectionPlan:
    """一公开: the plan's list (enterprise, date, outcome) appears on the public page."""
    with transaction.atomic():
        plan = get_visible_or_404(InspectionPlan.objects.select_for_update(), actor, pk=plan_id)
        _require_role(actor, PLANNERS, _("只有审核督办人员或管理员可以公开抽查结果。"))
        if plan.status == PlanStatus.DRAFT:
            raise DomainError("not_drawn", _("计划尚未抽取，不能公开。"))
        if plan.status != PlanStatus.PUBLISHED:
            plan.status, plan.published_at = PlanStatus.PUBLISHED, timezone.now()
            plan.save()
    return plan
