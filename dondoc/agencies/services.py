"""Writes to the agency directory: create, alias, resolve the names an import brings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dondoc.audit.services import record

from .models import Agency, AgencyAlias, Level, alias_key
from .naming import DEFAULT_LEVELS, group_member_level, guess_level, looks_like_group


def ensure_levels() -> None:
    for code, name, rank in DEFAULT_LEVELS:
        Level.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})


def find(name: str) -> Agency | None:
    """The agency (or group) this spelling stands for, if the directory knows it."""
    k = alias_key(name)
    if not k:
        return None
    alias = AgencyAlias.objects.select_related("agency").filter(key=k).first()
    return alias.agency if alias else None


def _level(code: str | None) -> Level | None:
    return Level.objects.filter(code=code).first() if code else None


@transaction.atomic
def create_agency(name: str, *, actor: Any = None, level: Level | None = None, parent: Agency | None = None,
                  is_group: bool | None = None, short_name: str = "") -> Agency:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Tên cơ quan không được để trống.")
    if find(name) is not None:
        raise ValidationError(f"“{name}” đã có trong danh mục cơ quan.")
    group = looks_like_group(name) if is_group is None else is_group
    agency = Agency.objects.create(
        name=name, short_name=short_name, is_group=group, parent=parent,
        level=None if group else (level or _level(guess_level(name))),
        member_level=_level(group_member_level(name)) if group else None,
        member_parent=parent if group else None,
    )
    AgencyAlias.objects.create(agency=agency, text=name)
    record(actor, "agency.create", agency, summary=name,
           changes={"is_group": group, "level": agency.level.code if agency.level else None})
    return agency


@transaction.atomic
def add_alias(agency: Agency, text: str, *, actor: Any = None, learnt: bool = False) -> AgencyAlias | None:
    """Teach the directory another spelling; returns None when it already pointed there."""
    k = alias_key(text)
    if not k:
        raise ValidationError("Tên gọi khác không được để trống.")
    existing = AgencyAlias.objects.filter(key=k).select_related("agency").first()
    if existing is not None:
        if existing.agency_id == agency.pk:
            return None
        raise ValidationError(f"“{text}” đã là tên gọi của “{existing.agency}”.")
    alias = AgencyAlias.objects.create(agency=agency, text=" ".join(text.split()), learnt=learnt)
    record(actor, "agency.alias", agency, summary=f"{text} → {agency}", changes={"alias": text, "learnt": learnt})
    return alias


def parent_for(name: str, owner: Agency | None) -> Agency | None:
    """A newly named agency sits under the plan's owner when the owner is a level above it
    (a group's members do: "Các phòng" in a department's plan are that department's divisions)."""
    if owner is None or owner.level is None:
        return None
    level = _level(group_member_level(name) if looks_like_group(name) else guess_level(name))
    if level is None:
        return None
    return owner if level.rank > owner.level.rank else owner.parent if owner.parent_id else None


def ensure(name: str, *, owner: Agency | None = None, actor: Any = None) -> Agency:
    found = find(name)
    if found is not None:
        return found
    return create_agency(name, actor=actor, parent=parent_for(name, owner))


@transaction.atomic
def update_agency(agency: Agency, data: dict[str, Any], *, actor: Any = None) -> Agency:
    """Change an agency's fields; a new name is also learnt as an alias, so old and new spellings both resolve."""
    stored = Agency.objects.select_for_update().get(pk=agency.pk)  # the caller's instance may hold the new values
    before = {k: getattr(stored, k) for k in data}
    for k, v in data.items():
        setattr(stored, k, v)
    stored.full_clean()
    stored.save()
    if "name" in data and find(stored.name) is None:
        AgencyAlias.objects.create(agency=stored, text=stored.name)
    record(actor, "agency.update", stored, summary=stored.name,
           changes={k: [str(before[k]), str(v)] for k, v in data.items() if before[k] != v})
    return stored


@transaction.atomic
def set_members(group: Agency, members: list[Agency], *, actor: Any = None) -> None:
    if not group.is_group:
        raise ValidationError("Chỉ nhóm cơ quan mới có thành viên.")
    group.members.set([m for m in members if m.pk != group.pk])
    record(actor, "agency.members", group, summary=group.name, changes={"members": [m.pk for m in members]})
