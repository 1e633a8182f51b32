"""Tags behind the includes other pages use, so those pages need no extra view code."""
from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def hazard_notices(hazard):
    """The notices sent for a hazard the page already shows (one query)."""
    return selectors.hazard_notices(hazard=hazard)


@register.simple_tag
def escalation_health(user):
    """Last night's run state for an administrator; None (no query) for anyone else."""
    return selectors.escalation_health(user=user)
