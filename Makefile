# dondoc: two set-up commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SEEDS ?= ../shared/seeds

.PHONY: run test lint bench-import clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Until the web application lands (next issue), `make run` installs dondoc and
# imports the seed plans, printing each plan's summary.
run: $(STAMP)
	@for f in $(SEEDS)/*.txt; do $(VENV)/bin/dondoc import "$$f"; echo; done

lint: $(STAMP)
	$(VENV)/bin/ruff check dondoc tests scripts

test: $(STAMP) lint
	$(VENV)/bin/pytest -q

bench-import: $(STAMP)
	$(PY) scripts/bench_import.py --seeds $(SEEDS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
