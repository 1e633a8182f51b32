"""`{% hazard_rows hazards %}`: the rows of a hazard table (hazards/ledger_rows.py)."""
from django import template

from hazards.ledger_rows import hazard_rows_html

register = template.Library()
register.simple_tag(hazard_rows_html, name="hazard_rows")
