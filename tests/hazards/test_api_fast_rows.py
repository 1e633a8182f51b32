"""The ledger API writes its rows by hand for speed (HazardListSerializer.to_representation), from
value rows (the list reads named tuples of LEDGER_FIELDS, no model instances) or from a Hazard;
whatever the hazard — with or without enterprise, deadline, overdue or not, any status, level,
source — a row is exactly what DRF's generic serializer makes of the declared fields."""
from __future__ import annotations

import pytest
from django.utils import translation
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from hazards.api.serializers import HazardListSerializer
from hazards.choices import HazardCategory, HazardLevel, HazardSource, HazardStatus
from hazards.selectors import LEDGER_FIELDS, ledger_queryset
from tests.factories import HazardFactory, days_from_today, region, supervisor

pytestmark = pytest.mark.django_db


def generic(serializer, instance):
    return serializers.ModelSerializer.to_representation(serializer, instance)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_ledger_rows_equal_the_generic_serializers_output(language):
    user = supervisor("430522")
    statuses, levels = list(HazardStatus), list(HazardLevel)
    sources, categories = list(HazardSource), list(HazardCategory)
    for i in range(16):
        deadline = days_from_today(i - 8) if i % 3 else None
        HazardFactory(
            status=statuses[i % len(statuses)], level=levels[i % 2], source=sources[i % len(sources)],
            category=categories[i % len(categories)], original_deadline=deadline, current_deadline=deadline,
            **({"enterprise": None, "region": region("430522100")} if i % 4 == 0 else {}),
        )
    request = APIRequestFactory().get("/api/hazards/")
    request.user = user
    with translation.override(language):
        rows = list(ledger_queryset(user=user))
        values = {row.id: row for row in ledger_queryset(user=user).values_list(*LEDGER_FIELDS, named=True)}
        serializer = HazardListSerializer(context={"request": request})
        assert len(rows) == len(values) == 16
        for hazard in rows:
            expected = generic(serializer, hazard)
            assert serializer.to_representation(hazard) == expected
            assert serializer.to_representation(values[hazard.id]) == expected
