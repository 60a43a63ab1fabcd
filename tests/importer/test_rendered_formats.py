"""Every gold plan rendered as DOCX, HTML, PDF, XLSX and ODT (both section styles)
imports back to its gold answer, scored by the benchmark's own scorer.

The renders come from fixtures_render.py and are cached: in memory for the
session and on disk in pytest's cache directory, keyed by the gold file, the
renderer's source and the rendering libraries' versions, so a second run only
pays for the imports (the PDF ones are the slow part).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from dondoc.importer import read_plan

from .conftest import GOLD

try:
    from .fixtures_render import RENDERERS, FontNotFound, pdf_fonts, render_html
except ImportError:  # tests/importer is not a package: imported from its own directory
    from fixtures_render import RENDERERS, FontNotFound, pdf_fonts, render_html  # type: ignore[no-redef]

TASK_F1_MIN = 0.99
FIELD_F1_MIN = 0.97
STYLES = ("split", "merged")
FORMATS = ("docx", "html", "html1258", "xlsx", "odt", "pdf")  # html1258: Word's Windows-1258 web page
EXT = {"html1258": "htm"}
LIBRARIES = ("python-docx", "openpyxl", "reportlab")
RENDER_SOURCE = Path(__file__).with_name("fixtures_render.py")
NO_GOLD = f"không có thư mục đáp án chuẩn {GOLD} (shared/ phải nằm cạnh kho mã): bỏ qua phép thử định dạng"


def _gold_names() -> list[Any]:
    names = sorted(p.stem for p in GOLD.glob("*.json")) if GOLD.is_dir() else []
    return names or [pytest.param("", marks=pytest.mark.skip(reason=NO_GOLD), id="no-gold")]


@functools.cache
def _gold(name: str) -> dict[str, Any]:
    return json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))


@functools.cache
def _scorer() -> ModuleType:
    path = GOLD.parent / "score.py"
    if not path.is_file():
        pytest.skip(f"không có bộ chấm điểm {path}")
    spec = importlib.util.spec_from_file_location("par_score_rendered", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # The scorer pairs tasks by content similarity over every gold x predicted pair; the same
    # pairs come back for every format, so remember them. A pure function: results unchanged.
    module.similarity = functools.lru_cache(maxsize=None)(module.similarity)  # type: ignore[attr-defined]
    return module


def _versions() -> str:
    out = []
    for lib in LIBRARIES:
        try:
            out.append(f"{lib}={importlib.metadata.version(lib)}")
        except importlib.metadata.PackageNotFoundError:
            out.append(f"{lib}=?")
    return ";".join(out)


@pytest.fixture(scope="session")
def render_cache(request: pytest.FixtureRequest) -> Path | None:
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    return Path(cache.mkdir("dondoc-rendered")) if cache is not None else None


_renders: dict[tuple[str, str, str], bytes] = {}


def _render(name: str, fmt: str, style: str, disk: Path | None) -> bytes:
    k = (name, fmt, style)
    if k in _renders:
        return _renders[k]
    digest = hashlib.sha256()
    for part in ((GOLD / f"{name}.json").read_bytes(), RENDER_SOURCE.read_bytes(), _versions().encode(),
                 fmt.encode(), style.encode()):
        digest.update(hashlib.sha256(part).digest())
    path = disk / f"{name}.{style}.{digest.hexdigest()[:16]}.{EXT.get(fmt, fmt)}" if disk else None
    if path is not None and path.is_file():
        data = path.read_bytes()
    else:
        if fmt == "html1258":
            data = render_html(_gold(name), section_style=style, charset="windows-1258")
        else:
            data = RENDERERS[fmt](_gold(name), section_style=style)
        if path is not None:
            for stale in path.parent.glob(f"{name}.{style}.*.{EXT.get(fmt, fmt)}"):
                stale.unlink(missing_ok=True)
            tmp = path.with_suffix(path.suffix + ".part")
            tmp.write_bytes(data)
            tmp.replace(path)
    _renders[k] = data
    return data


def _explain(result: dict[str, Any], gold: dict[str, Any], pred: dict[str, Any]) -> str:
    gt, pt = gold["tasks"], pred.get("tasks") or []
    lines = [f"tasks {result['matched']}/{result['gold_tasks']} matched, {result['pred_tasks']} predicted; "
             f"task_f1 {result['task_f1']:.3f} field_f1 {result['field_f1']:.3f}"]
    for i in result["unmatched_gold"][:5]:
        lines.append(f"  missing gold #{i} {gt[i]['section_number']}.{gt[i]['number']}: {gt[i]['content'][:80]}")
    matched_pred = {j for i, j in _scorer().match_tasks(gt, pt)}
    for j in [j for j in range(len(pt)) if j not in matched_pred][:5]:
        lines.append(f"  extra predicted #{j} {pt[j].get('number')!r}: {str(pt[j].get('content'))[:80]}")
    for i, j, bad in result["misses"][:8]:
        for field in bad[:3]:
            lines.append(f"  #{i} {field}: gold {str(gt[i].get(field))[:70]!r} | got {str(pt[j].get(field))[:70]!r}")
    return "\n".join(lines)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", _gold_names())
def test_rendered_plan_imports_to_gold(name: str, fmt: str, style: str, render_cache: Path | None) -> None:
    if fmt == "pdf":
        try:
            pdf_fonts()
        except FontNotFound as exc:
            pytest.skip(str(exc))
    gold = _gold(name)
    data = _render(name, fmt, style, render_cache)
    pred = read_plan(data, f"ke-hoach.{EXT.get(fmt, fmt)}").to_dict()
    result = _scorer().score(gold, pred)
    assert result["task_f1"] >= TASK_F1_MIN and result["field_f1"] >= FIELD_F1_MIN, (
        f"{name} as {fmt} ({style}):\n" + _explain(result, gold, pred))
