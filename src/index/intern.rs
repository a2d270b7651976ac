//! String ids to dense integers, with every id kept in one shared text buffer.
//!
//! A `HashMap<String, u32>` would cost an allocation and about 50 bytes of overhead per id; snapshots hold
//! hundreds of thousands of UUIDs, and wasm memory is the budget that matters. This table stores only a
//! `u32` per slot (see [`Slots`]) and compares candidates against the shared text, which (like the
//! entries) is kept in chunks that never move (see [`super::chunked`]). Ids carry a small tag (the object
//! type for objects) so that `experiment/E1` and `dataset/E1` are different keys.

use super::chunked::{Chunked, Text};
use super::slots::{K, Slots, spread};
use crate::text;

/// Hashes `tag` and the bytes of `s`, eight at a time.
pub(crate) fn hash_str(tag: u32, s: &str) -> u64 {
    let mut h = (u64::from(tag)).wrapping_mul(K);
    let mut chunks = s.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    h = (h.rotate_left(5) ^ tail(s.as_bytes()) ^ (s.len() as u64)).wrapping_mul(K);
    spread(h)
}

/// The bytes of `s` after its last whole eight, as a little-endian word padded with zeros: read as whole
/// words that overlap, not copied into a zeroed buffer, whose partly written word the processor could not
/// forward to the load that read it (a stall on every id hashed: 6% of an ACL batch's own code, perf
/// 2026-11-28).
fn tail(s: &[u8]) -> u64 {
    let rest = s.len() % 8;
    let u64_at = |at: usize| s.get(at..at + 8).and_then(|b| <[u8; 8]>::try_from(b).ok()).map_or(0, u64::from_le_bytes);
    let u32_at = |at: usize| {
        u64::from(s.get(at..at + 4).and_then(|b| <[u8; 4]>::try_from(b).ok()).map_or(0, u32::from_le_bytes))
    };
    let u8_at = |at: usize| u64::from(s.get(at).copied().unwrap_or(0));
    if rest == 0 {
        0
    } else if s.len() >= 8 {
        // The last eight bytes, shifted down past those already hashed.
        u64_at(s.len() - 8) >> (8 * (8 - rest))
    } else if rest >= 4 {
        // Two four-byte reads that overlap in the middle: the bytes they share are the same.
        u32_at(0) | u32_at(rest - 4) << (8 * (rest - 4))
    } else {
        // The first, middle and last byte cover one to three bytes.
        u8_at(0) | u8_at(rest / 2) << (8 * (rest / 2)) | u8_at(rest - 1) << (8 * (rest - 1))
    }
}

/// An interning table: `(tag, text)` ↔ dense `u32`.
///
/// Loading does a few lookups per row and they are cache misses, not probing (profiled 2026-11-28 on a 100k-row
/// org: this table was 30% of native load time). So a slot keeps top bits of the id's hash beside the entry
/// number (see [`Slots`]), and a probe touches the entry and the text only when they match; an entry's tag
/// and text bounds sit together, so a hit costs three misses (slot, entry, text) instead of four, and a
/// miss one.
#[derive(Default)]
pub(crate) struct Interner {
    /// Entry numbers plus one.
    slots: Slots,
    entries: Chunked<Entry>,
    text: Text,
}

/// An entry's text ends where the next entry's starts, so only its start is kept (see [`Text::get`]).
#[derive(Copy, Clone)]
struct Entry {
    /// The position of the entry's text in [`Interner::text`].
    start: usize,
    tag: u32,
}

impl Interner {
    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The text of entry `ix`; empty for an index that does not exist.
    pub(crate) fn text(&self, ix: u32) -> &str {
        self.entry(ix).map_or("", |(_, text)| text)
    }

    /// The tag and text of entry `ix`.
    fn entry(&self, ix: u32) -> Option<(u32, &str)> {
        let e = self.entries.get(ix as usize)?;
        let next = self.entries.get(ix as usize + 1).map(|n| n.start);
        Some((e.tag, self.text.get(e.start, next)))
    }

    /// The tag of entry `ix`.
    pub(crate) fn tag(&self, ix: u32) -> u32 {
        self.entries.get(ix as usize).map_or(u32::MAX, |e| e.tag)
    }

    /// The index of `(tag, s)`, if interned.
    pub(crate) fn get(&self, tag: u32, s: &str) -> Option<u32> {
        self.find(tag, s, hash_str(tag, s))
    }

