# minwon: the two commands a new machine needs are `make run` and `make test`.
# Two environments on purpose (see README "Architecture"): .venv (Python 3.11, govapi, bot/, standins/,
# edge/, tests, benchmarks) and .venv-rasa (Python 3.10, Rasa 3.6.21, actions/, minwon_nlu/, minwon_rasa/).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
RVENV := .venv-rasa
PY := $(VENV)/bin/python
RPY := $(RVENV)/bin/python
# A third, test-only environment: checkov's pins clash with the services' (deploy/README.md "Security scan").
CVENV := .venv-checkov
RASA := $(RVENV)/bin/rasa
MODEL := models/minwon.tar.gz
STOCK_MODEL := var/stock-model/stock.tar.gz
# Rasa's own telemetry is off everywhere (DESIGN.md: off by default).
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

# Some machines list package folders in pip's config that do not exist; pip warns once per package.
PIP_NOISE := ^WARNING: Location .* is ignored
NLU_SOURCES := config.yml domain.yml minwon_core/language.py $(shell find domain data minwon_nlu -type f \( -name '*.yml' -o -name '*.py' -o -name '*.txt' \) 2>/dev/null)

.PHONY: help install run run-prod test train validate bench lock clean telegram-webhook catalogues

help:
	@echo "make run    install what is missing, train if needed, start everything (embedded defaults)"
	@echo "make test   install what is missing and run every suite"
	@echo "make bench  print the benchmark figures (ONLY=load|turns|channels|govapi|notify|desk|nlu|conversations)"
	@echo "make run-prod  the production topology on this machine (needs haproxy and PostgreSQL)"
	@echo "make catalogues  after a code change that adds or drops a text: extract, update the .po files, compile"

# --- environments: re-created only when their pinned requirement file changes -----------------------
$(VENV)/.installed: requirements/services.txt
	@test -x $(PY) || "$$(scripts/find-python.sh 3.11)" -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements/services.txt 2>&1 | { grep -v "$(PIP_NOISE)" || true; }
	@touch $@

$(RVENV)/.installed: requirements/rasa.txt
	@test -x $(RPY) || "$$(scripts/find-python.sh 3.10)" -m venv $(RVENV)
	$(RPY) -m pip install -q --disable-pip-version-check -r requirements/rasa.txt 2>&1 | { grep -v "$(PIP_NOISE)" || true; }
	@touch $@

install: $(VENV)/.installed $(RVENV)/.installed

$(CVENV)/.installed: requirements/checkov.txt
	@test -x $(CVENV)/bin/python || "$$(scripts/find-python.sh 3.11)" -m venv $(CVENV)
	$(CVENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements/checkov.txt 2>&1 | { grep -v "$(PIP_NOISE)" || true; }
	@touch $@

# Regenerate the full pins from the hand-written .in files (run after editing an .in file).
lock:
	$(PY) -m pip install -q -r requirements/services.in && $(PY) -m pip freeze --exclude-editable > requirements/services.txt
	$(RPY) -m pip install -q -r requirements/rasa.in && $(RPY) -m pip freeze --exclude-editable > requirements/rasa.txt

# --- texts: the gettext catalogues in locale/ (minwon_core/catalogue.py; scripts/catalogues.py says each step) ---
# pybabel extract -> locale/<domain>.pot, pybabel update -> the ko/en .po files, pybabel compile -> the .mo files
# (committed: nothing is compiled by `make run`, the Dockerfiles or a clean clone's tests).
catalogues: $(RVENV)/.installed
	$(RPY) scripts/catalogues.py

# --- the model: trained once, again only when its inputs change -----------------------------------------
$(MODEL): $(RVENV)/.installed $(NLU_SOURCES)
	$(RASA) train --config config.yml --domain domain --data data --out models --fixed-model-name minwon
	@touch $@

train: $(MODEL)

validate: $(RVENV)/.installed
	$(RASA) data validate --config config.yml --domain domain --data data --fail-on-warnings

# --- run -----------------------------------------------------------------------------------------------
run: install
	@if [ -d domain ] && [ -f config.yml ]; then $(MAKE) --no-print-directory train; fi
	$(PY) -m bot.launcher

# The production topology on one machine: two Rasa instances behind HAProxy, PostgreSQL, shared Redis.
run-prod: install train
	$(PY) -m bot.launch_prod

telegram-webhook: install
	$(PY) -m edge.telegram_setup

# --- tests: every suite, each in its own environment ---------------------------------------------------
test: install $(CVENV)/.installed
	bash scripts/test.sh

bench: install train $(STOCK_MODEL)
	bash scripts/bench.sh

# The stock `rasa init` configuration (Rasa's default pipeline and policies) trained on our data, for the load
# benchmark's comparison run (several minutes: DIET and TED).
$(STOCK_MODEL): $(RVENV)/.installed bench/stock_config.yml $(NLU_SOURCES)
	$(RASA) train --config bench/stock_config.yml --domain domain --data data --out var/stock-model --fixed-model-name stock
	@touch $@

clean:
	rm -rf var results models/*.tar.gz .pytest_cache
