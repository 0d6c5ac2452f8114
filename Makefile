# carto-santé — the two front-door commands are `make reports` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

AXE := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: help install hooks reports test test-fast lint lab lock bench browser clean
.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

# Idempotent: rebuilt only when the lock or the package metadata changed.
install: $(STAMP) hooks ## Create .venv from requirements.lock (idempotent) and install the git hooks

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 est requis ($(PYTHON) introuvable)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Git hooks from .pre-commit-config.yaml (ruff, output-free notebooks, end of file); not in CI, nor
# outside a git checkout.
hooks: $(STAMP)
	@if [ -z "$$CI" ] && git rev-parse --git-dir >/dev/null 2>&1; then $(BIN)/pre-commit install >/dev/null; fi

reports: install ## Build every report into reports/ (front page: reports/index.html)
	$(BIN)/python -m helpers reports

test: install browser ## Lint, then the whole test suite (unit, notebooks, build, browser)
	$(BIN)/python -m ruff check src tests notebooks benchmarks
	$(BIN)/python -m pytest

test-fast: install ## Lint and the unit tests only (pure functions, hand-built frames; under a minute)
	$(BIN)/python -m ruff check src tests notebooks benchmarks
	$(BIN)/python -m pytest tests/unit

# What the browser tests need: Debian's chromium (installed when missing; Playwright downloads no
# browser) and axe-core from the npm registry, pinned by tests/browser/package-lock.json.
browser: $(AXE) ## Install what the browser tests need (Debian chromium, axe-core)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "Installation de chromium (paquet Debian)…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    chromium fonts-dejavu-core >/dev/null; }

$(AXE): tests/browser/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm est requis pour installer axe-core (tests d'accessibilité)"; exit 1; }
	cd tests/browser && npm ci --no-audit --no-fund --silent
	touch $@

# Benchmarks (timings are reported as ratios against a baseline measured in the same run).
bench: install ## Benchmarks: report build against the naive loop, consultation at 100k/300k/1M answers, theme quality
	$(BIN)/python benchmarks/bench_reports.py
	$(BIN)/python benchmarks/bench_consultation.py --series 100000,300000,1000000
	$(BIN)/python benchmarks/bench_themes.py

lint: install ## ruff on the code, tests and notebooks
	$(BIN)/python -m ruff check src tests notebooks benchmarks

lab: install ## JupyterLab on notebooks/ with the project's kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks

# Regenerate the lock from requirements.in (needs network access to PyPI).
lock: install ## Regenerate requirements.lock from requirements.in (uv; needs PyPI)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile requirements.in --python-version 3.11 --universal -q \
	  --custom-compile-command "make lock" -o requirements.lock

clean: ## Remove .venv, processed data, reports and test artefacts
	rm -rf $(VENV) data/processed/* reports/* tests/browser/node_modules test-artifacts
	git checkout -- data/processed/.gitkeep reports/.gitkeep 2>/dev/null || true
