# One Makefile does all the set-up on a fresh machine; every step is
# idempotent and skipped when already done, and every build step is a file
# target that is remade only when its inputs change (a change to a JS file
# of the package re-packs in seconds, without touching the wasm).
#   make demo   the documented conversation flow against the local sandbox
#   make test   every test (native Rust, JS against the built package, the
#               packed tarball in every runtime, bundler and browser, and
#               the tarball's contents and typings)

NAME      := contiguity_imessage
# The one place the wasm-bindgen version is pinned is Cargo.toml (`=X.Y.Z`);
# the CLI installed here must be exactly that version.
WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
VERSION   := $(shell node -p "require('./pkg-template/package.json').version")
TARBALL   := target/npm/contiguity-imessage-$(VERSION).tgz
INSTALLED := node_modules/contiguity-imessage/package.json
CARGO_WASM := target/wasm32-unknown-unknown/release/$(NAME).wasm
GLUE      := target/glue/$(NAME).js
WASM      := target/glue/$(NAME)_bg.wasm
# wasm-opt's map from wasm-bindgen's import and export names to the short
# ones shipped; tests/js/boundary.test.mjs reads the imports back with it.
RENAMES   := target/wasm-renames.json
# Rust's wasm32 target enables these (and .cargo/config.toml SIMD); wasm-opt
# must be told.
WASM_FEATURES := --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
                 --enable-mutable-globals --enable-reference-types --enable-multivalue

# A current LTS Node.js beside the machine's own (Debian 12's is Node 20,
# past its end of life since April 2026): the official binary as npm
# publishes it, node-<platform>-<arch>. The Node runtime tests run in both,
# and the bench measures both.
NODE_LTS_VERSION := 24.22.3
NODE_LTS_PACKAGE := node-$(shell node -p "process.platform + '-' + process.arch")
NODE_LTS := target/node-lts/node_modules/$(NODE_LTS_PACKAGE)/bin/node

RUST_SOURCES    := $(shell find src -name '*.rs') Cargo.toml Cargo.lock .cargo/config.toml
PACKAGE_SOURCES := $(shell find pkg-template -type f) LICENSE README.md Makefile

# cargo-installed tools (wasm-bindgen) and npm ones (wasm-opt, deno, ...).
export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export DENO_NO_UPDATE_CHECK := 1
SHELL := /bin/bash

.PHONY: all setup build pack test test-rust test-js test-runtimes test-webhooks test-packaging test-platforms demo lint fuzz mutants bench clean

all: build

# --- set-up ----------------------------------------------------------------
# Stamps under target/ record that a step was done; each is redone when the
# Makefile (which names the versions) changes.
setup: target/.toolchain target/.browser node_modules/.package-lock.json $(NODE_LTS)

# The wasm32 target and the wasm-bindgen CLI. No wasm-pack: all it did here
# was run `cargo build` and `wasm-bindgen`, which the rules below call
# directly (wasm-opt, TypeScript, packing and installing were all turned
# off), and compiling it was the longest step of a fresh machine's set-up.
target/.toolchain: Makefile Cargo.toml
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown
	@wasm-bindgen --version 2>/dev/null | grep -qF " $(WASM_BINDGEN_VERSION)" \
	  || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force
	@mkdir -p target && touch $@

# Debian's Chromium, for the sandbox inspector's browser tests.
target/.browser: Makefile
	@command -v chromium >/dev/null \
	  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@mkdir -p target && touch $@

# The current LTS Node.js (NODE_LTS, above), for the Node runtime tests and the bench.
$(NODE_LTS): Makefile
	rm -rf target/node-lts
	mkdir -p target/node-lts
	npm install --prefix target/node-lts --no-save --no-package-lock --no-audit --no-fund \
	  $(NODE_LTS_PACKAGE)@$(NODE_LTS_VERSION) >/dev/null
	@$@ --version | grep -qxF v$(NODE_LTS_VERSION)
	@touch $@

# npm packages: wasm-opt (binaryen), typescript, the official SDK, the
# runtimes (deno, miniflare, wrangler, bun, edge-runtime), the frameworks and
# bundlers users build with, the browser driver, the packaging linters.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# --- build -----------------------------------------------------------------
$(CARGO_WASM): $(RUST_SOURCES) | target/.toolchain
	cargo build --quiet --lib --release --target wasm32-unknown-unknown

