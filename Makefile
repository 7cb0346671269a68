# B2B ordering platform. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .cache/tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
PORT ?= 8000
DATA_DIR ?= ./var
export PORT DATA_DIR

.PHONY: help install run up down test lint check unit contract service integration e2e bench lock schemas asyncapi pg-up pg-down kafka-up kafka-down k8s-validate chromium screenshots translations audit clean

help:
	@echo "make run        the whole system embedded on http://127.0.0.1:$$PORT (data in $$DATA_DIR)"
	@echo "make up | down  distributed: Kafka, PostgreSQL, a process per service, nginx gateway"
	@echo "make test       install, start what tests need, run every tier and check, stop it all"
	@echo "make bench      measure, write docs/BENCHMARKS.md"
	@echo "make audit      pip-audit over requirements.lock (fails when no vulnerability source answers)"
	@echo "make lint | unit | contract | service | integration | e2e | lock | schemas | asyncapi | pg-up | pg-down"
	@echo "make screenshots  capture the portal's main pages into docs/screenshots (Chromium)"
	@echo "make translations extract the portal's messages and update every catalog (portal/locale)"

$(UV):
	$(PYTHON) -m pip install --quiet --target $(TOOLS) uv==$(UV_VERSION)

$(VENV)/.installed: requirements.lock pyproject.toml | $(UV)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(UV) pip sync --python $(BIN)/python requirements.lock
	$(UV) pip install --python $(BIN)/python --no-deps -e .
	@touch $@

install: $(VENV)/.installed

lock: | $(UV)
	$(UV) pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock
	$(UV) pip compile pyproject.toml --python-version 3.11 -c requirements.lock -o requirements-runtime.lock

run: install
	$(BIN)/b2b run --port $(PORT) --data-dir $(DATA_DIR)

up: install
	bash deploy/local/up.sh

down:
	bash deploy/local/down.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check shared services runtime portal
	$(BIN)/mypy
	$(BIN)/lint-imports
	bash deploy/local/audit/run.sh

audit: install
	B2B_AUDIT=$${B2B_AUDIT:-require} bash deploy/local/audit/run.sh

check: lint

unit: install
	$(BIN)/pytest tests/unit -q

contract: install
	bash deploy/local/with-postgres.sh $(BIN)/pytest tests/contract -q

service: install
	$(BIN)/pytest tests/service -q

test: install
	bash deploy/local/test-all.sh

bench: install
	bash deploy/local/bench-tools.sh
	bash deploy/local/with-postgres.sh $(BIN)/python -m bench

schemas: install
	$(BIN)/python -m shared.events.export_schemas

asyncapi: install
	$(BIN)/python -m shared.events.asyncapi

pg-up:
	bash deploy/local/postgres/start.sh

pg-down:
	bash deploy/local/postgres/stop.sh

kafka-up:
	bash deploy/local/kafka/start.sh

kafka-down:
	bash deploy/local/kafka/stop.sh

k8s-validate: install
	bash deploy/k8s/validate/run.sh

chromium:
	bash deploy/local/chromium/install.sh

e2e: install chromium
	$(BIN)/pytest tests/e2e -q

screenshots: install chromium
	$(BIN)/python -m tests.e2e.screenshots

LOCALES := zh_Hant zh_Hans en
translations: install
	$(BIN)/pybabel extract --no-location --sort-output --omit-header -F babel.cfg -k N_ -o portal/locale/messages.pot .
	@for locale in $(LOCALES); do \
	  $(BIN)/pybabel update --init-missing --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date \
	    -i portal/locale/messages.pot -d portal/locale -l $$locale; \
	done
	$(BIN)/python -m portal.catalog_check

clean:
	rm -rf $(VENV) .cache/tools .pytest_cache .mypy_cache .ruff_cache
