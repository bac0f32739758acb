# Samaneh — two commands: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
HOST ?= 127.0.0.1
PORT ?= 8000
# The embedded trial runs with DEBUG on, the SQLite database and the file SMS outbox in var/.
RUN_ENV := DEBUG=1

.PHONY: run test setup deps assets migrate demo serve test-sqlite lock clean totp

run: setup demo serve

setup: deps assets migrate

deps: $(STAMPS)/python $(STAMPS)/npm

$(STAMPS)/python: requirements.lock
	@scripts/ensure_debian_packages.sh libpango-1.0-0 libpangoft2-1.0-0 || echo "PDF export needs Debian's pango (libpango-1.0-0)" >&2
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/npm: package.json package-lock.json
	@command -v npm >/dev/null || scripts/ensure_debian_packages.sh nodejs npm
	npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(STAMPS) && touch $@

assets: $(STAMPS)/assets

$(STAMPS)/assets: $(STAMPS)/npm $(STAMPS)/python scripts/build_assets.py
	$(PY) scripts/build_assets.py
	@mkdir -p $(STAMPS) && touch $@

migrate: deps
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_hierarchy

demo: migrate
	$(RUN_ENV) $(PY) manage.py setup_demo

serve:
	@echo "Samaneh: http://$(HOST):$(PORT)/"
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: deps assets
	bash scripts/test.sh

test-sqlite: deps assets
	SAMANEH_TEST_POSTGRES=0 SAMANEH_TEST_E2E=0 bash scripts/test.sh

lock:
	$(PY) -m pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf $(STAMPS) staticfiles test-artifacts samaneh/web/static/vendor

totp:
	@$(RUN_ENV) $(PY) manage.py demo_totp $(ACCOUNT)
