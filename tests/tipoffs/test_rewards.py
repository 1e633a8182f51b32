"""Rewards for tip-offs that proved true: proposed (amount, basis) for an accepted tip-off whose
hazard was confirmed, approved by a supervisor who did not propose it, then paid; the reporter
sees "reward approved" on the tracking page. Figures count them."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from hazards import services as hazard_services
from hazardtrack.errors import DomainError
from tests import factories
from tests.factories import TipOffFactory
from tests.tipoffs.test_triage import accept, submit
from tipoffs import selectors, services
from tipoffs.choices import RewardStatus, TipOffAction
from tipoffs.models import Reward

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(people):
    """An accepted tip-off whose hazard the supervisor confirmed."""
    tipoff = accept(submit(), people.supervisor)
    hazard = tipoff.hazard
    hazard_services.hazard_confirm(hazard_id=hazard.pk, actor=people.supervisor, expected_version=hazard.version)
    return tipoff


def propose(tipoff, actor, amount="800", basis="举报查实一般事故隐患") -> Reward:
    return services.reward_propose(tipoff_id=tipoff.pk, actor=actor, amount=amount, basis=basis)


def refused(code: str, fn, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as error:
        fn(*args, **kwargs)
    assert error.value.code == code, error.value.message
    return error.value


def test_reward_from_proposal_to_payment(people, confirmed):
    reward = propose(confirmed, people.inspector)
    assert reward.status == RewardStatus.PROPOSED and reward.amount == Decimal("800.00")

    services.reward_approve(reward_id=reward.pk, actor=people.supervisor, comment="同意")
    reward = services.reward_record_payment(reward_id=reward.pk, actor=people.inspector,
                                            paid_at=timezone.localdate(), reference="JL-2026-0007")

    assert reward.status == RewardStatus.PAID and reward.approved_by == people.supervisor
    assert reward.payment_reference == "JL-2026-0007" and reward.paid_recorded_by == people.inspector
    actions = list(confirmed.events.values_list("action", flat=True))
    assert actions[-3:] == [TipOffAction.REWARD_PROPOSED, TipOffAction.REWARD_APPROVED, TipOffAction.REWARD_PAID]


def test_the_reporter_sees_reward_approved_on_the_tracking_page(client, people, confirmed):
    reward = propose(confirmed, people.inspector)
    track = {"code": confirmed.tracking_code}
    assert "奖励已批准" not in client.get("/jubao/track/", track).content.decode()

    services.reward_approve(reward_id=reward.pk, actor=people.supervisor)
    body = client.get("/jubao/track/", track).content.decode()
    assert "奖励已批准" in body
    assert "800" not in body  # the amount is the staff's business

    services.reward_record_payment(reward_id=reward.pk, actor=people.inspector, paid_at=timezone.localdate(),
                                   reference="JL-1")
    assert "奖励已发放" in client.get("/jubao/track/", track).content.decode()


def test_no_reward_while_the_hazard_is_not_confirmed(people):
    tipoff = accept(submit(), people.supervisor)

    error = refused("hazard_not_confirmed", propose, tipoff, people.inspector)
    assert "尚未认定属实" in str(error.message)


def test_no_reward_when_the_hazard_was_found_not_to_be_one(people):
    tipoff = accept(submit(), people.supervisor)
    hazard_services.hazard_reject(hazard_id=tipoff.hazard_id, actor=people.supervisor,
                                  expected_version=tipoff.hazard.version, reason="不构成隐患")

    refused("hazard_not_confirmed", propose, tipoff, people.inspector)


@pytest.mark.parametrize("outcome", ["received", "rejected", "duplicate"])
def test_no_reward_for_tipoffs_not_accepted(people, confirmed, outcome):
    tipoff = submit()
    if outcome == "rejected":
        tipoff = services.tipoff_reject(tipoff_id=tipoff.pk, actor=people.supervisor, expected_version=1, reason="不属实")
    elif outcome == "duplicate":
        tipoff = services.tipoff_mark_duplicate(tipoff_id=tipoff.pk, actor=people.supervisor, expected_version=1,
                                                hazard_code=confirmed.hazard.code)

    refused("reward_not_accepted", propose, tipoff, people.inspector)


def test_the_proposer_cannot_approve_their_own_proposal(people, confirmed):
    reward = propose(confirmed, people.supervisor)

    error = refused("same_approver", services.reward_approve, reward_id=reward.pk, actor=people.supervisor)
    assert error.status == 403
    services.reward_approve(reward_id=reward.pk, actor=people.second_supervisor)


def test_an_inspector_cannot_approve(people, confirmed):
    reward = propose(confirmed, people.supervisor)

    refused("role_not_allowed", services.reward_approve, reward_id=reward.pk, actor=people.inspector)


def test_payment_only_after_approval(people, confirmed):
    reward = propose(confirmed, people.inspector)

    refused("invalid_state", services.reward_record_payment, reward_id=reward.pk, actor=people.inspector,
            paid_at=timezone.localdate(), reference="JL-1")


def test_payment_needs_a_reference_and_a_date_not_in_the_future(people, confirmed):
    reward = propose(confirmed, people.inspector)
    services.reward_approve(reward_id=reward.pk, actor=people.supervisor)

    refused("reference_required", services.reward_record_payment, reward_id=reward.pk, actor=people.inspector,
            paid_at=timezone.localdate(), reference=" ")
    refused("paid_at_future", services.reward_record_payment, reward_id=reward.pk, actor=people.inspector,
            paid_at=timezone.localdate() + datetime.timedelta(days=1), reference="JL-1")


def test_one_live_proposal_per_tipoff_but_a_refused_one_may_be_followed(people, confirmed):
    first = propose(confirmed, people.inspector)
    refused("reward_exists", propose, confirmed, people.inspector)

    services.reward_refuse(reward_id=first.pk, actor=people.supervisor, reason="依据不足，请补充核查材料")
    second = propose(confirmed, people.inspector, amount="600", basis="补充材料后重新提出")

    assert second.status == RewardStatus.PROPOSED
    assert Reward.objects.filter(tipoff=confirmed).count() == 2


@pytest.mark.parametrize("amount, code", [("0", "amount_invalid"), ("-5", "amount_invalid"),
                                          ("300000.01", "amount_too_large"), ("abc", "amount_invalid")])
def test_amounts_must_be_positive_and_within_the_ceiling(people, confirmed, amount, code):
    refused(code, propose, confirmed, people.inspector, amount=amount)


def test_staff_of_another_region_cannot_touch_the_reward(people, confirmed):
    reward = propose(confirmed, people.inspector)

    with pytest.raises(Http404):
        services.reward_approve(reward_id=reward.pk, actor=people.neighbour_supervisor)
    with pytest.raises(Http404):
        propose(confirmed, people.neighbour_supervisor)


def test_the_page_offers_only_the_reward_steps_the_user_may_take(client, people, confirmed):
    client.force_login(people.inspector)
    page = client.get(f"/tipoffs/{confirmed.pk}/").content.decode()
    assert 'id="action-propose"' in page

    response = client.post(f"/tipoffs/{confirmed.pk}/reward/propose/", {"amount": "500", "basis": "查实"})
    assert response.status_code == 302
    page = client.get(f"/tipoffs/{confirmed.pk}/").content.decode()
    assert 'id="action-propose"' not in page and 'id="action-approve"' not in page  # inspectors do not approve

    client.force_login(people.supervisor)
    page = client.get(f"/tipoffs/{confirmed.pk}/").content.decode()
    assert 'id="action-approve"' in page and 'id="action-refuse"' in page
    assert client.post(f"/tipoffs/{confirmed.pk}/reward/approve/", {"comment": "同意"}).status_code == 302

    client.force_login(people.inspector)
    response = client.post(f"/tipoffs/{confirmed.pk}/reward/pay/", {"paid_at": "", "reference": "JL-9"})
    assert response.status_code == 400  # the date is missing: said on the form, typed reference kept
    assert "JL-9" in response.content.decode()


def test_a_refused_approval_on_the_page_explains_itself(client, people, confirmed):
    propose(confirmed, people.supervisor)
    client.force_login(people.supervisor)

    response = client.post(f"/tipoffs/{confirmed.pk}/reward/approve/", {"comment": "自己批自己"})

    assert response.status_code == 400
    assert "您不能批准自己提出的奖励" in response.content.decode()


# --- figures -------------------------------------------------------------------------------------

def _at(days_ago: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days_ago)


def test_figures_count_received_accepted_rejected_rewarded_and_amount(people, confirmed):
    reward = propose(confirmed, people.inspector, amount="800")
    services.reward_approve(reward_id=reward.pk, actor=people.supervisor)
    services.tipoff_reject(tipoff_id=submit().pk, actor=people.supervisor, expected_version=1, reason="不属实")
    submit()  # still waiting
    TipOffFactory(region=factories.region("430407"))  # next door: not ours
    TipOffFactory(submitted_at=_at(400))  # long ago: outside the period
    today = timezone.localdate()

    figures = selectors.tipoff_figures(user=people.supervisor, start=today - datetime.timedelta(days=30), end=today)

    assert figures["received"] == 3
    assert figures["accepted"] == 1 and figures["rejected"] == 1 and figures["pending"] == 1
    assert figures["rewarded"] == 1 and figures["amount"] == Decimal("800.00") and figures["paid_amount"] == 0
    city = selectors.tipoff_figures(user=people.city, start=today - datetime.timedelta(days=30), end=today)
    assert city["received"] == 3  # 邵阳市's counties; 石鼓区 is in 衡阳市
    outside = selectors.tipoff_figures(user=people.city, start=today, end=today, region_code="430407")
    assert outside["received"] == 0  # narrowing never widens the jurisdiction
    neighbour = selectors.tipoff_figures(user=people.neighbour_supervisor, start=today, end=today)
    assert neighbour["received"] == 1 and neighbour["amount"] == 0


def test_a_refused_reward_does_not_count(people, confirmed):
    reward = propose(confirmed, people.inspector)
    services.reward_refuse(reward_id=reward.pk, actor=people.supervisor, reason="不符合条件")
    today = timezone.localdate()

    figures = selectors.tipoff_figures(user=people.supervisor, start=today, end=today)

    assert figures["rewarded"] == 0 and figures["amount"] == 0


def test_figures_are_one_query(people, confirmed, django_assert_num_queries):
    today = timezone.localdate()
    with django_assert_num_queries(1):
        selectors.tipoff_figures(user=people.supervisor, start=today, end=today)


def test_figures_page_breaks_down_by_region_and_links_to_the_queue(client, people, confirmed):
    TipOffFactory(region=factories.region("430522101"))
    client.force_login(people.supervisor)

    response = client.get("/tipoffs/figures/")

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-figure="received">2<' in body and 'data-figure="accepted">1<' in body
    assert "酿溪镇" in body and "严塘镇" in body
    assert "/tipoffs/?queue=all&amp;region=430522101" in body
    bad = client.get("/tipoffs/figures/", {"start": "2026-05-01", "end": "2026-04-01"})
    assert bad.status_code == 400 and "截止日期不能早于起始日期" in bad.content.decode()

