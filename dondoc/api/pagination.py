"""The API's pages: ?limit=&offset= (the settings' default class, and a smaller one for big records)."""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination


class Pages(LimitOffsetPagination):
    """?limit=&offset=; a client gets at most max_limit records at once (a province has tens of thousands)."""

    max_limit = 500


class HeavyPages(Pages):
    """Lists whose records are big (a report's frozen figures; a target's actuals per agency and period): 20 a page
    unless the client asks for more."""

    default_limit = 20
    max_limit = 100
