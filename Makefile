# The README's two commands: `make run` (the demo school on SQLite) and `make test`; `make serve` for a real school.
# Fresh Debian with Python 3.11: these targets install everything else they need.

VENV     := .venv
PY       := $(VENV)/bin/python
REQS     := requirements.txt requirements-dev.txt
REQ_HASH := $(shell cat $(REQS) | sha256sum | cut -c1-12)
STAMP    := $(VENV)/.installed-$(REQ_HASH)

.PHONY: venv system-deps run serve test clauses bench screens

venv: $(STAMP)

# A new stamp name whenever a requirements file changes, so a repeated run costs nothing.
$(STAMP): $(REQS)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

system-deps: venv
	bash scripts/system-deps.sh

run: venv system-deps
	$(VENV)/bin/flask --app wsgi db-upgrade
	$(VENV)/bin/flask --app wsgi demo --if-new
	$(VENV)/bin/flask --app wsgi run --host 127.0.0.1 --port $${PORT:-5000}

# A real school (README «A real school»): the schema upgraded, then gunicorn with gunicorn.conf.py (workers
# from the cores, access log to stdout, 127.0.0.1:8000 behind nginx; BIND, WEB_CONCURRENCY, … override it).
# No demo data here: `make run` is the demo.
serve: venv system-deps
	$(VENV)/bin/flask --app wsgi db-upgrade
	$(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

# SQLite always; PostgreSQL as well when TEST_DATABASE_URL names a server (the suite reads it).
# A worker per core (pytest-xdist; TEST_WORKERS=1 for one process), each on its own database.
PYTEST := $(VENV)/bin/pytest -n $${TEST_WORKERS:-auto}
test: venv
	bash scripts/system-deps.sh --test
	@if [ -f .importlinter ]; then $(VENV)/bin/lint-imports; \
	else echo "make test: no .importlinter yet, import contracts not checked"; fi
	env -u TEST_DATABASE_URL $(PYTEST)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "make test: again on PostgreSQL (TEST_DATABASE_URL)"; \
		$(PYTEST); \
	fi

clauses: venv
	$(PY) tools/clauses.py

# Not a test: prints requests/s, p50/p95 and SQL counts with PASS/FAIL budgets (docs/performance.md).
# Without wrk (no root) it loads with a Python thread pool. BENCH_POSTGRES=postgresql://… adds the
# municipality (BENCH_SCHOOLS schools, default 10; the issue's 100 takes ~5 min more).
bench: venv
	bash scripts/system-deps.sh --bench || echo "make bench: wrk not installed, using the Python load generator"
	$(PY) tools/bench/run.py $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES) --schools $${BENCH_SCHOOLS:-10})

# The README's phone screenshots (docs/screens/) from a fresh demo school; commit them after a change.
screens: venv
	bash scripts/system-deps.sh --test
	$(PY) tools/screens.py
