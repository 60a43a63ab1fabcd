"""Read corpus items in processes of their own, with their address space bounded (RLIMIT_AS).

`run_items(items, workdir)` is the parent's side: it writes the items to `workdir`,
feeds them to `workers` worker processes and returns one result per item, in order.
A worker is

    python tests/importer/corrupt_worker.py LIMIT_BYTES

Reads one request per line on stdin, a JSON array [path, filename, [forbidden text, ...]],
and answers each with one JSON object on stdout:

    outcome      "plan", "error" (PlanImportError) or "crash" (anything else escaped)
    code, message  of the PlanImportError
    tasks        of the Plan
    forbidden    the forbidden texts found in the Plan's JSON or the error's message
    memory_error whether a MemoryError is in the error's chain (the address-space bound,
                 not one of the importer's own bounds, stopped the read)
    seconds, peak_mb  wall time and peak resident memory of this item (VmHWM, reset per item)

The parent enforces a time limit per item by killing the worker (the item's outcome
is then "timeout"; a worker that dies gives "died") and starts a new one for the
items left: a MemoryError, a crash or a hang never takes the test run down with it.
LibreOffice conversions are switched off (the importer is under test, not soffice).
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import re
import resource
import select
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _peak_mb() -> float:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    m = re.search(r"VmHWM:\s+(\d+)", status)
    return int(m.group(1)) / 1024 if m else 0.0


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # Linux: VmHWM starts again from VmRSS


def _memory_error_in_chain(exc: BaseException | None) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, MemoryError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def main(argv: list[str]) -> None:
    limit = int(argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    logging.disable(logging.CRITICAL)  # pdfminer logs a line per broken operator
    from dondoc.importer import PlanImportError, read_plan
    from dondoc.importer.readers import office

    office.find_soffice = lambda: None
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        path, filename, forbidden = json.loads(line)
        data = Path(path).read_bytes()
        _reset_peak()
        out: dict[str, object] = {}
        start = time.monotonic()
        try:
            plan = read_plan(data, filename)
            text = json.dumps(plan.to_dict(), ensure_ascii=False)
            out.update(outcome="plan", tasks=len(plan.tasks), found=[f for f in forbidden if f in text])
        except PlanImportError as exc:
            out.update(outcome="error", code=exc.code, message=exc.message,
                       found=[f for f in forbidden if f in exc.message],
                       memory_error=_memory_error_in_chain(exc))
        except BaseException as exc:  # noqa: BLE001 - what the test is looking for
            out.update(outcome="crash", error=f"{type(exc).__name__}: {exc}"[:500],
                       traceback="".join(traceback.format_exception(exc))[-4000:],
                       memory_error=_memory_error_in_chain(exc))
        out.update(seconds=round(time.monotonic() - start, 3), peak_mb=round(_peak_mb(), 1))
        print(json.dumps(out, ensure_ascii=False), flush=True)


# ---------------------------------------------------------------- the parent's side


def run_items(items: Sequence[Any], workdir: Path, *, workers: int = 2, timeout: float = 60.0,
              limit: int = 2 << 30) -> list[dict[str, Any]]:
    """Each item (with .name, .filename, .data, .forbid) read by a worker; results in item order.

    `timeout` bounds one item's wall time (a hang, not a benchmark), `limit` a worker's
    address space in bytes.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    todo: queue.Queue[int] = queue.Queue()
    for i, item in enumerate(items):
        (workdir / f"{i:04d}.bin").write_bytes(item.data)
        todo.put(i)
    results: list[dict[str, Any] | None] = [None] * len(items)

    def serve() -> None:
        proc: subprocess.Popen[str] | None = None
        try:
            while True:
                try:
                    i = todo.get_nowait()
                except queue.Empty:
                    return
                if proc is None:
                    proc = _start(limit)
                item = items[i]
                request = json.dumps([str(workdir / f"{i:04d}.bin"), item.filename, list(item.forbid)])
                start = time.monotonic()
                answer = _ask(proc, request, timeout)
                if answer is None:  # no answer in time, or the worker died
                    alive = proc.poll() is None
                    _stop(proc)
                    err = (proc.stderr.read() if proc.stderr else "")[-2000:]
                    answer = {"outcome": "timeout" if alive else "died", "returncode": proc.returncode,
                              "seconds": round(time.monotonic() - start, 1), "stderr": err}
                    proc = None
                results[i] = {"name": item.name, **answer}
        finally:
            if proc is not None:
                _stop(proc)

    threads = [threading.Thread(target=serve, daemon=True) for _ in range(max(workers, 1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r if r is not None else {"name": items[i].name, "outcome": "not run"} for i, r in enumerate(results)]


def _start(limit: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), str(limit)], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8", errors="replace", bufsize=1)
    ready = _read_line(proc, 120.0)
    if ready is None:
        _stop(proc)
        raise RuntimeError(f"corrupt_worker did not start: {(proc.stderr.read() if proc.stderr else '')[-2000:]}")
    return proc


def _ask(proc: subprocess.Popen[str], request: str, timeout: float) -> dict[str, Any] | None:
    assert proc.stdin is not None
    try:
        proc.stdin.write(request + "\n")
        proc.stdin.flush()
    except (BrokenPipeError, OSError):
        return None
    line = _read_line(proc, timeout)
    return json.loads(line) if line else None


def _read_line(proc: subprocess.Popen[str], timeout: float) -> str | None:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready:
        return None
    line = proc.stdout.readline()
    return line or None


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=30)
    if proc.stdin:
        with contextlib.suppress(OSError):
            proc.stdin.close()


if __name__ == "__main__":
    main(sys.argv)
