# The Node package (bindings-node/): `make test-node` and `make demo-node`, included by the root Makefile.
# npm installs into bindings-node/node_modules only (from the committed package-lock.json); the addon is a
# debug build, sharing the compiled core with cargo through target/x86_64-unknown-linux-gnu/.
# Published, it is the napi-rs layout: `langdock` (JavaScript and types) with one optional dependency per
# platform package, bindings-node/npm/<platform>/ (`langdock-linux-x64-gnu`, ...), each holding its addon.

NODE_DIR := bindings-node
NODE_MODULES := $(NODE_DIR)/node_modules/.package-lock.json
# Bun from npm (its binary comes in an @oven/bun-* package), kept in bindings-node/.bun/ (gitignored).
BUN_VERSION := 1.4.5
BUN := $(NODE_DIR)/.bun/node_modules/.bin/bun
NODE_PACKED := target/npm
NODE_RELEASE_ADDON := $(NODE_DIR)/npm/linux-x64-gnu/langdock.linux-x64-gnu.node

DEMOS += demo-node
TESTS += test-node
SOAKS += soak-node soak-node-crash
BENCHES += bench-node

.PHONY: build-node test-node demo-node soak-node soak-node-crash release-node bench-node

$(NODE_MODULES): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && npm ci --no-audit --no-fund
	@touch $@

$(BUN):
	npm install --prefix $(NODE_DIR)/.bun --no-save --no-audit --no-fund bun@$(BUN_VERSION)
	@touch $@

## build-node: the debug addon in bindings-node/native/ (lib/native.js loads it before any platform package)
build-node: $(NODE_MODULES)
	cd $(NODE_DIR) && npx napi build --platform --output-dir native

## test-node: node --test (the shared conformance scenarios, every endpoint, every error class, retries, abort,
## concurrency, CJS, ESM, tsc --strict on TypeScript consumers, the main and platform tarballs installed into a
## fresh project under Node and Bun, the loader's error without a platform package, npm pack refusing debug)
test-node: build-node $(BUN)
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

## release-node: the release addon (lto, stripped, glibc 2.17 floor through napi-rs's cross toolchain from npm),
## checked (release build, under 10 MB, max GLIBC_2.17), the main and linux-x64-gnu tarballs in target/npm/ with
## their sizes, and the package tests run on those tarballs (Node and Bun)
# The cross toolchain's GCC defaults to C89, and QuickJS (the sandbox's engine) is C99: the flag is given for the
# target only, and crates that choose a standard themselves (aws-lc) still do, since their flags come later.
release-node: build-node $(BUN)
	cd $(NODE_DIR) && CFLAGS_x86_64_unknown_linux_gnu=-std=gnu99 \
		npx napi build --platform --release --use-napi-cross --output-dir ../target/node-release
	cp target/node-release/langdock.linux-x64-gnu.node $(NODE_RELEASE_ADDON)
	node $(NODE_DIR)/scripts/check-addon.cjs $(NODE_RELEASE_ADDON)
	rm -rf $(NODE_PACKED) && mkdir -p $(NODE_PACKED)
	cd $(NODE_DIR) && npm pack --pack-destination ../$(NODE_PACKED)
	cd $(NODE_DIR)/npm/linux-x64-gnu && npm pack --pack-destination ../../../$(NODE_PACKED)
	@stat -c '%s %n' $(NODE_RELEASE_ADDON) $(NODE_PACKED)/*.tgz | numfmt --to=iec --suffix=B --format='%.1f'
	LANGDOCK_PACKED_DIR=$(CURDIR)/$(NODE_PACKED) node --test $(NODE_DIR)/test/package.test.cjs

## bench-node: `langdock` against the built-in fetch and axios (bindings-node/bench/), one part of `make bench`;
## run under the emulator of `make bench`, with the release addon (the dev dependencies bring axios, axios-retry)
bench-node: $(NODE_MODULES) build-bench-rust
	cd $(NODE_DIR) && npx napi build --platform --release --output-dir native >&2
	BENCH_OUT=$(BENCH_OUT) BENCH_RUST_CHILD=$(BENCH_RUST_CHILD) node $(NODE_DIR)/bench/bench.mjs