# The glue, then the module made small: wasm-opt -Oz, the table entries
# nothing can call replaced (scripts/drop-dead-table-entries.mjs says why;
# it reads the numbered names wasm-opt leaves), then -Oz again with short
# import and export names, which scripts/shorten-wasm-names.mjs applies to
# the glue. The second run also finds more to take out of what the first
# left (BENCHMARKS.md, "Size work"); a third did not.
$(WASM) $(GLUE) $(RENAMES) &: $(CARGO_WASM) scripts/shorten-wasm-names.mjs scripts/drop-dead-table-entries.mjs | node_modules/.package-lock.json
	rm -rf target/glue
	wasm-bindgen --target web --no-typescript --out-dir target/glue --out-name $(NAME) $(CARGO_WASM)
	wasm-opt -Oz $(WASM_FEATURES) $(WASM) -o $(WASM)
	node scripts/drop-dead-table-entries.mjs $(WASM) $(WASM_FEATURES)
	wasm-opt -Oz $(WASM_FEATURES) --minify-imports-and-exports-and-modules $(WASM) -o $(WASM) \
	  > $(RENAMES)
	node scripts/shorten-wasm-names.mjs $(RENAMES) $(GLUE) $(WASM)

# pkg/: the package's own files beside the glue and the module. The glue's
# module check is made realm-independent and its unused default wasm URL
# dropped (scripts/patch-glue.mjs); the module's bytes are also written as a
# JS module for the Node.js entry, so bundles of it need no .wasm file; the
# typings are copied as .d.cts for `require()` users.
PACKAGE_SCRIPTS := scripts/patch-glue.mjs scripts/embed-wasm.mjs

pkg/.built: $(WASM) $(GLUE) $(RENAMES) $(PACKAGE_SOURCES) $(PACKAGE_SCRIPTS)
	rm -rf pkg
	mkdir -p pkg
	cp -R pkg-template/. pkg/
	cp LICENSE README.md pkg/
	cp $(WASM) $(GLUE) pkg/
	node scripts/patch-glue.mjs pkg/$(NAME).js
	node scripts/embed-wasm.mjs pkg/$(NAME)_bg.wasm pkg/$(NAME)_bg.wasm.base64.js
	cp pkg/index.d.ts pkg/index.d.cts
	cp pkg/sandbox/index.d.ts pkg/sandbox/index.d.cts
	rm -f pkg/.gitignore
	@echo "built pkg/: $$(wc -c < $(WASM)) bytes of wasm, $$(gzip -9c $(WASM) | wc -c) gzipped"
	@touch $@

build: pkg/.built

# The package as users get it: `npm pack`, then that tarball unpacked into
# this workspace's node_modules (what `npm install` of a package without
# dependencies does), where the tests import it. The runtime tests install
# the same tarball with npm into throwaway projects.
$(TARBALL): pkg/.built
	mkdir -p target/npm
	npm pack ./pkg --pack-destination target/npm --silent >/dev/null

$(INSTALLED): $(TARBALL)
	rm -rf node_modules/contiguity-imessage
	mkdir -p node_modules/contiguity-imessage
	tar -xzf $(TARBALL) --strip-components=1 -C node_modules/contiguity-imessage
	@touch $@

pack: $(INSTALLED)

# A package like pkg/ whose wasm has one more export, `__trap` (the crate's
# `trap-test` feature), for tests/js/trap.test.mjs: it forces a trap and
# checks that the next call works. Never packed or shipped. Built with the
# release profile's semantics (panic = abort, no debug assertions) but
# without LTO and with parallel codegen, in its own target directory, so it
# takes a fraction of the release build's time and never overwrites the
# shipped wasm. No wasm-opt: import names stay long, which changes nothing
# the test looks at.
TRAP_PKG   := target/trap-pkg
TRAP_CARGO := target/trap-build
TRAP_WASM  := $(TRAP_CARGO)/wasm32-unknown-unknown/release/$(NAME).wasm

$(TRAP_WASM): $(RUST_SOURCES) | target/.toolchain
	CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
	  cargo build --quiet --lib --release --target wasm32-unknown-unknown \
	  --features trap-test --target-dir $(TRAP_CARGO)

$(TRAP_PKG)/.built: $(TRAP_WASM) $(PACKAGE_SOURCES) $(PACKAGE_SCRIPTS)
	rm -rf $(TRAP_PKG)
	mkdir -p $(TRAP_PKG)
	cp -R pkg-template/. $(TRAP_PKG)/
	wasm-bindgen --target web --no-typescript --out-dir $(TRAP_PKG) --out-name $(NAME) $(TRAP_WASM)
	node scripts/patch-glue.mjs $(TRAP_PKG)/$(NAME).js
	node scripts/embed-wasm.mjs $(TRAP_PKG)/$(NAME)_bg.wasm $(TRAP_PKG)/$(NAME)_bg.wasm.base64.js
	@touch $@

