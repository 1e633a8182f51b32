"""The statistics rollup (supervision.HazardRollup, issue #18): kept exact by the PostgreSQL
triggers whatever changes the hazards — the services' transitions, an Excel import, bulk
updates and deletions — and read by the dashboard, whose figures then equal the live
aggregate's and lead to the same ledger rows."""
from __future__ import annotations

import datetime
import io
import itertools
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from accounts.choices import Role
from hazards import selectors, services
from hazards.choices import HazardLevel, HazardStatus
from hazards.models import Hazard, local_today
from spreadsheets.choices import ImportMode
from supervision import rollup
from supervision import statistics as stats
from supervision.models import HazardRollup
from tests.factories import (
    EnterpriseFactory,
    HazardFactory,
    UserFactory,
    days_from_today,
    enterprise_contact,
    inspector,
    photo,
    region,
    sector,
    supervisor,
)
from tests.hazards.test_lifecycle import FULL_PLAN
from tests.spreadsheets.conftest import import_file
from tests.spreadsheets.workbooks import hazard_file, hazard_row

from .conftest import local

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

S = HazardStatus
TOWNS = ("430522100", "430522101", "430523100", "430421100")


@pytest.fixture
def world():
    for code in TOWNS:
        region(code)
    staff = {code[:6]: (inspector(code[:6]), supervisor(code[:6])) for code in TOWNS}
    enterprises = [EnterpriseFactory(region=region(code), sector=sector(name))
                   for code, name in zip(TOWNS, ("industry_trade", "hazchem", "fire", "construction"))]
    admin = UserFactory(role=Role.ADMIN, region=region("43"), username="rollup_admin")
    return staff, enterprises, admin


# --- the live aggregate against the rollup ------------------------------------------------

def _cube_sums(figures: stats.DashboardFigures) -> tuple:
    """What a cube gives its pages: its whole and its sums along each dimension (the rollup's
    cube is summed by the database and has no rows of its own)."""
    return figures.cube.total(), {name: figures.cube.by(name) for name in stats.CUBE_DIMENSIONS}


def assert_rollup_exact(admin) -> None:
    """The rollup table equals the live grains, and every dashboard figure read from it equals
    the live aggregate's, for several regions, periods, granularities and days."""
    assert rollup.verify() == []
    today = local_today()
    views = [  # (period, granularity): whole months and edge days; days of one month only
        (stats.Period(today - datetime.timedelta(days=400), today + datetime.timedelta(days=5)), "month"),
        (stats.Period(today.replace(day=1) - datetime.timedelta(days=3), today), "week"),
    ]
    visible = Hazard.objects.visible_to(admin)
    for code in ("", "4305", "430522"):
        for (period, granularity), day in itertools.product(views, (today, today + datetime.timedelta(days=60))):
            live = stats.dashboard_figures(visible, region_code=code, period=period, granularity=granularity, today=day)
            read = stats.dashboard_figures(visible, region_code=code, period=period, granularity=granularity, today=day,
                                           user=admin)
            assert _cube_sums(read) == _cube_sums(live), (code, period, granularity, day)
            assert read.previous == live.previous
            assert read.trend == live.trend
    # The ledger's count from the rollup (all time, months and days) is its number of rows.
    since = (today - datetime.timedelta(days=45)).isoformat()
    for query in ("", "status=signed_off", "region=430522&counted=1", "rectified=1&level=major",
                  f"found_after={since}&region=43", "region_exact=430522100&status=reported&status=rejected"):
        params = QueryDict(query)
        assert stats.rollup_ledger_count(admin, params) == selectors.hazard_list(user=admin, params=params)[0].count()


# --- the actions a test may play ----------------------------------------------------------

FOUND_OFFSETS = st.integers(min_value=-420, max_value=0)
counter = itertools.count(1)


