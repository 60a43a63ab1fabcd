"""Reads of the agency directory: accent-free search, the tree, a group's members."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from dondoc.importer.text import key

from .models import Agency, Level


def search(query: str, *, limit: int | None = None) -> QuerySet[Agency]:
    """Every word of the query, with or without diacritics, in the name, short name or an alias."""
    qs = Agency.objects.select_related("level", "parent")
    words = key(query).split()
    for word in words:
        qs = qs.filter(Q(search_key__contains=word) | Q(aliases__key__contains=word))
    qs = qs.distinct()
    return qs[:limit] if limit else qs


def roots() -> QuerySet[Agency]:
    return Agency.objects.filter(parent__isnull=True, is_group=False).select_related("level")


def children(agency: Agency) -> QuerySet[Agency]:
    return agency.children.select_related("level").order_by("level__rank", "name")


def level_names() -> dict[str, str]:
    """Level code → its name ("department" → "Sở, ban, ngành"), as the directory holds them."""
    return dict(Level.objects.values_list("code", "name"))


def members_of(group: Agency) -> QuerySet[Agency]:
    """A group's members: those named one by one plus every agency of its member level (under its parent)."""
    rule = Q(pk__in=group.members.values("pk"))
    if group.member_level_id:
        by_level = Q(level_id=group.member_level_id, is_group=False)
        if group.member_parent_id:
            by_level &= Q(parent_id=group.member_parent_id)
        rule |= by_level
    return Agency.objects.filter(rule).exclude(pk=group.pk).select_related("level").distinct()

