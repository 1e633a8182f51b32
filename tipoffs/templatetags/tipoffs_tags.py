"""Tags behind the include on the hazard page, so that page needs no extra view code."""
from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def hazard_tipoffs(hazard, user):
    """Tip-offs behind a hazard, for regulators only (no query for anyone else)."""
    return selectors.hazard_tipoffs(user=user, hazard=hazard)
