"""Who may do what to an incident, and when, in one table (the same pattern as hazards).

`check_action` raises the DomainError that explains a refusal; the detail page offers exactly
`available_actions`, so a button is never shown for something the service would refuse.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import REGION_CODE_LENGTH, REGULATOR_ROLES, SUPERVISOR_ROLES
from accounts.jurisdiction import has_role, is_exempt, region_in_jurisdiction
from hazardtrack.errors import DomainError

from . import rules
from .choices import IncidentStatus, ReportLevel
from .models import Incident, IncidentReport

S = IncidentStatus
STAFF = REGULATOR_ROLES
SUPERVISORS = SUPERVISOR_ROLES
OPEN = (S.REPORTED, S.INVESTIGATING)


def user_level_length(user) -> int:
    """Length of the user's region code: 2 province, 4 city, 6 county; 0 for a user over all."""
    return len(user.region_id) if user.region_id else 0


def acts_for_level(user, level: str, incident: Incident) -> bool:
    """Is `user` staff of exactly that regulator level for this incident (the unit's report is
    recorded by the county)?"""
    if is_exempt(user):
        return True
    if level == ReportLevel.UNIT:
        level = ReportLevel.COUNTY
    code = rules.level_region_code(level, incident.region_id)
    return code is not None and user.region_id == code


def next_step(incident: Incident) -> IncidentReport | None:
    """The first step not yet reported, if the one before it has been (uses the prefetched steps)."""
    for step in sorted(incident.report_steps.all(), key=lambda s: s.sequence):
        if step.reported_at is None:
            return step
    return None


def _next_step_is_mine(incident: Incident, user) -> None:
    step = next_step(incident)
    if step is None:
        raise DomainError("all_reported", _("按事故等级需要的逐级上报均已完成。"))
    if not acts_for_level(user, step.from_level, incident):
        raise DomainError(
            "not_your_level",
            _("“%(step)s”须由%(level)s监管人员上报。") % {"step": str(step), "level": step.get_from_level_display()},
            status=403,
        )


def _lead_level_suffices(incident: Incident, user) -> None:
    """The investigation belongs to the government of the grade's level (or a higher one)."""
    authority = rules.LEAD_AUTHORITY[incident.grade]
    required = REGION_CODE_LENGTH[rules.AUTHORITY_REGION_LEVEL[authority]]
    if user_level_length(user) > required:
        raise DomainError(
            "lead_level_too_low",
            _("%(grade)s由%(authority)s负责调查，您所在层级不能办理。")
            % {"grade": incident.get_grade_display(), "authority": authority.label},
            status=403,
        )


def _not_extended(incident: Incident, user) -> None:
    if incident.investigation.extended:
        raise DomainError("already_extended", _("调查期限只能延长一次，已于此前延长至 %(d)s。")
                          % {"d": incident.investigation.due_on})


def _findings_complete(incident: Incident, user) -> None:
    if not incident.investigation.findings_complete:
        raise DomainError("findings_incomplete", _("结案前须记录直接原因、间接原因、责任认定和防范措施建议。"))


@dataclass(frozen=True)
class Action:
    name: str
    label: object
    sources: tuple[str, ...]
    roles: tuple[str, ...]
    guards: tuple[Callable[[Incident, object], None], ...] = field(default=())


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("report_step", gettext_lazy("逐级上报"), OPEN, STAFF, (_next_step_is_mine,)),
        Action("update_figures", gettext_lazy("续报伤亡和损失"), OPEN, STAFF),
        Action("start_investigation", gettext_lazy("成立调查组"), (S.REPORTED,), SUPERVISORS, (_lead_level_suffices,)),
        Action("extend_investigation", gettext_lazy("延长调查期限"), (S.INVESTIGATING,), SUPERVISORS,
               (_lead_level_suffices, _not_extended)),
        Action("record_findings", gettext_lazy("记录调查结论"), (S.INVESTIGATING,), STAFF, (_lead_level_suffices,)),
        Action("list_supervision", gettext_lazy("挂牌督办"), OPEN, SUPERVISORS),
        Action("followup_hazard", gettext_lazy("登记整改隐患"), (S.REPORTED, S.INVESTIGATING, S.CLOSED), STAFF),
        Action("link_hazard", gettext_lazy("关联已有隐患"), (S.REPORTED, S.INVESTIGATING, S.CLOSED), STAFF),
        Action("add_attachments", gettext_lazy("上传照片和材料"), OPEN, STAFF),
        Action("close", gettext_lazy("结案"), (S.INVESTIGATING,), SUPERVISORS, (_lead_level_suffices, _findings_complete)),
    )
}


def check_action(incident: Incident, user, name: str) -> Action:
    action = ACTIONS[name]
    if not has_role(user, action.roles):
        raise DomainError(
            "role_not_allowed",
            _("您的角色（%(role)s）不能执行“%(action)s”。") % {"role": user.get_role_display(), "action": action.label},
            status=403,
        )
    if not region_in_jurisdiction(user, incident.region_id):
        raise DomainError("out_of_jurisdiction", _("该事故不在您的辖区内。"), status=404)
    if incident.status not in action.sources:
        # The rule in its own words (a stale tab meets it), by where the incident stands.
        refusal = {
            S.CLOSED: _("事故已结案，不能再%(action)s。"),
            S.REPORTED: _("尚未成立调查组，不能%(action)s。"),
            S.INVESTIGATING: _("调查组已经成立，不能再%(action)s。"),
        }[incident.status]
        raise DomainError("invalid_state", refusal % {"action": action.label})
    for guard in action.guards:
        guard(incident, user)
    return action


def available_actions(incident: Incident, user) -> list[Action]:
    allowed = []
    for name in ACTIONS:
        try:
            allowed.append(check_action(incident, user, name))
        except DomainError:
            pass
    return allowed
