"""`dondoc` command line.

`dondoc import FILE [--json] [--year N]` reads one plan document (no database needed).
Every other sub-command is a Django management command of the web application
(`dondoc migrate`, `dondoc runserver`, `dondoc load_demo`, `dondoc run_huey` …).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter

from .importer import PlanImportError, read_plan
from .importer.model import Plan
from .importer.normalise.area import AREA_NAMES


def summary(plan: Plan) -> str:
    d = plan.document
    out = [f"Tệp: {plan.source}"]
    out.append(f"Văn bản: {d.kind or '?'} số {d.number or '(không rõ)'} của {d.issuer or '(không rõ)'}"
               + (f", ngày {d.issued_date:%d/%m/%Y}" if d.issued_date else ""))
    out.append(f"Tên: {d.title or '(không rõ)'} — năm kế hoạch: {d.plan_year or '(không rõ)'}"
               + (f" — người ký: {d.signer}" if d.signer else ""))
    out.append(f"Số nhiệm vụ: {len(plan.tasks)}; chỉ tiêu: {len(plan.targets)}; kỳ báo cáo: "
               f"{len(plan.report_periods)}")
    out.append("Các phần:")
    sections: dict[tuple[str, str], int] = {}
    for t in plan.tasks:
        sections[(t.section_number, t.section_title)] = sections.get((t.section_number, t.section_title), 0) + 1
    areas = {(t.section_number, t.section_title): t.area for t in plan.tasks}
    for (num, title), count in sections.items():
        area = AREA_NAMES.get(areas[(num, title)] or "", "lĩnh vực khác")
        out.append(f"  {num + '. ' if num else ''}{title or '(không có tiêu đề)'} — {count} nhiệm vụ [{area}]")
    for p in plan.report_periods:
        out.append(f"Kỳ báo cáo {p.name}: số liệu {p.data_from:%d/%m/%Y} – {p.data_to:%d/%m/%Y}"
                   if p.data_from and p.data_to else f"Kỳ báo cáo {p.name}")
    warned = [t for t in plan.tasks if t.warnings]
    codes = Counter(w.code for t in plan.tasks for w in t.warnings)
    out.append(f"Cảnh báo: {len(warned)} nhiệm vụ cần kiểm tra"
               + (" (" + ", ".join(f"{c}: {n}" for c, n in codes.most_common()) + ")" if codes else ""))
    for w in plan.warnings:
        out.append(f"  ! {w.message}")
    for t in warned[:20]:
        out.append(f"  - {t.section_number}.{t.number or '—'} {t.content[:60]}: "
                   + "; ".join(w.message for w in t.warnings))
    if len(warned) > 20:
        out.append(f"  … và {len(warned) - 20} nhiệm vụ khác.")
    return "\n".join(out)


def import_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dondoc import", description="Đọc một văn bản kế hoạch CCHC.")
    parser.add_argument("file", help="tệp .txt, .html, .docx, .pdf, .xlsx, .odt hoặc .doc")
    parser.add_argument("--json", action="store_true", help="in Plan JSON (SCHEMA.md)")
    parser.add_argument("--year", type=int, help="năm của kế hoạch khi văn bản không ghi rõ")
    parser.add_argument("--max-mb", type=float, default=float(os.environ.get("DONDOC_IMPORT_MAX_MB", 50)),
                        help="giới hạn kích thước tệp (MB), mặc định 50")
    args = parser.parse_args(argv)
    try:
        plan = read_plan(args.file, year=args.year, max_bytes=int(args.max_mb * 1024 * 1024))
    except PlanImportError as exc:
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(plan.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(summary(plan))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "import":
        return import_command(argv[1:])
    # Everything else is a Django management command: dondoc migrate, dondoc runserver, dondoc load_demo …
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dondoc.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dondoc", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
