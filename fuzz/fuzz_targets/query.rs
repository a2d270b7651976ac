//! Arbitrary queries on fixed snapshots: principal, type and id strings drawn from the documents' own
//! strings or straight from the input (empty, huge, odd Unicode), through every query method, with the
//! methods checked against each other (see `check`).

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use permeval::Snapshot;
use permeval_fuzz::{DOCUMENTS, Query, check, strings_in};

struct Loaded {
    snapshot: Snapshot,
    strings: Vec<String>,
}

static LOADED: LazyLock<Vec<Loaded>> = LazyLock::new(|| {
    DOCUMENTS
        .iter()
        .map(|text| Loaded {
            snapshot: Snapshot::from_json(text).expect("the seed documents load"),
            strings: strings_in(&serde_json::from_str(text).expect("the seed documents are JSON")),
        })
        .collect()
});

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(loaded) = u.choose(&LOADED) else { return };
    let ids: Vec<&str> = loaded.strings.iter().map(String::as_str).collect();
    while let Ok(q) = Query::arbitrary(&mut u, &ids) {
        check(&loaded.snapshot, &q);
        if u.is_empty() {
            break;
        }
    }
});
