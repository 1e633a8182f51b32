"""{% load cn %}: `{{ day|cn_date }}`, `{{ amount|cn_money }}`, `{{ amount|cn_wan }}` (see formats.py)."""
from django import template

from hazardtrack import formats

register = template.Library()
register.filter("cn_date", formats.cn_date)
register.filter("cn_money", formats.cn_money)
register.filter("cn_wan", formats.cn_wan)
