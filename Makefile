# The README's two commands: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run test install migrate demo browser-test lint format messages clean serve worker

$(PY):
	python3 -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

messages: install
	$(PY) manage.py compilemessages -v 0 --ignore=.venv

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo messages
	$(PY) manage.py runserver 127.0.0.1:8000

# Production settings on this machine: gunicorn on SERVE_HOST:SERVE_PORT, DEBUG off, a
# secret key made once into .secret_key (git-ignored), static files collected (hashed,
# compressed), the demo plans loaded into an empty database. Plain HTTP on the loopback,
# so no redirect to HTTPS unless SECURE_SSL_REDIRECT=1. REDIS_URL, DATABASE_URL,
# TASKS_BACKEND=database (then `make worker` beside it), EMAIL_* are read as usual.
SERVE_HOST ?= 127.0.0.1
SERVE_PORT ?= 8000
SECRET_FILE := .secret_key
NO_PLAN_YET := import sys; from plans.models import Plan; sys.exit(Plan.objects.exists())
PROD_ENV = DEBUG=0 SECRET_KEY="$${SECRET_KEY:-$$(cat $(SECRET_FILE))}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}"

$(SECRET_FILE): | $(PY)
	umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

serve: install messages $(SECRET_FILE)
	$(PROD_ENV) $(PY) manage.py migrate --noinput -v 0
	$(PROD_ENV) $(PY) manage.py collectstatic --noinput -v 0
	if $(PROD_ENV) $(PY) manage.py shell -c '$(NO_PLAN_YET)'; then \
	  $(PROD_ENV) $(PY) manage.py load_demo; fi
	GUNICORN_BIND=$(SERVE_HOST):$(SERVE_PORT) $(PROD_ENV) \
	  exec $(VENV)/bin/gunicorn -c yeep/gunicorn.conf.py yeep.wsgi

# The task worker for TASKS_BACKEND=database (the default here): reminder rounds, zips.
worker: install $(SECRET_FILE)
	TASKS_BACKEND="$${TASKS_BACKEND:-database}" $(PROD_ENV) \
	  exec $(PY) manage.py db_worker --no-reload --interval 1

test: install messages
	$(PY) -m pytest -q

browser-test: install messages
	$(PY) -m pytest -q -m browser tests/browser

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 media
