# OKRA: `make run` serves the demo; `make test` runs every test (`make test-fast`: the unit
# tier, in seconds). All set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint bench clean chromium

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/okra serve --demo

JS := tests/js/node_modules/.installed

$(JS): tests/js/package.json tests/js/package-lock.json
	@if command -v npm >/dev/null; then cd tests/js && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "!!! npm not found: the JavaScript client test will say so and be skipped (CI fails)"; fi

# Debian's Chromium renders the reports in the tests; installed here when we are root with apt.
CHROMIUM := /usr/bin/chromium
APT_CHROMIUM := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

chromium:
	@test -x $(CHROMIUM) || command -v chromium >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    echo "Installing Chromium (Debian package) for the report tests…" && \
	    { $(APT_CHROMIUM) >/dev/null 2>&1 || \
	      { apt-get update -qq >/dev/null 2>&1 && $(APT_CHROMIUM) >/dev/null 2>&1; }; }; } || \
	  echo "!!! Chromium not installed: the report rendering tests will say so and be skipped (CI fails)"

# Test processes (pytest-xdist) for the whole suite. The tests wait on PostgreSQL,
# subprocesses and sockets as much as they compute: on two cores, two workers halve
# the suite's time; four save a little more at twice the load on a shared machine.
WORKERS ?= 2

test: $(STAMP) $(JS) chromium
	$(BIN)/ruff check domain projections gateway tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo
	$(BIN)/pytest -n $(WORKERS) --dist worksteal

# Pure tests only: no database, no HTTP, no processes.
test-fast: $(STAMP)
	$(BIN)/pytest tests/unit

# The benchmark suite (bench/run.py): BENCH_QUICK=1 for a smoke run, BENCH_ROWS=W1,R1 for
# some rows. wrk (Debian package) drives the saturation rows; installed here when we can.
bench: $(STAMP)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { apt-get install -y -qq wrk >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1; }; }; } || \
	  echo "!!! wrk not installed: the Python load client saturates instead (it may be the limit)"
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) okra-data .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
