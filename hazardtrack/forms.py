"""What every app's page forms share: marks for what the rules require, single choices chosen."""
from __future__ import annotations

from django import forms


def mark_required(form: forms.BaseForm, *names: str) -> None:
    """The rules require these fields in this state: mark them (* and required/aria-required)
    although the form field itself is optional (the service is what requires them)."""
    for name in names:
        if name in form.fields:
            field = form.fields[name]
            field.widget.attrs.update({"required": True, "aria-required": "true"})
            field.rule_required = True  # _form_fields.html shows the mark


def preselect_only_choice(form: forms.BaseForm, name: str) -> None:
    """A choice with one option is chosen already (the grid worker's only township)."""
    field = form.fields.get(name)
    if field is None or form.is_bound:
        return
    options = list(field.queryset[:2])
    if len(options) == 1:
        field.initial = options[0]
