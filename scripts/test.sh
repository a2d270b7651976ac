#!/usr/bin/env bash
# Runs every test: formatting, lints, and the Rust unit, integration and doc tests.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --check
cargo clippy --all-targets -- -D warnings
cargo test
