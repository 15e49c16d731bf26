# DunGuard — two commands on a fresh Debian/Ubuntu machine with python3 and root:
#   make run    set everything up, build the demo case, and serve the web app on http://127.0.0.1:8000
#   make test   set everything up, then ruff + mypy --strict + pytest
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.dunguard-installed
SYSTAMP := $(VENV)/.dunguard-system
TESTSTAMP := $(VENV)/.dunguard-test-system
export PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: run demo serve test lint typecheck pytest eval bench setup setup-test clean

setup: $(STAMP)

$(SYSTAMP): system-packages.txt scripts/system-deps.sh
	bash scripts/system-deps.sh system-packages.txt
	@mkdir -p $(VENV) && touch $@

$(TESTSTAMP): system-packages-test.txt scripts/system-deps.sh
	bash scripts/system-deps.sh system-packages-test.txt
	@mkdir -p $(VENV) && touch $@

$(STAMP): pyproject.toml $(SYSTAMP)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || (bash scripts/system-deps.sh python3-venv && $(PYTHON) -m venv $(VENV))
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[all,dev]'
	@touch $@

run: $(STAMP)
	$(BIN)/dunguard serve --demo

demo: $(STAMP)
	$(BIN)/dunguard demo

serve: $(STAMP)
	$(BIN)/dunguard serve

setup-test: $(STAMP) $(TESTSTAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy --strict src/dunguard

pytest: setup-test
	$(BIN)/python -m pytest -q -p no:cacheprovider

test: setup-test lint typecheck pytest

eval: $(STAMP)
	$(BIN)/python -m dunguard.analyze.eval

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
