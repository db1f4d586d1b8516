# The README's two commands: `make report` and `make test`. Every target builds .venv first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PARAMS ?= params/demo.yml
# JupyterLab refuses to start as root unless told; CI and containers run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help report demo test test-fast check lab bench screenshots clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pack and its dependencies into $(VENV) (log: $(VENV)/pip.log) ..."
	@$(PY) -m pip install --upgrade pip > $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	@$(PY) -m pip install -e ".[test]" >> $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	# Register the venv's interpreter as the "python3" kernel papermill asks for.
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (qa-pack)" >/dev/null
	touch $(STAMP)

demo: $(STAMP) ## Write the demo data (data/demo)
	$(VENV)/bin/qa-pack demo --out data/demo

report: demo ## Set up and run the demo period's reports (outputs/demo) and its calibration report (outputs/demo-calibration)
	$(VENV)/bin/qa-pack run --params $(PARAMS) --ssd data/demo/ssd
	$(VENV)/bin/qa-pack calibrate --params $(PARAMS) --calibration data/demo/calibration.csv --out outputs/demo-calibration

check: $(STAMP) ## Lint, format check, type check and the layers' import contracts (ruff, mypy, import-linter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

test: check demo ## The whole test suite, after make check (two processes: the real runs overlap)
	$(PY) -m pytest -n 2

test-fast: demo ## Every test but the real end-to-end runs (marked slow)
	$(PY) -m pytest -m "not slow" -n 2

lab: demo ## Open the notebooks in JupyterLab
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) notebooks/

bench: demo ## Measure run time, scale and report sizes (benchmarks/README.md)
	$(PY) benchmarks/run.py

screenshots: report ## The highlight report at 1280 px, 390 px and on A4, in docs/ (needs Debian's chromium)
	$(PY) docs/screenshots.py

clean: ## Remove the venv, the demo data and the demo outputs
	rm -rf $(VENV) outputs/demo data/demo
