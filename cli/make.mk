# The langdock command line: its demo plans and applies examples/integration/weather against an
# emulator, from a copy (apply records the new id in the manifest, which must not touch the repo).

CLI := $(TARGET_DIR)/langdock
DEMOS += demo-cli

.PHONY: build-cli demo-cli

build-cli:
	$(CARGO) build -p langdock-emulator -p langdock-cli

demo-cli: build-cli
	@work=$$(mktemp -d) && cp -R examples/integration/weather/. $$work && \
	$(EMULATOR) -- sh -c 'set -e; \
	  echo "[cli] langdock plan $$0"; $(CLI) plan "$$0"; \
	  echo "[cli] langdock apply $$0"; $(CLI) apply "$$0"; \
	  echo "[cli] langdock plan again: nothing left to do"; $(CLI) plan "$$0"; \
	  $(CLI) integrations list' $$work; \
	status=$$?; rm -rf $$work; exit $$status
