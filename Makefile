# juesuan — make targets. `make build` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WAREHOUSE ?= data/warehouse.duckdb
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install fonts chromium docs-assets build ingest check test docs notebook bench bench-ocr accuracy nightly clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,dask,dagster]"
	@$(MAKE) --no-print-directory fonts || echo "warning: without these fonts 'make test' fails (the generated reports embed them)"
	@$(MAKE) --no-print-directory chromium || echo "warning: without Chromium the Data Docs browser tests fail"
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with its test tools

# CJK TrueType fonts that the generated test reports embed (tests/synth/render.py CJK_FONTS)
# poppler-utils: pdftotext, a reader independent of ours, tells which codes the real reports print
FONT_PACKAGES := fonts-wqy-zenhei fonts-arphic-ukai fonts-arphic-uming poppler-utils
FONT_FILES := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc /usr/share/fonts/truetype/arphic/ukai.ttc \
	/usr/share/fonts/truetype/arphic/uming.ttc /usr/bin/pdftotext

fonts: ## install the CJK fonts the tests embed and pdftotext (Debian packages; apt-get when run as root)
	@missing=""; for f in $(FONT_FILES); do test -f $$f || missing="$$missing $$f"; done; \
	if [ -z "$$missing" ]; then echo "CJK test fonts present"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing $(FONT_PACKAGES)"; \
		apt-get install -y --no-install-recommends $(FONT_PACKAGES) \
			|| { apt-get update && apt-get install -y --no-install-recommends $(FONT_PACKAGES); }; \
	else \
		echo "missing:$$missing"; \
		echo "the tests need the Debian packages $(FONT_PACKAGES): run 'sudo apt-get install $(FONT_PACKAGES)' (or 'sudo make fonts')"; \
		exit 1; \
	fi

chromium: ## install Debian's Chromium for the headless-browser tests of the Data Docs (apt-get when run as root)
	@if [ -x /usr/bin/chromium ]; then echo "Chromium present"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium"; \
		apt-get install -y --no-install-recommends chromium \
			|| { apt-get update && apt-get install -y --no-install-recommends chromium; }; \
	else \
		echo "the Data Docs tests need Debian's chromium (/usr/bin/chromium): run 'sudo apt-get install chromium' (or 'sudo make chromium')"; \
		exit 1; \
	fi

# The CSS, JavaScript and fonts that GX Data Docs load from CDNs, as the npm packages GX names, pinned by
# package-lock.json; ingest/build/data_docs.py copies them into each generated site.
ASSETS := expectations/assets
ASSETS_STAMP := $(ASSETS)/node_modules/.installed

$(ASSETS_STAMP): $(ASSETS)/package.json $(ASSETS)/package-lock.json
	@command -v npm >/dev/null || { echo "the Data Docs assets are npm packages: install Node.js and npm (Debian: apt-get install npm)"; exit 1; }
	cd $(ASSETS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

docs-assets: $(ASSETS_STAMP) ## install the files GX Data Docs load (npm ci in expectations/assets), served from the site

build: $(STAMP) ## build the warehouse $(WAREHOUSE) from data/samples/ (ingest, dbt build, checks)
	$(BIN)/juesuan build --warehouse $(WAREHOUSE) data/samples/

ingest: $(STAMP) ## read data/samples/ into the raw schema only
	$(BIN)/juesuan ingest --warehouse $(WAREHOUSE) data/samples/

TEST_JOBS ?= 2

test: $(STAMP) $(ASSETS_STAMP) ## run the test suite (real PDFs, camelot, DuckDB, dbt build, GX, headless Chromium)
	@$(MAKE) --no-print-directory chromium || echo "warning: without Chromium the Data Docs browser tests fail"
	$(BIN)/pytest -q -n $(TEST_JOBS) --dist loadfile

DOCS_DIR ?= expectations/data_docs
DBT_DOCS_DIR ?= dbt_project/target

# Both from one copy of the warehouse: dbt opens its database read-write and the published file must
# stay as the build published it, readable (and lockable) by anyone while the docs are made.
docs: $(STAMP) $(ASSETS_STAMP) ## dbt docs ($(DBT_DOCS_DIR)/static_index.html) and offline GX Data Docs ($(DOCS_DIR)) of a copy of $(WAREHOUSE)
	@test -f $(WAREHOUSE) || { echo "no warehouse at $(WAREHOUSE): run make build first"; exit 1; }
	@snapshot=$$(mktemp -d) && trap 'rm -rf "$$snapshot"' EXIT && copy="$$snapshot/$(notdir $(WAREHOUSE))" && \
	cp $(WAREHOUSE) "$$copy" && { [ ! -f $(WAREHOUSE).wal ] || cp $(WAREHOUSE).wal "$$copy.wal"; } && \
	echo "docs of a copy of $(WAREHOUSE) ($$copy)" && \
	( cd dbt_project && JUESUAN_WAREHOUSE="$$copy" ../$(BIN)/dbt docs generate --static \
		--project-dir . --profiles-dir . --target-path $(abspath $(DBT_DOCS_DIR)) \
		--no-send-anonymous-usage-stats --quiet ) && \
	$(BIN)/python -m ingest.cli.data_docs "$$copy" --out $(DOCS_DIR)

NOTEBOOK_STAMP := $(VENV)/.notebook

$(NOTEBOOK_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e ".[notebook]"
	touch $@

notebook: $(NOTEBOOK_STAMP) ## open notebooks/explore.ipynb in JupyterLab on $(WAREHOUSE) (installs the [notebook] extra)
	JUESUAN_WAREHOUSE=$(abspath $(WAREHOUSE)) $(BIN)/jupyter lab $(NOTEBOOK_ARGS) notebooks/explore.ipynb

INBOX ?= data/samples
SYNTH ?= 0

bench: $(STAMP) ## time ingest vs plain camelot, pages/s, peak RSS, build stages (SYNTH=N adds generated reports); a hostile inbox
	$(BIN)/python bench/bench.py --synth $(SYNTH)
	$(BIN)/python bench/hostile.py

bench-ocr: $(STAMP) ## scanned samples through the reader: accuracy, seconds per OCR page, memory (DPI=300, THREADS=1)
	$(BIN)/python bench/ocr_reports.py --dpi $(or $(DPI),300) --threads $(or $(THREADS),1)

nightly: $(STAMP) ## the nightly build of the PDFs in INBOX (default data/samples) into $(WAREHOUSE); exits with its status
	@$(BIN)/juesuan build --warehouse $(WAREHOUSE) $(INBOX); status=$$?; \
		$(BIN)/juesuan status --warehouse $(WAREHOUSE) -n 1; \
		echo "legend of the exit status bits: 1 a file failed or is quarantined, 4 a check fails, 8 dbt failed (not published), 16 another build is running, 32 crashed; 2 input error; 130/143 stopped"; \
		exit $$status

clean: ## remove the virtualenv, the warehouse and dbt's build output
	rm -rf $(VENV) dbt_project/target dbt_project/logs $(WAREHOUSE) $(WAREHOUSE).wal $(ASSETS)/node_modules $(DOCS_DIR)

accuracy: $(STAMP) ## recall and precision by layout and table on generated reports (PER_LAYOUT=3), and the long OCR runs (about 8 min on 2 cores)
	$(BIN)/python -m tests.synth.accuracy --per-layout $(or $(PER_LAYOUT),3)
	$(BIN)/pytest -q -s -m slow tests/test_ocr_slow.py
