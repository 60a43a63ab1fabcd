from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, name: Any) -> Any:
    """`{{ row|get_item:field }}`: a dict value by a variable key."""
    try:
        return mapping.get(name, "") if hasattr(mapping, "get") else mapping[name]
    except (KeyError, IndexError, TypeError):
        return ""


@register.filter
def points(value: Any) -> str:
    """`{{ score.self_points|points }}`: 3,5 and 0,75 as score sheets print them (no trailing zeros)."""
    from dondoc.scoring.rules import number_text

    try:
        return number_text(value)
    except (ArithmeticError, ValueError, TypeError):
        return ""
