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
TESTS := test-rust test-soak
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

.PHONY: demo test lint test-rust demo-rust build-rust bench bench-run bench-rust soak soak-header soak-rust soak-rust-crash build-crash-supervisor test-soak clean

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
## prints the table and writes target/bench/report.md and throughput.png (not part of `make test`)
bench:
	$(CARGO) build -q --release -p langdock-emulator --bins
	@mkdir -p $(BENCH_DIR) && rm -f $(BENCH_DIR)/results.jsonl
	$(RELEASE_EMULATOR) -- $(MAKE) --no-print-directory bench-run BENCH_OUT=$(BENCH_DIR)/results.jsonl
	$$(test -x .venv/bin/python && echo .venv/bin/python || echo python3) tests/bench/report.py \
		$(BENCH_DIR)/results.jsonl $(BENCH_DIR)

bench-run: $(BENCHES)

bench-rust:
	$(CARGO) build -q --release -p langdock --example bench
	BENCH_OUT=$(BENCH_OUT) $(RELEASE_DIR)/examples/bench

clean:
	$(CARGO) clean
