"""Serializer fields shared by every app's API (accounts is the app the others build on)."""
from __future__ import annotations

from django.db.models import TextChoices
from drf_spectacular.drainage import warn
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_description_list
from rest_framework import serializers


class EnumField(serializers.ChoiceField):
    """A choice field over one `TextChoices` class (values are the stable English slugs).

    The schema documents it as a component named after the class (`HazardStatusEnum`), the
    same wherever it is used: `status`, `from_status` and `to_status` share one enum, and
    fields of one name over different enums (a hazard's `level`, a region's `level`) never
    collide — which spectacular's name-based enum merging would otherwise warn about."""

    def __init__(self, enum: type[TextChoices], **kwargs):
        self.enum = enum
        super().__init__(choices=enum.choices, **kwargs)


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = EnumField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        enum = self.target.enum
        name = f"{enum.__name__}Enum"
        component = ResolvedComponent(
            name=name,
            type=ResolvedComponent.SCHEMA,
            object=enum,
            schema={
                "type": "string",
                "enum": list(enum.values),
                "description": build_choice_description_list((v, str(label)) for v, label in enum.choices),
            },
        )
        registry = auto_schema.registry
        if component in registry and registry[component].object is not enum:
            warn(f'two different choice classes are both named "{enum.__name__}"; rename one of them.')
        registry.register_on_missing(component)
        alternatives = [component.ref]
        if self.target.allow_blank:
            alternatives.append({"type": "string", "enum": [""]})
        if self.target.allow_null:
            alternatives.append({"enum": [None]})
        return alternatives[0] if len(alternatives) == 1 else {"oneOf": alternatives}
