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

.PHONY: setup system browser lab test exercises release collect autograde return feedback export bench bench-grading clean help

help:
	@echo "make lab        install everything and open the course in JupyterLab (http://127.0.0.1:$(PORT)/lab)"
	@echo "make test       install everything (browser included) and run the whole test suite"
	@echo "make exercises  regenerate exercises/ from instructor/source/ with nbgrader generate_assignment"
	@echo "make release|collect|autograde|feedback|return A=ex00 [EXCHANGE=dir], make export   the instructor's round trip"
	@echo "make bench      print the benchmark figures"

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps -e .
	@touch $@

# Debian packages: chromium for the browser tests (Playwright cannot download its own browser here)
# and bubblewrap, the sandbox that autograding runs learners' code in.
system:
	@command -v chromium >/dev/null 2>&1 && command -v bwrap >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium bubblewrap >/dev/null; }

browser: system

lab: setup
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) --no-browser --ServerApp.root_dir=$(CURDIR) \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) lessons/00_two_comments.ipynb

test: setup system
	$(BIN)/python -m pytest

exercises: setup
	$(BIN)/python -m manyhands.instructor exercises $(ASSIGNMENTS)

# The instructor's round trip through nbgrader's exchange (EXCHANGE: the shared folder, default
# nbgrader's /srv/nbgrader/exchange): release, collect, autograde, feedback (and return it), export.
EXCHANGE ?=
XARG = $(if $(EXCHANGE),--Exchange.root=$(abspath $(EXCHANGE)))

release: setup
	cd instructor && $(BIN)/nbgrader generate_assignment $(A) --force && $(BIN)/nbgrader release_assignment $(A) --force $(XARG)

collect: setup
	cd instructor && $(BIN)/nbgrader collect $(A) $(XARG)

autograde: setup system
	$(BIN)/python -m manyhands.grading autograde $(A)

feedback: setup
	cd instructor && $(BIN)/nbgrader generate_feedback $(A) --force

return: setup
	cd instructor && $(BIN)/nbgrader release_feedback $(A) $(XARG)

export: setup
	cd instructor && $(BIN)/nbgrader export --to grades.csv && echo "grades written to instructor/grades.csv"

bench: setup
	$(BIN)/python bench/benchmark.py

bench-grading: setup system
	$(BIN)/python bench/grading_scale.py --sizes 10 50 200

clean:
	rm -rf instructor/release instructor/autograded instructor/feedback instructor/gradebook.db test-output