def _report(world, draw):
    staff, enterprises, _admin = world
    enterprise = draw(st.sampled_from(enterprises))
    level = draw(st.sampled_from([HazardLevel.GENERAL, HazardLevel.MAJOR]))
    found = timezone.now() + datetime.timedelta(days=draw(FOUND_OFFSETS), hours=draw(st.integers(-12, 0)))
    on_spot = level == HazardLevel.GENERAL and draw(st.booleans())
    data = {"title": "消防通道堵塞", "enterprise": enterprise, "level": level, "found_at": found}
    services.hazard_create(actor=staff[enterprise.region_id[:6]][0], data=data, before_photos=[photo()],
                           rectified_on_spot=on_spot, after_photos=[photo("after.jpg")] if on_spot else ())


def _contact(hazard):
    return hazard.enterprise.contacts.filter(role=Role.ENTERPRISE).first() or enterprise_contact(hazard.enterprise)


def _advance(world, draw):
    """The next step of a random hazard's life through the services (or a refusal path)."""
    staff, _enterprises, _admin = world
    hazards = list(Hazard.objects.exclude(status__in=[S.SIGNED_OFF, S.REJECTED]).order_by("pk"))
    if not hazards:
        return
    hazard = draw(st.sampled_from(hazards))
    inspector_, supervisor_ = staff[hazard.region_id[:6]]
    common = {"hazard_id": hazard.pk, "expected_version": hazard.version}
    if hazard.status == S.REPORTED:
        if draw(st.booleans()):
            services.hazard_confirm(actor=supervisor_, **common)
        else:
            services.hazard_reject(actor=supervisor_, reason="不属于隐患", **common)
    elif hazard.status == S.CONFIRMED:
        services.hazard_assign(actor=supervisor_, responsible_unit="某公司", responsible_person="李四", measures="整改",
                               deadline=days_from_today(draw(st.integers(1, 40))), **common)
    elif hazard.status == S.ASSIGNED:  # a major hazard: its plan starts the rectification
        services.hazard_submit_plan(actor=_contact(hazard), plan=FULL_PLAN, **common)
    elif hazard.status == S.RECTIFYING:
        services.hazard_report_rectification(actor=_contact(hazard), report="已整改", after_photos=[photo("a.jpg")],
                                             assessment_report="评估合格" if hazard.is_major else "", **common)
    elif hazard.status == S.RECTIFICATION_REPORTED:
        services.hazard_verify(actor=inspector_, passed=draw(st.booleans()), comment="复查", **common)
    elif hazard.status == S.VERIFIED:
        services.hazard_sign_off(actor=supervisor_, **common)


def _import(world, draw):
    staff, enterprises, _admin = world
    enterprise = enterprises[0]
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        status = draw(st.sampled_from(["已上报", "整改中", "已销号", "不予认定"]))
        found = datetime.datetime.combine(local_today() - datetime.timedelta(days=draw(st.integers(1, 400))),
                                          datetime.time(9, 30))
        extra = {"current_deadline": (found + datetime.timedelta(days=draw(st.integers(1, 500)))).date()}
        if status == "已销号":
            extra.update(signed_off_at=found + datetime.timedelta(days=draw(st.integers(0, 40))),
                         rectification_report="已整改")
        elif status in ("已上报", "不予认定"):
            extra = {"current_deadline": None, **({"rejection_reason": "重复"} if status == "不予认定" else {})}
        rows.append(hazard_row(original_code=f"RU-{next(counter)}", enterprise_name=enterprise.name, status=status,
                               found_at=found, **extra))
    import_file(staff[enterprise.region_id[:6]][1], hazard_file(rows), mode=ImportMode.VALID_ROWS)


def _bulk_update(world, draw):
    """An administrator's correction in bulk: hazards moved to another town, sector or level."""
    _staff, _enterprises, _admin = world
    ids = list(Hazard.objects.values_list("pk", flat=True))
    if not ids:
        return
    chosen = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=5, unique=True))
    change = draw(st.sampled_from([{"region_id": draw(st.sampled_from(TOWNS))}, {"sector_id": "gas"},
                                   {"level": HazardLevel.MAJOR, "listing_level": "county"},
                                   {"current_deadline": local_today() - datetime.timedelta(days=3)}]))
    if "current_deadline" in change:  # only hazards whose deadline runs have one to move
        Hazard.objects.filter(pk__in=chosen, status__in=[S.ASSIGNED, S.RECTIFYING]).update(**change)
    else:
        Hazard.objects.filter(pk__in=chosen).update(**change)


