"""The provincial data set (`manage.py seed_scale`) at a small size: rows the application
accepts, the night the benchmark needs, and the same rows for the same seed."""
from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from accounts.models import Enterprise, Region, User
from demo.scale_data import Config, HazardOutput, World, enterprise_rows, hazard_rows, region_rows, user_rows
from accounts.validators import validate_credit_code
from hazards import services
from hazards.choices import DEADLINE_RUNNING_STATUSES, HazardStatus
from hazards.escalation import run_escalation
from hazards.models import Hazard, HazardCodeSequence, HazardEvent

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

AS_OF = datetime.date(2026, 6, 15)
HAZARDS = 3000


@pytest.fixture
def seeded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_scale", hazards=HAZARDS, seed=7, as_of=AS_OF, stdout=open("/dev/null", "w"))


def test_the_province_has_its_cities_counties_and_townships(seeded):
    levels = dict(Region.objects.values_list("level").annotate(n=Count("code")))
    assert levels["city"] == 14 and levels["county"] >= 120
    assert levels["township"] > 1000
    assert not Region.objects.filter(level="county").exclude(children__isnull=False).exists()


def test_seeded_enterprises_have_valid_unique_credit_codes(seeded):
    codes = list(Enterprise.objects.values_list("credit_code", "region_id"))
    assert len(codes) == HAZARDS // 5 == len({c for c, _ in codes})
    for code, region in codes:
        validate_credit_code(code)
        assert code[2:8] == region[:6]  # the registration county


def test_seeded_hazards_are_consistent_with_their_lifecycle(seeded):
    assert Hazard.objects.count() == HAZARDS
    for h in Hazard.objects.select_related("enterprise"):
        assert re.fullmatch(rf"YH-{h.region_id[:6]}-{timezone.localtime(h.found_at).year}-\d{{6}}", h.code)
        if h.enterprise:
            assert h.region_id.startswith(h.enterprise.region_id[:6])
        if h.status in DEADLINE_RUNNING_STATUSES:
            assert h.current_deadline and h.assigned_at and h.assigned_inspector_id
        if h.status == HazardStatus.SIGNED_OFF:
            assert h.signed_off_at and h.verified_at and h.rectification_reported_at
            assert h.found_at <= h.rectification_reported_at <= h.verified_at <= h.signed_off_at
        if h.current_deadline:
            assert h.original_deadline
    signed_off = Hazard.objects.filter(status=HazardStatus.SIGNED_OFF).count() / HAZARDS
    assert 0.8 < signed_off < 0.95
    # Every hazard has its timeline, from its report on.
    assert HazardEvent.objects.filter(action="created").count() == HAZARDS
    assert HazardEvent.objects.filter(action="signed_off").count() + \
        Hazard.objects.filter(rectified_on_spot=True).count() == Hazard.objects.filter(
            status=HazardStatus.SIGNED_OFF).count()


def test_a_new_hazard_gets_the_next_code_after_the_seeded_ones(seeded):
    inspector = User.objects.filter(username__startswith="sc_ins_430522_").first()
    enterprise = Enterprise.objects.filter(region__code__startswith="430522").first()
    year = timezone.localdate().year
    last = HazardCodeSequence.objects.filter(county_code="430522", year=year).values_list("last", flat=True).first()
    hazard = services.hazard_create(actor=inspector, data={"title": "配电箱未接地", "enterprise": enterprise})
    assert hazard.code == f"YH-430522-{year}-{(last or 0) + 1:06d}"


def test_tonights_escalation_finds_exactly_the_newly_overdue_cohort(seeded):
    cohort = Hazard.objects.filter(status__in=DEADLINE_RUNNING_STATUSES,
                                   current_deadline=AS_OF - datetime.timedelta(days=1))
    assert cohort.count() == HAZARDS // 20
    assert not cohort.filter(overdue_since__isnull=False).exists()
    run = run_escalation(as_of=AS_OF, dry_run=True)
    assert run.flagged == HAZARDS // 20
    assert run.level1 >= HAZARDS // 20


def test_a_seeded_county_supervisor_sees_the_ledger(seeded):
    client = Client()
    client.force_login(User.objects.get(username="sc_sup_430522_1"))
    response = client.get("/api/hazards/", {"status": ["assigned", "rectifying"], "ordering": "deadline"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows and all(r["region"]["code"].startswith("430522") for r in rows)


def test_seed_scale_refuses_a_ledger_that_has_hazards(seeded):
    with pytest.raises(CommandError, match="已有隐患"):
        call_command("seed_scale", hazards=1000, stdout=open("/dev/null", "w"))


def _fingerprint(seed: int) -> str:
    cfg = Config(hazards=2000, seed=seed, as_of=AS_OF)
    world = World()
    for code, _name, parent, level in region_rows(cfg):
        if level == "township":
            world.townships.setdefault(parent, []).append(code)
    world.county_names = {c: c for c in world.townships}
    digest = hashlib.sha256()
    for line in enterprise_rows(cfg, world, 1, world.townships):
        digest.update(line.encode())
    for line in user_rows(cfg, world, 1, "hash"):
        digest.update(line.encode())
    for line in hazard_rows(cfg, world, 1, HazardOutput()):
        digest.update(line.encode())
    return digest.hexdigest()


def test_the_same_seed_gives_the_same_rows_and_another_seed_others():
    assert _fingerprint(1) == _fingerprint(1)
    assert _fingerprint(1) != _fingerprint(2)
