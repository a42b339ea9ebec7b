# api-in-one: every target installs what it needs into .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(BIN):$(PATH)

REDOCLY := npx --yes @redocly/cli@2.77.0
PORT ?= 8765
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install generate check-generated lint test

install: $(STAMP)

# The demo needs only the cli and mock extras (a few seconds); make test adds the rest.
DEMO_STAMP := $(VENV)/.installed-demo

$(DEMO_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@echo "Installing api-in-one with the cli and mock extras into $(VENV):"
	$(PY) -m pip install --disable-pip-version-check --progress-bar on -e '.[cli,mock]'
	touch $(DEMO_STAMP)

$(STAMP): $(DEMO_STAMP)
	@echo "Installing the development tools into $(VENV) (a minute or so):"
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,mock,cli,bench]'
	$(BIN)/pyright --version >/dev/null  # fetch pyright's npm package now, not mid-test
	touch $(STAMP)

generate: $(STAMP)
	$(PY) scripts/generate.py

check-generated: $(STAMP)
	$(PY) scripts/generate.py --check

lint: $(STAMP)
	$(BIN)/openapi-spec-validator openapi.yaml
	$(REDOCLY) lint openapi.yaml --format=stylish
	$(BIN)/ruff check overlays tests scripts bench
	$(BIN)/ruff format --check overlays tests scripts bench
	$(BIN)/mypy overlays tests scripts bench

# Three workers on two cores: most tests wait on the mock's clock or a subprocess, not
# the CPU, and a third worker fills those waits (about 90 s instead of 120 s here).
test: $(STAMP) check-generated lint system-packages
	$(BIN)/pytest -n 3 --dist worksteal

.PHONY: mock contract-long demo docs system-packages prism-check bench changes release-baseline soak compat
.PHONY: dist dist-check

demo: $(DEMO_STAMP)
	$(BIN)/aio demo

mock: $(STAMP)
	$(PY) -m api_in_one.mock --host 127.0.0.1 --port $(PORT)

contract-long: $(STAMP)
	CONTRACT_LONG=1 $(BIN)/pytest tests/contract

# Batches under killed runs, four Redis workers and a credit cap (a few minutes; CI runs it).
soak: $(STAMP) system-packages
	$(PY) scripts/soak.py

# Real OpenAI-compatible libraries (compat/requirements.txt, pinned) against the mock, each in
# its own .venv-compat so make test stays light; the mock runs from .venv. CI runs it.
COMPAT_VENV := .venv-compat
COMPAT_STAMP := $(COMPAT_VENV)/.installed

$(COMPAT_STAMP): compat/requirements.txt
	rm -rf $(COMPAT_VENV)
	$(PYTHON) -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/python -m pip install --quiet -r compat/requirements.txt
	touch $(COMPAT_STAMP)

compat: $(STAMP) $(COMPAT_STAMP)
	cd compat && AIO_MOCK_PYTHON=$(CURDIR)/$(PY) ../$(COMPAT_VENV)/bin/python -m pytest -q

# The wheel and the sdist, in dist/.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/hatchling build -d dist

# The wheel installed in a fresh venv outside the checkout: missing-extra messages, the
# quick start against the mock, the pytest plugin (about a minute; .ci/run runs it).
dist-check: dist
	$(PY) scripts/dist_check.py dist

# Part of make test too; tests/test_prism_check.py proves it fails on a spec the mock breaks.
prism-check: $(STAMP)
	$(BIN)/pytest -n 0 tests/contract/test_prism.py

# What changed for client users since release/<version>/, breaking or not; fails
# on a breaking change without a major version bump and a CHANGELOG.md entry.
# Also run by make test, through tests/test_changes.py.
changes: $(STAMP)
	$(PY) scripts/changes.py

# Cut a release: the working tree becomes release/<version>/, the baseline of make changes.
release-baseline: $(STAMP)
	$(PY) scripts/changes.py --record

# BENCH_ARGS, e.g. --quick or "--only stream --rounds 11"; the default also times make test.
BENCH_ARGS ?= --with-test-time
bench: $(STAMP)
	$(PY) -m bench $(BENCH_ARGS)

docs: reference/index.html

reference/index.html: openapi.yaml redocly.yaml
	$(REDOCLY) build-docs openapi.yaml --inlineBundle --title "API in One API reference" -o $@

# Debian packages the tests drive, installed with apt when missing: headless
# Chromium (tests/test_docs.py) and redis-server (tests/test_redis_budget.py).
# Each package installs a command of its own name.
SYSTEM_PACKAGES := chromium redis-server

system-packages:
	@missing=""; for package in $(SYSTEM_PACKAGES); do \
		command -v $$package >/dev/null || missing="$$missing $$package"; done; \
	[ -z "$$missing" ] || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; }
