# One Makefile does all the set-up on a fresh machine; every step is
# idempotent and skipped when already done.
#   make demo   the documented conversation flow against the local sandbox
#   make test   every test (native Rust, JS against the built package)

WASM_BINDGEN_VERSION := 0.2.130
WASM_PACK_VERSION    := 0.15.1
NAME                 := contiguity_imessage
VERSION              := $(shell node -p "require('./pkg-template/package.json').version")
TARBALL              := target/npm/contiguity-imessage-$(VERSION).tgz
WASM                 := pkg/$(NAME)_bg.wasm
# Rust's wasm32 target enables these; wasm-opt must be told.
WASM_FEATURES        := --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
                        --enable-mutable-globals --enable-reference-types --enable-multivalue

# cargo-installed tools (wasm-bindgen, wasm-pack) and npm ones (wasm-opt, deno, ...).
export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export DENO_NO_UPDATE_CHECK := 1
SHELL := /bin/bash

.PHONY: all setup toolchain build pack test test-rust test-js test-runtimes demo lint fuzz bench clean

all: build

# --- set-up ----------------------------------------------------------------
setup: toolchain node_modules/.package-lock.json

toolchain:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown
	@wasm-bindgen --version 2>/dev/null | grep -qF " $(WASM_BINDGEN_VERSION)" \
	  || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force
	@wasm-pack --version 2>/dev/null | grep -qF " $(WASM_PACK_VERSION)" \
	  || cargo install wasm-pack --locked --version $(WASM_PACK_VERSION) --force

# npm packages: wasm-opt (binaryen), typescript, the official SDK, deno, miniflare, wrangler.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# --- build -----------------------------------------------------------------
build: setup
	rm -rf pkg
	wasm-pack --quiet build --target web --release --mode no-install --no-typescript --no-pack \
	  --out-dir pkg --out-name $(NAME)
	mkdir -p target
	wasm-opt -Oz $(WASM_FEATURES) --minify-imports-and-exports-and-modules $(WASM) -o $(WASM) \
	  > target/wasm-renames.json
	node scripts/shorten-wasm-names.mjs target/wasm-renames.json pkg/$(NAME).js $(WASM)
	cp -R pkg-template/. pkg/
	rm -f pkg/.gitignore
	@echo "built pkg/: $$(wc -c < $(WASM)) bytes of wasm, $$(gzip -9c $(WASM) | wc -c) gzipped"

# The package as users get it: npm pack, then installed (a real copy, not a
# link) into this workspace's node_modules, where the tests import it.
pack: build
	mkdir -p target/npm
	npm pack ./pkg --pack-destination target/npm --silent >/dev/null
	npm install --no-save --no-audit --no-fund --ignore-scripts $(TARBALL) >/dev/null

# --- checks ----------------------------------------------------------------
lint: toolchain
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings

test-rust: lint
	cargo test

# The property-based fuzzing of tests/fuzz_parsers.rs, far longer than the
# 256 cases per property that `make test` runs.
FUZZ_CASES ?= 200000
fuzz:
	PROPTEST_CASES=$(FUZZ_CASES) cargo test --release --test fuzz_parsers

test-js: pack
	tsc -p tests/types
	node --test --test-concurrency=1 tests/sandbox/ tests/js/ bench/size-budget.test.mjs

# The packed tarball installed into throwaway consumer projects and run in
# Node (import, require), Deno, workerd (wrangler, Miniflare), plus examples/.
test-runtimes: pack
	node --test --test-concurrency=1 tests/runtimes/

test: test-rust test-js test-runtimes

# Side by side with the official SDK: bytes shipped, cold start, per-call
# cost, memory. Prints a table, writes bench/results.json (see BENCHMARKS.md).
bench: pack
	node bench/run.mjs

# --- demo ------------------------------------------------------------------
demo: pack
	node examples/demo.mjs

clean:
	rm -rf pkg target/npm