# --- checks ----------------------------------------------------------------
lint: target/.toolchain
	cargo fmt --check
	cargo clippy --quiet --all-targets -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown --lib -- -D warnings

test-rust: lint
	cargo test --quiet

# The property-based fuzzing of tests/fuzz_parsers.rs, far longer than the
# 256 cases per property that `make test` runs.
FUZZ_CASES ?= 200000
fuzz:
	PROPTEST_CASES=$(FUZZ_CASES) cargo test --release --test fuzz_parsers

# Mutation testing of the engine, not part of `make test` (it takes many
# minutes: the run prints how long). cargo-mutants puts small bugs into
# src/engine one at a time and runs `cargo test` on each; a bug no test
# notices is listed in target/mutants.out/missed.txt and fails the target.
# A bug that makes the tests hang (a splitting loop that never ends) is
# stopped at the timeout and counts as caught: cargo-mutants exits 3 for
# it, and 3 wins over 2 (missed), so the verdict is read from missed.txt.
# Its options, and the mutants left out on purpose: .cargo/mutants.toml.
# One job: each build already uses both cores, and two jobs on this
# machine were no faster.
CARGO_MUTANTS_VERSION := 27.1.0
mutants:
	@cargo mutants --version 2>/dev/null | grep -qxF "cargo-mutants $(CARGO_MUTANTS_VERSION)" \
	  || cargo install cargo-mutants --version $(CARGO_MUTANTS_VERSION) --locked
	@status=0; cargo mutants --file 'src/engine/**' --test-tool cargo -j 1 || status=$$?; \
	  case $$status in 0|2|3) ;; *) exit $$status ;; esac; \
	  if [ -s target/mutants.out/missed.txt ]; then \
	    echo "Mutants no test caught:"; cat target/mutants.out/missed.txt; exit 2; \
	  fi

# The inspector's tests drive Debian's Chromium (target/.browser installs it).
# The package's and the sandbox's tests run again in the current LTS Node
# (whose test runner takes globs, not folders).
test-js: pack target/.browser $(TRAP_PKG)/.built $(NODE_LTS)
	tsc -p tests/types
	node --test --test-concurrency=1 tests/sandbox/ tests/inspector/ tests/js/ tests/dropin/run.test.mjs \
	  bench/size-budget.test.mjs bench/stats.test.mjs
	$(NODE_LTS) --test --test-concurrency=1 'tests/sandbox/**/*.test.mjs' 'tests/js/**/*.test.mjs' \
	  tests/dropin/run.test.mjs

# The packed tarball installed into throwaway consumer projects and run in
# Node (import, require), Deno, workerd (wrangler, Miniflare), plus examples/.
test-runtimes: pack $(NODE_LTS)
	node --test --test-concurrency=1 tests/runtimes/

# The webhook handler alone (also part of test-js and test-runtimes): in
# this process, in workerd, Node.js and Deno, and the examples built on it
# (under Miniflare and the real `wrangler dev`).
test-webhooks: pack
	node --test --test-concurrency=1 tests/js/webhook-handler.test.mjs tests/runtimes/webhook-handler.test.mjs \
	  tests/runtimes/examples.test.mjs

# The published tarball's contents, its typings as TypeScript resolves them
# for require() and import, and the packaging linters (attw, publint).
test-packaging: pack
	node --test --test-concurrency=1 tests/packaging/

# Where users deploy, through the tools they build with: Next.js 16 (edge and
# Node.js routes, Turbopack and webpack, `next build` + `next start`), Vercel's
# edge-runtime, Bun (run, and a `bun build` bundle), an esbuild bundle for
# Node.js; each with the packed tarball installed into a throwaway project.
test-platforms: pack
	node --test --test-concurrency=1 tests/platforms/

test: test-rust test-js test-runtimes test-packaging test-platforms

# Side by side with the official SDK: bytes shipped, cold start, per-call
# cost, memory. Prints a table, writes bench/results.json (see BENCHMARKS.md).
bench: pack $(NODE_LTS)
	node bench/run.mjs

# --- demo ------------------------------------------------------------------
demo: pack
	node examples/demo.mjs

clean:
	rm -rf pkg target/npm target/glue $(TRAP_PKG) node_modules/contiguity-imessage
