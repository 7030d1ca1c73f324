# Koinon: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run test install dev chromium demo lint format messages vendor worker scheduler

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: requirements-dev.lock $(VENV)/.installed
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

chromium:
	@scripts/ensure-chromium

run: install
	$(BIN)/python -m koinon migrate --noinput
	$(BIN)/python -m koinon demo
	@# The background worker (notifications, e-mails) and the scheduler (event reminders,
	@# digests) run beside the web server and stop with it.
	$(BIN)/python -m koinon db_worker & worker=$$!; \
	$(BIN)/python -m koinon scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python -m koinon runserver $(HOST):$(PORT)

# Load the demo into the database (idempotent).
demo: install
	$(BIN)/python -m koinon migrate --noinput
	$(BIN)/python -m koinon demo

worker: install
	$(BIN)/python -m koinon db_worker

scheduler: install
	$(BIN)/python -m koinon scheduler

test: dev chromium
	$(BIN)/ruff check .
	$(BIN)/python -m koinon makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

lint: dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

format: lint

# Refresh the translation catalogues of every app and compile them.
messages: dev
	scripts/messages

# Copy the pinned front-end libraries from npm into the static folder.
vendor:
	npm ci --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js koinon/static/vendor/htmx-2.0.11.min.js
	cp node_modules/@picocss/pico/css/pico.min.css koinon/static/vendor/pico-2.1.1.min.css
	@# Without its source-map line: the manifest storage would look for the missing .map file.
	sed '/^\/\/# sourceMappingURL=/d' node_modules/chart.js/dist/chart.umd.min.js > koinon/static/vendor/chart-4.6.1.umd.min.js
