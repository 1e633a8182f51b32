"""Hazard codes (隐患编号): YH-<county>-<year>-<sequence>, one sequence per county and year,
never shared and never skipped, even when many inspectors report at the same moment."""
from __future__ import annotations

import datetime
import re
import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts.choices import Role
from hazards import services
from hazards.models import Hazard, HazardCodeSequence
from hazardtrack.errors import DomainError
from tests import factories
from tests.factories import EnterpriseFactory, UserFactory, photo

CODE = re.compile(r"^YH-(\d{6})-(\d{4})-(\d{6})$")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The factories set a password; production-strength hashing makes each user take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def create(actor, enterprise, **data):
    return services.hazard_create(actor=actor, data={"title": "配电箱未接地", "enterprise": enterprise, **data})


def number(code: str) -> int:
    return int(CODE.match(code).group(3))


@pytest.mark.django_db
def test_code_names_the_county_the_year_and_a_six_digit_sequence():
    enterprise = EnterpriseFactory(region=factories.region("430522100"))  # a township of 新邵县
    hazard = create(factories.inspector("430522"), enterprise)
    match = CODE.match(hazard.code)
    assert match, hazard.code
    assert match.group(1) == "430522"
    assert match.group(2) == str(timezone.localdate().year)
    assert match.group(3) == "000001"
    assert Hazard.objects.get(code=hazard.code) == hazard


@pytest.mark.django_db
def test_each_county_counts_its_own_hazards():
    city_supervisor = factories.supervisor("4305")
    xinshao = EnterpriseFactory(region=factories.region("430522100"))
    shaoyang = EnterpriseFactory(region=factories.region("430523100"))
    codes = [create(city_supervisor, e).code for e in (xinshao, xinshao, shaoyang, xinshao, shaoyang)]
    year = timezone.localdate().year
    assert codes == [
        f"YH-430522-{year}-000001",
        f"YH-430522-{year}-000002",
        f"YH-430523-{year}-000001",
        f"YH-430522-{year}-000003",
        f"YH-430523-{year}-000002",
    ]


@pytest.mark.django_db
def test_each_year_starts_a_new_sequence_by_the_date_found():
    inspector = factories.inspector("430522")
    enterprise = EnterpriseFactory(region=factories.region("430522100"))
    this_year = timezone.localdate().year
    last_year_found = timezone.make_aware(datetime.datetime(this_year - 1, 12, 30, 10, 0))
    first = create(inspector, enterprise)
    late_entry = create(inspector, enterprise, found_at=last_year_found)
    second = create(inspector, enterprise)
    assert first.code == f"YH-430522-{this_year}-000001"
    assert late_entry.code == f"YH-430522-{this_year - 1}-000001"
    assert second.code == f"YH-430522-{this_year}-000002"


@pytest.mark.django_db
def test_the_year_is_the_local_year_in_china():
    # 2025-12-31 20:00 UTC is already 2026-01-01 04:00 in Shanghai.
    inspector = factories.inspector("430522")
    enterprise = EnterpriseFactory(region=factories.region("430522100"))
    found = datetime.datetime(2025, 12, 31, 20, 0, tzinfo=datetime.timezone.utc)
    assert create(inspector, enterprise, found_at=found).code == "YH-430522-2026-000001"


@pytest.mark.django_db
def test_a_hazard_without_an_enterprise_is_numbered_by_its_region():
    inspector = factories.inspector("430522")
    hazard = services.hazard_create(
        actor=inspector, data={"title": "道路边坡落石", "region": factories.region("430522101"),
                               "sector": factories.sector()},
    )
    assert hazard.code.startswith("YH-430522-")


@pytest.mark.django_db
def test_refused_reports_do_not_use_up_a_number():
    inspector = factories.inspector("430522")
    enterprise = EnterpriseFactory(region=factories.region("430522100"))
    with pytest.raises(DomainError) as excinfo:
        services.hazard_create(actor=inspector, data={"title": "", "enterprise": enterprise})
    assert excinfo.value.code == "title_required"
    assert number(create(inspector, enterprise).code) == 1


@pytest.mark.django_db
def test_rectified_on_the_spot_hazards_are_numbered_too():
    inspector = factories.inspector("430522")
    enterprise = EnterpriseFactory(region=factories.region("430522100"))
    create(inspector, enterprise)
    on_spot = services.hazard_create(
        actor=inspector, data={"title": "灭火器过期", "enterprise": enterprise}, rectified_on_spot=True,
        after_photos=[photo("after.jpg")],
    )
    assert number(on_spot.code) == 2


# --- concurrency (PostgreSQL) ------------------------------------------------------------------

THREADS = 8
PER_THREAD = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_inspectors_reporting_at_the_same_moment_get_distinct_gapless_codes():
    enterprise = EnterpriseFactory(region=factories.region("430522100"))
    inspectors = [UserFactory(role=Role.INSPECTOR, region=factories.region("430522")) for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    codes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(actor):
        try:
            start.wait()
            for i in range(PER_THREAD):
                hazard = create(actor, enterprise, title=f"并发上报{actor.pk}-{i}")
                with lock:
                    codes.append(hazard.code)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(actor,)) for actor in inspectors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert not any(t.is_alive() for t in threads), "a reporting thread hung"
    assert errors == []
    assert len(codes) == THREADS * PER_THREAD
    assert len(set(codes)) == len(codes)
    assert sorted(number(c) for c in codes) == list(range(1, THREADS * PER_THREAD + 1))
    assert Hazard.objects.filter(code__startswith="YH-430522-").count() == THREADS * PER_THREAD
    assert HazardCodeSequence.objects.get(county_code="430522", year=timezone.localdate().year).last == 80
