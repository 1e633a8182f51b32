"""The lifecycle rules of a hazard, in one table.

Each transition names the statuses it starts from, the roles that may take it and any further
guard. `check_transition` raises the DomainError that explains a refusal; the detail page
offers exactly `available_transitions` — the same rules, so a button is never shown for an
action the service would refuse.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.choices import REGION_CODE_LENGTH, REGULATOR_ROLES, SUPERVISOR_ROLES, Role
from accounts.jurisdiction import has_role, region_in_jurisdiction
from hazardtrack.errors import DomainError

from .choices import ExtensionStatus, HazardLevel, HazardStatus, ListingLevel, ResumeReviewStatus
from .models import Hazard

S = HazardStatus
SUPERVISORS = SUPERVISOR_ROLES
STAFF = REGULATOR_ROLES
STAFF_AND_ENTERPRISE = STAFF + (Role.ENTERPRISE,)


def _only_major(hazard: Hazard, user) -> None:
    if hazard.level != HazardLevel.MAJOR:
        raise DomainError("not_major", _("仅重大事故隐患需要此操作。"))


def _no_pending_extension(hazard: Hazard, user) -> None:
    if hazard.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise DomainError("extension_pending", _("已有一条待审批的延期申请，请等待审批结果。"))


def _has_pending_extension(hazard: Hazard, user) -> None:
    if not hazard.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise DomainError("no_pending_extension", _("没有待审批的延期申请。"))


def _not_the_rectification_reporter(hazard: Hazard, user) -> None:
    if hazard.rectification_reported_by_id == user.pk:
        raise DomainError("same_verifier", _("复查须由报告整改完成者以外的人员进行，您不能复查自己报告的整改。"))
    if user.role == Role.ENTERPRISE:
        raise DomainError("role_not_allowed", _("复查须由监管部门人员现场进行。"))


def _level_short_of(hazard: Hazard, user) -> ListingLevel | None:
    """The level a major hazard's sign-off and resume review need — its listing level, county
    when not listed — when `user` sits below it; None when the user's level suffices."""
    required = ListingLevel(hazard.listing_level or ListingLevel.COUNTY)
    own_length = len(user.region_id) if user.region_id else 0  # admins without a region: all levels
    return required if own_length > REGION_CODE_LENGTH[required] else None


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


def _no_pending_resume(hazard: Hazard, user) -> None:
    if hazard.resume_applications.filter(status=ResumeReviewStatus.PENDING).exists():
        raise DomainError("resume_pending", _("已有一份待审查的复产申请，请等待审查结果。"))


def _pending_resume_of_another(hazard: Hazard, user) -> None:
    applicant = (
        hazard.resume_applications.filter(status=ResumeReviewStatus.PENDING)
        .values_list("submitted_by_id", flat=True).first()
    )
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
    if not hazard.attachments.filter(kind="after").exists():
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


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("update", pgettext_lazy("transition", "修改信息"), (S.REPORTED, S.CONFIRMED), STAFF),
        Transition("confirm", pgettext_lazy("transition", "认定"), (S.REPORTED,), SUPERVISORS),
        Transition("reject", pgettext_lazy("transition", "不予认定"), (S.REPORTED,), SUPERVISORS),
        Transition("assign", pgettext_lazy("transition", "交办整改"), (S.CONFIRMED,), SUPERVISORS),
        Transition(
            "submit_plan", pgettext_lazy("transition", "提交治理方案"), (S.ASSIGNED,), STAFF_AND_ENTERPRISE, (_only_major,)
        ),
        Transition(
            "list_supervision",
            pgettext_lazy("transition", "挂牌督办"),
            (S.CONFIRMED, S.ASSIGNED, S.RECTIFYING, S.RECTIFICATION_REPORTED),
            SUPERVISORS,
            (_only_major,),
        ),
        Transition(
            "request_extension",
            pgettext_lazy("transition", "申请延期"),
            (S.ASSIGNED, S.RECTIFYING),
            STAFF_AND_ENTERPRISE,
            (_no_pending_extension,),
        ),
        Transition(
            "decide_extension",
            pgettext_lazy("transition", "审批延期"),
            (S.ASSIGNED, S.RECTIFYING),
            SUPERVISORS,
            (_has_pending_extension,),
        ),
        Transition(
            "report_rectification", pgettext_lazy("transition", "报告整改完成"), (S.RECTIFYING,), STAFF_AND_ENTERPRISE
        ),
        Transition(
            "verify",
            pgettext_lazy("transition", "现场复查"),
            (S.RECTIFICATION_REPORTED,),
            STAFF,
            (_not_the_rectification_reporter,),
        ),
        Transition(
            "apply_resume",
            pgettext_lazy("transition", "申请复产"),
            (S.RECTIFICATION_REPORTED, S.VERIFIED),
            STAFF_AND_ENTERPRISE,
            (_only_major, _production_suspended, _assessment_reported, _no_pending_resume),
        ),
        Transition(
            "review_resume",
            pgettext_lazy("transition", "复产审查"),
            (S.RECTIFICATION_REPORTED, S.VERIFIED),
            SUPERVISORS,
            (_only_major, _pending_resume_of_another, _reviewer_level_suffices),
        ),
        Transition(
            "sign_off",
            pgettext_lazy("transition", "销号"),
            (S.VERIFIED,),
            SUPERVISORS,
            (_signer_level_suffices, _evidence_present, _production_resumed),
        ),
    )
}


def check_transition(hazard: Hazard, user, name: str) -> Transition:
    """Raise a DomainError saying why `user` may not take `name` on `hazard` now."""
    transition = TRANSITIONS[name]
    if not has_role(user, transition.roles):
        raise DomainError(
            "role_not_allowed",
            _("您的角色（%(role)s）不能执行“%(action)s”。") % {"role": user.get_role_display(), "action": transition.label},
            status=403,
        )
    if user.role == Role.ENTERPRISE and hazard.enterprise_id != user.enterprise_id:
        raise DomainError("out_of_jurisdiction", _("该隐患不属于您的单位。"), status=404)
    if user.role != Role.ENTERPRISE and not region_in_jurisdiction(user, hazard.region_id):
        raise DomainError("out_of_jurisdiction", _("该隐患不在您的辖区内。"), status=404)
    if hazard.status not in transition.sources:
        raise DomainError(
            "invalid_state",
            _("隐患当前状态为“%(status)s”，不能执行“%(action)s”。")
            % {"status": hazard.get_status_display(), "action": transition.label},
        )
    for guard in transition.guards:
        guard(hazard, user)
    return transition


def available_transitions(hazard: Hazard, user) -> list[Transition]:
    allowed = []
    for name in TRANSITIONS:
        try:
            allowed.append(check_transition(hazard, user, name))
        except DomainError:
            pass
    return allowed
