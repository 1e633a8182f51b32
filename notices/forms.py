"""Forms of the notices pages. They parse and validate input; the services decide the rules."""
from __future__ import annotations

from django import forms

from .models import EscalationPolicy

# General hazards first, then major: each group reads as its ladder, reminder to level 3.
POLICY_FIELDS = (
    "remind_days_general", "level2_days_general", "level3_days_general",
    "remind_days_major", "level2_days_major", "level3_days_major",
)


class EscalationPolicyForm(forms.ModelForm):
    """A region's own ladder. Validation is the model's: its field ranges and `clean()` (level 2
    at least 1 day overdue, level 3 not before level 2), so the admin and this page agree."""

    class Meta:
        model = EscalationPolicy
        fields = POLICY_FIELDS

    def values(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in POLICY_FIELDS}
