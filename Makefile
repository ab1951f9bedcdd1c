# Two commands set everything up: `make run` (demo site) and `make test` (whole suite).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install run test lint format bench messages worker beat clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'

# Demo site on http://127.0.0.1:8000: SQLite, Celery eager, mail to the console.
run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput -v 0
	@echo "Demo logins (role  e-mail  password):"
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# Whole suite on PostgreSQL and Redis (local defaults; CI exports its own).
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/erfurt_srp
REDIS_URL ?= redis://127.0.0.1:6379/0
test: install
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) $(BIN)/pytest $(PYTEST_ARGS)
	DATABASE_URL= REDIS_URL= DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages:
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l de -l en --ignore=.venv --ignore=tests --ignore=bench
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

bench: install
	bash bench/run_all.sh

worker:
	$(BIN)/celery -A erfurt_srp worker -Q default,mail -l info

beat:
	$(BIN)/celery -A erfurt_srp beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 media
