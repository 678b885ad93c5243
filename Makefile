# Parcours TPE — the two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench lock system-check clean help

help:
	@echo "make run    — installe, prépare la base et lance l'application sur http://$(HOST):$(PORT)/"
	@echo "make test   — installe et lance toute la suite de tests"
	@echo "make lint   — ruff check, ruff format --check, makemigrations --check, lint-imports (couches)"
	@echo "make bench  — mesures à l'échelle nationale sur PostgreSQL (README, « Performance »)"

system-check:
	@scripts/system-check.sh "$(PYTHON)"

$(STAMP): pyproject.toml constraints.txt | system-check
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@$(BIN)/python -c "import weasyprint" 2>/dev/null || { \
	  echo "WeasyPrint ne trouve pas Pango : installez les bibliothèques système (voir README, « Prérequis »)."; exit 1; }
	@touch $(STAMP)

run: $(STAMP)
	@scripts/run-dev.sh "$(HOST)" "$(PORT)"

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks at national scale, on PostgreSQL (README, « Performance »).
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Re-pin every dependency after a change to pyproject.toml.
lock:
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/python -m pip install --quiet -e ".[dev]"
	var/lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
	rm -rf var/lock-venv

clean:
	rm -rf $(VENV) var/static
