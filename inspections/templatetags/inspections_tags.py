from django import template

from inspections.selectors import hazard_origin as find_origin

register = template.Library()


@register.simple_tag
def hazard_origin(hazard):
    """The inspection item a hazard was found on (None for hazards from elsewhere)."""
    return find_origin(hazard)
