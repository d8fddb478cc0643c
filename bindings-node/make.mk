# The Node package (bindings-node/): `make test-node` and `make demo-node`, included by the root Makefile.
# npm installs into bindings-node/node_modules only (from the committed package-lock.json); the addon is a
# debug build, sharing the compiled core with cargo through target/x86_64-unknown-linux-gnu/.

NODE_DIR := bindings-node
NODE_MODULES := $(NODE_DIR)/node_modules/.package-lock.json

DEMOS += demo-node
TESTS += test-node
SOAKS += soak-node soak-node-crash
BENCHES += bench-node

.PHONY: build-node test-node demo-node soak-node soak-node-crash release-node bench-node

$(NODE_MODULES): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && npm ci --no-audit --no-fund
	@touch $@

## build-node: the debug addon and its loader in bindings-node/native/
build-node: $(NODE_MODULES)
	cd $(NODE_DIR) && npx napi build --platform --output-dir native

## test-node: node --test (the shared conformance scenarios, every endpoint, every error class, retries, abort,
## concurrency, CJS, ESM, tsc --strict on TypeScript consumers, npm pack + install into a fresh project)
test-node: build-node
	cd $(NODE_DIR) && node --test test/

## demo-node: the Node quick-start against a fresh emulator
demo-node: build-rust build-node
	@mkdir -p examples/node/node_modules && ln -sfn ../../../$(NODE_DIR) examples/node/node_modules/langdock
	$(EMULATOR) -- node examples/node/quickstart.mjs

## soak-node: the Node soak (bindings-node/soak.mjs) against an emulator in its own process; one row of `make soak`
soak-node:
	@$(MAKE) --no-print-directory build-rust build-node >&2
	@$(EMULATOR) -- node $(NODE_DIR)/soak.mjs $(SOAK_ARGS)

## soak-node-crash: the Node soak's crash-restart run (the emulator killed and restarted on its state while the
## calls go on, under crash_supervisor); one row of `make soak`
soak-node-crash:
	@$(MAKE) --no-print-directory build-rust build-crash-supervisor build-node >&2
	@$(CRASH_SUPERVISOR) node $(NODE_DIR)/soak.mjs $(CRASH_ARGS)

## release-node: the release addon (lto, stripped) and the npm tarball in bindings-node/
release-node: $(NODE_MODULES)
	cd $(NODE_DIR) && npx napi build --platform --release --output-dir native && npm pack

## bench-node: `langdock` against the built-in fetch and axios (bindings-node/bench/), one part of `make bench`;
## run under the emulator of `make bench`, with the release addon (the dev dependencies bring axios, axios-retry)
bench-node: $(NODE_MODULES)
	cd $(NODE_DIR) && npx napi build --platform --release --output-dir native >&2
	BENCH_OUT=$(BENCH_OUT) node $(NODE_DIR)/bench/bench.mjs
