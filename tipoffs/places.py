"""Where a tip-off belongs: the county/township choices of the public form, and deriving a
region from the text of an address ("新邵县酿溪镇…") when none was chosen."""
from __future__ import annotations

from accounts.choices import RegionLevel
from accounts.models import Region

TIPOFF_REGION_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP)


def tipoff_regions():
    return Region.objects.filter(level__in=TIPOFF_REGION_LEVELS)


def region_choice_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Counties and their townships, grouped by city: two queries."""
    cities = dict(Region.objects.filter(level=RegionLevel.CITY).values_list("code", "name"))
    groups: dict[str, list[tuple[str, str]]] = {}
    county_names: dict[str, str] = {}
    for code, name in tipoff_regions().order_by("code").values_list("code", "name"):
        if len(code) == 6:
            county_names[code] = name
            label = name
        else:
            label = f"{county_names.get(code[:6], '')} · {name}"
        groups.setdefault(code[:4], []).append((code, label))
    return [(cities.get(city, city), options) for city, options in groups.items()]


def derive_region(text: str | None) -> Region | None:
    """The one county or township the text names, or None when it names none or several."""
    text = (text or "").strip()
    if not text:
        return None
    named = [(code, name) for code, name in tipoff_regions().values_list("code", "name") if name and name in text]
    counties = {code for code, _ in named if len(code) == 6}
    townships = [code for code, _ in named if len(code) == 9 and (not counties or code[:6] in counties)]
    if len(townships) == 1:
        return Region.objects.get(code=townships[0])
    if len(counties) == 1:
        return Region.objects.get(code=counties.pop())
    return None
