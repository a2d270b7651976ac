#!/usr/bin/env bash
# Runs every test: formatting and lints; the Rust unit, integration and doc tests; the package build; the
# wasm-bindgen-test suite in Node and in headless Chromium; the JS tests against the built package (ESM,
# CommonJS, a plain browser page); and the TypeScript type check.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s\n' "$*"; }

step "set-up"
./scripts/setup.sh --browser

step "format, lints and docs"
cargo fmt --check
cargo clippy --all-targets -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet

step "Rust tests (native)"
cargo test

step "package build"
./scripts/build-pkg.sh
# The tests import 'permeval' by name, as an app does.
ln -sfn ../pkg node_modules/permeval

step "wasm-bindgen-test: Node and headless Chromium"
# The runner gives a whole headless-browser run 20 s by default; the delta property through the JS classes
# (tests/wasm_suite/deltas.rs) takes longer than that on a busy machine.
WASM_BINDGEN_TEST_TIMEOUT=120 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --test wasm_node --test wasm_browser

step "JS tests against the package (Node ESM + CJS, Chromium page)"
node --test tests/js/

step "benchmark suite, smoke mode (tiny orgs, every system, agreement checked)"
node benches/run.mjs --smoke

step "TypeScript types (tsc --strict)"
node_modules/.bin/tsc -p tests/types

step "all tests passed"
