"""Jurisdiction: who sees which hazards and enterprises. This is the security boundary."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from accounts.choices import REGULATOR_ROLES, SUPERVISOR_ROLES, Role
from accounts.jurisdiction import get_visible_or_404, has_role, region_in_jurisdiction, region_prefix
from accounts.models import Enterprise, Region, Sector, User
from hazards import services as hazard_services
from hazards.models import Hazard
from tests import factories
from tests.factories import EnterpriseFactory, HazardFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The factories set a password; production-strength hashing makes each user take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# 邵阳市 (4305): 新邵县 (430522) with two townships, 邵阳县 (430523) next door.
# 衡阳市 (4304): 石鼓区 (430407), another city of the same province.
XINSHAO_TOWN_A = "430522100"
XINSHAO_TOWN_B = "430522101"
SHAOYANG_COUNTY_TOWN = "430523100"
HENGYANG_TOWN = "430407002"


@pytest.fixture
def world():
    """One enterprise and one hazard in each place, plus a hazard logged at county level."""
    places = {}
    for key, code in [
        ("town_a", XINSHAO_TOWN_A),
        ("town_b", XINSHAO_TOWN_B),
        ("neighbour_county", SHAOYANG_COUNTY_TOWN),
        ("other_city", HENGYANG_TOWN),
    ]:
        enterprise = EnterpriseFactory(region=factories.region(code))
        places[key] = {"enterprise": enterprise, "hazard": HazardFactory(enterprise=enterprise)}
    # A second enterprise in town A: its contact must not see the first one's hazards.
    sibling = EnterpriseFactory(region=factories.region(XINSHAO_TOWN_A))
    places["town_a_sibling"] = {"enterprise": sibling, "hazard": HazardFactory(enterprise=sibling)}
    # A hazard with no enterprise, located at county level (e.g. a road section).
    road = HazardFactory(enterprise=None, region=factories.region("430522"))
    places["county_road"] = {"enterprise": None, "hazard": road}
    return places


def hazards_of(world, *keys):
    return {world[k]["hazard"].pk for k in keys}


def enterprises_of(world, *keys):
    return {world[k]["enterprise"].pk for k in keys}


def visible_hazards(user):
    return set(Hazard.objects.visible_to(user).values_list("pk", flat=True))


def visible_enterprises(user):
    return set(Enterprise.objects.visible_to(user).values_list("pk", flat=True))


ALL = ("town_a", "town_a_sibling", "town_b", "neighbour_county", "other_city", "county_road")
XINSHAO = ("town_a", "town_a_sibling", "town_b", "county_road")
WITH_ENTERPRISE = ("town_a", "town_a_sibling", "town_b", "neighbour_county", "other_city")


def test_county_inspector_sees_own_county_but_not_the_neighbour_county(world):
    inspector = factories.inspector("430522")
    assert visible_hazards(inspector) == hazards_of(world, *XINSHAO)
    assert visible_enterprises(inspector) == enterprises_of(world, "town_a", "town_a_sibling", "town_b")


def test_city_supervisor_sees_every_county_of_the_city_but_not_another_city(world):
    supervisor = factories.supervisor("4305")
    assert visible_hazards(supervisor) == hazards_of(world, *XINSHAO, "neighbour_county")
    assert world["other_city"]["hazard"].pk not in visible_hazards(supervisor)
    assert world["other_city"]["enterprise"].pk not in visible_enterprises(supervisor)


def test_township_staff_see_only_their_township(world):
    township_inspector = factories.inspector(XINSHAO_TOWN_A)
    assert visible_hazards(township_inspector) == hazards_of(world, "town_a", "town_a_sibling")
    assert visible_enterprises(township_inspector) == enterprises_of(world, "town_a", "town_a_sibling")


def test_grid_worker_sees_only_their_township(world):
    grid = UserFactory(role=Role.GRID, region=factories.region(XINSHAO_TOWN_B))
    assert visible_hazards(grid) == hazards_of(world, "town_b")


def test_enterprise_contact_sees_only_their_enterprises_hazards(world):
    contact = factories.enterprise_contact(world["town_a"]["enterprise"])
    assert visible_hazards(contact) == hazards_of(world, "town_a")


def test_enterprise_contact_cannot_see_other_enterprises(world):
    contact = factories.enterprise_contact(world["town_a"]["enterprise"])
    assert visible_enterprises(contact) == enterprises_of(world, "town_a")
    sibling_hazard = world["town_a_sibling"]["hazard"]
    with pytest.raises(Http404):
        get_visible_or_404(Hazard.objects.all(), contact, pk=sibling_hazard.pk)
    with pytest.raises(Http404):
        get_visible_or_404(Enterprise.objects.all(), contact, pk=world["town_a_sibling"]["enterprise"].pk)


def test_enterprise_contact_sees_no_regions(world):
    contact = factories.enterprise_contact(world["town_a"]["enterprise"])
    assert not Region.objects.visible_to(contact).exists()
    assert not region_in_jurisdiction(contact, XINSHAO_TOWN_A)


def test_administrator_without_region_sees_everything(world):
    admin = UserFactory(role=Role.ADMIN, region=None)
    assert visible_hazards(admin) == hazards_of(world, *ALL)
    assert visible_enterprises(admin) == enterprises_of(world, *WITH_ENTERPRISE)
    assert region_in_jurisdiction(admin, HENGYANG_TOWN)


def test_administrator_with_a_region_is_limited_to_it(world):
    admin = UserFactory(role=Role.ADMIN, region=factories.region("430522"))
    assert visible_hazards(admin) == hazards_of(world, *XINSHAO)


def test_staff_without_a_region_see_nothing(world):
    stray = UserFactory(role=Role.INSPECTOR, region=None)
    assert visible_hazards(stray) == set()
    assert visible_enterprises(stray) == set()
    assert not region_in_jurisdiction(stray, XINSHAO_TOWN_A)


def test_deactivated_user_sees_nothing(world):
    supervisor = factories.supervisor("4305", is_active=False)
    admin = UserFactory(role=Role.ADMIN, region=None, is_active=False)
    for user in (supervisor, admin):
        assert visible_hazards(user) == set()
        assert visible_enterprises(user) == set()
        assert not region_in_jurisdiction(user, XINSHAO_TOWN_A)


def test_anonymous_visitor_sees_nothing(world):
    anonymous = AnonymousUser()
    assert visible_hazards(anonymous) == set()
    assert visible_enterprises(anonymous) == set()
    assert not region_in_jurisdiction(anonymous, XINSHAO_TOWN_A)
    with pytest.raises(Http404):
        get_visible_or_404(Hazard.objects.all(), anonymous, pk=world["town_a"]["hazard"].pk)


def test_out_of_jurisdiction_answers_404_exactly_like_a_missing_hazard(world):
    inspector = factories.inspector("430522")
    own = world["town_a"]["hazard"]
    assert get_visible_or_404(Hazard.objects.all(), inspector, pk=own.pk) == own

    def message(pk):
        with pytest.raises(Http404) as excinfo:
            get_visible_or_404(Hazard.objects.all(), inspector, pk=pk)
        return str(excinfo.value)

    missing_pk = Hazard.objects.order_by("-pk").first().pk + 1000
    assert message(world["neighbour_county"]["hazard"].pk) == message(missing_pk)
    assert message(world["other_city"]["hazard"].pk) == message(missing_pk)


def test_a_malformed_id_is_a_404_not_a_crash(world):
    inspector = factories.inspector("430522")
    with pytest.raises(Http404):
        get_visible_or_404(Hazard.objects.all(), inspector, pk="not-a-number")


def test_get_visible_or_404_refuses_a_queryset_without_jurisdiction():
    # Sectors are not scoped; fetching one "visibly" is a programming error, not a 404.
    with pytest.raises(TypeError):
        get_visible_or_404(Sector.objects.all(), AnonymousUser(), pk="coal")


def test_region_in_jurisdiction_follows_the_region_tree():
    county_inspector = factories.inspector("430522")
    city_supervisor = factories.supervisor("4305")
    assert region_in_jurisdiction(county_inspector, "430522")
    assert region_in_jurisdiction(county_inspector, XINSHAO_TOWN_A)
    assert region_in_jurisdiction(county_inspector, XINSHAO_TOWN_A + "001")
    assert not region_in_jurisdiction(county_inspector, "430523")
    assert not region_in_jurisdiction(county_inspector, "4305")  # the city above is not theirs
    assert not region_in_jurisdiction(county_inspector, None)
    assert region_in_jurisdiction(city_supervisor, SHAOYANG_COUNTY_TOWN)
    assert not region_in_jurisdiction(city_supervisor, HENGYANG_TOWN)


def test_users_are_scoped_too(world):
    county_inspector = factories.inspector("430522")
    colleague = factories.inspector(XINSHAO_TOWN_B)
    neighbour = factories.inspector("430523")
    visible = set(User.objects.visible_to(county_inspector).values_list("pk", flat=True))
    assert {county_inspector.pk, colleague.pk} <= visible
    assert neighbour.pk not in visible


def test_region_scope_is_a_prefix_match_without_a_join():
    inspector = factories.inspector("430522")
    for queryset in (Hazard.objects.visible_to(inspector), Enterprise.objects.visible_to(inspector)):
        sql = str(queryset.query)
        assert "LIKE" in sql
        assert "430522%" in sql
        assert "JOIN" not in sql.upper()


# --- the superuser exemption: one rule (accounts/jurisdiction.py `is_exempt`) -------------------
# A superuser is above jurisdiction and roles whatever region and role their record names: what
# they see (visible_to, region_prefix) and where they may act (the services' checks) agree.

@pytest.mark.parametrize("role, code", [
    (Role.ADMIN, "430522"), (Role.INSPECTOR, "4305"), (Role.GRID, XINSHAO_TOWN_A), (Role.ADMIN, None),
])
def test_a_superuser_with_a_region_sees_everything(world, role, code):
    root = UserFactory(role=role, region=factories.region(code) if code else None, is_superuser=True, is_staff=True)
    assert region_prefix(root) == ""
    assert visible_hazards(root) == hazards_of(world, *ALL)
    assert visible_enterprises(root) == enterprises_of(world, *WITH_ENTERPRISE)
    assert region_in_jurisdiction(root, HENGYANG_TOWN)


def test_a_superuser_with_a_county_sees_and_acts_in_another_city(client, world):
    root = UserFactory(role=Role.INSPECTOR, region=factories.region("430522"), is_superuser=True, is_staff=True)
    other = world["other_city"]["hazard"]
    client.force_login(root)
    assert client.get(reverse("hazards:detail", args=[other.pk])).status_code == 200
    assert other.code in client.get(reverse("hazards:ledger")).content.decode()
    # The service agrees with the page: the superuser may report a hazard in that city, and sees it.
    reported = hazard_services.hazard_create(
        actor=root, data={"title": "消防通道堵塞", "enterprise": world["other_city"]["enterprise"]})
    assert reported.region_id.startswith("4304")
    assert reported.pk in visible_hazards(root)


def test_a_deactivated_superuser_sees_nothing(world):
    root = UserFactory(role=Role.ADMIN, region=None, is_superuser=True, is_staff=True, is_active=False)
    assert region_prefix(root) is None
    assert visible_hazards(root) == set()


def test_a_superuser_of_any_role_is_in_every_role_group():
    town = factories.region(XINSHAO_TOWN_A)
    root = UserFactory(role=Role.GRID, region=town, is_superuser=True)
    grid = UserFactory(role=Role.GRID, region=town)
    assert has_role(root, REGULATOR_ROLES) and has_role(root, SUPERVISOR_ROLES)
    assert not has_role(grid, REGULATOR_ROLES)
    assert has_role(factories.supervisor("4305"), SUPERVISOR_ROLES)
    assert not has_role(factories.inspector("430522"), SUPERVISOR_ROLES)
    assert not has_role(AnonymousUser(), REGULATOR_ROLES)
