"""The demo tip-offs seed once (a second run changes nothing) and play every outcome; the
Open311 client command prints a key that works, once."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from hazards.choices import HazardSource
from hazards.models import Hazard
from tests import factories
from tipoffs import services
from tipoffs.choices import Channel, RewardStatus, TipOffStatus
from tipoffs.demo import DEMO_OPEN311_KEY, TIPS, seed_tipoffs
from tipoffs.models import Open311Client, Reward, TipOff

pytestmark = pytest.mark.django_db


def test_demo_tipoffs_seed_once_with_every_outcome(people):
    for code in ("430522101", "430522102", "430522103", "430522104", "430522105", "430522106", "430522107"):
        factories.region(code)
    people.inspector.username, people.supervisor.username = "inspector", "supervisor"
    people.inspector.save()
    people.supervisor.save()

    assert seed_tipoffs() == len(TIPS)
    assert seed_tipoffs() == 0

    assert TipOff.objects.count() == len(TIPS)
    statuses = set(TipOff.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in TipOffStatus}
    assert set(TipOff.objects.values_list("channel", flat=True)) == {c.value for c in Channel}
    assert Hazard.objects.filter(source=HazardSource.TIPOFF).count() == 4
    assert set(Reward.objects.values_list("status", flat=True)) == {RewardStatus.PROPOSED, RewardStatus.PAID}
    assert services.open311_client_for_key(DEMO_OPEN311_KEY) is not None


def test_the_client_command_prints_a_working_key_once(people):
    out = io.StringIO()
    call_command("open311_client", "create", "某市民App", "--region", "430522", stdout=out)

    key = out.getvalue().strip().splitlines()[-1]
    client = Open311Client.objects.get()
    assert services.open311_client_for_key(key) == client
    assert key not in client.key_hash

    call_command("open311_client", "revoke", client.key_prefix, stdout=io.StringIO())
    assert services.open311_client_for_key(key) is None
