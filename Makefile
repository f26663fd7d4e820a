# Set-up is automatic: the first target that needs it creates .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint types pytest soak bench clean chromium

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## run: the main job on the embedded default: start Neo4j, init the schema, show
## db status, create the demo data, apply examples/ and run the daemon until Ctrl-C
run: $(STAMP)
	$(BIN)/switchboard up
	$(BIN)/switchboard demo

## test: lint, types and the whole test suite against a real Neo4j, with the daemon
## endurance scenario shortened to SWITCHBOARD_ENDURANCE_SECONDS (default 150)
test: lint types pytest

lint: $(STAMP)
	$(BIN)/ruff check engine cli tests benchmarks
	$(BIN)/ruff format --check engine cli tests benchmarks

types: $(STAMP)
	$(BIN)/mypy

## pytest: the suite as two pytest processes side by side, each with its own test instance:
## the tests marked long (they mostly wait) in one, the rest in the other; the long ones'
## report is printed after the rest's, and either failing fails the target
pytest: $(STAMP) chromium
	@long_log=$$(mktemp); instance=$${SWITCHBOARD_TEST_INSTANCE:-pytest}; \
	SWITCHBOARD_TEST_INSTANCE=$$instance-long $(BIN)/pytest -m long -p no:cacheprovider \
	  >$$long_log 2>&1 & long=$$!; \
	trap 'kill $$long 2>/dev/null; rm -f $$long_log' INT TERM; \
	$(BIN)/pytest -m "not long"; rest=$$?; \
	wait $$long; long_rc=$$?; \
	echo "=== the tests marked long, run beside the rest (instance $$instance-long) ==="; \
	cat $$long_log; rm -f $$long_log; \
	test $$rest -eq 0 && test $$long_rc -eq 0

## chromium: Debian's chromium for the browser tests (tests/support/browser.py), installed
## with apt-get when missing and run as root; elsewhere those tests skip and say why
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "chromium not installed (needs root and apt-get): the browser tests will skip"

## soak: the full ten-minute daemon endurance run (tests/system/test_endurance.py) and the
## daemon cluster scenarios with 300 connectors (tests/system/test_daemon_cluster.py)
soak: $(STAMP)
	SWITCHBOARD_ENDURANCE_SECONDS=600 $(BIN)/pytest tests/system/test_endurance.py
	SWITCHBOARD_CLUSTER_CONNECTORS=300 SWITCHBOARD_CLUSTER_OUTAGE_SECONDS=30 $(BIN)/pytest tests/system/test_daemon_cluster.py

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
