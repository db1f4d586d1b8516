# The README's two commands: `make report` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PARAMS ?= params/demo.yml

.PHONY: report demo test lab clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
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

lab: demo
	$(VENV)/bin/jupyter lab notebooks/

clean:
	rm -rf $(VENV) outputs/demo data/demo
