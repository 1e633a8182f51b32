"""Filters shared by the official documents (PDF templates): dates as documents write them."""
from __future__ import annotations

from django import template

from hazardtrack.formats import document_date

register = template.Library()

# 2026年12月22日 (hazardtrack/formats.py: the one date helper of documents and messages).
cn_date = register.filter("cn_date", document_date)
