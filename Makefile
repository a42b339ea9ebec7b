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

.PHONY: install generate check-generated lint test

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,mock,cli]'
	touch $(STAMP)

generate: $(STAMP)
	$(PY) scripts/generate.py

check-generated: $(STAMP)
	$(PY) scripts/generate.py --check

lint: $(STAMP)
	$(BIN)/openapi-spec-validator openapi.yaml
	$(REDOCLY) lint openapi.yaml --format=stylish
	$(BIN)/ruff check overlays tests scripts
	$(BIN)/ruff format --check overlays tests scripts
	$(BIN)/mypy overlays tests

test: $(STAMP) check-generated lint
	$(BIN)/pytest

.PHONY: mock contract-long demo

demo: $(STAMP)
	$(BIN)/aio demo

mock: $(STAMP)
	$(PY) -m api_in_one.mock --host 127.0.0.1 --port $(PORT)

contract-long: $(STAMP)
	CONTRACT_LONG=1 $(BIN)/pytest tests/contract
