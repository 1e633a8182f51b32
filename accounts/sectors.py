"""The standard sectors (行业领域), loaded by a data migration; administrators may add more."""
SECTORS = [
    ("coal_mine", "煤矿"),
    ("non_coal_mine", "非煤矿山"),
    ("hazchem", "危险化学品"),
    ("fireworks", "烟花爆竹"),
    ("industry_trade", "工贸"),
    ("fire", "消防"),
    ("road_traffic", "道路交通"),
    ("construction", "建筑施工"),
    ("special_equipment", "特种设备"),
    ("gas", "燃气"),
    ("other", "其他"),
]
