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


class NoticePreferencesForm(forms.Form):
    """消息设置: for each kind of notice, email and (where the user's region has one) the group
    robot. In-app messages are always on and need no field."""

    def __init__(self, *args, user, robot: bool, initial_values: dict[str, tuple[bool, bool]], **kwargs):
        from django.utils.translation import gettext_lazy as _

        from .choices import NoticeKind, PREFERENCE_KINDS

        super().__init__(*args, **kwargs)
        self.user, self.robot = user, robot
        self.rows = []
        for kind in PREFERENCE_KINDS:
            email, webhook = initial_values[kind]
            label = NoticeKind(kind).label
            self.fields[f"email_{kind}"] = forms.BooleanField(
                label=_("%(kind)s：电子邮件") % {"kind": label}, required=False, initial=email)
            names = [f"email_{kind}"]
            if robot:
                self.fields[f"webhook_{kind}"] = forms.BooleanField(
                    label=_("%(kind)s：群机器人") % {"kind": label}, required=False, initial=webhook)
                names.append(f"webhook_{kind}")
            self.rows.append((label, [self[name] for name in names]))

    def clean(self):
        from django.utils.translation import gettext as _

        cleaned = super().clean()
        if not self.user.email:
            for name, value in list(cleaned.items()):
                if name.startswith("email_") and value:
                    self.add_error(name, _("您没有登记电子邮箱，不能通过邮件接收；请先请管理员为您登记邮箱，或取消勾选。"))
        return cleaned

    def values(self) -> dict[str, tuple[bool, bool]]:
        from .choices import PREFERENCE_KINDS

        return {kind: (self.cleaned_data[f"email_{kind}"], self.cleaned_data.get(f"webhook_{kind}", False))
                for kind in PREFERENCE_KINDS}
