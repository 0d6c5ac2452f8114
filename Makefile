# carto-santé — the two front-door commands are `make reports` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install reports test lint lab lock clean

# Idempotent: rebuilt only when the lock or the package metadata changed.
install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 est requis ($(PYTHON) introuvable)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

reports: install
	$(BIN)/python -m helpers reports

test: install
	$(BIN)/python -m ruff check src tests notebooks
	$(BIN)/python -m pytest

lint: install
	$(BIN)/python -m ruff check src tests notebooks

lab: install
	$(BIN)/jupyter lab --notebook-dir=notebooks

# Regenerate the lock from requirements.in (needs network access to PyPI).
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile requirements.in --python-version 3.11 --universal -q \
	  --custom-compile-command "make lock" -o requirements.lock

clean:
	rm -rf $(VENV) data/processed/* reports/*
	git checkout -- data/processed/.gitkeep reports/.gitkeep 2>/dev/null || true
