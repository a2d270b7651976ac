//! Spec §5 cases through the wasm boundary: see tests/cases/.
