# dondoc: two set-up commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DONDOC := $(VENV)/bin/dondoc
STAMP := $(VENV)/.installed
SEEDS ?= ../shared/seeds
HOST ?= 127.0.0.1:8000

.PHONY: run demo test test-web-sqlite lint bench-import bench-reports bench-dossiers bench-dashboards bench-web bench-fuzz clean

$(STAMP): pyproject.toml package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,postgres]'
	npm ci --no-audit --no-fund --loglevel=error  # charts (Chart.js), served by dondoc itself: no CDN
	touch $(STAMP)

# Migrate the embedded SQLite database, load the seed plans as demo data (with the agencies they
# name and one account per role), then serve with the job queue's worker beside the web server.
run: demo
	@echo "dondoc: http://$(HOST)/  (Ctrl+C để dừng)"
	@$(DONDOC) run_huey --workers 2 & QUEUE=$$!; trap 'kill $$QUEUE 2>/dev/null' EXIT INT TERM; \
	  $(DONDOC) runserver $(HOST) --noreload

demo: $(STAMP)
	$(DONDOC) migrate --noinput -v0
	$(DONDOC) load_demo --seeds $(SEEDS)

lint: $(STAMP)
	$(VENV)/bin/ruff check dondoc tests scripts

# The whole suite; DATABASE_URL picks the database (SQLite when unset).
test: $(STAMP) lint
	$(VENV)/bin/pytest -q

# The database-backed tests again on the embedded SQLite (CI runs `test` on PostgreSQL first).
test-web-sqlite: $(STAMP)
	env -u DATABASE_URL $(VENV)/bin/pytest -q tests/web

bench-import: $(STAMP)
	$(PY) scripts/bench_import.py --seeds $(SEEDS)

# Periodic reports at province scale (≈30,000 tasks) in a throw-away SQLite database: see docs/benchmarks.md.
bench-reports: $(STAMP)
	$(PY) scripts/bench_reports.py

# One-stop-shop dossiers at province scale (10 million generated, imported, indicators computed three ways and
# checked against each other): see docs/benchmarks.md. `make bench-dossiers DOSSIER_ROWS=200000` for a quick run.
DOSSIER_ROWS ?= 10000000
bench-dossiers: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,postgres,bench]'
	$(PY) scripts/bench_dossiers.py --rows $(DOSSIER_ROWS)

# The dashboards at province scale (bench-reports' dataset, PAR-Index results, targets with actuals): each selector
# beside its hand-written SQL floor, and the pages, in a throw-away SQLite database: see docs/benchmarks.md.
bench-dashboards: $(STAMP)
	$(PY) scripts/bench_dashboards.py

# The web pages at province scale (`dondoc demo_scale`: ≈250 agencies, three years, ≈30,000 tasks) in a throw-away
# SQLite database: each page's p50/p95 as its user, the dashboard selectors beside their SQL floors, and a load test
# (gunicorn + locust on loopback): see docs/benchmarks.md. PostgreSQL: BENCH_WEB_ARGS="--database-url postgres://…/db".
bench-web: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,postgres,bench]'
	$(PY) scripts/bench_web.py $(BENCH_WEB_ARGS)

# Fuzzing the importer (issue 8): every atheris target of scripts/fuzz_import.py for FUZZ_SECONDS each, two at a time
# (the CI run is tests/importer/test_fuzz_*.py: 100,000 inputs), then the Hypothesis properties on their long
# profile: see docs/benchmarks.md. A crash's input is kept under var/fuzz/<target>/artifacts/.
FUZZ_SECONDS ?= 300
bench-fuzz: $(STAMP)
	$(PY) scripts/fuzz_bench.py --seconds $(FUZZ_SECONDS) --jobs 2 --keep var/fuzz --json var/fuzz/results.json
	DONDOC_HYPOTHESIS_PROFILE=long $(VENV)/bin/pytest -q -p no:cacheprovider tests/importer/test_fuzz_hypothesis.py

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache
