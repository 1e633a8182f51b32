"""The lifecycle rules of a hazard, in one table.

Each transition names the statuses it starts from, the roles that may take it and any further
guard. `check_transition` raises the DomainError that explains a refusal; the detail page
offers exactly `available_transitions` — the same rules, so a button is never shown for an
action the service would refuse.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.db.models import Q

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.choices import REGION_CODE_LENGTH, REGULATOR_ROLES, SUPERVISOR_ROLES, Role
from accounts.jurisdiction import has_role, region_in_jurisdiction
from hazardtrack.errors import DomainError

from .choices import AttachmentKind, ExtensionStatus, HazardLevel, HazardStatus, ListingLevel, ResumeReviewStatus
from .models import Hazard

S = HazardStatus
SUPERVISORS = SUPERVISOR_ROLES
STAFF = REGULATOR_ROLES
STAFF_AND_ENTERPRISE = STAFF + (Role.ENTERPRISE,)


def _only_major(hazard: Hazard, user) -> None:
    if hazard.level != HazardLevel.MAJOR:
        raise DomainError("not_major", _("仅重大事故隐患需要此操作。"))


def _first_related(hazard: Hazard, relation: str, field: str, **equal):
    """`field` of the first of the hazard's `relation` rows whose fields equal `equal` (in the
    relation's ordering), None when there is none. A hazard from `selectors.hazard_detail` has
    the rows prefetched, so the actions a detail offers cost no statement; any other hazard (the
    row a service has just locked, a form's) is asked in one small query."""
    manager = getattr(hazard, relation)
    if relation in getattr(hazard, "_prefetched_objects_cache", {}):
        return next((getattr(row, field) for row in manager.all()
                     if all(getattr(row, name) == value for name, value in equal.items())), None)
    return manager.filter(**equal).values_list(field, flat=True).first()


def _pending_extension(hazard: Hazard) -> bool:
    return _first_related(hazard, "extension_requests", "pk", status=ExtensionStatus.PENDING) is not None


def _no_pending_extension(hazard: Hazard, user) -> None:
    if _pending_extension(hazard):
        raise DomainError("extension_pending", _("已有一条待审批的延期申请，请等待审批结果。"))


def _has_pending_extension(hazard: Hazard, user) -> None:
    if not _pending_extension(hazard):
        raise DomainError("no_pending_extension", _("没有待审批的延期申请。"))


def _not_the_rectification_reporter(hazard: Hazard, user) -> None:
    if hazard.rectification_reported_by_id == user.pk:
        raise DomainError("same_verifier", _("复查须由报告整改完成者以外的人员进行，您不能复查自己报告的整改。"))
    if user.role == Role.ENTERPRISE:
        raise DomainError("role_not_allowed", _("复查须由监管部门人员现场进行。"))


def _levels_within_reach(user) -> set[ListingLevel]:
    """The listing levels whose major hazards `user` may sign off and review: their own level
    and those below it (admins without a region: all levels)."""
    own_length = len(user.region_id) if user.region_id else 0
    return {level for level in ListingLevel if own_length <= REGION_CODE_LENGTH[level]}


def _level_short_of(hazard: Hazard, user) -> ListingLevel | None:
    """The level a major hazard's sign-off and resume review need — its listing level, county
    when not listed — when `user` sits below it; None when the user's level suffices."""
    required = ListingLevel(hazard.listing_level or ListingLevel.COUNTY)
    return None if required in _levels_within_reach(user) else required


def listing_level_suffices_q(user) -> Q:
    """`_level_short_of(hazard, user) is None` as a filter: general hazards, and major hazards
    whose listing level (county when not listed) is within the user's reach. The to-do counts
    (hazards/todo.py) select with it, so they count what the user may actually sign off."""
    reach = _levels_within_reach(user)
    allowed = Q(listing_level__in=[level.value for level in reach])
    if ListingLevel.COUNTY in reach:
        allowed |= Q(listing_level="")
    return ~Q(level=HazardLevel.MAJOR) | allowed


def sign_off_allowed_q(user) -> Q:
    """The sign-off's status and level rules as a filter (the evidence guards hold for every
    verified hazard: verification needs the after-photos): verified, the signer's level suffices,
    and a major hazard under 停产停业 has passed its resume review first."""
    return (Q(status=S.VERIFIED) & listing_level_suffices_q(user)
            & ~Q(level=HazardLevel.MAJOR, production_suspended=True))


def _signer_level_suffices(hazard: Hazard, user) -> None:
    """General hazards: any supervisor of the jurisdiction. Major hazards: a supervisor of the
    listing level or above (county level at least when not listed)."""
    if hazard.level != HazardLevel.MAJOR:
        return
    required = _level_short_of(hazard, user)
    if required is not None:
        raise DomainError(
            "signer_level_too_low",
            _("重大事故隐患须由%(level)s或以上的监管人员销号。") % {"level": required.label},
            status=403,
        )


def _reviewer_level_suffices(hazard: Hazard, user) -> None:
    """复产审查: by a supervisor of the listing level or above, as for the sign-off it allows."""
    required = _level_short_of(hazard, user)
    if required is not None:
        raise DomainError(
            "reviewer_level_too_low",
            _("复产审查须由%(level)s或以上的监管人员进行。") % {"level": required.label},
            status=403,
        )


def _production_suspended(hazard: Hazard, user) -> None:
    if not hazard.production_suspended:
        raise DomainError("not_suspended", _("该隐患未被责令停产停业，无需申请复产。"))


def _assessment_reported(hazard: Hazard, user) -> None:
    if not hazard.assessment_report.strip():
        raise DomainError("no_assessment", _("申请复产前须提交整改评估报告。"))


def _pending_resume_applicant(hazard: Hazard):
    """Who submitted the application awaiting review (at most one: a constraint), or None."""
    return _first_related(hazard, "resume_applications", "submitted_by_id", status=ResumeReviewStatus.PENDING)


def _no_pending_resume(hazard: Hazard, user) -> None:
    if _pending_resume_applicant(hazard) is not None:
        raise DomainError("resume_pending", _("已有一份待审查的复产申请，请等待审查结果。"))


def _pending_resume_of_another(hazard: Hazard, user) -> None:
    applicant = _pending_resume_applicant(hazard)
    if applicant is None:
        raise DomainError("no_pending_resume", _("没有待审查的复产申请。"))
    if applicant == user.pk:
        raise DomainError("same_reviewer", _("复产审查须由申请人以外的人员进行，您不能审查自己提交的复产申请。"))


def _production_resumed(hazard: Hazard, user) -> None:
    # 停产停业 ends only with a passed 复产审查; sign-off (核销) comes after it, never instead.
    if hazard.level == HazardLevel.MAJOR and hazard.production_suspended:
        raise DomainError(
            "resume_review_required",
            _("该重大事故隐患仍处于停产停业状态，须经复产审查合格后方可销号。"),
        )


def _evidence_present(hazard: Hazard, user) -> None:
    # 隐患不消除不销号: verified on site, and after-photos on record.
    if not hazard.verified_by_id:
        raise DomainError("not_verified", _("隐患尚未通过现场复查，不能销号。"))
    if _first_related(hazard, "attachments", "pk", kind=AttachmentKind.AFTER) is None:
        raise DomainError("no_after_photo", _("没有整改后照片，不能销号。"))
    if hazard.level == HazardLevel.MAJOR and not hazard.assessment_report.strip():
        raise DomainError("no_assessment", _("重大事故隐患销号前须有整改评估报告。"))


@dataclass(frozen=True)
class Transition:
    name: str
    label: object
    sources: tuple[str, ...]
    roles: tuple[str, ...]
    guards: tuple[Callable[[Hazard, object], None], ...] = field(default=())
    # Why it is refused outside `sources`: the rule in its own words (a stale tab meets it).
    refusal: object = None


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("update", pgettext_lazy("transition", "修改信息"), (S.REPORTED, S.CONFIRMED), STAFF,
                   refusal=gettext_lazy("隐患交办整改后，上报信息不能再修改。")),
        Transition("confirm", pgettext_lazy("transition", "认定"), (S.REPORTED,), SUPERVISORS,
                   refusal=gettext_lazy("只有待认定的隐患才能认定。")),
        Transition("reject", pgettext_lazy("transition", "不予认定"), (S.REPORTED,), SUPERVISORS,
                   refusal=gettext_lazy("只有待认定的隐患才能不予认定。")),
        Transition("assign", pgettext_lazy("transition", "交办整改"), (S.CONFIRMED,), SUPERVISORS,
                   refusal=gettext_lazy("隐患须经认定、尚未交办，才能交办整改。")),
        Transition(
            "submit_plan", pgettext_lazy("transition", "提交治理方案"), (S.ASSIGNED,), STAFF_AND_ENTERPRISE, (_only_major,),
            refusal=gettext_lazy("只有已交办、尚未开始整改的重大事故隐患才能提交治理方案。")
        ),
        Transition(
            "list_supervision",
            pgettext_lazy("transition", "挂牌督办"),
            (S.CONFIRMED, S.ASSIGNED, S.RECTIFYING, S.RECTIFICATION_REPORTED),
            SUPERVISORS,
            (_only_major,),
            refusal=gettext_lazy("只有认定后、复查前的重大事故隐患才能挂牌督办。"),
        ),
        Transition(
            "request_extension",
            pgettext_lazy("transition", "申请延期"),
            (S.ASSIGNED, S.RECTIFYING),
            STAFF_AND_ENTERPRISE,
            (_no_pending_extension,),
            refusal=gettext_lazy("只有整改期间（报告整改完成前）才能申请延期。"),
        ),
        Transition(
            "decide_extension",
            pgettext_lazy("transition", "审批延期"),
            (S.ASSIGNED, S.RECTIFYING),
            SUPERVISORS,
            (_has_pending_extension,),
            refusal=gettext_lazy("隐患已不在整改期间，延期申请不能再审批。"),
        ),
        Transition(
            "report_rectification", pgettext_lazy("transition", "报告整改完成"), (S.RECTIFYING,), STAFF_AND_ENTERPRISE,
            refusal=gettext_lazy("只有整改中的隐患才能报告整改完成。")
        ),
        Transition(
            "verify",
            pgettext_lazy("transition", "现场复查"),
            (S.RECTIFICATION_REPORTED,),
            STAFF,
            (_not_the_rectification_reporter,),
            refusal=gettext_lazy("隐患尚未报告整改完成，不能现场复查。"),
        ),
        Transition(
            "apply_resume",
            pgettext_lazy("transition", "申请复产"),
            (S.RECTIFICATION_REPORTED, S.VERIFIED),
            STAFF_AND_ENTERPRISE,
            (_only_major, _production_suspended, _assessment_reported, _no_pending_resume),
            refusal=gettext_lazy("隐患报告整改完成后、销号前才能申请复产。"),
        ),
        Transition(
            "review_resume",
            pgettext_lazy("transition", "复产审查"),
            (S.RECTIFICATION_REPORTED, S.VERIFIED),
            SUPERVISORS,
            (_only_major, _pending_resume_of_another, _reviewer_level_suffices),
            refusal=gettext_lazy("隐患报告整改完成后、销号前才能进行复产审查。"),
        ),
        Transition(
            "sign_off",
            pgettext_lazy("transition", "销号"),
            (S.VERIFIED,),
            SUPERVISORS,
            (_signer_level_suffices, _evidence_present, _production_resumed),
            refusal=gettext_lazy("隐患尚未通过现场复查，不能销号。"),
        ),
    )
}


