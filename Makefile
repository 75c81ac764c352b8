# Cairn: `make run` serves the demo school, `make test` runs every test. Both install what
# this machine is missing first, and skip what is already there.

SHELL := /bin/bash
.DEFAULT_GOAL := run

# Build output may live outside the clone (CI keeps it between fresh clones).
export CARGO_TARGET_DIR ?= $(CURDIR)/target
TARGET := $(CARGO_TARGET_DIR)
TOOLS := $(CURDIR)/.tools
export PATH := $(TOOLS)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# The demo server reads its compiled bundle from here.
export LEPTOS_SITE_ROOT := $(TARGET)/site

# wasm-bindgen-cli must match the wasm-bindgen that Cargo.lock resolved, exactly.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"/\1/p;}' Cargo.lock)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := chromium brotli

.PHONY: run test tools build release lint unit e2e clean-data size bench bench-hostile bench-tools

## Set-up -------------------------------------------------------------------------------------

tools: ## install what is missing: wasm target, wasm-bindgen-cli, wasm-opt, lightningcss
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" \
	  || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force
	@$(MAKE) --no-print-directory $(TOOLS)/node_modules/.installed

# npm's binaryen: Debian's wasm-opt (108) silently breaks hydration. And lightningcss.
$(TOOLS)/node_modules/.installed: $(TOOLS)/package-lock.json
	npm ci --prefix $(TOOLS) --no-audit --no-fund
	@touch $@

browser-tools: ## Debian's Chromium and the end2end npm packages
	@command -v chromium >/dev/null && command -v brotli >/dev/null \
	  || { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $(APT_PACKAGES); }
	@$(MAKE) --no-print-directory end2end/node_modules/.installed

end2end/node_modules/.installed: end2end/package-lock.json
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix end2end --no-audit --no-fund
	@touch $@

## Build and run ------------------------------------------------------------------------------

build: tools ## debug build: server and the islands' wasm
	node scripts/build.mjs

release: tools ## release build (wasm with the wasm-release profile, wasm-opt), compressed
	node scripts/build.mjs --release

run: release ## serve the demo school on 127.0.0.1:3000
	@echo "Starting Cairn with the demo school: http://127.0.0.1:3000/"
	$(TARGET)/release/cairn serve --demo --addr 127.0.0.1:3000

## Tests --------------------------------------------------------------------------------------

test: tools browser-tools lint unit e2e ## every test: format, lints, cargo tests, browser tests

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p cairn-app --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

unit: ## cargo tests; PostgreSQL too when CAIRN_TEST_POSTGRES_URL is set
	cargo test --workspace

e2e: build browser-tools ## Playwright in Chromium against a demo server on a free port
	@port=$$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"); \
	data=$$(mktemp -d -t cairn-e2e-XXXXXX); \
	echo "Browser tests against http://127.0.0.1:$$port/ (data in $$data)"; \
	cd end2end && CAIRN_BIN=$(TARGET)/debug/cairn CAIRN_E2E_PORT=$$port CAIRN_E2E_DATA=$$data \
	  npx playwright test; status=$$?; rm -rf "$$data"; exit $$status

## Figures ------------------------------------------------------------------------------------

bench-tools: ## wrk, the load generator, and psql (the OneRoster bench's PostgreSQL database), from Debian's packages
	@command -v wrk >/dev/null && command -v curl >/dev/null && command -v psql >/dev/null \
	  || { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk curl postgresql-client; }

bench: release bench-tools browser-tools ## the dashboard at scale S under 64 connections, against bytes from memory; a share page of 50 badges at 16; OneRoster and CASE imports; page weights
	CAIRN_BIN=$(TARGET)/release/cairn bash bench/dashboard.sh
	CAIRN_BIN=$(TARGET)/release/cairn bash bench/share.sh
	CAIRN_BIN=$(TARGET)/release/cairn bash bench/oneroster.sh
	CAIRN_BIN=$(TARGET)/release/cairn bash bench/case.sh
	$(MAKE) --no-print-directory size

bench-hostile: release ## sign-in floods and image bombs against the demo server: peak memory
	CAIRN_BIN=$(TARGET)/release/cairn python3 bench/hostile.py

size: release browser-tools ## per page, what a fresh browser downloads from the release build (budget: 400 KB, 40 requests)
	@node bench/wasm-size.mjs $(TARGET)/site/pkg
	@port=$$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"); \
	data=$$(mktemp -d -t cairn-size-XXXXXX); \
	$(TARGET)/release/cairn serve --demo --addr 127.0.0.1:$$port --data-dir $$data > $$data/server.log 2>&1 & server=$$!; \
	for i in $$(seq 1 100); do curl -fs http://127.0.0.1:$$port/healthz > /dev/null && break; sleep 0.3; done; \
	node bench/page-weight.mjs http://127.0.0.1:$$port; status=$$?; \
	kill $$server; rm -rf $$data; exit $$status

clean-data: ## remove the local demo database
	rm -rf data
