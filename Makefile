# The course's commands. Only Python 3.11 and make are needed; everything else is installed into .venv.
#   make lab     install everything and open JupyterLab on the first notebook
#   make test    install everything plus the test tools; lint, type-check and run the test suite
#   make course  execute every notebook headless and export it to HTML (build/course/)
#   make site | slides | handouts | dashboard | workshop   the instructor's kit (README); EDITION=zh: 中文版
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8888
# JupyterLab refuses to run as root (containers, CI) unless told it may
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
SEED ?= 2024
TRAINEES ?= trainee01 trainee02 trainee03

# Every kernel, test worker and command imports the course's own modules (helpers/, tests/).
# Container images often set PYTHONDONTWRITEBYTECODE=1; then each of those processes compiles
# them again (about 0.7 s per kernel, and pytest rewrites every test module's asserts anew). Here
# they are compiled once into __pycache__ (ignored by git); site-packages were compiled by pip.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: lab test course site slides handouts dashboard install install-test lint bench trainee-notebooks workshop data clean help

help:
	@sed -n '2,5p' Makefile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

# Reinstall only when a requirements file or pyproject.toml changes.
$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	# rfc3987-syntax (pulled in by jupyter-events) compiles a grammar on import and adds ~2.5 s to
	# every process that imports nbformat (papermill, nbval, JupyterLab). Nothing needs it: without it
	# jsonschema merely skips one URI format check. See README, "Why these dependencies".
	$(BIN)/python -m pip uninstall --quiet --yes rfc3987-syntax
	# the Chinese font for the browser (fontconfig; Linux only, macOS/Windows ship one)
	$(BIN)/python -m helpers.i18n fonts --install >/dev/null
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# EDITION=zh: the Chinese edition (notebooks/zh/, `lang = "zh"`) with JupyterLab's menus in Chinese
# (a settings folder of its own in build/, so your usual JupyterLab settings stay as they are)
EDITION ?= en
ZH := $(filter zh,$(EDITION))
LAB_SETTINGS := $(CURDIR)/build/lab-zh
lab: install
	$(BIN)/python -m ipykernel install --user --name customer-course --display-name "Customer course (.venv)" >/dev/null
	$(if $(ZH),mkdir -p "$(LAB_SETTINGS)/@jupyterlab/translation-extension" && echo '{"locale": "zh_CN"}' > "$(LAB_SETTINGS)/@jupyterlab/translation-extension/plugin.jupyterlab-settings",@true)
	$(if $(ZH),JUPYTERLAB_SETTINGS_DIR="$(LAB_SETTINGS)") $(BIN)/jupyter lab --port=$(PORT) $(LAB_ROOT) --ServerApp.root_dir="$(CURDIR)" notebooks/$(if $(ZH),zh/)00-welcome.ipynb

# ruff reads the notebooks in solutions/ natively; mypy's files and options are in pyproject.toml
lint: install-test
	$(BIN)/ruff check helpers tests benchmarks solutions
	$(BIN)/mypy

# the unit tests, the doctests of helpers/ and every notebook (tests/notebooks, one xdist group
# per notebook); one notebook's tests: $(BIN)/python -m pytest tests/notebooks -k nb03
test: lint
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 --dist loadgroup

course: install
	$(BIN)/python -m helpers.course run-all --out build/course --lang $(EDITION)

# the course site in build/site/ (open build/site/index.html; works from file:// with no network):
# Sphinx + myst-nb over the lessons and the notebooks executed by `make course` (those missing
# from build/course are executed first; the site build itself never runs a notebook)
site: install
	$(BIN)/python -m helpers.site site --run

# one 16:9 PDF deck per module in build/slides/{en,zh}/ (plots from build/course when present)
slides: install
	$(BIN)/python -m helpers.site slides

# print-ready A4 PDFs in build/handouts/{en,zh}/: RFM grid, playbook matrix, 6W3H sheet,
# role-play and observer cards, glossary, agenda
handouts: install
	$(BIN)/python -m helpers.site handouts

# the team lead's dashboard in Voilà (filters, KPI cards, chart, alerts; no code); EDITION=zh for
# Chinese, DASHBOARD_PORT to change the port, VOILA_ARGS=--no-browser on a server. A kernel is
# kept pre-heated (the notebook already run), so a page opens at once instead of after a run
# (Voilà started through helpers/_voila.py: the fix of the course's own notebook runs for widget cells)
DASHBOARD_PORT ?= 8866
DASHBOARD_VOILA := --preheat_kernel=True --pool_size=1
dashboard: install
	COURSE_EDITION=$(or $(EDITION),en) $(BIN)/python -m helpers._voila solutions/dashboard.ipynb --port=$(DASHBOARD_PORT) $(DASHBOARD_VOILA) $(VOILA_ARGS)

trainee-notebooks: install
	$(BIN)/python -m helpers.course make-trainee

# one folder per trainee (own seed, relative data_dir), the hidden answer store and an answer sheet
# per trainee in build/workshop/instructor/, and the course package without the answer code
WORKSHOP_ARGS ?= --answers --package
workshop: install
	$(BIN)/python -m helpers.course workshop --out build/workshop $(WORKSHOP_ARGS) $(TRAINEES)

data: install
	$(BIN)/python -m helpers.simulate --seed $(SEED) --out datasets

# the files are named bench_*.py (not collected by `make test`), so they are given explicitly
bench: install-test
	$(BIN)/python -m pytest benchmarks/bench_*.py --benchmark-only -p no:xdist

clean:
	rm -rf build .pytest_cache .ruff_cache
