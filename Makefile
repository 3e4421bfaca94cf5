# Two commands do everything on a fresh Debian machine (as root): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages: ICU headers + compiler for PyICU, Pango + HarfBuzz-subset for WeasyPrint,
# Ghostscript for the CMYK print master, poppler-utils and qpdf for the print checks, Chromium
# and its driver for the web edition's tests in a real browser (npm, which the machine has,
# installs axe-core).
SYSTEM_PACKAGES := libicu-dev pkg-config g++ libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	fontconfig ghostscript poppler-utils qpdf chromium chromium-driver
SAMPLE := issues/2022-09-prague

.PHONY: demo test preview lint bench system-deps clean

demo: $(BIN)/.installed
	$(BIN)/klastroviny check --strict $(SAMPLE)
	$(BIN)/klastroviny build --strict --lang all $(SAMPLE)
	$(BIN)/klastroviny package --strict $(SAMPLE)

test: $(BIN)/.installed node_modules/.installed
	$(BIN)/ruff check klastroviny tests
	$(BIN)/python -m pytest -q

# The sample in the browser, rebuilt on every saved change (Ctrl-C ends).
preview: $(BIN)/.installed
	$(BIN)/klastroviny preview $(SAMPLE)

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/build_speed.py
	$(BIN)/python benchmarks/print_speed.py
	$(BIN)/python benchmarks/import_speed.py
	$(BIN)/python benchmarks/proofs_speed.py
	$(BIN)/python benchmarks/visitor_speed.py
	$(BIN)/python benchmarks/preview_speed.py

system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(BIN)/.installed: pyproject.toml | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

# axe-core (npm) for the accessibility tests, as package-lock.json pins it.
node_modules/.installed: package.json package-lock.json | system-deps
	npm ci --no-audit --no-fund --silent
	touch $@

clean:
	rm -rf build .pytest_cache .ruff_cache
