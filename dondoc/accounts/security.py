"""Who is at the other end: the client's address, also behind reverse proxies (for sign-in throttling and the audit)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or — behind DONDOC_PROXY_COUNT trusted proxies — the address the outermost of them saw.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with N trusted proxies the
    N-th entry from the right is the client; anything further left was written by the client and is not trusted.
    """
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    count = getattr(settings, "DONDOC_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    hops = [hop for hop in (h.strip() for h in forwarded.split(",")) if hop]
    if not hops:
        return remote
    candidate = hops[-count] if len(hops) >= count else hops[0]
    return _valid(candidate) or remote
