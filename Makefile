# The two commands: `make run` and `make test`. Both need only Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install lint bench bench-inprocess bench-export clean-var

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Helpdesk needs Python 3.11 or newer (set PYTHON=python3.x)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Serve the portal with demo data on the embedded defaults, with a Celery worker and beat.
run: export DEBUG ?= 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) -m helpdesk.serve

# The whole suite on the embedded defaults (set DATABASE_URL / CELERY_BROKER_URL for others).
# The test database is kept between runs (--reuse-db); PYTEST_ARGS=--create-db rebuilds it.
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# The import contracts of pyproject.toml ([tool.importlinter]: the apps' layers), ruff, mypy.
lint: install
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Every page over HTTP against ../shared/floor/ at a million tickets (bench/http.py):
# seeds PostgreSQL if needed, needs wrk; the last line is the worst ratio to the floor.
bench: install
	$(PY) -m bench.http $(BENCH_ARGS)

# The in-process page and auto-close timings on PostgreSQL (bench/run.py).
bench-inprocess: install
	$(PY) -m bench.run $(BENCH_ARGS)

# The web worker's memory while a support admin exports every ticket as CSV
# (bench/export_memory.py; the seeded bench database, gunicorn as the image runs it).
bench-export: install
	$(PY) -m bench.export_memory $(BENCH_ARGS)

clean-var:
	rm -rf var
