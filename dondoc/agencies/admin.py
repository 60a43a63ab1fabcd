from django.contrib import admin

from .models import Agency, AgencyAlias, Level


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "rank")


class AliasInline(admin.TabularInline):
    model = AgencyAlias
    extra = 0
    readonly_fields = ("key",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "parent", "is_group")
    list_filter = ("level", "is_group")
    search_fields = ("name", "short_name", "search_key", "aliases__key")
    autocomplete_fields = ("parent", "members", "member_parent")
    inlines = [AliasInline]