def _refusal(hazard: Hazard, user, transition: Transition) -> Callable[[], DomainError] | None:
    """Why `user` may not take `transition` on `hazard` now, short of its guards, as a maker of
    the error (a detail asks for every transition, and builds no message it does not show);
    None when role, jurisdiction and status allow it."""
    if not has_role(user, transition.roles):
        return lambda: DomainError(
            "role_not_allowed",
            _("您的角色（%(role)s）不能执行“%(action)s”。") % {"role": user.get_role_display(), "action": transition.label},
            status=403,
        )
    if user.role == Role.ENTERPRISE and hazard.enterprise_id != user.enterprise_id:
        return lambda: DomainError("out_of_jurisdiction", _("该隐患不属于您的单位。"), status=404)
    if user.role != Role.ENTERPRISE and not region_in_jurisdiction(user, hazard.region_id):
        return lambda: DomainError("out_of_jurisdiction", _("该隐患不在您的辖区内。"), status=404)
    if hazard.status not in transition.sources:
        def invalid_state() -> DomainError:
            if hazard.status in (S.SIGNED_OFF, S.REJECTED):
                message = _("隐患已是“%(status)s”状态，不能再%(action)s。")
            else:
                message = _("%(rule)s（隐患当前状态：%(status)s）")
            return DomainError("invalid_state", message % {"rule": transition.refusal,
                                                           "status": hazard.get_status_display(),
                                                           "action": transition.label})
        return invalid_state
    return None


def check_transition(hazard: Hazard, user, name: str) -> Transition:
    """Raise a DomainError saying why `user` may not take `name` on `hazard` now."""
    transition = TRANSITIONS[name]
    refusal = _refusal(hazard, user, transition)
    if refusal is not None:
        raise refusal()
    _run_guards(hazard, user, transition)
    return transition


def _run_guards(hazard: Hazard, user, transition: Transition) -> None:
    for guard in transition.guards:
        guard(hazard, user)


def available_transitions(hazard: Hazard, user) -> list[Transition]:
    """The transitions `check_transition` would allow, in TRANSITIONS' order."""
    allowed = []
    for transition in TRANSITIONS.values():
        if _refusal(hazard, user, transition) is not None:
            continue
        try:
            _run_guards(hazard, user, transition)
        except DomainError:
            continue
        allowed.append(transition)
    return allowed
