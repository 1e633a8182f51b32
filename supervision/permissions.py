"""Who may read the statistics and manage circulars: the one gate of the dashboard, the reports
pages and downloads, and the report deliveries' inbox (a module of its own, so the models can ask
it without importing the reads)."""
from __future__ import annotations

from accounts.choices import REGULATOR_ROLES, SUPERVISOR_ROLES
from accounts.jurisdiction import has_role, region_prefix
from accounts.models import User

STATISTICS_ROLES = REGULATOR_ROLES


def may_view_statistics(user: User) -> bool:
    """Regulators with a jurisdiction; not enterprises, grid workers or the public."""
    if not user.is_authenticated or region_prefix(user) is None:
        return False
    return has_role(user, STATISTICS_ROLES)


def may_manage_circulars(user: User) -> bool:
    return may_view_statistics(user) and has_role(user, SUPERVISOR_ROLES)
