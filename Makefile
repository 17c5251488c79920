# heard: two commands. `make demo` serves a demo; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint typecheck unit browser-deps serve clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/heard db upgrade
	$(BIN)/heard demo --reset
	$(BIN)/heard serve

serve: $(STAMP)
	$(BIN)/heard serve

# Browser tests drive Debian's Chromium; pip cannot install it.
browser-deps:
	@bash scripts/ensure-chromium

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks training
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile

test: $(STAMP) browser-deps lint
	@echo "== test suite on SQLite =="
	HEARD_TEST_DATABASE_URL= $(BIN)/pytest -n 2 --dist loadfile
	@if [ -n "$$HEARD_TEST_DATABASE_URL" ]; then \
	  echo "== test suite on PostgreSQL ($$HEARD_TEST_DATABASE_URL) =="; \
	  $(BIN)/pytest -n 2 --dist loadfile; \
	else echo "HEARD_TEST_DATABASE_URL is not set: skipping the PostgreSQL run"; fi

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache heard.db heard.db-*