    /// [`Interner::get`] of every key, in order (`None` for a `None` key), the keys' cache misses
    /// overlapping.
    ///
    /// One lookup in a large table is three dependent cache misses (slot, entry, text), and a loop that does
    /// much else between lookups takes them one at a time. Here each stage runs for every key before the
    /// next, in loops small enough for the processor to have many keys' loads in flight at once. A delta
    /// batch names thousands of ids in tables of megabytes: one by one, these lookups were a quarter of a
    /// 1,000-item batch on a 100k-row org (perf, 2026-11-28).
    ///
    /// The slots are read in a stage of their own that looks at none of them: a probe loop branches on
    /// each slot it reads, and a branch on a load still in flight that is guessed wrong throws away the
    /// loads issued after it, so that the misses were taken nearly one at a time again (the slot reads
    /// were 40% of the users' and objects' lookups of a batch, perf 2026-11-28).
    pub(crate) fn get_all<'k>(&self, keys: impl Iterator<Item = Option<(u32, &'k str)>>) -> Vec<Option<u32>> {
        let keys: Vec<Option<(u32, &str, u64)>> = keys.map(|k| k.map(|(tag, s)| (tag, s, hash_str(tag, s)))).collect();
        let slots: Vec<u32> =
            keys.iter().map(|k| k.as_ref().map_or(0, |&(_, _, hash)| self.slots.first(hash))).collect();
        // The entry of each key's first candidate: its tag, and where its text is (not the text itself).
        // The slots after the first are mostly on its cache line, read by now: probing them costs no miss.
        let first: Vec<Option<(u32, u32, &str)>> = keys
            .iter()
            .zip(&slots)
            .map(|(k, &slot)| {
                let &(_, _, hash) = k.as_ref()?;
                let number = match self.slots.number_in(slot, hash) {
                    Some(number) => number,
                    None if slot == 0 => return None,
                    None => self.slots.candidates(hash).next()?,
                };
                let ix = number.wrapping_sub(1);
                self.entry(ix).map(|(tag, text)| (ix, tag, text))
            })
            .collect();
        keys.iter()
            .zip(slots)
            .zip(first)
            .map(|((k, slot), first)| {
                let &(tag, s, hash) = k.as_ref()?;
                match first {
                    Some((ix, t, text)) if t == tag && text::same(text, s) => Some(ix),
                    // An empty first slot: no key with this hash was placed.
                    _ if slot == 0 => None,
                    // Another key first: the whole probe, from the first slot again.
                    _ => self.find(tag, s, hash),
                }
            })
            .collect()
    }

    fn find(&self, tag: u32, s: &str, hash: u64) -> Option<u32> {
        self.slots
            .candidates(hash)
            .map(|number| number.wrapping_sub(1))
            .find(|&ix| self.entry(ix).is_some_and(|(t, text)| t == tag && text::same(text, s)))
    }

    /// The index of `(tag, s)`, adding it if new; the flag says whether it was added.
    pub(crate) fn intern(&mut self, tag: u32, s: &str) -> (u32, bool) {
        let hash = hash_str(tag, s);
        if let Some(ix) = self.find(tag, s, hash) {
            return (ix, false);
        }
        if (self.len() + 1) * 2 > self.slots.size() {
            self.grow();
        }
        let ix = self.len() as u32;
        let start = self.text.push(s);
        self.entries.push(Entry { start, tag });
        self.place(ix, hash);
        (ix, true)
    }

    fn place(&mut self, ix: u32, hash: u64) {
        self.slots.place(hash, ix + 1);
    }

    /// Doubles the slots, each entry hashed again from its text.
    fn grow(&mut self) {
        let size = (self.slots.size() * 2).max(16);
        self.slots.reset(size);
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
        // An entry's text ends where the next one's starts, an empty one included.
        assert_eq!((t.intern(3, ""), t.intern(3, "x"), t.intern(3, "")), ((1001, true), (1002, true), (1001, false)));
        assert_eq!((t.text(1000), t.text(1001), t.text(1002)), ("id-7", "", "x"));
    }

    #[test]
    fn the_tail_is_the_last_bytes_padded_with_zeros() {
        let text = "0123456789abcdefghijklmnopqrstuvwxyz";
        for len in 0..=text.len() {
            let s = &text.as_bytes()[..len];
            let rest = &s[len - len % 8..];
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            assert_eq!(tail(s), u64::from_le_bytes(word), "{len} bytes");
        }
    }

    #[test]
    fn get_all_answers_as_get_does() {
        let mut t = Interner::default();
        let ids: Vec<String> = (0..5000).map(|i| format!("id-{i}")).collect();
        for id in &ids {
            t.intern(1, id);
        }
        let mut keys: Vec<Option<(u32, &str)>> = ids.iter().map(|id| Some((1, id.as_str()))).collect();
        keys.extend([Some((2, "id-7")), None, Some((1, "absent")), Some((1, ""))]);
        let expected: Vec<Option<u32>> = keys.iter().map(|k| k.and_then(|(tag, s)| t.get(tag, s))).collect();
        assert_eq!(t.get_all(keys.iter().copied()), expected);
        assert_eq!(expected.iter().flatten().count(), 5000);
        assert_eq!(Interner::default().get_all([Some((0, "x"))].into_iter()), [None]);
    }
}
