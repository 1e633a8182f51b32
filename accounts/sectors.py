"""The standard sectors (行业领域), loaded by a data migration; administrators may add more.

The names are stored in Chinese; gettext_noop puts them into the catalog so that
`Sector.__str__` can show them in the user's language (names added later stay as typed)."""
from django.utils.translation import gettext_noop

SECTORS = [
    ("coal_mine", gettext_noop("煤矿")),
    ("non_coal_mine", gettext_noop("非煤矿山")),
    ("hazchem", gettext_noop("危险化学品")),
    ("fireworks", gettext_noop("烟花爆竹")),
    ("industry_trade", gettext_noop("工贸")),
    ("fire", gettext_noop("消防")),
    ("road_traffic", gettext_noop("道路交通")),
    ("construction", gettext_noop("建筑施工")),
    ("special_equipment", gettext_noop("特种设备")),
    ("gas", gettext_noop("燃气")),
    ("other", gettext_noop("其他")),
]
