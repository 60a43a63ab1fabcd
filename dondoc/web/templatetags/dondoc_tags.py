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
