# The two commands a newcomer needs: `make demo` and `make test`. Both bootstrap .venv on first use.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo demo-distribution test lint format bench clean

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/contactsync demo

# the company directory on every phone: Entra ID into Outlook, Google, CardDAV and a folder of vCards
demo-distribution: $(STAMP)
	$(VENV)/bin/contactsync demo --distribution

test: $(STAMP)
	bash scripts/test

# the same checks as the first steps of `make test` and of the pre-commit hooks (.pre-commit-config.yaml)
lint: $(STAMP)
	bash scripts/lint

format: $(STAMP)
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

bench: $(STAMP)
	$(VENV)/bin/python bench/suite.py
	$(VENV)/bin/python bench/engine_bench.py

clean:
	rm -rf $(VENV) build *.egg-info
