"""双随机一公开: a plan draws enterprises (weighted to higher risk) and inspector teams (at
least two, never a conflicted one); the draw can be recomputed from what is stored; the
results are public without login."""
from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse

from accounts.choices import RiskColour
from hazardtrack.errors import DomainError
from inspections import services
from inspections.choices import InspectionStatus, InspectionType, ItemResult, Outcome, PlanStatus
from inspections.draw import NotEnoughInspectors, draw
from inspections.models import ConflictOfInterest, Inspection
from inspections.selectors import plan_verify
from tests import factories
from tests.factories import EnterpriseFactory

from .conftest import answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(team):
    """Twelve more enterprises of every colour (13 with the team's yellow one) and four more
    inspectors in 新邵县."""
    colours = [RiskColour.RED, RiskColour.ORANGE, RiskColour.YELLOW, RiskColour.BLUE] * 3
    enterprises = [EnterpriseFactory(region=factories.region("430522100"), risk_colour=c) for c in colours]
    others = [factories.inspector("430522", full_name=f"检查员{n}") for n in range(4)]
    return enterprises, [team.inspector, team.partner, *others]


def make_plan(team, *, size=5, per=2, **kw):
    return services.plan_create(actor=team.supervisor, name="2026年第二季度双随机抽查", region=factories.region("430522"),
                                size=size, inspectors_per_enterprise=per, start_date=factories.days_from_today(1),
                                end_date=factories.days_from_today(30), **kw)


def test_the_draw_is_reproducible_from_its_stored_seed_and_pool(team, county):
    plan = services.plan_draw(plan_id=make_plan(team).pk, actor=team.supervisor, seed="20260501-双色球")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAWN and plan.seed == "20260501-双色球"
    assert len(plan.pool) == 13 and len(plan.inspector_pool) == 6
    recorded = [(d.enterprise_id, tuple(sorted(u.pk for u in d.inspectors.all()))) for d in plan.draws.all()]
    assert len(recorded) == 5 and len({e for e, _ in recorded}) == 5
    # Anyone can recompute it from the stored inputs alone.
    again = draw(seed=plan.seed, pool=plan.pool, inspectors=plan.inspector_pool, conflicts=plan.conflict_pairs,
                 size=plan.size, per_enterprise=plan.inspectors_per_enterprise)
    assert [(d.enterprise_id, d.inspector_ids) for d in again] == recorded
    assert plan_verify(plan).matches
    # Another seed gives another draw.
    other = draw(seed="another", pool=plan.pool, inspectors=plan.inspector_pool, conflicts=[], size=5, per_enterprise=2)
    assert [(d.enterprise_id, d.inspector_ids) for d in other] != recorded


def test_each_drawn_enterprise_gets_a_scheduled_random_inspection_with_at_least_two_inspectors(team, county):
    plan = services.plan_draw(plan_id=make_plan(team, per=3).pk, actor=team.supervisor, seed="s1")
    for row in plan.draws.all():
        inspection = row.inspection
        assert inspection.type == InspectionType.RANDOM and inspection.status == InspectionStatus.DRAFT
        assert inspection.plan == plan and inspection.enterprise == row.enterprise
        assert set(inspection.inspectors.all()) == set(row.inspectors.all())
        assert row.inspectors.count() == 3
    with pytest.raises(DomainError) as error:
        make_plan(team, per=1)
    assert error.value.code == "two_officers_required"


def test_the_draw_respects_conflicts_of_interest(team, county):
    enterprises, inspectors = county
    # Everyone but two inspectors is conflicted with the first red enterprise.
    for person in inspectors[2:]:
        ConflictOfInterest.objects.create(inspector=person, enterprise=enterprises[0], reason="曾在该单位任职",
                                          recorded_by=team.supervisor)
    for seed in range(8):
        plan = make_plan(team, size=12)
        services.plan_draw(plan_id=plan.pk, actor=team.supervisor, seed=str(seed))
        row = plan.draws.get(enterprise=enterprises[0])
        assert set(row.inspectors.all()) == set(inspectors[:2])
        assert len(plan.draws.get(enterprise=enterprises[0]).inspection.inspectors.all()) == 2
        plan.refresh_from_db()
        assert len(plan.conflict_pairs) == 4 and plan_verify(plan).matches


