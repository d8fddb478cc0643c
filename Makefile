# The two commands of the README: `make demo` and `make test`. Everything they need is built or
# installed inside the repository (target/, .venv/, bindings-node/node_modules/).

CARGO ?= cargo
TARGET_DIR := target/x86_64-unknown-linux-gnu/debug
EMULATOR := $(TARGET_DIR)/langdock-emulator

# Each binding adds its own demo and test targets to these lists.
DEMOS := demo-rust
TESTS := test-rust
-include bindings-python/make.mk
-include bindings-node/make.mk
-include cli/make.mk

.PHONY: demo test lint test-rust demo-rust build-rust bench soak clean

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

clean:
	$(CARGO) clean
