"""Reading query-string and form values the same way in every view."""

from __future__ import annotations


def int_or_none(value: str | None) -> int | None:
    """An integer from a request value; None when it is missing or not a number (filters ignore it)."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


def vietnamese_number(value: str) -> str:
    """A number as officers type it: "99,5" (decimal comma), "1.600" or "1.600,5" (dot thousands) → "99.5",
    "1600", "1600.5"; a plain "97.5" stays as is."""
    text = value.strip().replace(" ", "").rstrip("%")
    if "," in text:
        return text.replace(".", "").replace(",", ".")
    if text.count(".") == 1 and len(text.split(".")[1]) == 3 and text.split(".")[0].lstrip("-").isdigit() \
            and len(text.split(".")[0].lstrip("-")) <= 3 and not text.startswith("0"):
        return text.replace(".", "")  # "1.600": a thousands dot, as in "1.600 hồ sơ"
    return text
