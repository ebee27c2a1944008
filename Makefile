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

.PHONY: setup setup-dev system browser lab lab-config test system-test site hub binder-link exercises assignment release collect autograde return feedback export formgrader bench bench-grading clean help

help:
	@echo "make lab        install everything and open the course in JupyterLab (http://127.0.0.1:$(PORT)/lab)"
	@echo "make test       install everything (browser included) and run the whole test suite"
	@echo "make exercises  regenerate exercises/ from instructor/source/ with nbgrader generate_assignment"
	@echo "make release|collect|autograde|feedback|return A=ex00 EXCHANGE=dir, make export   the instructor's round trip"
	@echo "make formgrader EXCHANGE=dir   nbgrader's Formgrader (hand grading) on http://127.0.0.1:$(PORT)/formgrader"
	@echo "make hub        (root) a trial class on JupyterHub on this machine: users, runtime, course root, exchange (guide/hub.md)"
	@echo "make site       build the course's website offline into _site/ (lessons run, exercises as released, guides)"
	@echo "make bench      print the benchmark figures"
	@echo "make binder-link  print the README's Binder badge and launch URL (from repository-code in CITATION.cff)"

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps -e .
	@touch $@

# The test tools (pytest, Playwright, axe-core) on top of the runtime: only `make test` and `make bench` need them.
setup-dev: $(VENV)/.installed-dev

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@

# Debian packages: chromium for the browser tests (Playwright cannot download its own browser here)
# and bubblewrap, the sandbox that autograding runs learners' code in.
system:
	@command -v chromium >/dev/null 2>&1 && command -v bwrap >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium bubblewrap >/dev/null; }

browser: system

# The learner's JupyterLab hides nbgrader's instructor tools and the Jupyter news toast, as Binder does: postBuild's
# configuration step writes a Jupyter configuration of the course's own (LAB_CONFIG, used as JUPYTER_CONFIG_DIR), so
# nothing is written into ~/.jupyter and nothing is asked of /etc/jupyter. JupyterLab keeps the learner's settings
# there too. The instructor's tools are in `make formgrader`.
LAB_CONFIG := $(abspath $(VENV))/lab-config

$(VENV)/lab-config/.written: postBuild $(VENV)/.installed
	@mkdir -p $(LAB_CONFIG) && rm -f $(LAB_CONFIG)/labconfig/page_config.json $(LAB_CONFIG)/jupyter_server_config.json
	JUPYTER_CONFIG_DIR=$(LAB_CONFIG) ./postBuild --config-only
	@touch $@

lab-config: $(VENV)/lab-config/.written

lab: setup lab-config
	JUPYTER_CONFIG_DIR=$(LAB_CONFIG) $(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) --no-browser \
	  --ServerApp.root_dir=$(CURDIR) --ServerApp.base_url=/ $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) lessons/00_two_comments.ipynb

# Debian's PostgreSQL for the gradebook test (tests/test_postgres.py); only the test suite needs it.
system-test:
	@ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; }

test: setup-dev system system-test
	$(BIN)/python -m pytest --durations=15

# The course's website, built offline into _site/ (website/build.py; tests/test_site.py checks it in chromium).
site: setup
	$(BIN)/python website/build.py --out _site

# A trial class on JupyterHub on this machine (hub/setup.py, hub/jupyterhub_config.py, guide/hub.md; root only).
HUB_ROOT ?= /srv/manyhands
INSTRUCTOR ?= mh-instructor
LEARNERS ?= mh-ada mh-ben mh-cleo
hub: setup system
	$(BIN)/python hub/setup.py --root $(HUB_ROOT) --instructor $(INSTRUCTOR) --learners $(LEARNERS)
	cd $(HUB_ROOT)/state && MANYHANDS_HUB_ROOT=$(HUB_ROOT) exec $(HUB_ROOT)/env/bin/jupyterhub -f $(CURDIR)/hub/jupyterhub_config.py

exercises: setup
	$(BIN)/python -m manyhands.instructor exercises $(ASSIGNMENTS)

# The instructor's round trip through nbgrader's exchange: release, collect, autograde, feedback (and return
# it), export; formgrader opens nbgrader's Formgrader to hand-grade the written answers.
# EXCHANGE is the shared folder learners fetch from and submit to, the same folder each learner's
# nbgrader_config.py names as c.Exchange.root (guide/instructor.md). release, collect and return
# need it; it must exist already (writable by every learner). nbgrader's own default,
# /usr/local/share/nbgrader/exchange, is refused: nbgrader creates it world-writable without a word.
# COURSE is the nbgrader course root (default instructor/).
COURSE ?= instructor
# DB: the gradebook's database URL for every verb (default: sqlite in the course root); PostgreSQL when several
# people grade at once, e.g. DB=postgresql+psycopg2://grader@/manyhands?host=/run/postgresql (guide/hub.md, Larger classes)
DB ?=
ifneq ($(DB),)
export MANYHANDS_DB_URL := $(DB)
endif
EXCHANGE ?=
NBGRADER_DEFAULT_EXCHANGE := /usr/local/share/nbgrader/exchange
XDIR = $(abspath $(EXCHANGE))
XARG = --Exchange.root=$(XDIR)

