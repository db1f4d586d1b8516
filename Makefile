# The README's two commands: `make report` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PARAMS ?= params/demo.yml

.PHONY: report demo test test-fast lab bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pack and its dependencies into $(VENV) (log: $(VENV)/pip.log) ..."
	@$(PY) -m pip install --upgrade pip > $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	@$(PY) -m pip install -e ".[test]" >> $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	# Register the venv's interpreter as the "python3" kernel papermill asks for.
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (qa-pack)" >/dev/null
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/qa-pack demo --out data/demo

report: demo
	$(VENV)/bin/qa-pack run --params $(PARAMS)

test: $(STAMP)
	$(VENV)/bin/qa-pack demo --out data/demo
	$(PY) -m pytest

test-fast: $(STAMP)
	$(VENV)/bin/qa-pack demo --out data/demo
	$(PY) -m pytest -m "not slow"

lab: demo
	$(VENV)/bin/jupyter lab notebooks/

bench: demo
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) outputs/demo data/demo
