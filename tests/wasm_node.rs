//! The wasm-bindgen-test suite in Node (`wasm-bindgen-test-runner`, no browser configured).
#![cfg(target_arch = "wasm32")]

mod wasm_suite;
