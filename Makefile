# The few commands a newcomer needs. `make site` and `make test` set everything up on first use;
# re-running them with nothing changed reinstalls nothing and re-runs no chapter: `python -m
# report` itself knows what each chapter read (report/cache.py) and re-runs only what changed.
SHELL := /bin/bash
# mkdocs is pinned below 2 (pyproject.toml), so Material's banner about MkDocs 2 is only noise
export NO_MKDOCS_2_WARNING := 1
.DEFAULT_GOAL := site
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
ASSETS := node_modules/.installed

.PHONY: setup site pdf serve report test bench mutate lock clean distclean

## setup: the virtualenv with pinned dependencies, and the npm packages (KaTeX; dagre, which lays out the graph figures)
setup: $(INSTALLED) $(ASSETS)

$(INSTALLED): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## report: re-run the chapters whose code, data or output changed (all of them: FORCE=1)
report: setup
	$(PY) -m report $(if $(FORCE),--force)

## site: build the static site into site/ (mkdocs build --strict)
site: report
	$(VENV)/bin/mkdocs build --strict

## pdf: the site, then the whole report as one PDF in it, site/backprop.pdf, linked from its home page
pdf: site
	$(PY) -m report.pdf site site/backprop.pdf

## serve: live preview on http://127.0.0.1:8000/; an edit re-runs only the chapters it affects
serve: report
	$(VENV)/bin/mkdocs serve

## test: the whole suite: units, numbers, site build, browser (Chromium)
test: report
	@$(PY) tests/chromium.py >/dev/null || $(PY) -m playwright install chromium || \
		echo "make test: no Chromium found; the browser tests will say how to install one"
	$(PY) -m pytest

## bench: performance measurements (never part of the tests)
bench: setup
	$(PY) -m benchmarks

## mutate: mutation testing (mutmut) of src/backprop and report/results.py by the unit tests;
## JOBS=N runs N at once (default 1); ONLY='backprop.engine.*' re-runs only the mutants named.
## One BLAS/OpenMP thread each: a mutant's process is forked, and a thread pool does not survive a
## fork (the child would wait forever on a lock, and its timeout would count as a kill).
JOBS ?= 1
mutate: setup
	$(if $(ONLY),,rm -rf mutants)
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
		nice -n 10 $(VENV)/bin/mutmut run --max-children $(JOBS) $(ONLY)
	set -o pipefail; $(PY) tests/mutation_report.py | tee mutants/report.md

## lock: refresh requirements.lock from the current environment
lock: $(INSTALLED)
	$(PY) -m pip freeze --exclude-editable | sed 's/+cpu$$//' > requirements.lock

## clean: remove everything generated (keeps the virtualenv and node_modules: see distclean)
clean:
	rm -rf docs/generated site .cache .pytest_cache .hypothesis mutants

## distclean: also remove the virtualenv and node_modules (the next target reinstalls them)
distclean: clean
	rm -rf $(VENV) node_modules
