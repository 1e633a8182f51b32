"""The ledger's filter fields as HTML, built in Python from Django's own widget contexts.

The form has ~27 fields and ~300 options (the region picker alone ~200 for a city user);
through the template engine each option is two includes, ~40 ms a page under load. Here the
widget still decides everything a user sees — the selected options, the typed value of a form
that failed, aria-invalid / aria-describedby, ids — (`Widget.get_context`,
`BoundField.build_widget_attrs`, `BoundField.label_tag`'s rules); only the markup of Django's
select / input templates is written out here, character for character. A widget of another
kind is rendered by Django as before.

A select whose choices are constants (the choices lists of hazards/choices.py, shared by every
form the filterset builds — hazardtrack/filters.py `_LightlyCopiedFields`) is rendered once per
process for each language, value and attributes, and kept (`_SELECTS`). Choices read from the
database (a ModelChoiceIterator: sectors) and the region picker (the user's jurisdiction, read
per request) are never kept.
"""
from __future__ import annotations

import html

from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.html import conditional_escape as escape  # as the template engine: safe text stays as it is
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django_filters.fields import ChoiceIterator

SELECT = "django/forms/widgets/select.html"
INPUTS = {f"django/forms/widgets/{kind}.html" for kind in ("input", "text", "date", "number", "email", "search")}
# (language, choices, widget, name, values, attributes) → (the choices, the <select>): bounded,
# since the values come from the query string; emptied when full.
_SELECTS: dict[tuple, tuple[object, str]] = {}
SELECTS_MAX = 2000


def filter_fields_html(fields, regions: list[dict]) -> SafeString:
    """Each bound field as hazards' filter field: label, input, its own messages."""
    return mark_safe("".join([_field(field, regions) for field in fields]))


def _field(field, regions: list[dict]) -> str:
    errors = field.errors
    auto_id = escape(field.auto_id)
    invalid = f' aria-invalid="true" aria-describedby="{auto_id}_error"' if errors else ""
    if field.name == "region":
        value = field.value()
        text = html.escape  # codes and names are plain str: what conditional_escape does, without its wrappers
        options = "".join([f'<option value="{text(r["code"])}"{" selected" if r["code"] == value else ""}>'
                           f'{text(r["indent"])}{text(r["name"])}</option>' for r in regions])
        body = (f'{_label(field)}\n  <select name="region" id="{auto_id}"{invalid}>\n'
                f'    <option value="">{escape(gettext("全部区划"))}</option>\n    {options}\n  </select>')
    elif field.name == "enterprise_name":
        value = field.value()
        body = (f'{_label(field)}\n  <input type="text" name="enterprise_name" id="{auto_id}" '
                f'value="{escape(value) if value else ""}" autocomplete="off"\n'
                f'         data-suggest="{escape(reverse("hazards:enterprise-suggestions"))}" '
                f'data-suggest-id="enterprise"{invalid}>')
    else:
        body = _label(field) + _widget(field)
    messages = ""
    if errors:
        messages = (f'<div id="{auto_id}_error">'
                    + "".join([f'<p class="error">{escape(e)}</p>' for e in errors]) + "</div>")
    return f'\n<div class="field field-{escape(field.name)}{" has-error" if errors else ""}">\n  {body}\n  {messages}\n</div>\n'


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: False leaves an attribute out, True writes its name."""
    return "".join([f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
                    for name, value in attrs.items() if value is not False])


def _widget(field) -> str:
    """What `{{ field }}` renders (BoundField.as_widget), for selects and inputs."""
    widget = field.field.widget
    if widget.template_name not in INPUTS and widget.template_name != SELECT:
        return str(field)
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    if widget.template_name != SELECT:
        context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
        value = "" if context["value"] is None else f' value="{escape(context["value"])}"'
        return f'<input type="{escape(context["type"])}" name="{escape(context["name"])}"{value}{_attrs(context["attrs"])}>'
    choices = _constant_choices(widget)
    if choices is None:
        return _select(field, widget, attrs)
    try:
        key = (get_language(), id(choices), type(widget), str(getattr(widget, "empty_label", None) or ""),
               field.html_name, tuple(widget.format_value(field.value())), tuple(widget.attrs.items()),
               tuple(attrs.items()))
        kept = _SELECTS.get(key)
    except TypeError:  # an attribute that cannot be a key: render it each time
        return _select(field, widget, attrs)
    if kept is not None and kept[0] is choices:
        return kept[1]
    markup = _select(field, widget, attrs)
    if len(_SELECTS) >= SELECTS_MAX:
        _SELECTS.clear()
    _SELECTS[key] = (choices, markup)  # the entry holds its choices: their id is not reused meanwhile
    return markup


def _constant_choices(widget):
    """The widget's choices if they are constants (a list or tuple, or django-filter's wrapper of
    one, which adds the field's constant empty label); None for choices that read the database."""
    choices = widget.choices
    inner = choices.choices if isinstance(choices, ChoiceIterator) else choices
    if isinstance(inner, ModelChoiceIterator) or not isinstance(inner, (list, tuple)):
        return None
    return choices


def _select(field, widget, attrs: dict) -> str:
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    head = f'name="{escape(context["name"])}"'
    options = []
    for group_name, group, _index in context["optgroups"]:
        if group_name:  # no filter groups its choices; Django knows how
            return str(field)
        options += [f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                    f'{escape(option["label"])}</option>\n' for option in group]
    return f'<select {head}{_attrs(context["attrs"])}>{"".join(options)}\n</select>'


def _label(field) -> str:
    """BoundField.label_tag without the template: the label, the form's suffix unless the label
    ends in punctuation, and for= the widget's id."""
    contents = escape(field.label) if field.label else ""
    suffix = field.field.label_suffix if field.field.label_suffix is not None else field.form.label_suffix
    if suffix and contents and str(field.label)[-1] not in gettext(":?.!"):
        contents += escape(suffix)
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    if not id_:
        return contents
    for_id = widget.id_for_label(id_)
    attrs = {"for": for_id} if for_id else {}
    if field.field.required and hasattr(field.form, "required_css_class"):
        attrs["class"] = field.form.required_css_class
    return f"<label{_attrs(attrs)}>{contents}</label>"
