"""Demo data of the supervision app (a section of demo.seed.seed_demo): report subscriptions
of the demo supervisors and last month's 月报 of 邵阳市, so the archive is not empty. Idempotent:
subscriptions are get_or_create, a report exists once per region and period."""
from __future__ import annotations

from accounts.models import Region, User

from .choices import ReportKind
from .models import IssuingBody, Report, Subscription
from .services import report_generate

DEMO_SUBSCRIPTIONS = (
    ("admin", ReportKind.MONTHLY, "4305", False),  # the administrator's inbox has last month's 月报
    ("city", ReportKind.MONTHLY, "4305", True),
    ("city", ReportKind.WEEKLY, "4305", False),
    ("supervisor", ReportKind.DAILY, "430522", False),
    ("supervisor", ReportKind.WEEKLY, "430522", True),
)


# The 发文机关 of the demo's circulars (supervision.issuing; other regions use the defaults).
DEMO_ISSUERS = (
    ("4305", "邵阳市安全生产委员会办公室", "邵阳市安委办", "各县市区安委会办公室，市安委会各成员单位",
     "湖南省安全生产委员会办公室，邵阳市人民政府办公室"),
    ("430522", "新邵县安全生产委员会办公室", "新邵县安委办", "各乡镇（街道）安委会办公室，县安委会各成员单位",
     "邵阳市安全生产委员会办公室"),
)


def seed_supervision() -> int:
    """Returns the number of rows created."""
    users = {u.username: u for u in User.objects.filter(username__in={s[0] for s in DEMO_SUBSCRIPTIONS})}
    regions = {r.code: r for r in Region.objects.filter(code__in={s[2] for s in DEMO_SUBSCRIPTIONS}
                                                          | {i[0] for i in DEMO_ISSUERS})}
    created = 0
    for code, full_name, short_name, main_to, copy_to in DEMO_ISSUERS:
        if code in regions:
            _row, new = IssuingBody.objects.get_or_create(region=regions[code], defaults={
                "full_name": full_name, "short_name": short_name, "main_to": main_to, "copy_to": copy_to})
            created += new
    for username, kind, code, by_email in DEMO_SUBSCRIPTIONS:
        if username not in users or code not in regions:
            continue
        _row, new = Subscription.objects.get_or_create(user=users[username], kind=kind, region=regions[code],
                                                       defaults={"by_email": by_email})
        created += new
    if "4305" in regions:
        before = Report.objects.count()
        report_generate(kind=ReportKind.MONTHLY, region=regions["4305"])
        created += Report.objects.count() - before
    return created
