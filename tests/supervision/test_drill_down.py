"""Every figure of the dashboard links to the ledger rows behind it, and the ledger shows exactly
as many rows as the figure says — for every cell of a seeded region."""
from __future__ import annotations

import datetime
import random
import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict

from accounts.models import Sector
from hazards.choices import HazardLevel, HazardSource, HazardStatus, ListingLevel
from hazardtrack.dates import local_today
from hazards.selectors import hazard_list
from supervision import selectors
from supervision import statistics as stats
from tests.factories import region, supervisor

from .conftest import hazard, local

pytestmark = pytest.mark.django_db

TOWNS = ("430522100", "430522101", "430522102")
# What a figure's ledger link must count: a rate's numerator, a mean's signed-off rows.
COUNTED_BY = {"rectification_rate": "rectified", "sign_off_rate": "signed_off", "overdue_rate": "overdue",
              "on_time_rate": "on_time", "mean_days_to_close": "signed_off"}


def seed_county(seed: int = 7, n: int = 90) -> None:
    """新邵县 with hazards in three townships, at the county itself and in a village; every
    status, level, source and a spread of sectors, deadlines (some extended) and sign-off days,
    found over the last 80 days."""
    rng = random.Random(seed)
    today = local_today()
    sectors = list(Sector.objects.values_list("code", flat=True))
    places = list(TOWNS) + ["430522", "430522100201"]
    for code in places:
        region(code)
    statuses = list(HazardStatus.values)
    for i in range(n):
        status = rng.choice(statuses)
        found_day = today - datetime.timedelta(days=rng.randint(0, 80))
        kw = {}
        if status not in (HazardStatus.REPORTED, HazardStatus.REJECTED, HazardStatus.CONFIRMED):
            original = found_day + datetime.timedelta(days=rng.randint(3, 40))
            current = original + datetime.timedelta(days=rng.choice([0, 0, 10]))
            kw.update(deadline=current.isoformat(), original=original.isoformat())
        if status == HazardStatus.SIGNED_OFF:
            kw["signed_off"] = local(found_day + datetime.timedelta(days=rng.randint(0, 45)), rng.randint(8, 18))
        level = HazardLevel.MAJOR if rng.random() < 0.2 else HazardLevel.GENERAL
        if level == HazardLevel.MAJOR and rng.random() < 0.5:
            kw["listing_level"] = ListingLevel.COUNTY
        hazard(rng.choice(places), found=local(found_day, rng.randint(0, 23), rng.randint(0, 59)), status=status,
               level=level, source=rng.choice(HazardSource.values), sector_id=rng.choice(sectors), **kw)
    hazard("430523100", found=local(today))  # next county: never in 新邵县's figures


def _count(user, link: str) -> int:
    rows, filterset = hazard_list(user=user, params=QueryDict(urlsplit(link).query))
    assert not filterset.errors, (link, filterset.errors)
    return rows.count()


def _assert_row(user, row) -> int:
    checked = 0
    for name, link in row.links.items():
        expected = row.figures.value(COUNTED_BY.get(name, name))
        assert _count(user, link) == expected, (row.label, name, link)
        checked += 1
    return checked


@pytest.mark.parametrize("code, seed", [("430522", 7), ("430522", 11), ("430522100", 7)])
def test_every_figure_equals_its_ledger_rows(code, seed):
    seed_county(seed)
    user = supervisor("4305")
    today = local_today()
    period = stats.Period(today - datetime.timedelta(days=60), today)
    board = selectors.dashboard(user=user, region=region(code), period=period)
    checked = 0
    for tile in board.tiles:
        assert _count(user, tile.link) == board.headline.value(COUNTED_BY.get(tile.name, tile.name)), tile.name
        checked += 1
    for rows in (board.children, board.sectors, board.sources, board.levels, board.trend):
        for row in rows:
            checked += _assert_row(user, row)
    assert board.headline.found > 10 and checked > 200
    if code == "430522":
        # The three townships, what was recorded at the county itself ("本级"), and nothing else.
        assert {r.key for r in board.children} >= set(TOWNS) | {"430522"}
        own = next(r for r in board.children if r.own_level)
        assert own.figures.found > 0 and "region_exact=430522" in own.links["found"]


def test_ledger_page_shows_the_count_of_each_linked_figure(client):
    seed_county(seed=11, n=50)
    user = supervisor("430522")
    client.force_login(user)
    page = client.get("/supervision/", {"region": "430522", "period": "custom",
                                        "start": (local_today() - datetime.timedelta(days=90)).isoformat(),
                                        "end": local_today().isoformat()})
    assert page.status_code == 200
    links = re.findall(r'<a href="([^"]+)" data-figure="([a-z_]+)">([\d,]+)</a>', page.content.decode())
    counts = [(unescape(href), int(text.replace(",", ""))) for href, _name, text in links]
    assert len(counts) > 100
    for href, number in counts[:60]:  # the ledger page itself, for a good sample
        ledger = client.get(href)
        assert f"共 {number} 条" in ledger.content.decode(), href
