# Many Hands: the two commands (make lab, make test) and the instructor's verbs.
# Everything runs from the project's own virtual environment, whose bin/ comes first on PATH
# (nbgrader shells out to `alembic` from PATH when it creates a gradebook).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)
export PYTHONDONTWRITEBYTECODE := 1
PORT ?= 8888
A ?= ex00
ASSIGNMENTS := $(notdir $(wildcard instructor/source/ex*))

.PHONY: setup browser lab test exercises release autograde feedback export bench clean help

help:
	@echo "make lab        install everything and open the course in JupyterLab (http://127.0.0.1:$(PORT)/lab)"
	@echo "make test       install everything (browser included) and run the whole test suite"
	@echo "make exercises  regenerate exercises/ from instructor/source/ with nbgrader generate_assignment"
	@echo "make autograde A=ex00 | feedback A=ex00 | export    grade what is in instructor/submitted/"
	@echo "make bench      print the benchmark figures"

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps -e .
	@touch $@

# Debian's chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

lab: setup
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) --no-browser --ServerApp.root_dir=$(CURDIR) \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) lessons/00_two_comments.ipynb

test: setup browser
	$(BIN)/python -m pytest

exercises: setup
	$(BIN)/python -m manyhands.instructor exercises $(ASSIGNMENTS)

autograde: setup
	cd instructor && $(BIN)/nbgrader autograde $(A)

feedback: setup
	cd instructor && $(BIN)/nbgrader generate_feedback $(A)

export: setup
	cd instructor && $(BIN)/nbgrader export --to grades.csv && echo "grades written to instructor/grades.csv"

bench: setup
	$(BIN)/python bench/benchmark.py

clean:
	rm -rf instructor/release instructor/autograded instructor/feedback instructor/gradebook.db test-output
