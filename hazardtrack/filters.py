"""Bounded filters for every FilterSet (pages and API share them): a number or a date outside
what the database and Python can hold is a 400 with a message on the field, not a 500.

Found by attacking a production-like instance: `?due_within=3000000` overflowed a date,
forty 9s overflowed a C integer. The bounds are in the form field (the page's and the API's
400) and in the OpenAPI schema (minimum/maximum), which the schemathesis run reads.
"""
from __future__ import annotations

import copy
import datetime

import django_filters
from django import forms
from django.http import QueryDict
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy as _

ID_MAX = 2**63 - 1  # BigAutoField
DAYS_MAX = 3650  # ten years: no deadline is further away
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)


def _date_range_message():
    return str(_("日期应在 %(min)s 至 %(max)s 之间。") % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()})


DATE_RANGE_MESSAGE = lazy(_date_range_message, str)()


def date_validators() -> list:
    """The same bounds for a date typed into a serializer (e.g. a statistics period)."""
    return [MinValueValidator(DATE_MIN, message=DATE_RANGE_MESSAGE), MaxValueValidator(DATE_MAX, message=DATE_RANGE_MESSAGE)]


class IntegerFilter(django_filters.NumberFilter):
    """A whole number between min_value and max_value (an id by default)."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int = 1, max_value: int = ID_MAX, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)
        # drf-spectacular reads this per filter (an instance-level @extend_schema_field).
        self._spectacular_annotation = {"field": {"type": "integer", "minimum": min_value, "maximum": max_value,
                                                  "description": str(kwargs.get("label") or "")}}


class DateFilter(django_filters.DateFilter):
    """A calendar date within DATE_MIN … DATE_MAX (a day after 9999-12-31 would overflow)."""

    def __init__(self, *args, **kwargs):
        kwargs["validators"] = date_validators()
        # The browser's date picker; the value it sends is ISO 8601, which the field parses.
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(*args, **kwargs)
        label = str(kwargs.get("label") or "")
        self._spectacular_annotation = {"field": {
            "type": "string", "format": "date",
            "description": f"{label}（{DATE_MIN.isoformat()} — {DATE_MAX.isoformat()}）"}}


def reject_invalid(filterset) -> None:
    """A download cannot show errors beside the fields the way the ledger page does, so a bound
    filterset with errors refuses the export (400, every bad field named) instead of sending an
    empty file that looks like "nothing found"."""
    from hazardtrack.errors import DomainError

    if not filterset.is_bound or filterset.is_valid():
        return
    form = filterset.form
    parts = [
        "%s：%s" % (form.fields[name].label or name if name in form.fields else name, "".join(errors))
        for name, errors in form.errors.items()
    ]
    raise DomainError("bad_filter", _("筛选条件有误，未导出：%(errors)s") % {"errors": "；".join(parts)}, status=400)


def ordering_label(label, descending: bool):
    """An ordering choice's label, "整改期限（降序）", in the language of whoever sees it."""
    # django-filter formats its "%s (descending)" labels once, at import, which would fix their
    # language (and they are English); this formats them each time they are shown.
    def text():
        template = gettext("%(column)s（降序）") if descending else gettext("%(column)s（升序）")
        return template % {"column": label}
    return lazy(text, str)()


def descending_label(label):
    return ordering_label(label, True)


class ReusableFormFilterSet(django_filters.FilterSet):
    """A FilterSet that is cheap to build on every request.

    django-filter deep-copies every declared filter (their choices, querysets and lazy labels)
    and builds a new form class with new form fields for each instance: ~2 ms of the ledger
    API's request for 28 filters. Here each filter is copied shallowly (its own `extra`, its
    method bound to this instance) and the form class is built once per FilterSet class; a
    form instance still gets its own deep copy of the fields (Django's Form does that).
    Per-instance settings of a field go in `init_form`."""

    _form_classes: dict[type, type] = {}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: self._copy(base) for name, base in self.base_filters.items()}

    def _copy(self, base):
        filter_ = copy.copy(base)
        filter_.extra = dict(base.extra)
        filter_.__dict__.pop("_field", None)
        filter_.method = base.method  # a FilterMethod bound to this copy, not to the class's filter
        filter_.model = self.queryset.model
        filter_.parent = self
        return filter_

    def get_form_class(self):
        cls = type(self)
        form_class = ReusableFormFilterSet._form_classes.get(cls)
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = _LightlyCopiedFields(form_class.base_fields)
            ReusableFormFilterSet._form_classes[cls] = form_class
        return form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form_class = self.get_form_class()
            data = (self.data,) if self.is_bound else ()
            self._form = form_class(*data, prefix=self.form_prefix)
            self.init_form(self._form)
        return self._form

    def init_form(self, form) -> None:
        """Set what depends on this instance (the user, the request) on the form's own fields."""


class _LightlyCopiedFields(dict):
    """A form's base fields whose per-form copy (Form.__init__ deep-copies base_fields) copies
    each field and widget with its attributes but shares the choices: a filter form's choices
    are constants (lazy labels), and deep-copying them was most of building the form."""

    def __deepcopy__(self, memo):
        return {name: _copy_field(field) for name, field in self.items()}


def _copy_field(field: forms.Field) -> forms.Field:
    result = copy.copy(field)
    result.widget = copy.copy(field.widget)
    result.widget.attrs = dict(field.widget.attrs)
    result.error_messages = dict(field.error_messages)
    result.validators = list(field.validators)
    if getattr(field, "queryset", None) is not None:
        result.queryset = field.queryset.all()  # as ModelChoiceField.__deepcopy__: no shared result cache
    return result


class _ListedModelChoices(django_filters.fields.ModelChoiceIterator):
    """A model choice field's options read by one plain query each time they are shown: Django's
    iterator() opens a server-side cursor on PostgreSQL (outside a transaction DECLARE … WITH
    HOLD, FETCH, CLOSE) for what are a dozen rows (the ledger's sectors)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset.all():  # a new query each time: the choices are data
            yield self.choice(obj)


class _ListedModelMultipleChoiceField(django_filters.fields.ModelMultipleChoiceField):
    iterator = _ListedModelChoices


class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """django-filter's, with its options read in one query (`_ListedModelChoices`)."""

    field_class = _ListedModelMultipleChoiceField
