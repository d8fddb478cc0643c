# The two commands of the README: `make demo` and `make test`. Everything they need is built or
# installed inside the repository (target/, .venv/, bindings-node/node_modules/).

CARGO ?= cargo
TARGET_DIR := target/x86_64-unknown-linux-gnu/debug
EMULATOR := $(TARGET_DIR)/langdock-emulator

# Each binding adds its own demo, test and soak targets to these lists.
DEMOS := demo-rust
TESTS := test-rust test-soak
SOAKS := soak-rust
# `make soak` makes 10,000 calls per language; `make test` runs the same soak shortened to 1,000.
SOAK_CALLS ?= 10000
SOAK_ARGS = --calls $(SOAK_CALLS) --concurrency 32 --chaos 0.3
-include bindings-python/make.mk
-include bindings-node/make.mk
-include cli/make.mk

.PHONY: demo test lint test-rust demo-rust build-rust bench soak soak-header soak-rust test-soak clean

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

## soak: every endpoint from every language, 32 in flight, against an emulator faulting 30% of requests
soak: soak-header $(SOAKS)

soak-header:
	@echo "| language | calls | succeeded | typed errors | lost | duplicated creates | retries | RSS start MB | RSS end MB | seconds |"
	@echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"

soak-rust: build-rust
	@$(CARGO) build -q -p langdock --example soak
	@$(EMULATOR) -- $(TARGET_DIR)/examples/soak $(SOAK_ARGS)

test-soak:
	$(MAKE) --no-print-directory soak SOAK_CALLS=1000

clean:
	$(CARGO) clean