def _bulk_insert(world, draw):
    """Bare rows in one multi-row INSERT (as a migration or a data fix would write them)."""
    _staff, enterprises, _admin = world
    enterprise = draw(st.sampled_from(enterprises))
    status = draw(st.sampled_from([S.REPORTED, S.REJECTED, S.RECTIFYING, S.SIGNED_OFF]))
    found = timezone.now() + datetime.timedelta(days=draw(FOUND_OFFSETS))
    deadline = (found + datetime.timedelta(days=draw(st.integers(1, 90)))).date() if status != S.REPORTED else None
    Hazard.objects.bulk_create([HazardFactory.build(
        enterprise=enterprise, region=enterprise.region, sector=enterprise.sector, status=status, found_at=found,
        current_deadline=deadline, original_deadline=deadline, code=f"RU-BULK-{next(counter)}",
        signed_off_at=found + datetime.timedelta(days=5) if status == S.SIGNED_OFF else None,
    ) for _ in range(draw(st.integers(1, 6)))])


def _delete(world, draw):
    """Deleting hazards (those without audit events: events and attachments are kept for good)."""
    ids = list(Hazard.objects.filter(events__isnull=True, attachments__isnull=True).values_list("pk", flat=True))
    if ids:
        chosen = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        Hazard.objects.filter(pk__in=chosen).delete()


ACTIONS = {"report": _report, "advance": _advance, "import": _import, "bulk_insert": _bulk_insert,
           "bulk_update": _bulk_update, "delete": _delete}
STEPS = st.lists(st.sampled_from(["report", "report", "advance", "advance", "advance", "import", "bulk_insert",
                                  "bulk_update", "delete", "delete"]), min_size=3, max_size=8)


@hypothesis_settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])
@given(steps=STEPS, data=st.data())
def test_the_rollup_equals_the_live_aggregate_after_every_change(world, steps, data):
    *_rest, admin = world
    with transaction.atomic():
        for step in steps:
            ACTIONS[step](world, data.draw)
            assert_rollup_exact(admin)
        transaction.set_rollback(True)  # the next example starts from the same world


# --- the dashboard reads the rollup; drill-down leads to the same rows ----------------------

