#!/usr/bin/env python3
"""Fuzz the import engine with atheris: whatever the bytes, only PlanImportError may escape.

    python scripts/fuzz_import.py [--formats all|text] [--corpus DIR] [libFuzzer flags ...]

    python scripts/fuzz_import.py -runs=100000                 # bounded run
    python scripts/fuzz_import.py --formats text -runs=100000  # the cheap text paths only
    python scripts/fuzz_import.py -max_total_time=3600         # an hour, new inputs kept in --corpus

An input's first byte picks the upload's file name (fuzz.txt, fuzz.docx, ...: the
readers sniff the real type from the bytes, the name only breaks ties and names
the format in messages); the rest is the file. The seed corpus is a small plan
rendered by tests/importer/fixtures_render.py in every format it knows (DOCX,
XLSX, ODT, PDF, HTML, Windows-1258 HTML) plus a plain-text and an MHT copy, and a
custom mutator also mutates inside ZIP packages (one member's bytes at a time,
re-zipped), so mutated DOCX/XLSX/ODT reach the XML readers instead of stopping
at the ZIP's checksum. Without --corpus the seeds go to a temporary directory.

LibreOffice is switched off for the run (a .doc/.rtf input reports
needs_libreoffice): the harness fuzzes this code, not an external converter.

At the end libFuzzer prints its statistics (-print_final_stats=1 is on by
default here): stat::number_of_executed_units and stat::average_exec_per_sec.
A crash writes the input to crash-* under -artifact_prefix and exits non-zero.
"""

from __future__ import annotations

import io
import json
import logging
import os
import random
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import atheris  # noqa: E402  (after the path set-up: the seeds come from the test fixtures)

with atheris.instrument_imports(include=["dondoc"]):
    import dondoc.importer.readers.docx
    import dondoc.importer.readers.html
    import dondoc.importer.readers.odt
    import dondoc.importer.readers.office as office
    import dondoc.importer.readers.pdf
    import dondoc.importer.readers.txt
    import dondoc.importer.readers.xlsx  # noqa: F401  (imported here to be instrumented)
    from dondoc.importer import PlanImportError, read_plan

# The upload names an input can carry (first byte, modulo the list's length).
ALL_NAMES = ("fuzz.txt", "fuzz.html", "fuzz.docx", "fuzz.xlsx", "fuzz.pdf", "fuzz.odt", "fuzz.ods", "fuzz.htm",
             "fuzz.csv", "fuzz.mht", "fuzz.doc", "fuzz.xls", "fuzz.rtf", "fuzz.docm", "fuzz", "fuzz.bin")
TEXT_NAMES = ("fuzz.txt", "fuzz.html", "fuzz.htm", "fuzz.csv", "fuzz.mht")
MAX_LEN = 256 * 1024
NAMES = ALL_NAMES


def one_input(data: bytes) -> None:
    """The property: read_plan returns a Plan (which serialises) or raises PlanImportError."""
    if not data:
        return
    name = NAMES[data[0] % len(NAMES)]
    try:
        plan = read_plan(data[1:], name)
    except PlanImportError:
        return
    json.dumps(plan.to_dict(), ensure_ascii=False)


# ---------------------------------------------------------------- mutation inside ZIP packages


