"""Who may do what to a tip-off and its reward, now. The services raise these refusals; the
detail page offers exactly the actions that pass them, so a button is never shown for an
action the service would refuse."""
from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.choices import REGULATOR_ROLES, SUPERVISOR_ROLES
from accounts.jurisdiction import has_role
from hazards.choices import HazardStatus
from hazardtrack.errors import DomainError

from .choices import OPEN_STATUSES, RewardStatus, TipOffStatus

REGULATORS = REGULATOR_ROLES
APPROVERS = SUPERVISOR_ROLES
# Statuses of the linked hazard in which a tip-off has not (yet) proved true.
UNCONFIRMED_HAZARD_STATUSES = (HazardStatus.REPORTED, HazardStatus.REJECTED)
DECISIONS = ("accept", "duplicate", "reject", "transfer")


def is_regulator(user) -> bool:
    return has_role(user, REGULATORS)


def is_approver(user) -> bool:
    return has_role(user, APPROVERS)


def check_decide(tipoff, user) -> None:
    """受理 / 重复 / 不予受理 / 转办: regulators, while the tip-off awaits a decision."""
    if not is_regulator(user):
        raise DomainError("role_not_allowed", _("只有监管部门工作人员可以办理举报。"), status=403)
    if tipoff.status not in OPEN_STATUSES:
        raise DomainError(
            "invalid_state",
            _("该举报当前状态为“%(status)s”，已办结，不能再次办理。") % {"status": tipoff.get_status_display()},
        )


def check_propose_reward(tipoff, user, *, hazard, has_live_reward: bool) -> None:
    """奖励建议: an accepted tip-off whose hazard was confirmed (认定 or later, not 不予认定)."""
    if not is_regulator(user):
        raise DomainError("role_not_allowed", _("只有监管部门工作人员可以提出奖励建议。"), status=403)
    if tipoff.status != TipOffStatus.ACCEPTED:
        raise DomainError("reward_not_accepted", _("只有已受理并立案的举报可以奖励（当前：%(s)s）。")
                          % {"s": tipoff.get_status_display()})
    if hazard.status in UNCONFIRMED_HAZARD_STATUSES:
        raise DomainError("hazard_not_confirmed", _("隐患 %(code)s 尚未认定属实（当前：%(s)s），不能提出奖励。")
                          % {"code": hazard.code, "s": hazard.get_status_display()})
    if has_live_reward:
        raise DomainError("reward_exists", _("该举报已有奖励记录，不能重复提出。"))


def _check_reward_state(reward, expected: str) -> None:
    if reward is None:
        raise DomainError("no_reward", _("没有待办理的奖励。"))
    if reward.status != expected:
        raise DomainError("invalid_state", _("奖励当前状态为“%(s)s”，不能执行此操作。") % {"s": reward.get_status_display()})


def check_approve_reward(reward, user) -> None:
    """批准: a supervisor other than the proposer (four eyes)."""
    if not is_approver(user):
        raise DomainError("role_not_allowed", _("奖励须由审核督办人员批准。"), status=403)
    _check_reward_state(reward, RewardStatus.PROPOSED)
    if reward.proposed_by_id == user.pk:
        raise DomainError("same_approver", _("奖励须由提出人以外的审核人员批准，您不能批准自己提出的奖励。"), status=403)


def check_refuse_reward(reward, user) -> None:
    if not is_approver(user):
        raise DomainError("role_not_allowed", _("奖励须由审核督办人员审批。"), status=403)
    _check_reward_state(reward, RewardStatus.PROPOSED)


def check_pay_reward(reward, user) -> None:
    if not is_regulator(user):
        raise DomainError("role_not_allowed", _("只有监管部门工作人员可以登记奖励发放。"), status=403)
    _check_reward_state(reward, RewardStatus.APPROVED)


REWARD_CHECKS = {"approve": check_approve_reward, "refuse": check_refuse_reward, "pay": check_pay_reward}


def available_actions(tipoff, user, *, live_reward) -> tuple[list[str], list[str]]:
    """(decisions, reward steps) `user` may take on `tipoff` now. Needs tipoff.hazard loaded."""
    decisions, steps = [], []
    try:
        check_decide(tipoff, user)
        decisions = list(DECISIONS)
    except DomainError:
        pass
    if tipoff.hazard_id:
        try:
            check_propose_reward(tipoff, user, hazard=tipoff.hazard, has_live_reward=live_reward is not None)
            steps.append("propose")
        except DomainError:
            pass
    for name, check in REWARD_CHECKS.items():
        try:
            check(live_reward, user)
            steps.append(name)
        except DomainError:
            pass
    return decisions, steps
