# The Python package: included by the root Makefile. Everything installs into /work/main/.venv (made
# here when missing); the package is built by maturin into that venv (debug, editable) for tests.

VENV := .venv
PYTHON := $(VENV)/bin/python
PY_TOOLS := $(VENV)/.langdock-python-tools
PY_TYPED := bindings-python/python/langdock bindings-python/tests examples/python bindings-python/soak.py \
	tests/schemathesis
SCHEMATHESIS := $(VENV)/.langdock-schemathesis
SCHEMATHESIS_VERSION := 4.32.5

DEMOS += demo-python
TESTS += test-python schemathesis
SOAKS += soak-python soak-python-crash

.PHONY: build-python test-python pytest-python mypy-python install-check-python demo-python release-python pyright-python \
	soak-python soak-python-crash schemathesis

$(PY_TOOLS): bindings-python/make.mk
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --disable-pip-version-check \
		"maturin>=1.9.4,<2" "pytest>=8" "pytest-asyncio>=0.24" "mypy>=1.10"
	touch $@

## build-python: the native module, debug, installed editable into .venv
build-python: $(PY_TOOLS)
	cd bindings-python && ../$(VENV)/bin/maturin develop --quiet

## test-python: pytest against in-process emulators, mypy --strict, and a PEP 517 install into a fresh venv
test-python: pytest-python mypy-python install-check-python

pytest-python: build-python
	cd bindings-python && ../$(PYTHON) -m pytest -q

mypy-python: build-python
	$(VENV)/bin/mypy --strict $(PY_TYPED)

# `pip install ./bindings-python` (maturin as the PEP 517 backend) into a fresh venv, then the quick-start
# from that venv. The dev profile reuses the debug build; `make release-python` checks the release wheel.
install-check-python: build-python build-rust
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	python3 -m venv "$$tmp/venv"; \
	MATURIN_PEP517_ARGS="--profile dev" "$$tmp/venv/bin/pip" install -q --disable-pip-version-check ./bindings-python; \
	(cd "$$tmp" && "$$tmp/venv/bin/python" -c "import langdock, sys; assert 'site-packages' in langdock.__file__, langdock.__file__"); \
	$(EMULATOR) -- "$$tmp/venv/bin/python" examples/python/quickstart.py > "$$tmp/out"; \
	grep -q '^\[python\] done: 0 action(s), 0 trigger(s) left' "$$tmp/out" || { cat "$$tmp/out"; exit 1; }; \
	echo "install-check-python: pip install ./bindings-python into a fresh venv ran the quick-start"

## demo-python: the Python quick-start against a fresh emulator
demo-python: build-rust build-python
	$(EMULATOR) -- $(PYTHON) examples/python/quickstart.py

## soak-python: the Python soak (bindings-python/soak.py: one AsyncClient, 32 asyncio tasks in flight) against an
## emulator in its own process; one row of `make soak`. The builds report on stderr, so stdout is the row alone.
soak-python:
	@$(MAKE) --no-print-directory build-rust build-python >&2
	@$(EMULATOR) -- $(PYTHON) bindings-python/soak.py $(SOAK_ARGS)

## soak-python-crash: the Python soak's crash-restart run (the emulator killed and restarted on its state while the
## calls go on, under crash_supervisor); one row of `make soak`
soak-python-crash:
	@$(MAKE) --no-print-directory build-rust build-crash-supervisor build-python >&2
	@$(CRASH_SUPERVISOR) $(PYTHON) bindings-python/soak.py $(CRASH_ARGS)

$(SCHEMATHESIS): bindings-python/make.mk $(PY_TOOLS)
	$(PYTHON) -m pip install -q --disable-pip-version-check "schemathesis==$(SCHEMATHESIS_VERSION)"
	touch $@

## schemathesis: a bounded schemathesis run (tests/schemathesis/run.py) against the emulator binary: no 5xx, and
## every status, content type and body as tests/openapi.yaml documents it
schemathesis: build-rust $(SCHEMATHESIS)
	$(EMULATOR) -- $(PYTHON) tests/schemathesis/run.py

## release-python: the release wheel (maturin build --release) into a fresh venv; prints its size and import time
release-python: $(PY_TOOLS) build-rust
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cd bindings-python && ../$(VENV)/bin/maturin build --release --quiet --out "$$tmp/wheels" && cd ..; \
	python3 -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/pip" install -q --disable-pip-version-check "$$tmp"/wheels/*.whl; \
	$(EMULATOR) -- "$$tmp/venv/bin/python" examples/python/quickstart.py | tail -1; \
	wheel=$$(ls "$$tmp"/wheels/*.whl); size=$$(stat -c %s "$$wheel"); \
	echo "wheel $$(basename $$wheel): $$size bytes"; test $$size -lt 10000000; \
	for i in 1 2 3; do (cd "$$tmp" && "$$tmp/venv/bin/python" -X importtime -c 'import langdock' 2>&1 | tail -1); done

## pyright-python: pyright --strict (fetched from npm) on the typed user code; not part of `make test`
pyright-python: build-python
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	echo '{"typeCheckingMode": "strict", "pythonVersion": "3.9"}' > "$$tmp/pyrightconfig.json"; \
	cp examples/python/quickstart.py bindings-python/tests/test_typed_usage.py "$$tmp/"; \
	cd "$$tmp" && npx --yes pyright@1 --pythonpath $(CURDIR)/$(PYTHON) quickstart.py test_typed_usage.py

## bench-python: langdock.Client / AsyncClient against requests, httpx and aiohttp (release build), run by
## `make bench` under its emulator; appends JSON lines to $(BENCH_OUT). Installs the peers into .venv.
BENCHES += bench-python
PY_BENCH_TOOLS := $(VENV)/.langdock-python-bench-tools

.PHONY: bench-python

$(PY_BENCH_TOOLS): $(PY_TOOLS)
	$(PYTHON) -m pip install -q --disable-pip-version-check \
		"requests>=2.31" "httpx>=0.27" "aiohttp>=3.9" "tenacity>=8.2" "matplotlib>=3.7"
	touch $@

bench-python: $(PY_BENCH_TOOLS)
	cd bindings-python && ../$(VENV)/bin/maturin develop --release --quiet
	BENCH_OUT=$(BENCH_OUT) $(PYTHON) bindings-python/bench/bench.py