define need_exchange
	@if [ -z "$(EXCHANGE)" ]; then \
	  echo "make $@: say which exchange folder, e.g. make $@ A=$(A) EXCHANGE=/srv/manyhands-exchange" \
	       "(the folder that learners' c.Exchange.root names)" >&2; exit 2; fi
	@if [ "$$(realpath -m '$(XDIR)')" = "$(NBGRADER_DEFAULT_EXCHANGE)" ]; then \
	  echo "make $@: refused EXCHANGE=$(EXCHANGE): it is nbgrader's default exchange, which nbgrader creates" \
	       "world-writable without a word; make a folder for this course and give it to learners" >&2; exit 2; fi
	@if [ ! -d "$(XDIR)" ]; then \
	  echo "make $@: the exchange folder $(XDIR) does not exist; create it, writable by every learner:" \
	       "sudo mkdir -p $(XDIR) && sudo chmod ugo+rw $(XDIR)" >&2; exit 2; fi
endef

# How many hand-graded answers have no grade yet (from the gradebook), printed before feedback, return, export.
define UNGRADED_PY
import sys
from nbgrader.api import Gradebook
course, names = sys.argv[1], sys.argv[2:]
import os
with Gradebook(os.environ.get("MANYHANDS_DB_URL") or "sqlite:///" + course + "/gradebook.db") as gb:
    names = names or [a.name for a in gb.assignments]
    missing = [(s.student_id, g.name) for n in names for s in gb.assignment_submissions(n)
               for nb in s.notebooks for g in nb.grades if g.needs_manual_grade]
if missing:
    learners = len({s for s, _ in missing})
    print(f"WARNING: {len(missing)} hand-graded answer(s) of {learners} learner(s) have no grade yet "
          f"({', '.join(names)}): grade them in the Formgrader (make formgrader) first, or these scores "
          "leave them out.", file=sys.stderr)
else:
    print(f"every hand-graded answer has a grade ({', '.join(names) or 'no assignments'})")
endef
export UNGRADED_PY
UNGRADED = $(BIN)/python -c "$$UNGRADED_PY" $(abspath $(COURSE))

# generate_assignment alone: puts the assignment in the gradebook (needed before autograde without an exchange)
assignment: setup
	cd $(COURSE) && $(BIN)/nbgrader generate_assignment $(A) --force

release: setup
	$(need_exchange)
	cd $(COURSE) && $(BIN)/nbgrader generate_assignment $(A) --force && $(BIN)/nbgrader release_assignment $(A) --force $(XARG)

# --update: a learner who submits again after a first collect is collected again (nbgrader skips them otherwise)
collect: setup
	$(need_exchange)
	cd $(COURSE) && $(BIN)/nbgrader collect $(A) --update $(XARG)
	@echo "collected: $$(ls $(COURSE)/submitted 2>/dev/null | wc -l) learner(s) in $(COURSE)/submitted/ (resubmissions replace earlier ones)"

autograde: setup system
	$(BIN)/python -m manyhands.grading autograde $(A) --course $(COURSE)

feedback: setup
	@$(UNGRADED) $(A)
	cd $(COURSE) && $(BIN)/nbgrader generate_feedback $(A) --force

return: setup
	$(need_exchange)
	@$(UNGRADED) $(A)
	cd $(COURSE) && $(BIN)/nbgrader release_feedback $(A) $(XARG)

export: setup
	@$(UNGRADED)
	cd $(COURSE) && $(BIN)/nbgrader export --to grades.csv && echo "grades written to $(COURSE)/grades.csv"

# nbgrader's Formgrader, in JupyterLab started in the course root (from elsewhere it shows no data), with the
# exchange configured (without it, assignments show as "draft"), on 127.0.0.1 only
formgrader: setup
	@if [ -n "$(EXCHANGE)" ]; then :; else echo "note: no EXCHANGE given: the Formgrader will show assignments as draft" >&2; fi
	@mkdir -p $(VENV)/formgrader-config && printf 'c = get_config()  # written by make formgrader\n%s\n' \
	  "$(if $(EXCHANGE),c.Exchange.root = '$(XDIR)')" > $(VENV)/formgrader-config/nbgrader_config.py
	cd $(COURSE) && JUPYTER_CONFIG_PATH=$(abspath $(VENV))/formgrader-config $(BIN)/jupyter lab --ip=127.0.0.1 \
	  --port=$(PORT) --no-browser --ServerApp.root_dir=. $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) \
	  --ServerApp.base_url=/ --LabApp.default_url=/formgrader

# Binder: the repository's address is written once, as repository-code in CITATION.cff; this prints the README's
# badge and launch URL made from it (tests/test_binder.py checks that the README shows exactly these).
REPO_SLUG := $(shell sed -n 's|^repository-code: *"\{0,1\}https://github.com/\([^"/]*/[^"/]*\)"\{0,1\} *$$|\1|p' CITATION.cff)
BINDER_URL := https://mybinder.org/v2/gh/$(REPO_SLUG)/HEAD?urlpath=lab/tree/lessons/00_two_comments.ipynb

binder-link:
	@test -n "$(REPO_SLUG)" || { echo "CITATION.cff has no repository-code https://github.com/OWNER/REPO" >&2; exit 2; }
	@echo "[![Binder](https://mybinder.org/badge_logo.svg)]($(BINDER_URL))"
	@echo "$(BINDER_URL)"

bench: setup-dev system
	$(BIN)/python bench/browser_weight.py
	$(BIN)/python bench/benchmark.py

bench-grading: setup system
	$(BIN)/python bench/grading_scale.py --sizes 10 50 200

clean:
	rm -rf instructor/release instructor/autograded instructor/feedback instructor/gradebook.db test-output
