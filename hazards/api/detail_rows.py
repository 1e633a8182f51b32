"""The hazard detail written straight from the instance and what the selector prefetched.

DRF's generic path builds every field of every nested serializer again for each response
(`get_fields`, `inspect.signature`, ~740 lazy translations of labels and help texts per
detail) and that, not the SQL, was most of a detail's time. The serializer classes stay the
contract and the OpenAPI schema: `writer_for` reads their declared fields once per process
and turns each into a small function of (instance, response); what a field writes is what
DRF's generic `to_representation` writes for it (tests/hazards/test_api_fast_detail.py holds
the two equal), down to key order.

Fields of a kind not named below are written by the field's own `to_representation`, so a
field added to a serializer is written correctly before anyone teaches this module about it.
"""
from __future__ import annotations

from functools import cache
from typing import Any, Callable

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import translation
from rest_framework import serializers
from rest_framework.fields import get_attribute
from rest_framework.relations import Hyperlink, HyperlinkedIdentityField, PrimaryKeyRelatedField
from rest_framework.reverse import reverse

from hazardtrack.url_patterns import id_pattern

Writer = Callable[[Any, "Shared"], Any]

class Shared:
    """What one response's fields share: the serializer instances whose methods give the
    method fields (the top one and one per nested class, with its context), URL patterns."""

    def __init__(self, serializer: serializers.Serializer):
        self.context = serializer.context
        self._serializers = {type(serializer): serializer}
        self._urls: dict[str, str] = {}

    def serializer(self, serializer_class: type) -> serializers.Serializer:
        found = self._serializers.get(serializer_class)
        if found is None:
            found = self._serializers[serializer_class] = serializer_class(context=self.context)
        return found

    def url_pattern(self, view_name: str, lookup_url_kwarg: str) -> str:
        """`reverse` of the view for any id, as a %-pattern: one reverse per response."""
        pattern = self._urls.get(view_name)
        if pattern is None:
            request, format = self.context["request"], self.context.get("format")
            pattern = self._urls[view_name] = id_pattern(
                lambda pk: reverse(view_name, kwargs={lookup_url_kwarg: pk}, request=request, format=format))
        return pattern


def write(serializer: serializers.Serializer, instance) -> dict:
    """What `serializer.to_representation(instance)` returns on DRF's generic path."""
    return _write_object(writer_for(type(serializer)), instance, Shared(serializer))


def _write_object(plan: tuple[tuple[str, Writer], ...], instance, response: Shared) -> dict:
    return {name: writer(instance, response) for name, writer in plan}


@cache
def writer_for(serializer_class: type) -> tuple[tuple[str, Writer], ...]:
    """(name, writer) for each readable field of the class, in the order DRF writes them."""
    fields = serializer_class().fields  # once per process; only kinds and sources are read
    model = getattr(getattr(serializer_class, "Meta", None), "model", None)
    return tuple(
        (name, _field_writer(serializer_class, model, field))
        for name, field in fields.items() if not field.write_only
    )


def _field_writer(serializer_class: type, model, field: serializers.Field) -> Writer:
    if isinstance(field, serializers.SerializerMethodField):
        method_name = field.method_name
        return lambda obj, response: getattr(response.serializer(serializer_class), method_name)(obj)
    if isinstance(field, serializers.ListSerializer):
        return _many_writer(field)
    if isinstance(field, serializers.Serializer):
        plan_of = _deferred_plan(type(field))
        read = _reader(model, field.source_attrs)
        return lambda obj, response: _none_or(read(obj), lambda value: _write_object(plan_of(), value, response))
    if isinstance(field, HyperlinkedIdentityField) and field.lookup_field == "pk" and not field.format:
        view_name, kwarg = field.view_name, field.lookup_url_kwarg

        def url(obj, response):
            return Hyperlink(response.url_pattern(view_name, kwarg) % obj.pk, obj)
        return url
    fk = _foreign_key(model, field)
    if fk is not None:
        attname = fk.attname
        return lambda obj, response: getattr(obj, attname)  # the id only, never the object
    choice_field = _display_of(model, field)
    if choice_field is not None:
        attname = choice_field.attname

        def label(obj, response):
            value = getattr(obj, attname)
            return _labels(choice_field).get(value, value)
        return label
    if isinstance(field, serializers.ChoiceField):
        read, strings_to_values = _reader(model, field.source_attrs), field.choice_strings_to_values

        def choice(obj, response):
            value = read(obj)
            return value if value in ("", None) else strings_to_values.get(str(value), value)
        return choice
    read, represent = _reader(model, field.source_attrs), field.to_representation
    return lambda obj, response: _none_or(read(obj), represent)


def _many_writer(field: serializers.ListSerializer) -> Writer:
    plan_of = _deferred_plan(type(field.child))
    source = field.source

    def many(obj, response):
        items = getattr(obj, source)
        if isinstance(items, models.manager.BaseManager):
            items = items.all()  # the prefetched list: the selector fetched it
        plan = plan_of()
        return [_write_object(plan, item, response) for item in items]
    return many


def _deferred_plan(serializer_class: type) -> Callable[[], tuple]:
    # Nested classes are compiled when first written, not while their parent is compiled.
    return lambda: writer_for(serializer_class)


def _none_or(value, represent):
    # As DRF: a field whose attribute is None writes None, without its to_representation.
    return None if value is None else represent(value)


def _reader(model, source_attrs: list[str]) -> Callable[[Any], Any]:
    """The attribute DRF's `get_attribute` reads: a missing related object is None, a model
    method named as the source is called."""
    if len(source_attrs) == 1 and model is not None and not callable(getattr(model, source_attrs[0], None)):
        attr = source_attrs[0]

        def read(obj):
            try:
                return getattr(obj, attr)
            except ObjectDoesNotExist:  # a reverse one-to-one without its row (no plan yet)
                return None
        return read
    return lambda obj: get_attribute(obj, source_attrs)


def _foreign_key(model, field: serializers.Field):
    """The model's foreign key behind a PrimaryKeyRelatedField over it (DRF writes its id)."""
    if model is None or not isinstance(field, PrimaryKeyRelatedField) or len(field.source_attrs) != 1:
        return None
    try:
        model_field = model._meta.get_field(field.source_attrs[0])
    except Exception:  # a property or method: not a plain foreign key
        return None
    return model_field if isinstance(model_field, models.ForeignKey) and field.pk_field is None else None


def _display_of(model, field: serializers.Field):
    """The choice field behind a `get_<name>_display` CharField source."""
    source = field.source
    if model is None or type(field) is not serializers.CharField or not (
            source.startswith("get_") and source.endswith("_display")):
        return None
    try:
        model_field = model._meta.get_field(source[4:-8])
    except Exception:
        return None
    return model_field if model_field.choices else None


_LABELS: dict[tuple[int, str], dict] = {}


def _labels(model_field) -> dict:
    """{value: label} as `Model.get_<name>_display` gives it, in the active language (the
    catalogues do not change while the process runs)."""
    key = (id(model_field), translation.get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {value: str(label) for value, label in model_field.flatchoices}
    return labels
