from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "agency", "is_active")
    list_filter = ("role", "is_active", "agency__level")
    search_fields = ("username", "first_name", "last_name", "email", "agency__name")
    autocomplete_fields = ("agency",)
    fieldsets = (*BaseUserAdmin.fieldsets, ("dondoc", {"fields": ("role", "agency", "phone")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("dondoc", {"fields": ("role", "agency")}))
