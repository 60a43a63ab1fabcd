"""The corrupt and hostile corpus (corrupt_corpus.py, some 500 documents) read item by item in
worker processes (corrupt_worker.py) with a 2 GB address space and a time limit per item.

Every item must give a Plan or a PlanImportError with a documented code and a Vietnamese
message; bombs and declared sizes must be refused by the importer's own bounds (no MemoryError
from the address-space limit anywhere in the error's chain); no result may contain the XXE
secret or an entity's expansion. The time limit (DONDOC_CORRUPT_TIMEOUT, 120 s) catches hangs:
it is a bound, not a measurement. DONDOC_CORRUPT_WORKERS sets the worker processes (2).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import GOLD, SEEDS
from .corrupt_corpus import BOMB_CODES, LAUGH, SECRET, SIZE_CODES, Item, bases, build, write_secrets
from .corrupt_worker import run_items

CODES = {"too_large", "empty", "unsupported", "corrupt", "zip_bomb", "encrypted", "needs_ocr", "needs_libreoffice",
         "conversion_failed", "no_tasks", "unreadable"}
# A letter only Vietnamese spells: every message is Vietnamese, not a library's English passed through.
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐ]", re.I)
LIMIT_BYTES = 2 << 30


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        pytest.fail(f"{name} phải là một số, không phải {raw!r}")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Item], list[dict[str, Any]]]:
    if not (GOLD.is_dir() and SEEDS.is_dir()):
        pytest.skip(f"không có bản kế hoạch thật để làm hỏng ({GOLD}, {SEEDS})")
    secret_dir = tmp_path_factory.mktemp("secret")
    write_secrets(secret_dir)
    items = build(secret_dir)
    results = run_items(items, tmp_path_factory.mktemp("corpus"),
                        workers=int(_env_number("DONDOC_CORRUPT_WORKERS", 2)),
                        timeout=_env_number("DONDOC_CORRUPT_TIMEOUT", 120.0), limit=LIMIT_BYTES)
    slowest = sorted(results, key=lambda r: -r.get("seconds", 0))[:3]
    print(f"corrupt corpus: {len(items)} items; slowest " + ", ".join(
        f"{r['name']} {r.get('seconds')} s" for r in slowest))
    return items, results


def _show(item: Item, result: dict[str, Any]) -> str:
    shown = {k: v for k, v in result.items() if k not in ("name", "stderr")}
    return f"{item.name} ({item.filename}, {len(item.data):,} bytes): {json.dumps(shown, ensure_ascii=False)[:1500]}"


def _failures(corpus: tuple[list[Item], list[dict[str, Any]]], check: Any) -> list[str]:
    items, results = corpus
    out = []
    for item, result in zip(items, results, strict=True):
        why = check(item, result)
        if why:
            out.append(f"{why}: {_show(item, result)}")
    return out


def test_every_item_gives_a_plan_or_a_vietnamese_plan_import_error(corpus: Any) -> None:
    def check(item: Item, r: dict[str, Any]) -> str | None:
        if r["outcome"] == "plan":
            return None if item.plan else "a Plan from a file that must be refused"
        if r["outcome"] != "error":
            return f"outcome {r['outcome']}"  # crash (another exception), timeout, died
        if r["code"] not in CODES:
            return f"undocumented code {r['code']!r}"
        if not VIETNAMESE.search(r["message"]):
            return "message not in Vietnamese"
        if item.expect is not None and r["code"] not in item.expect:
            return f"code {r['code']!r}, expected one of {sorted(item.expect)}"
        return None

    failures = _failures(corpus, check)
    assert not failures, f"{len(failures)} of {len(corpus[0])} items:\n" + "\n".join(failures)


def test_bounds_not_the_address_space_limit_stop_hostile_files(corpus: Any) -> None:
    """A MemoryError in an error's chain means only the worker's RLIMIT_AS stopped the read:
    in a server without one the same file takes all the memory there is."""
    failures = _failures(corpus, lambda item, r: "MemoryError" if r.get("memory_error") else None)
    assert not failures, "\n".join(failures)
    items, results = corpus
    bombs = [(i, r) for i, r in zip(items, results, strict=True) if i.expect and i.expect <= BOMB_CODES | {"corrupt"}]
    assert len(bombs) >= 20 and all(r["outcome"] == "error" for _, r in bombs)


def test_no_result_holds_a_file_it_must_not_read_or_an_expanded_entity(corpus: Any) -> None:
    failures = _failures(corpus, lambda item, r: f"found {r['found']}" if r.get("found") else None)
    assert not failures, "\n".join(failures)
    items, _ = corpus
    xxe = [i for i in items if SECRET in i.forbid]
    laughs = [i for i in items if LAUGH in i.forbid]
    assert len(xxe) >= 40 and len(laughs) >= 30  # every main XML part of DOCX, XLSX, ODT, and HTML


def test_corpus_covers_what_the_issue_lists(corpus: Any) -> None:
    items, _ = corpus
    names = {i.name for i in items}
    families = {i.family for i in items}
    assert {"truncated", "bitflip", "member", "zip", "zip-missing", "content-type", "xml-billion-laughs",
            "xml-xxe-file", "xml-deep", "zip-bomb", "size", "pdf", "text", "sniff"} <= families
    for name in ("pdf/encrypted", "pdf/xref-garbage", "pdf/page-tree-kids-self", "pdf/ref-cycle-pages",
                 "size/xlsx-merge-whole-sheet", "size/docx-million-empty-cells", "zip-bomb/declared-4GB",
                 "text/nul-bytes-scattered", "text/cp1258"):
        assert name in names
    for fmt in ("docx", "xlsx", "odt", "pdf", "html", "txt"):
        assert sum(1 for n in names if n.startswith(f"truncated/{fmt}-")) >= 15
    assert sum(1 for i in items if i.expect == SIZE_CODES) >= 10


def test_corpus_is_deterministic(corpus: Any, tmp_path: Path) -> None:
    """Rendered again from scratch (no cached render), the corpus is byte for byte the same
    (but for the XXE items, which name the secret's temporary directory)."""
    items, _ = corpus
    first = {i.name: hashlib.sha256(i.data).hexdigest() for i in items if SECRET not in i.forbid}
    bases.cache_clear()
    again = {i.name: hashlib.sha256(i.data).hexdigest() for i in build(tmp_path) if SECRET not in i.forbid}
    assert again == first
