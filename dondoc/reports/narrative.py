"""The first draft of a report's narrative, written from its figures so the officer edits instead of composing.

Sections follow the standard CCHC report outline; what the data cannot know (strengths, causes, proposals)
is left for the officer, apart from the facts that point at it (late tasks, extensions asked).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .compose import ReportData
from .models import NARRATIVE_FIELDS

LIST_LIMIT = 30  # lines quoted per list: a draft, not an appendix (the appendix has every task)
QUOTE_LIMIT = 12  # lines of one agency's section quoted in the aggregate (its own report has the rest)


def _bullets(lines: Iterable[str], limit: int = LIST_LIMIT) -> list[str]:
    items = list(lines)
    out = [f"- {line}" for line in items[:limit]]
    if len(items) > limit:
        out.append(f"- … và {len(items) - limit} nội dung khác (xem phụ lục).")
    return out


def _quoted(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if len(lines) <= QUOTE_LIMIT:
        return "\n".join(lines)
    return "\n".join([*lines[:QUOTE_LIMIT], f"(… {len(lines) - QUOTE_LIMIT} dòng nữa trong báo cáo của cơ quan)"])


def summary_sentence(data: ReportData, subject: str) -> str:
    t = data.totals
    return (f"{subject} {t['total']} nhiệm vụ; đã hoàn thành {data.done} nhiệm vụ "
            f"({t['done_on_time']} đúng hạn, {t['done_late']} quá hạn), đang thực hiện {t['in_progress']}, "
            f"chưa triển khai {t['not_started']}, quá hạn chưa hoàn thành {t['overdue']}"
            + (f", tạm dừng hoặc không thực hiện {t['stopped']}" if t["stopped"] else "") + ".")


def _results(data: ReportData, subject: str) -> str:
    lines = [summary_sentence(data, subject)]
    for block in data.areas:
        c = block.counts
        lines.append(f"- {block.name}: {c['total']} nhiệm vụ, hoàn thành {c['done_on_time'] + c['done_late']}, "
                     f"quá hạn {c['overdue']}.")
    done = [t for t in data.all_tasks() if t.bucket in ("done_on_time", "done_late")]
    if done:
        lines.append("Các nhiệm vụ đã hoàn thành:")
        lines += _bullets(f"{t.content}" + (f" ({'; '.join(t.evidence)})" if t.evidence else "") for t in done)
    return "\n".join(lines)


def _shortcomings(data: ReportData) -> str:
    late = [t for t in data.all_tasks() if t.bucket == "overdue"]
    lines = []
    if late:
        lines.append(f"Còn {len(late)} nhiệm vụ quá hạn chưa hoàn thành:")
        lines += _bullets(f"{t.content}" + (f" (hạn {t.due:%d/%m/%Y})" if t.due else "") for t in late)
    if data.totals["done_late"]:
        lines.append(f"{data.totals['done_late']} nhiệm vụ hoàn thành sau thời hạn.")
    return "\n".join(lines)


def agency_draft(data: ReportData) -> dict[str, str]:
    texts = dict.fromkeys(NARRATIVE_FIELDS, "")
    if data.documents:
        texts["direction"] = "\n".join(["Trong kỳ, cơ quan đã ban hành các văn bản chỉ đạo, triển khai:",
                                        *_bullets(data.documents)])
    texts["results"] = _results(data, "Trong kỳ, cơ quan chủ trì")
    texts["shortcomings"] = _shortcomings(data)
    if data.upcoming:
        texts["next_tasks"] = "\n".join(["Tiếp tục triển khai các nhiệm vụ chưa hoàn thành, tập trung các nhiệm vụ "
                                         "đến hạn trong kỳ tới:", *_bullets(data.upcoming)])
    return texts


def province_draft(data: ReportData, submitted: Iterable[Any]) -> dict[str, str]:
    """The aggregate: the province's figures, then each section as the agencies wrote it in their sent reports."""
    texts = dict.fromkeys(NARRATIVE_FIELDS, "")
    texts["results"] = _results(data, "Kế hoạch có")
    texts["shortcomings"] = _shortcomings(data)
    reports = sorted(submitted, key=lambda r: r.agency.name)
    for name in NARRATIVE_FIELDS:
        parts = [f"{r.agency.name}:\n{_quoted(getattr(r, name))}" for r in reports if getattr(r, name).strip()]
        if parts:
            joined = "\n\n".join(parts)
            texts[name] = f"{texts[name]}\n\nTheo báo cáo của các cơ quan, đơn vị:\n{joined}".strip()
    return texts
