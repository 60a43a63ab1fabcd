"""A bounded atheris run of scripts/fuzz_import.py: whatever the bytes, read_plan
returns a Plan or raises PlanImportError, nothing else.

Two runs, each in a subprocess (libFuzzer owns its process): every format, from
seeds rendered as DOCX/XLSX/ODT/PDF/HTML/text and mutated inside their ZIP
packages too; and the cheap text paths (TXT, CSV, HTML, MHT names; inputs up to
1 KiB) with TEXT_FACTOR times as many inputs.

DONDOC_FUZZ_RUNS sets the inputs of the every-format run (default sized so the
test takes well under a minute on a 2-core machine; measured rates are in the
module constants). DONDOC_FUZZ_SEED picks libFuzzer's seed (default 1: a CI run
is reproducible). A crash's input is kept under the test's tmp directory and
its traceback is in the failure message.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "fuzz_import.py"
# Measured on 2 shared cores: about 20 inputs/s over every format (a PDF input costs
# ~0.25 s), about 90 inputs/s on the text paths with inputs up to 1 KiB.
DEFAULT_RUNS = 300
TEXT_FACTOR = 4
TEXT_MAX_LEN = 1024
SECONDS_PER_INPUT = 0.5  # the subprocess's time limit, generous: a bound, not a benchmark


def _runs() -> int:
    raw = os.environ.get("DONDOC_FUZZ_RUNS", "")
    try:
        return max(int(raw), 1) if raw.strip() else DEFAULT_RUNS
    except ValueError:
        pytest.fail(f"DONDOC_FUZZ_RUNS phải là số nguyên, không phải {raw!r}")


@pytest.fixture(scope="module")
def atheris_available() -> None:
    try:
        import atheris  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"atheris chưa được cài ({exc}); cài nhóm phụ thuộc dev để chạy phép thử fuzz")


@pytest.mark.parametrize("formats", ["all", "text"])
def test_fuzz_read_plan_only_raises_plan_import_error(formats: str, tmp_path: Path, atheris_available: None) -> None:
    runs = _runs() * (TEXT_FACTOR if formats == "text" else 1)
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    cmd = [sys.executable, str(SCRIPT), "--formats", formats, "--corpus", str(tmp_path / "corpus"),
           f"-runs={runs}", f"-seed={os.environ.get('DONDOC_FUZZ_SEED', '1')}", "-timeout=60",
           f"-artifact_prefix={artifacts}/"]
    if formats == "text":
        cmd.append(f"-max_len={TEXT_MAX_LEN}")
    try:
        proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, errors="replace",
                              timeout=120 + runs * SECONDS_PER_INPUT)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"fuzz run ({formats}, {runs} inputs) did not finish in {exc.timeout:.0f} s")
    log = proc.stderr + proc.stdout
    crashes = sorted(p.name for p in artifacts.iterdir())
    assert proc.returncode == 0 and not crashes, (
        f"fuzz run ({formats}) failed, exit {proc.returncode}, inputs kept: {crashes}\n{log[-6000:]}")
    executed = re.search(r"stat::number_of_executed_units:\s*(\d+)", log)
    rate = re.search(r"stat::average_exec_per_sec:\s*(\d+)", log)
    assert executed, f"no libFuzzer statistics in the output:\n{log[-3000:]}"
    assert int(executed.group(1)) >= runs, f"only {executed.group(1)} of {runs} inputs ran:\n{log[-3000:]}"
    print(f"fuzz {formats}: {executed.group(1)} inputs, {rate.group(1) if rate else '?'} inputs/s")
