# The langdock command line: its demo runs the tests of examples/integration/weather (offline, from their
# cassettes), then plans and applies it against an emulator, from a copy (apply records the new id in the
# manifest, which must not touch the repo).

CLI := $(TARGET_DIR)/langdock
DEMOS += demo-cli
BENCHES += bench-sandbox

.PHONY: build-cli demo-cli bench-sandbox

build-cli:
	$(CARGO) build -p langdock-emulator -p langdock-cli

demo-cli: build-cli
	@echo "[cli] langdock test examples/integration/weather"; $(CLI) test examples/integration/weather
	@work=$$(mktemp -d) && cp -R examples/integration/weather/. $$work && \
	$(EMULATOR) -- sh -c 'set -e; \
	  echo "[cli] langdock plan $$0"; $(CLI) plan "$$0"; \
	  echo "[cli] langdock apply $$0"; $(CLI) apply "$$0"; \
	  echo "[cli] langdock plan again: nothing left to do"; $(CLI) plan "$$0"; \
	  $(CLI) integrations list' $$work; \
	status=$$?; rm -rf $$work; exit $$status

## bench-sandbox: the local runner's own time for a small action (goal: under 50 ms), one row of `make bench`.
## sandbox/examples/bench.rs (example sandbox_bench) prints one line; it becomes the JSON row report.py reads. It needs no emulator.
bench-sandbox:
	$(CARGO) build -q --release -p langdock-sandbox --example sandbox_bench
	@line=$$($(RELEASE_DIR)/examples/sandbox_bench) && echo "$$line" && echo "$$line" | sed -E \
	  's/.*median ([0-9.]+) ms, p95 ([0-9.]+) ms over ([0-9]+) runs.*/{"language": "rust", "client": "langdock-sandbox", "workload": "sandbox", "p50_ms": \1, "p95_ms": \2, "runs": \3}/' \
	  >> $(BENCH_OUT)
