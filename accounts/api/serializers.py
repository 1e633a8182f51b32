"""Read-only serializers for regions, sectors and enterprises."""
from __future__ import annotations

from rest_framework import serializers

from accounts.choices import RegionLevel, RiskColour
from accounts.models import Department, Enterprise, Region, Sector, User

from .fields import EnumField


class RegionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["code", "name", "sort_order"]


class SectorBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["code", "name"]


class EnterpriseBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "name"]


class DepartmentBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name"]


class UserBriefSerializer(serializers.ModelSerializer):
    """Who did something: the name people read, the id machines use."""

    name = serializers.CharField(source="display_name", read_only=True, help_text="姓名（未填写时为用户名）")

    class Meta:
        model = User
        fields = ["id", "name"]


class RegionSerializer(serializers.ModelSerializer):
    level = EnumField(RegionLevel, read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    parent = serializers.CharField(source="parent_id", read_only=True, allow_null=True, help_text="上级区划代码")

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_label", "parent", "gb_code"]


class EnterpriseSerializer(serializers.ModelSerializer):
    region = RegionBriefSerializer(read_only=True)
    sector = SectorBriefSerializer(read_only=True)
    risk_colour = EnumField(RiskColour, read_only=True)
    risk_colour_label = serializers.CharField(source="get_risk_colour_display", read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:enterprise-detail")

    class Meta:
        model = Enterprise
        fields = [
            "id", "name", "credit_code", "region", "sector", "risk_colour", "risk_colour_label", "address",
            "latitude", "longitude", "contact_name", "contact_phone", "url",
        ]
        read_only_fields = fields
