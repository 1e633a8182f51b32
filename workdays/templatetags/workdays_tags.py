"""The warning other pages include (home), so those pages need no extra view code."""
from django import template
from django.utils import timezone

from .. import services

register = template.Library()


@register.simple_tag
def unpublished_calendar_years(user):
    """Years in use whose holiday notice is not entered, for a province administrator; [] (no
    query) for anyone else."""
    if not services.is_calendar_administrator(user):
        return []
    return services.unpublished_years(today=timezone.localdate())
