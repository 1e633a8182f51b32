"""Forms of the import pages: they parse input; the services decide the rules."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ImportKind, ImportMode


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"), choices=ImportKind.choices, initial=ImportKind.HAZARDS,
                             widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
        error_messages={"required": _("请选择要上传的 Excel 文件。")},
    )


class StartForm(forms.Form):
    mode = forms.ChoiceField(label=_("导入方式"), choices=ImportMode.choices, initial=ImportMode.VALID_ROWS,
                             widget=forms.RadioSelect, error_messages={"required": _("请选择导入方式。")})
