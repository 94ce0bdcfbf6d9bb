# The two commands a newcomer needs: `make demo` and `make test`. Both bootstrap .venv on first use.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/contactsync demo

test: $(STAMP)
	bash scripts/test

bench: $(STAMP)
	$(VENV)/bin/python bench/suite.py
	$(VENV)/bin/python bench/engine_bench.py

clean:
	rm -rf $(VENV) build *.egg-info
