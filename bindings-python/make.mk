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

# The release artefacts. The wheel is linked by zig (ziglang from PyPI) against glibc 2.17's symbols, so it
# installs on any manylinux2014 system, not only on one with this machine's glibc 2.36. It builds in its own
# target dir: with zig as their C compiler, aws-lc-sys and everything above it would otherwise be rebuilt
# each time a plain release build (napi, bench) runs in between.
PY_RELEASE_TOOLS := $(VENV)/.langdock-python-release-tools
ZIGLANG_VERSION := 0.17.1
AUDITWHEEL_VERSION := 6.8.2
WHEEL_TARGET_DIR := $(CURDIR)/target/zig
# The newest glibc the wheel may need (2.17 = manylinux2014), and the largest wheel we ship (10 MB).
GLIBC_FLOOR_MINOR := 17
WHEEL_MAX_BYTES := 10000000

.PHONY: release-python-wheel release-python-sdist

$(PY_RELEASE_TOOLS): bindings-python/make.mk $(PY_TOOLS)
	$(PYTHON) -m pip install -q --disable-pip-version-check \
		"ziglang==$(ZIGLANG_VERSION)" "auditwheel==$(AUDITWHEEL_VERSION)"
	touch $@

## release-python: the release wheel and the sdist, each installed into a fresh venv that runs the quick-start;
## prints the wheel's manylinux tag, each artefact's size and each step's time (not part of `make test`)
release-python: release-python-wheel release-python-sdist

## release-python-wheel: the abi3 release wheel, manylinux_2_17 (maturin --zig), checked by `auditwheel show`
## (fails on a newer glibc) and under 10 MB, installed into a fresh venv; runs the quick-start, times the import
release-python-wheel: $(PY_RELEASE_TOOLS) build-rust
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; start=$$(date +%s); \
	(cd bindings-python && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" CARGO_TARGET_DIR="$(WHEEL_TARGET_DIR)" \
		../$(VENV)/bin/maturin build --release --quiet --zig --compatibility manylinux2014 --out "$$tmp/wheels"); \
	wheel=$$(ls "$$tmp"/wheels/*.whl); name=$$(basename "$$wheel"); size=$$(stat -c %s "$$wheel"); \
	echo "release-python: wheel $$name built in $$(( $$(date +%s) - start )) s"; \
	case "$$name" in *-cp39-abi3-*) ;; *) echo "release-python: $$name is not a cp39-abi3 wheel" >&2; exit 1;; esac; \
	$(VENV)/bin/auditwheel show "$$wheel" > "$$tmp/auditwheel"; \
	verdict=$$(tr -s ' \n' '  ' < "$$tmp/auditwheel" | grep -o 'is consistent with the following platform tag: "[a-z0-9_]*"' || true); \
	echo "auditwheel show: $$name $$verdict"; \
	minor=$$(echo "$$verdict" | sed -n 's/.*"manylinux_2_\([0-9]*\)_x86_64"/\1/p'); \
	if [ -z "$$minor" ] || [ "$$minor" -gt $(GLIBC_FLOOR_MINOR) ]; then \
		cat "$$tmp/auditwheel" >&2; echo "release-python: the wheel must be manylinux with glibc 2.$(GLIBC_FLOOR_MINOR) or older" >&2; exit 1; \
	fi; \
	echo "release-python: wheel size $$size bytes ($$(( size / 1024 )) KiB, limit $(WHEEL_MAX_BYTES))"; \
	if [ "$$size" -ge $(WHEEL_MAX_BYTES) ]; then echo "release-python: the wheel is over the size limit" >&2; exit 1; fi; \
	start=$$(date +%s); python3 -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/pip" install -q --disable-pip-version-check "$$wheel"; \
	$(EMULATOR) -- "$$tmp/venv/bin/python" examples/python/quickstart.py > "$$tmp/out"; \
	grep -q '^\[python\] done: 0 action(s), 0 trigger(s) left' "$$tmp/out" || { cat "$$tmp/out"; exit 1; }; \
	echo "release-python: the wheel in a fresh venv ran the quick-start ($$(( $$(date +%s) - start )) s): $$(tail -1 "$$tmp/out")"; \
	for i in 1 2 3; do (cd "$$tmp" && "$$tmp/venv/bin/python" -X importtime -c 'import langdock' 2>&1 | tail -1); done

## release-python-sdist: the source distribution (maturin sdist: the binding, core/, emulator/, Cargo.lock),
## `pip install`ed from source into a fresh venv (pip builds the Rust core in release; no wheel cache, so it
## really does), then the quick-start
release-python-sdist: $(PY_TOOLS) build-rust
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	(cd bindings-python && ../$(VENV)/bin/maturin sdist --out "$$tmp/sdist"); \
	sdist=$$(ls "$$tmp"/sdist/*.tar.gz); name=$$(basename "$$sdist" .tar.gz); \
	tar tzf "$$sdist" > "$$tmp/contents"; \
	for file in Cargo.toml Cargo.lock pyproject.toml bindings-python/Cargo.toml core/Cargo.toml emulator/Cargo.toml \
		core/src/lib.rs emulator/src/lib.rs python/langdock/_native.pyi python/langdock/py.typed; do \
		grep -qx "$$name/$$file" "$$tmp/contents" || { echo "release-python: the sdist lacks $$file" >&2; exit 1; }; \
	done; \
	echo "release-python: sdist $$name.tar.gz, $$(stat -c %s "$$sdist") bytes, $$(wc -l < "$$tmp/contents") files"; \
	start=$$(date +%s); python3 -m venv "$$tmp/venv"; \
	env -u CARGO_TARGET_DIR -u MATURIN_PEP517_ARGS "$$tmp/venv/bin/pip" install -q --disable-pip-version-check \
		--no-cache-dir --no-binary langdock "$$sdist"; \
	echo "release-python: pip install of the sdist (a release build from source) took $$(( $$(date +%s) - start )) s"; \
	(cd "$$tmp" && "$$tmp/venv/bin/python" -c "import langdock, sys; assert 'site-packages' in langdock.__file__, langdock.__file__"); \
	$(EMULATOR) -- "$$tmp/venv/bin/python" examples/python/quickstart.py > "$$tmp/out"; \
	grep -q '^\[python\] done: 0 action(s), 0 trigger(s) left' "$$tmp/out" || { cat "$$tmp/out"; exit 1; }; \
	echo "release-python: the sdist, built from source in a fresh venv, ran the quick-start: $$(tail -1 "$$tmp/out")"

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

bench-python: $(PY_BENCH_TOOLS) build-bench-rust
	cd bindings-python && ../$(VENV)/bin/maturin develop --release --quiet
	BENCH_OUT=$(BENCH_OUT) BENCH_RUST_CHILD=$(BENCH_RUST_CHILD) $(PYTHON) bindings-python/bench/bench.py
