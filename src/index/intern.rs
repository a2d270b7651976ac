//! String ids to dense integers, with every id kept in one shared text buffer.
//!
//! A `HashMap<String, u32>` would cost an allocation and about 50 bytes of overhead per id; snapshots hold
//! hundreds of thousands of UUIDs, and wasm memory is the budget that matters. This table stores only a
//! `u32` per slot and compares candidates against the shared buffer. Ids carry a small tag (the object type
//! for objects) so that `experiment/E1` and `dataset/E1` are different keys.

/// The multiplier of rustc's FxHash: cheap, and good enough for ids that are UUIDs or short names.
const K: u64 = 0x517c_c1b7_2722_0a95;

/// Hashes `tag` and the bytes of `s`, eight at a time.
pub(crate) fn hash_str(tag: u32, s: &str) -> u64 {
    let mut h = (u64::from(tag)).wrapping_mul(K);
    let mut chunks = s.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    let mut word = [0u8; 8];
    word[..rest.len()].copy_from_slice(rest);
    h = (h.rotate_left(5) ^ u64::from_le_bytes(word) ^ (s.len() as u64)).wrapping_mul(K);
    // Multiplying only carries entropy upwards, and the table is indexed by the low bits: ids that differ
    // in one early chunk (UUIDs, numbered ids) clustered badly without this finaliser (murmur3's fmix64).
    // 2026-11-28: on 100k-row snapshots it cut probing from over half of load and check time to noise.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// An interning table: `(tag, text)` ↔ dense `u32`.
#[derive(Default)]
pub(crate) struct Interner {
    /// Open addressing, linear probing: 0 is empty, otherwise entry index + 1.
    slots: Vec<u32>,
    /// `starts[i]..starts[i + 1]` is entry `i`'s text in `text`.
    starts: Vec<usize>,
    tags: Vec<u32>,
    text: String,
}

impl Interner {
    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.tags.len()
    }

    /// The text of entry `ix`; empty for an index that does not exist.
    pub(crate) fn text(&self, ix: u32) -> &str {
        let ix = ix as usize;
        match (self.starts.get(ix), self.starts.get(ix + 1)) {
            (Some(&a), Some(&b)) => self.text.get(a..b).unwrap_or(""),
            _ => "",
        }
    }

    /// The tag of entry `ix`.
    pub(crate) fn tag(&self, ix: u32) -> u32 {
        self.tags.get(ix as usize).copied().unwrap_or(u32::MAX)
    }

    /// The index of `(tag, s)`, if interned.
    pub(crate) fn get(&self, tag: u32, s: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut pos = hash_str(tag, s) as usize & mask;
        loop {
            let slot = *self.slots.get(pos)?;
            if slot == 0 {
                return None;
            }
            let ix = slot - 1;
            if self.tag(ix) == tag && self.text(ix) == s {
                return Some(ix);
            }
            pos = (pos + 1) & mask;
        }
    }

    /// The index of `(tag, s)`, adding it if new; the flag says whether it was added.
    pub(crate) fn intern(&mut self, tag: u32, s: &str) -> (u32, bool) {
        if let Some(ix) = self.get(tag, s) {
            return (ix, false);
        }
        if (self.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let ix = self.len() as u32;
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.text.push_str(s);
        self.starts.push(self.text.len());
        self.tags.push(tag);
        self.place(ix, hash_str(tag, s));
        (ix, true)
    }

    fn place(&mut self, ix: u32, hash: u64) {
        let mask = self.slots.len() - 1;
        let mut pos = hash as usize & mask;
        while let Some(slot) = self.slots.get_mut(pos) {
            if *slot == 0 {
                *slot = ix + 1;
                return;
            }
            pos = (pos + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        self.slots = vec![0; size];
        for ix in 0..self.len() as u32 {
            let h = hash_str(self.tag(ix), self.text(ix));
            self.place(ix, h);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_densely_and_separates_tags() {
        let mut t = Interner::default();
        let ids: Vec<String> = (0..1000).map(|i| format!("id-{i}")).collect();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(t.intern(1, id), (i as u32, true));
        }
        assert_eq!(t.intern(1, "id-7"), (7, false));
        assert_eq!(t.get(2, "id-7"), None);
        assert_eq!(t.intern(2, "id-7"), (1000, true));
        assert_eq!(t.text(1000), "id-7");
        assert_eq!(t.get(1, "id-999"), Some(999));
        assert_eq!(t.get(1, ""), None);
        assert_eq!(t.text(5000), "");
    }
}
