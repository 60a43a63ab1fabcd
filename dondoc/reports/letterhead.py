"""The heading and signature of an agency's documents: its `Letterhead` row (edited in the app) where filled in,
else what the directory says: the governing body above it, its name, a document symbol made from its
abbreviation, the province's place name, the usual signature block of a people's committee or a department."""

from __future__ import annotations

import re
from typing import Literal

from dondoc.agencies.models import Agency
from dondoc.documents.nd30 import Heading
from dondoc.importer.text import key
from dondoc.plans.models import Plan

from .models import Letterhead

Kind = Literal["report", "letter"]

# a people's committee (or council) and the province or city it belongs to: "Ủy ban nhân dân tỉnh X" → "X"
_PREFIX = re.compile(r"^(?:(?:ủy|uỷ) ban nhân dân|ubnd|hội đồng nhân dân|hđnd)\s+(?:tỉnh|thành phố|tp\.?)\s+",
                     re.IGNORECASE)
_COMMITTEE_CAPS = re.compile(r"^(?:ỦY|UỶ) BAN NHÂN DÂN\b")
_COMMITTEE = re.compile(r"^(?:(?:ủy|uỷ) ban nhân dân|ubnd)\b", re.IGNORECASE)

COMMITTEE_SIGNATURE = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
DEPARTMENT_SIGNATURE = ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
LETTER_RECIPIENTS = ("- Như trên;", "- Lưu: VT, CCHC.")
AS_ADDRESSED = "- Như trên;"
# a province's CCHC report goes to the Ministry of Home Affairs, which follows the reform nationally
NATIONAL_RECIPIENT = "Bộ Nội vụ"


def is_committee(agency: Agency) -> bool:
    """A people's committee (of a province, a district, a commune): it signs "TM. ỦY BAN NHÂN DÂN"."""
    return bool(_COMMITTEE.match(" ".join(agency.name.split())))


def abbreviation(agency: Agency) -> str:
    """The issuing body's letters in a document symbol: its short name, "UBND" for a people's committee (as in
    "12/KH-UBND"), else the initials ("Sở Nội vụ" → "SNV")."""
    if agency.short_name.strip():
        return agency.short_name.strip().upper().replace(" ", "")
    if is_committee(agency):
        return "UBND"
    return "".join(word[0] for word in key(agency.name).split() if word[0].isalnum()).upper()


def default_symbol(issuer: Agency | None, kind: Kind = "letter") -> str:
    if kind == "report":
        return f"BC-{abbreviation(issuer)}" if issuer else "BC"
    return f"{abbreviation(issuer)}-CCHC" if issuer else "CCHC"


def default_place(issuer: Agency | None) -> str:
    """The place name printed before the date: the province (or city) the issuing body belongs to."""
    agency = issuer
    while agency is not None:
        name = " ".join(agency.name.split())
        stripped = _PREFIX.sub("", name)
        if stripped != name:
            return stripped
        agency = agency.parent
    top = issuer
    while top is not None and top.parent is not None:
        top = top.parent
    if top is not None:
        place = Plan.objects.filter(owner=top).exclude(place="").values_list("place", flat=True).first()
        if place:
            return place
    return ""


def parent_line(parent: Agency) -> str:
    """The governing body above the issuer, in capitals, the people's committee shortened: "UBND TỈNH …"."""
    return _COMMITTEE_CAPS.sub("UBND", " ".join(parent.name.split()).upper())


def default_signature(agency: Agency) -> tuple[str, str]:
    """(authority, title): the chairman signs for a committee, a deputy director for a department."""
    return COMMITTEE_SIGNATURE if is_committee(agency) else DEPARTMENT_SIGNATURE


def default_recipients(agency: Agency, kind: Kind, report_to: Agency | None = None) -> list[str]:
    if kind == "letter":
        return list(LETTER_RECIPIENTS)
    above = report_to or agency.parent
    return [f"- {above.name if above is not None else NATIONAL_RECIPIENT} (để báo cáo);", "- Lưu: VT."]


def heading_for(agency: Agency, kind: Kind, *, report_to: Agency | None = None) -> Heading:
    """The heading and signature of `agency`'s reports or letters. `report_to` is who a report goes to (the
    plan's issuer), named in the default "Nơi nhận"; the agency's parent when not given."""
    head = Letterhead.objects.filter(agency=agency).first() or Letterhead(agency=agency)
    authority, title = default_signature(agency)
    symbol = head.report_symbol if kind == "report" else head.letter_symbol
    recipients = [line.strip() for line in head.recipients.splitlines() if line.strip()]
    if recipients and kind == "letter" and key(recipients[0]) != key(AS_ADDRESSED):
        recipients.insert(0, AS_ADDRESSED)  # a letter goes first to the agency it is addressed to
    return Heading(
        governing_body=head.governing_body.strip() or (parent_line(agency.parent) if agency.parent else ""),
        issuer_name=head.issuer_name.strip() or " ".join(agency.name.split()).upper(),
        symbol=symbol.strip() or default_symbol(agency, kind),
        place=head.place.strip() or default_place(agency),
        sign_authority=head.sign_authority.strip() or authority,
        sign_title=head.sign_title.strip() or title,
        signer_name=head.signer_name.strip(),
        recipients=recipients or default_recipients(agency, kind, report_to))
