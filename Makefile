# Wenshu (文枢) — two commands matter: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Test processes (pytest-xdist); each has its own test database, clamd and live server.
TEST_WORKERS ?= auto
STAMP := $(VENV)/.installed
DEBIAN_PACKAGES := chromium chromium-driver clamav clamav-daemon fonts-wqy-zenhei \
	fonts-arphic-uming fonts-arphic-ukai poppler-utils

.PHONY: install system-packages run serve migrate demo test test-fast bench lint clean clamd clamd-stop

install: system-packages $(STAMP)

# Debian packages the project needs (browser tests, virus scanning, CJK fonts for PDFs).
# Installed only when missing; without root, print the exact command instead.
system-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "Missing Debian packages. Run: sudo apt-get install -y$$missing"; \
	fi

$(STAMP): pyproject.toml requirements/constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo_city --if-empty

# The project's own virus scanner (uploads are refused while it does not answer). Idempotent:
# starts clamd on var/clamav/clamd.sock only when nothing answers there (docs/parts/files.md).
clamd: install
	$(PY) manage.py clamd start

clamd-stop:
	$(PY) manage.py clamd stop

run: demo clamd
	$(PY) manage.py serve --port $(PORT)

test: install
	$(PY) -m pytest -p no:cacheprovider -n $(TEST_WORKERS) --durations=15 $(PYTEST_ARGS)

bench: install
	$(PY) bench/run.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

clean:
	rm -rf var/test-artifacts .pytest_cache
