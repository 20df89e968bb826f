# The two commands a newcomer needs: `make demo` and `make test`.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js

.PHONY: demo test install browser-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $(STAMP)

# axe-core for the accessibility tests; skipped (with a message in the
# test run) where npm is not installed.
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility tests will be skipped"; fi

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/tocsin demo

test: $(STAMP) $(AXE)
	PYTHON=$(VENV)/bin/python scripts/test

# Debian's Chromium for the browser tests (needs root); never a browser
# download.
browser-deps:
	apt-get update -qq && apt-get install -y -qq chromium libharfbuzz-subset0

clean:
	rm -rf var