def _mutate_zip(payload: bytes, max_size: int, rng: random.Random) -> bytes | None:
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as zf:
            members = [(info, zf.read(info)) for info in zf.infolist()]
    except Exception:  # not a readable ZIP (any more): let the byte mutator have it
        return None
    if not members:
        return None
    k = rng.randrange(len(members))
    info, body = members[k]
    members[k] = (info, atheris.Mutate(body, max(len(body) * 2, 64)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item, content in members:
            zf.writestr(item.filename, content, compress_type=item.compress_type)
    data = out.getvalue()
    return data if len(data) < max_size else None


def custom_mutator(data: bytes, max_size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    if len(data) > 1 and data[1:5] == b"PK\x03\x04" and rng.random() < 0.7:
        mutated = _mutate_zip(data[1:], max_size - 1, rng)
        if mutated is not None:
            return data[:1] + mutated
    if data and rng.random() < 0.05:
        return bytes([rng.randrange(256)]) + data[1:]  # the same bytes under another name
    return atheris.Mutate(data, max_size)


# ---------------------------------------------------------------- seed corpus


def seed_plan() -> dict[str, Any]:
    """A small plan in Plan JSON shape: a section, a lettered subsection, an unnumbered row."""
    task = {"section_number": "I", "section_title": "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "area": "tthc",
            "subsection": None, "output": "Kế hoạch", "lead": "Văn phòng UBND tỉnh",
            "coordinating": "- Các sở, ban, ngành; - UBND cấp huyện", "funding": "", "note": ""}
    return {
        "source": "fuzz",
        "document": {"number": "12/KH-UBND", "kind": "Kế hoạch", "issuer": "Ủy ban nhân dân tỉnh Sơn La",
                     "place": "Sơn La", "issued_date": "2023-12-28", "signer": "Nguyễn Văn A",
                     "title": "Kế hoạch cải cách hành chính năm 2024", "plan_year": 2024},
        "report_periods": [{"name": "Quý I/2024", "data_from": "2023-12-15", "data_to": "2024-03-14",
                            "submit_by": "2024-03-14"}],
        "targets": [{"text": "Tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 98%", "value": 98, "unit": "%",
                     "comparator": ">="}],
        "tasks": [
            {**task, "number": "1", "content": "Rà soát, công bố thủ tục hành chính", "deadline": "Quý I/2024"},
            {**task, "number": "", "content": "Cập nhật lên Cổng dịch vụ công", "deadline": "Thường xuyên"},
            {**task, "subsection": "a) Một cửa", "number": "2", "content": "Kiểm tra Bộ phận Một cửa",
             "deadline": "Trước ngày 15/6/2024"},
            {**task, "section_number": "II", "section_title": "CẢI CÁCH CÔNG VỤ", "area": "cong_vu",
             "number": "1", "content": "Đánh giá công chức", "lead": "Sở Nội vụ", "deadline": "Tháng 12/2024"},
        ],
    }


def _text_seed(plan: dict[str, Any]) -> str:
    meta = plan["document"]
    lines = [meta["issuer"].upper() + " | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             f"Số: {meta['number']} | {meta['place']}, ngày 28 tháng 12 năm 2023", "KẾ HOẠCH", meta["title"],
             *(f"- {t['text']};" for t in plan["targets"]),
             "TT | Nội dung | Sản phẩm | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |"]
    section = None
    for t in plan["tasks"]:
        if t["section_number"] != section:
            section = t["section_number"]
            lines.append(f"{section} | {t['section_title']} |")
        lines.append(" | ".join([t["number"], t["content"], t["output"], t["lead"], t["coordinating"],
                                 t["deadline"]]) + " |")
    return "\n".join(lines) + "\n"


def write_seeds(directory: Path) -> int:
    """Seed files (first byte: the name's index in ALL_NAMES / TEXT_NAMES) into `directory`."""
    from tests.importer.fixtures_render import RENDERERS, FontNotFound, _cp1258, render_html

    plan = seed_plan()
    text = _text_seed(plan)
    html = render_html(plan)
    mime = b"MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
    seeds: list[tuple[str, bytes]] = [
        ("fuzz.txt", text.encode("utf-8")),
        ("fuzz.csv", _cp1258(text)),  # Windows-1258 text, as old Vietnamese editors save it
        ("fuzz.html", html),
        ("fuzz.htm", render_html(plan, charset="windows-1258")),
        ("fuzz.mht", mime + html),
    ]
    if NAMES is ALL_NAMES:
        for fmt in ("docx", "xlsx", "odt", "pdf"):
            for style in ("split", "merged"):
                try:
                    seeds.append((f"fuzz.{fmt}", RENDERERS[fmt](plan, section_style=style)))
                except (FontNotFound, ImportError) as exc:  # a missing dev dependency or font: fewer seeds
                    print(f"fuzz_import: no {fmt} seed ({exc})", file=sys.stderr)
    directory.mkdir(parents=True, exist_ok=True)
    for i, (name, data) in enumerate(seeds):
        (directory / f"seed-{i:02d}-{name}").write_bytes(bytes([NAMES.index(name)]) + data)
    return len(seeds)


def main(argv: list[str]) -> None:
    global NAMES
    args = list(argv[1:])
    corpus: Path | None = None
    if "--formats" in args:
        i = args.index("--formats")
        NAMES = TEXT_NAMES if args[i + 1] == "text" else ALL_NAMES
        del args[i:i + 2]
    if "--corpus" in args:
        i = args.index("--corpus")
        corpus = Path(args[i + 1])
        del args[i:i + 2]
    office.find_soffice = lambda: None  # no LibreOffice conversions under the fuzzer
    logging.getLogger("pdfminer").setLevel(logging.CRITICAL)  # a line per broken PDF operator otherwise
    tmp = None
    if corpus is None:
        tmp = tempfile.TemporaryDirectory(prefix="dondoc-fuzz-")
        corpus = Path(tmp.name)
    count = write_seeds(corpus)
    print(f"fuzz_import: {count} seeds in {corpus}, names {', '.join(NAMES)}", file=sys.stderr)
    flags = [a for a in args if a.startswith("-")]
    dirs = [a for a in args if not a.startswith("-")]
    if not any(f.startswith("-max_len=") for f in flags):
        flags.append(f"-max_len={MAX_LEN}")
    if not any(f.startswith("-print_final_stats=") for f in flags):
        flags.append("-print_final_stats=1")
    atheris.Setup([argv[0], *flags, str(corpus), *dirs], one_input, custom_mutator=custom_mutator)
    atheris.Fuzz()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main(sys.argv)