def test_the_dashboard_reads_the_rollup_and_its_figure_leads_to_as_many_ledger_rows(world, client):
    staff, enterprises, admin = world
    # Three reports of today, minutes apart and never before local midnight: one day row, one
    # month, whatever the hour the suite runs at.
    midnight = local(local_today(), 0)
    for offset in range(3):
        found = max(midnight, timezone.now() - datetime.timedelta(minutes=offset))
        services.hazard_create(actor=staff["430522"][0],
                               data={"title": "配电箱未接地", "enterprise": enterprises[0], "found_at": found})
    client.force_login(admin)
    today = local_today()
    period = stats.current_period(stats.PeriodKind.MONTH, today)
    board_figures = stats.dashboard_figures(Hazard.objects.visible_to(admin), region_code="43", period=period,
                                            granularity="week", today=today, user=admin)
    assert board_figures.cube.total().found == 3
    link = stats.ledger_url({"region": "43", **period.ledger_params()}, stats.DRILL_DOWN["found"])
    ledger = client.get(link)
    assert re.search(r"共\s*3\s*条|3 条", ledger.content.decode()), "the drill-down shows the 3 rows counted"

    # A figure the rollup holds (and the live aggregate does not) shows: the page reads the rollup.
    day_row = HazardRollup.objects.filter(grain="d").first()
    HazardRollup.objects.filter(pk=day_row.pk).update(n_reported=day_row.n_reported + 2)
    again = stats.dashboard_figures(Hazard.objects.visible_to(admin), region_code="43", period=period,
                                    granularity="week", today=today, user=admin)
    assert again.cube.total().found == 5
    with pytest.raises(CommandError, match="不一致"):
        call_command("rollup_rebuild", "--verify-only", stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()
    call_command("rollup_rebuild", "--verify", stdout=out)
    assert "核对通过" in out.getvalue()
    assert stats.dashboard_figures(Hazard.objects.visible_to(admin), region_code="43", period=period,
                                   granularity="week", today=today, user=admin).cube.total().found == 3


def test_a_bulk_insert_is_one_trigger_statement_and_a_truncate_empties_the_rollup(world):
    _staff, enterprises, _admin = world
    rows = [HazardFactory.build(enterprise=enterprises[1], region=enterprises[1].region, sector=enterprises[1].sector,
                                found_at=local(local_today()), code=f"BULK-{n}") for n in range(50)]
    Hazard.objects.bulk_create(rows)
    day = HazardRollup.objects.get(grain="d", region=enterprises[1].region_id)
    month = HazardRollup.objects.get(grain="m", region=enterprises[1].region_id[:4])
    assert day.n_reported == month.n_reported == 50
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, before TRUNCATE
        cursor.execute("TRUNCATE hazards_hazard CASCADE")
    assert not HazardRollup.objects.exists()


# --- the dashboard's cache: exact by the rollup's version -----------------------------------

def _figures(admin, *, user=True):
    today = local_today()
    return stats.dashboard_figures(Hazard.objects.visible_to(admin), region_code="43",
                                   period=stats.current_period(stats.PeriodKind.YEAR_TO_DATE, today),
                                   granularity="month", today=today, user=admin if user else None)


def _same_as_live(admin) -> stats.DashboardFigures:
    read, live = _figures(admin), _figures(admin, user=False)
    assert _cube_sums(read) == _cube_sums(live) and read.previous == live.previous and read.trend == live.trend
    return read


@pytest.mark.django_db(transaction=True)
def test_the_cached_dashboard_figures_change_with_every_committed_change_even_a_deadline(world):
    staff, enterprises, admin = world
    stats.FIGURES_CACHE.clear()
    running = HazardFactory(enterprise=enterprises[0], found_at=local(local_today()), status=S.ASSIGNED,
                            current_deadline=days_from_today(5), original_deadline=days_from_today(5))
    first = _same_as_live(admin)
    assert first.cube.total().found == 1 and first.cube.total().overdue == 0

    with CaptureQueriesContext(connection) as queries:
        assert _figures(admin) is first  # nothing changed: the version alone is read
    assert [q["sql"] for q in queries if "hazard" in q["sql"].lower()] == [
        q["sql"] for q in queries if "supervision_hazardrollup" in q["sql"] and "changes" in q["sql"]]

    # Only the deadline moves: no count of the rollup changes, yet the hazard is overdue now.
    Hazard.objects.filter(pk=running.pk).update(current_deadline=days_from_today(-1))
    assert _same_as_live(admin).cube.total().overdue == 1

    services.hazard_create(actor=staff["430522"][0], data={"title": "消防通道堵塞", "enterprise": enterprises[1]})
    assert _same_as_live(admin).cube.total().found == 2

    Hazard.objects.filter(pk=running.pk).delete()
    assert _same_as_live(admin).cube.total().found == 1
    rollup.rebuild()  # a new fill of the table: new ids, a new version
    assert _same_as_live(admin).cube.total().found == 1


def test_inside_a_callers_transaction_the_figures_are_not_cached(world):
    _staff, enterprises, admin = world
    stats.FIGURES_CACHE.clear()
    HazardFactory(enterprise=enterprises[0], found_at=local(local_today()))
    assert _same_as_live(admin).cube.total().found == 1
    assert len(stats.FIGURES_CACHE) == 0  # the test's transaction may roll back what the version counted
