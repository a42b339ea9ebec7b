# api-in-one: every target installs what it needs into .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(BIN):$(PATH)
# make test starts dozens of interpreters and pytest processes: with bytecode
# writes off (a common shell setting) each one recompiles the checkout and
# re-rewrites the asserts of the pytest plugins' packages (some 300 modules,
# nearly 2 s of CPU a process) instead of reading __pycache__.
unexport PYTHONDONTWRITEBYTECODE

# The npm tools (Redocly, Prism, Optic) and the Node they run on, locked in
# package-lock.json: Node 24 LTS from the npm registry's `node` package, since
# Debian 12 offers only Node 18 and the machine's Node 20 is past end of life.
NODE_BIN := $(CURDIR)/node_modules/.bin
NPM_STAMP := node_modules/.installed
REDOCLY := $(NODE_BIN)/node $(NODE_BIN)/redocly
PORT ?= 8765
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install generate check-generated lint lint-python lint-spec test test-suite

install: $(STAMP) $(NPM_STAMP)

# The demo needs only the cli and mock extras (a few seconds); make test adds the rest.
# constraints.txt pins the whole Python toolchain; make constraints renews it.
DEMO_STAMP := $(VENV)/.installed-demo

$(DEMO_STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	@echo "Installing api-in-one with the cli and mock extras into $(VENV):"
	$(PY) -m pip install --disable-pip-version-check --progress-bar on -c constraints.txt -e '.[cli,mock]'
	touch $(DEMO_STAMP)

# --no-compile: pip would byte-compile every module of the toolchain (about a third of
# its CPU) while npm ci and the lint need the cores; make's runs compile what they import.
$(STAMP): $(DEMO_STAMP)
	@echo "Installing the development tools into $(VENV) (a minute or so):"
	$(PY) -m pip install --quiet --upgrade pip -c constraints.txt
	$(PY) -m pip install --quiet --no-compile -c constraints.txt -e '.[dev,mock,cli,bench]'
	$(BIN)/pyright --version >/dev/null  # fetch pyright's npm package now, not mid-test
	touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

generate: $(STAMP)
	$(PY) scripts/generate.py

check-generated: $(STAMP)
	$(PY) scripts/generate.py --check

lint: lint-python lint-spec

lint-python: $(STAMP)
	$(BIN)/ruff check overlays tests scripts bench compat
	$(BIN)/ruff format --check overlays tests scripts bench compat
	$(BIN)/mypy overlays tests scripts bench

lint-spec: $(STAMP) $(NPM_STAMP)
	$(BIN)/openapi-spec-validator openapi.yaml
	$(REDOCLY) lint openapi.yaml --format=stylish

# One make run with three jobs: on a fresh clone pip, npm ci and the system packages
# install side by side; check-generated and the Python lint (mypy has no cache: about
# 20 s of one core) start as soon as pip is done, while npm ci still writes its files;
# the tests start when both are installed. --output-sync prints each target whole.
test:
	@echo "make test: installing into .venv and node_modules, then lint beside the tests"
	@$(MAKE) --no-print-directory -j3 --output-sync=target check-generated lint test-suite

# Three workers on two cores: most tests wait on the mock's clock or a subprocess, not
# the CPU, and a third worker fills those waits.
test-suite: $(STAMP) $(NPM_STAMP) system-packages
	$(BIN)/pytest -n 3 --dist worksteal

.PHONY: mock contract-long demo docs system-packages prism-check bench changes release soak constraints
.PHONY: compat dist dist-check

demo: $(DEMO_STAMP)
	$(BIN)/aio demo

mock: $(STAMP)
	$(PY) -m api_in_one.mock --host 127.0.0.1 --port $(PORT)

contract-long: $(STAMP)
	CONTRACT_LONG=1 $(BIN)/pytest tests/contract

# Batches under killed runs, four Redis workers and a credit cap (a few minutes; CI runs it).
soak: $(STAMP) system-packages
	$(PY) -m scripts.soak

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
prism-check: $(STAMP) $(NPM_STAMP)
	$(BIN)/pytest -n 0 tests/contract/test_prism.py

# What changed for client users since release/<version>/, breaking or not; fails
# on a breaking change without a major version bump and a CHANGELOG.md entry, and
# when CHANGELOG.md dates a release that release/ does not record.
# Also run by make test, through tests/test_changes.py.
changes: $(STAMP) $(NPM_STAMP)
	$(PY) -m scripts.changes

# Cut a release in one step: bump the version, date its CHANGELOG.md entry and
# record release/<VERSION>/ (refused while a breaking change is undeclared).
release: $(STAMP) $(NPM_STAMP)
	@[ -n "$(VERSION)" ] || { echo "usage: make release VERSION=x.y.z" >&2; exit 2; }
	$(PY) -m scripts.release $(VERSION)

# Renew constraints.txt: the newest toolchain pyproject.toml allows, installed
# into a scratch venv and frozen. Commit it once make test passes with it.
constraints:
	rm -rf .constraints-venv
	$(PYTHON) -m venv .constraints-venv
	.constraints-venv/bin/python -m pip install --quiet --upgrade pip
	.constraints-venv/bin/python -m pip install --quiet -e '.[dev,mock,cli,bench]'
	{ echo "# The Python toolchain of make install, pinned: pip freeze of a fresh install (make constraints)."; \
		.constraints-venv/bin/python -m pip freeze --exclude-editable --all; } > constraints.txt
	rm -rf .constraints-venv

# BENCH_ARGS, e.g. --quick or "--only stream --rounds 11"; the default also times make test.
BENCH_ARGS ?= --with-test-time
bench: $(STAMP)
	$(PY) -m bench $(BENCH_ARGS)

docs: reference/index.html

reference/index.html: openapi.yaml redocly.yaml $(NPM_STAMP)
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
