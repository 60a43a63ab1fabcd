"""Reading query-string and form values the same way in every view."""

from __future__ import annotations


def int_or_none(value: str | None) -> int | None:
    """An integer from a request value; None when it is missing or not a number (filters ignore it)."""
    try:
        return int(value) if value else None
    except ValueError:
        return None
