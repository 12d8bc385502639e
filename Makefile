# The CoP Portal: `make run` serves the portal, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: run test lint format checks audit install install-dev vendor lock worker beat clean bench backup messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## Serve the portal on its embedded default (SQLite, eager tasks, console email, demo data).
# Links in emails and calendar files point at the port served, unless PORTAL_BASE_URL says otherwise.
run: export PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install
	mkdir -p var
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:$(PORT)

## Run every test (browser tests need Chromium and npm for axe-core), spread over one worker
## process per core (pytest-xdist; each has its own test database).
PYTEST_ARGS ?= --numprocesses auto
test: install-dev node_modules/axe-core/axe.min.js
	$(BIN)/pytest $(PYTEST_ARGS)

## Time every main page on gunicorn in production mode over PostgreSQL at state scale
## (its own database, generated once): a table, and var/bench/latest.json. Not part of `make test`.
BENCH_SCALE ?= 1
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m bench --scale $(BENCH_SCALE) $(BENCH_ARGS)

node_modules/axe-core/axe.min.js: package.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the browser tests need axe-core from the npm registry."; \
	fi

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Django's deployment checks in production mode, no model change without a migration, and
## no new migration that is unsafe on a live database. That last check reads the SQL that
## PostgreSQL would run, so it needs DATABASE_URL set to a PostgreSQL database (CI sets it).
checks: install-dev
	DJANGO_ENV=production SECRET_KEY=checks-only-$$(printf '%050d' 0) ALLOWED_HOSTS=example.org \
		DATABASE_URL=postgres://cop:cop@127.0.0.1:5432/cop_portal REDIS_URL=redis://127.0.0.1:6379/0 \
		$(MANAGE) check --deploy --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	@case "$${DATABASE_URL:-}" in \
		postgres*) $(MANAGE) lintmigrations ;; \
		*) echo "Migration safety not checked: set DATABASE_URL to a PostgreSQL database." ;; \
	esac

## Look the locked dependencies up in the Python Packaging Advisory Database.
audit: install-dev
	$(BIN)/pip-audit --requirement requirements.txt --disable-pip --progress-spinner off

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Re-pin the Python dependencies from pyproject.toml.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file requirements.txt pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
		--extra dev --output-file requirements-dev.txt pyproject.toml

## Copy the front-end assets from the npm registry into static/vendor.
vendor:
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor/bootstrap
	cp node_modules/bootstrap/dist/css/bootstrap.min.css* static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* static/vendor/bootstrap/
	cp node_modules/bootstrap/LICENSE static/vendor/bootstrap/

## Collect every string marked for translation into locale/en_AU (the one language shipped),
## each text its own translation (every msgstr is emptied and refilled, so none is left from an
## older text), and compile the catalogue (needs GNU gettext).
CATALOGUE := locale/en_AU/LC_MESSAGES/django
messages: install-dev
	$(MANAGE) makemessages -l en_AU --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests
	LC_ALL=C.UTF-8 msgfilter --keep-header -i $(CATALOGUE).po sed -e d | LC_ALL=C.UTF-8 msgen - \
		| LC_ALL=C.UTF-8 msgattrib --clear-fuzzy --clear-previous -o $(CATALOGUE).po
	msgfmt --check -o $(CATALOGUE).mo $(CATALOGUE).po

## Write an archive of the database and uploaded files into BACKUP_DIR (var/backups).
backup: install
	$(MANAGE) backup

worker: install
	$(BIN)/celery -A cop_portal worker --loglevel=info

beat: install
	$(BIN)/celery -A cop_portal beat --loglevel=info

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .ruff_cache
