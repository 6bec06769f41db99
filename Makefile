# Two commands: `make run` serves the app on http://127.0.0.1:8000, `make test` runs every test.
# Both set everything up first. With DATABASE_URL unset they use an embedded PostgreSQL (.pgdata/).
# `make run` also starts the alerts worker (procrastinate) and stops it with the server (Ctrl-C).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV := DEBUG=true

.PHONY: run test install lint format browser clean-db

run: $(VENV)/.installed
	$(DEV) $(BIN)/python manage.py migrate --no-input
	$(DEV) $(BIN)/python manage.py seed_demo
	@echo "Starting the alerts worker beside the web server (emails are printed here in development)."
	@$(DEV) EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend} sh -c '\
		$(BIN)/python manage.py procrastinate worker --queues alerts & worker=$$!; \
		trap "kill $$worker 2>/dev/null; wait $$worker 2>/dev/null" EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:8000'

test: $(VENV)/.installed node_modules/.installed browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Chromium from Debian's packages..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean-db:
	rm -rf .pgdata
