"""Lookups for pickers and search-as-you-type: regions, sectors, enterprises — each only within
the user's jurisdiction."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import EnterpriseFactory, credit_code, enterprise_contact, inspector, region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def enterprises():
    """Two enterprises in 新邵县 (two townships) and one in the neighbouring 邵阳县."""
    return {
        "cement": EnterpriseFactory(name="新邵县鑫达水泥有限公司", region=region("430522100"),
                                    credit_code=credit_code(1, "430522")),
        "fireworks": EnterpriseFactory(name="雀塘镇烟花爆竹经营部", region=region("430522200"),
                                       credit_code=credit_code(2, "430522"), sector_id="fireworks"),
        "neighbour": EnterpriseFactory(name="邵阳县鑫达水泥厂", region=region("430523100"),
                                       credit_code=credit_code(3, "430523")),
    }


def names(response) -> set[str]:
    assert response.status_code == 200, response.data
    return {row["name"] for row in response.data["results"]}


def test_enterprise_search_stays_within_the_county(enterprises):
    client = client_for(inspector("430522"))

    assert names(client.get("/api/enterprises/", {"q": "鑫达"})) == {"新邵县鑫达水泥有限公司"}
    assert names(client.get("/api/enterprises/")) == {"新邵县鑫达水泥有限公司", "雀塘镇烟花爆竹经营部"}
    assert client.get(f"/api/enterprises/{enterprises['neighbour'].pk}/").status_code == 404


def test_enterprise_search_by_credit_code_prefix_region_subtree_and_sector(enterprises):
    client = client_for(inspector("430522"))
    cement = enterprises["cement"]

    assert names(client.get("/api/enterprises/", {"q": cement.credit_code[:17].lower()})) == {cement.name}
    assert names(client.get("/api/enterprises/", {"region": "430522200"})) == {"雀塘镇烟花爆竹经营部"}
    assert names(client.get("/api/enterprises/", {"sector": "fireworks"})) == {"雀塘镇烟花爆竹经营部"}


def test_enterprise_detail_shape(enterprises):
    cement = enterprises["cement"]

    body = client_for(inspector("430522")).get(f"/api/enterprises/{cement.pk}/").data

    assert body["credit_code"] == cement.credit_code
    assert body["region"]["code"] == "430522100"
    assert body["sector"] == {"code": "industry_trade", "name": "工贸"}
    assert body["risk_colour"] == "yellow" and body["risk_colour_label"] == "黄"
    assert body["url"] == f"http://testserver/api/enterprises/{cement.pk}/"


def test_city_inspector_sees_both_counties(enterprises):
    client = client_for(inspector("4305"))

    assert len(names(client.get("/api/enterprises/", {"q": "鑫达"}))) == 2


def test_enterprise_contact_sees_only_own_enterprise(enterprises):
    client = client_for(enterprise_contact(enterprises["cement"]))

    assert names(client.get("/api/enterprises/")) == {"新邵县鑫达水泥有限公司"}
    assert client.get(f"/api/enterprises/{enterprises['fireworks'].pk}/").status_code == 404
    assert client.get("/api/regions/").data["count"] == 0


def test_regions_are_the_users_subtree_by_parent_and_level(enterprises):
    client = client_for(inspector("430522"))

    codes = {r["code"] for r in client.get("/api/regions/").data["results"]}
    assert codes == {"430522", "430522100", "430522200"}
    townships = client.get("/api/regions/", {"parent": "430522"}).data["results"]
    assert [r["code"] for r in townships] == ["430522100", "430522200"]
    assert townships[0]["level"] == "township" and townships[0]["parent"] == "430522"
    assert [r["code"] for r in client.get("/api/regions/", {"level": "county"}).data["results"]] == ["430522"]
    assert client.get("/api/regions/430522100/").status_code == 200
    assert client.get("/api/regions/430523/").status_code == 404  # the neighbour
    assert client.get("/api/regions/43/").status_code == 404  # above one's own level


def test_sectors_are_listed_for_pickers():
    response = client_for(inspector()).get("/api/sectors/")

    assert response.status_code == 200
    assert {s["code"]: s["name"] for s in response.data}["fireworks"] == "烟花爆竹"
    assert len(response.data) >= 11
    assert client_for(inspector()).get("/api/sectors/coal_mine/").data["name"] == "煤矿"


def test_anonymous_gets_nothing(enterprises):
    assert APIClient().get("/api/enterprises/").status_code in (401, 403)
