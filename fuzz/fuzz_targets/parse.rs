//! Arbitrary bytes as a snapshot document: loading gives a snapshot or a typed error, never a panic or a
//! hang; bytes and text load alike; and a snapshot that loads answers consistently (see `check`).

#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use permeval::Snapshot;
use permeval_fuzz::{Query, check, outcome};

fuzz_target!(|data: &[u8]| {
    let from_bytes = Snapshot::from_slice(data);
    if let Ok(text) = std::str::from_utf8(data) {
        assert_eq!(outcome(&from_bytes), outcome(&Snapshot::from_json(text)), "bytes and text load differently");
    }
    let Ok(snap) = from_bytes else { return };
    let mut ids: Vec<&str> = snap.principals().map(|p| p.id).collect();
    ids.push(snap.org_id());
    // The same bytes, read again as choices: queries about the principals the document names.
    let mut u = Unstructured::new(data);
    for _ in 0..4 {
        let Ok(q) = Query::arbitrary(&mut u, &ids) else { break };
        check(&snap, &q);
    }
});
