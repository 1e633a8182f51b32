# Shortcuts for dev.py (which needs nothing but python3). ARGS are passed to pytest:
#   make test ARGS="-k ledger -x"
PYTHON ?= python3
ARGS ?=

.PHONY: run test setup messages ci

run:
	$(PYTHON) dev.py run

test:
	$(PYTHON) dev.py test $(ARGS)

setup:
	$(PYTHON) dev.py setup --dev

messages:
	$(PYTHON) dev.py messages

ci:
	bash .ci/run