def test_a_draw_that_cannot_respect_the_conflicts_is_refused(team, county):
    enterprises, inspectors = county
    for person in inspectors[1:]:
        ConflictOfInterest.objects.create(inspector=person, enterprise=enterprises[0], reason="亲属",
                                          recorded_by=team.supervisor)
    plan = make_plan(team, size=12)
    with pytest.raises(DomainError) as error:
        services.plan_draw(plan_id=plan.pk, actor=team.supervisor, seed="x")
    assert error.value.code == "not_enough_inspectors" and enterprises[0].name in str(error.value)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and not Inspection.objects.filter(plan=plan).exists()
    with pytest.raises(NotEnoughInspectors):
        draw(seed="x", pool=[[1, "red"]], inspectors=[7, 8], conflicts=[[7, 1]], size=1, per_enterprise=2)


def test_higher_risk_enterprises_are_drawn_more_often():
    pool = [[n, colour] for n, colour in enumerate(["red", "orange", "yellow", "blue"] * 25, start=1)]
    drawn = Counter()
    for seed in range(300):
        for result in draw(seed=f"weights-{seed}", pool=pool, inspectors=[1, 2], conflicts=[], size=10,
                           per_enterprise=2):
            drawn[pool[result.enterprise_id - 1][1]] += 1
    assert drawn["red"] > drawn["orange"] > drawn["yellow"] > drawn["blue"] > 0


def test_the_pool_follows_the_criteria_and_must_be_large_enough(team, county):
    plan = make_plan(team, size=4, risk_colours=[RiskColour.RED, RiskColour.ORANGE])
    red_only = make_plan(team, size=4, risk_colours=[RiskColour.RED])
    with pytest.raises(DomainError) as error:
        services.plan_draw(plan_id=red_only.pk, actor=team.supervisor)
    assert error.value.code == "pool_too_small" and "3" in str(error.value)
    services.plan_draw(plan_id=plan.pk, actor=team.supervisor, seed="c")
    plan.refresh_from_db()
    assert {colour for _, colour in plan.pool} == {"red", "orange"}
    with pytest.raises(DomainError) as error:
        services.plan_draw(plan_id=plan.pk, actor=team.supervisor, seed="again")
    assert error.value.code == "already_drawn"


def test_only_supervisors_plan_and_draw(team, county):
    with pytest.raises(DomainError) as error:
        services.plan_create(actor=team.inspector, name="x", region=factories.region("430522"), size=1,
                             start_date=factories.days_from_today(1), end_date=factories.days_from_today(2))
    assert error.value.status == 403


def test_published_results_are_public_without_login_and_without_personal_data(client, team, county):
    plan = services.plan_draw(plan_id=make_plan(team, size=3).pk, actor=team.supervisor, seed="public")
    url = reverse("inspections:public-plan", args=[plan.pk])
    assert client.get(url).status_code == 404  # not published yet
    done = plan.draws.first().inspection
    for checklist_item in done.template_version.items.all():
        answer(team, done, checklist_item, ItemResult.PASS, actor=team.supervisor)
    services.inspection_finish(inspection_id=done.pk, actor=team.supervisor)
    services.plan_publish(plan_id=plan.pk, actor=team.supervisor)

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for row in plan.draws.all():
        assert row.enterprise.name in html
        for person in row.inspectors.all():
            assert person.display_name not in html
    assert str(Outcome.NO_PROBLEM.label) in html and done.date.isoformat() in html
    assert team.enterprise.contact_name not in html and "public" in html  # the seed, for auditing
    assert plan.name in client.get(reverse("inspections:public")).content.decode()
