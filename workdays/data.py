"""The State Council's holiday notices (国务院办公厅关于…年部分节假日安排的通知), as shipped data.

Each year carries its source notice. A year's days are present only when its notice was found
and its dates checked against the published text. 2027's notice (usually published in November
of the year before) was searched for on 2026-12-07 and not found: 2027 ships as "not yet
published" — weekends only, no holidays — and the calendar page asks the province administrators
to enter it (/workdays/) once it is out. No date of it is guessed here.
"""
from __future__ import annotations

NOTICES = {
    2025: {
        "title": "国务院办公厅关于2025年部分节假日安排的通知",
        "number": "国办发明电〔2024〕12号",
        "published_on": "2024-11-12",
        "url": "https://www.gov.cn/zhengce/content/202411/content_6986382.htm",
        # (first day, last day, name) of each holiday period; make-up workdays separately.
        "holidays": [
            ("2025-01-01", "2025-01-01", "元旦"),
            ("2025-01-28", "2025-02-04", "春节"),
            ("2025-04-04", "2025-04-06", "清明节"),
            ("2025-05-01", "2025-05-05", "劳动节"),
            ("2025-05-31", "2025-06-02", "端午节"),
            ("2025-10-01", "2025-10-08", "国庆节、中秋节"),
        ],
        "workdays": [("2025-01-26", "春节"), ("2025-02-08", "春节"), ("2025-04-27", "劳动节"),
                     ("2025-09-28", "国庆节"), ("2025-10-11", "国庆节")],
    },
    2026: {
        "title": "国务院办公厅关于2026年部分节假日安排的通知",
        "number": "",  # the document number was not in the published text found; left blank, not guessed
        "published_on": "2025-11-04",
        "url": "https://www.gov.cn/zhengce/content/202511/content_7047090.htm",
        "holidays": [
            ("2026-01-01", "2026-01-03", "元旦"),
            ("2026-02-15", "2026-02-23", "春节"),
            ("2026-04-04", "2026-04-06", "清明节"),
            ("2026-05-01", "2026-05-05", "劳动节"),
            ("2026-06-19", "2026-06-21", "端午节"),
            ("2026-09-25", "2026-09-27", "中秋节"),
            ("2026-10-01", "2026-10-07", "国庆节"),
        ],
        "workdays": [("2026-01-04", "元旦"), ("2026-02-14", "春节"), ("2026-02-28", "春节"),
                     ("2026-05-09", "劳动节"), ("2026-09-20", "国庆节"), ("2026-10-10", "国庆节")],
    },
    2027: {
        "title": "国务院办公厅关于2027年部分节假日安排的通知",
        "published": False,  # not found when shipped; entered by an administrator once published
        "number": "",
        "published_on": None,
        "url": "",
        "holidays": [],
        "workdays": [],
    },
}

# The span the day table is materialised for: weekends by default, the notices overriding.
FIRST_YEAR, LAST_YEAR = 2020, 2035
