"""A CI-bounded atheris run over every target of scripts/fuzz_import.py: at least 100,000 inputs
in all, none of which may crash (an exception other than PlanImportError, or a broken
invariant of a stage: see the harness).

The targets run as scripts/fuzz_bench.py runs them (each in its own process, libFuzzer owns
it; two at a time), from their seeds (a rendered plan in every format for the whole-document
targets, the gold plans' cells and the seed documents' lines for the stages). The inputs are
split by fuzz_bench.CI_SHARES: most go to the stages, which run thousands a second in process;
the every-format read_plan run keeps its share of slow whole documents (DOCX, XLSX, ODT, PDF,
mutated inside their ZIP packages too).

DONDOC_FUZZ_RUNS sets the total (default 100,000; the test then asserts that many ran, and
each target its share). DONDOC_FUZZ_SEED picks libFuzzer's seed (default 1: a CI run is
reproducible). A crash's input is kept under the test's tmp directory and its traceback is in
the failure message. Each run has a generous time limit, a bound against hangs (fuzz_bench's
EXPECTED_RATE), not a timing.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TOTAL = 100_000
JOBS = 2


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dondoc_fuzz_bench", ROOT / "scripts" / "fuzz_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return max(int(raw), 1) if raw.strip() else default
    except ValueError:
        pytest.fail(f"{name} phải là số nguyên, không phải {raw!r}")


@pytest.fixture(scope="module")
def fuzz_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    try:
        import atheris  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"atheris chưa được cài ({exc}); cài nhóm phụ thuộc dev để chạy phép thử fuzz")
    bench = _bench()
    total = _env_int("DONDOC_FUZZ_RUNS", DEFAULT_TOTAL)
    plan = bench.ci_plan(total)
    start = time.monotonic()
    results = bench.run_all(plan, tmp_path_factory.mktemp("fuzz"), jobs=JOBS,
                            seed=_env_int("DONDOC_FUZZ_SEED", 1))
    wall = time.monotonic() - start
    print("\n" + bench.table(results, wall))
    return {"total": total, "plan": plan, "results": {r.target: r for r in results}, "bench": bench}


@pytest.mark.parametrize("target", ["all", "text", "deadline", "agencies", "targets", "body", "textkey", "grid"])
def test_fuzz_target_runs_its_share_without_a_crash(target: str, fuzz_run: dict[str, Any]) -> None:
    r = fuzz_run["results"][target]
    runs = fuzz_run["plan"][target]
    assert r.returncode == 0 and not r.crashes, (
        f"fuzz target {target}: exit {r.returncode}, inputs kept: {r.crashes}\n{r.log_tail}")
    stats = fuzz_run["bench"].parse_stats(r.log_tail)
    assert "number_of_executed_units" in stats, f"no libFuzzer statistics in the output:\n{r.log_tail[-3000:]}"
    assert stats["number_of_executed_units"] >= runs, (
        f"{target}: only {stats['number_of_executed_units']} of {runs} inputs ran\n{r.log_tail[-3000:]}")


def test_fuzz_total_inputs(fuzz_run: dict[str, Any]) -> None:
    results = fuzz_run["results"]
    assert set(results) == set(fuzz_run["bench"].CI_SHARES)
    assert sum(r.executed for r in results.values()) >= fuzz_run["total"]
