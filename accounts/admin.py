from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Department, Enterprise, Region, Sector, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sort_order")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "region")
    search_fields = ("name", "region__name")
    raw_id_fields = ("region",)
    filter_horizontal = ("sectors",)


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "region", "sector", "risk_colour")
    list_filter = ("sector", "risk_colour")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("region",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "region", "department", "enterprise", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "full_name", "phone")
    raw_id_fields = ("region", "department", "enterprise")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("岗位与辖区"), {"fields": ("full_name", "phone", "role", "region", "department", "enterprise")}),
    )
