//! A document given in pieces loads as it does whole: the same snapshot (`to_json`) and warnings, or the
//! same error with the same line and column. The first byte of the input chooses where to cut; the rest
//! is the document.

#![no_main]

use libfuzzer_sys::fuzz_target;
use permeval::{LoadOptions, Snapshot, SnapshotLoader};
use permeval_fuzz::outcome;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, doc)) = data.split_first() else { return };
    let whole = Snapshot::from_slice(doc);
    // Piece sizes from 1 to 256 bytes, varied by position so that cuts land everywhere.
    let mut loader = SnapshotLoader::new(&LoadOptions::default());
    let mut start = 0;
    let mut failed = None;
    while start < doc.len() {
        let size = 1 + (usize::from(choice) * 31 + start * 7) % (usize::from(choice) + 1);
        let end = (start + size).min(doc.len());
        if let Err(e) = loader.push(&doc[start..end]) {
            failed = Some(e);
            break;
        }
        start = end;
    }
    let pieces = match failed {
        Some(e) => Err(e),
        None => loader.finish(),
    };
    assert_eq!(outcome(&pieces), outcome(&whole), "pieces and whole load differently");
    if let (Ok(a), Ok(b)) = (&pieces, &whole) {
        assert_eq!(a.to_json(), b.to_json(), "pieces and whole load to different snapshots");
    }
});
