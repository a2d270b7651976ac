//! The ids of ACL rows, interned with UUIDs packed into 20 bytes instead of 36.
//!
//! An org has more ACL rows than anything else, and Braintrust gives every row a UUID: at 100k rows their
//! text was 3.4 of the 22 MiB a loaded snapshot kept in wasm memory. Unlike the ids of objects and
//! principals, which every `accessible` call returns by the thousand and so stay as text, an ACL id is
//! only ever read back by `to_json` and `explain`, which can afford to unpack it. A lowercase UUID in its
//! usual form (8-4-4-4-12 hex digits) is kept as its 128 bits in 20 ASCII bytes of 7 bits each, so the
//! interner's text stays `str`; any other id (uppercase, braces, not a UUID at all) is kept as it is, under
//! another tag, so that the two forms can never be taken for each other.

use std::borrow::Cow;

use super::Interner;

/// The tag of ids kept as they are.
const PLAIN: u32 = 0;
/// The tag of packed UUIDs.
const PACKED: u32 = 1;
/// The bytes of a packed UUID: each 64-bit half in 10 bytes of 7 bits.
const PACKED_LEN: usize = 20;

#[derive(Default)]
pub(crate) struct AclIds {
    ids: Interner,
}

/// An id as the interner keys it.
enum Key<'s> {
    Plain(&'s str),
    Packed([u8; PACKED_LEN]),
}

impl<'s> Key<'s> {
    fn of(id: &'s str) -> Key<'s> {
        let Some([high, low]) = uuid(id.as_bytes()) else { return Key::Plain(id) };
        let mut packed = [0u8; PACKED_LEN];
        let (first, second) = packed.split_at_mut(PACKED_LEN / 2);
        for (half, bytes) in [(high, first), (low, second)] {
            for (i, byte) in bytes.iter_mut().enumerate() {
                *byte = (half >> (7 * i)) as u8 & 0x7f;
            }
        }
        Key::Packed(packed)
    }

    fn tagged(&self) -> (u32, &str) {
        match self {
            Key::Plain(s) => (PLAIN, s),
            // ASCII, so always UTF-8.
            Key::Packed(bytes) => (PACKED, std::str::from_utf8(bytes).unwrap_or("")),
        }
    }
}

/// The value of each lowercase hex digit; `0x80` for any other byte.
const HEX: [u8; 256] = {
    let mut table = [0x80u8; 256];
    let mut d = 0;
    while d < 16 {
        table[b"0123456789abcdef"[d] as usize] = d as u8;
        d += 1;
    }
    table
};

/// The two 64-bit halves of a lowercase UUID in the usual form (64-bit rather than a `u128`, which wasm
/// has no instructions for).
fn uuid(s: &[u8]) -> Option<[u64; 2]> {
    let s: &[u8; 36] = s.try_into().ok()?;
    if [s[8], s[13], s[18], s[23]] != [b'-'; 4] {
        return None;
    }
    // Every digit is looked up, and a bad one is noticed once at the end: no branch per byte.
    let mut bad = 0u8;
    let mut digits = |hex: &[u8]| {
        hex.iter().fold(0u64, |value, &b| {
            let d = HEX[b as usize];
            bad |= d;
            value << 4 | u64::from(d)
        })
    };
    let high = digits(&s[0..8]) << 32 | digits(&s[9..13]) << 16 | digits(&s[14..18]);
    let low = digits(&s[19..23]) << 48 | digits(&s[24..36]);
    (bad & 0x80 == 0).then_some([high, low])
}

fn unpack(packed: &str) -> String {
    let (first, second) = packed.as_bytes().split_at(packed.len().min(PACKED_LEN / 2));
    let half = |bytes: &[u8]| bytes.iter().enumerate().fold(0u64, |h, (i, &b)| h | u64::from(b & 0x7f) << (7 * i));
    let mut out = String::with_capacity(36);
    for (h, value) in [half(first), half(second)].into_iter().enumerate() {
        for d in 0..16 {
            if matches!(16 * h + d, 8 | 12 | 16 | 20) {
                out.push('-');
            }
            // Written digit by digit rather than `format!`ed: the formatter made compacting the rows of a
            // 100k-row org a tenth of a run of batches in wasm (V8 profile, 2026-11-28).
            out.push(char::from(b"0123456789abcdef"[(value >> (60 - 4 * d)) as usize & 0xf]));
        }
    }
    out
}

impl AclIds {
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The id numbered `ix`; empty for a number that does not exist.
    pub(crate) fn text(&self, ix: u32) -> Cow<'_, str> {
        let text = self.ids.text(ix);
        match self.ids.tag(ix) {
            PACKED => Cow::Owned(unpack(text)),
            _ => Cow::Borrowed(text),
        }
    }

    /// The number of each id, if interned, in order, their lookups overlapping (see [`Interner::get_all`]).
    pub(crate) fn get_all<'k>(&self, ids: impl Iterator<Item = &'k str>) -> Vec<Option<u32>> {
        let keys: Vec<Key<'k>> = ids.map(Key::of).collect();
        self.ids.get_all(keys.iter().map(|k| Some(k.tagged())))
    }

    /// The number of `id`, adding it if new; the flag says whether it was added.
    pub(crate) fn intern(&mut self, id: &str) -> (u32, bool) {
        let key = Key::of(id);
        let (tag, text) = key.tagged();
        self.ids.intern(tag, text)
    }

    /// The number here of the id numbered `ix` in `other`, adding it if new: copied as it is kept, packed
    /// or not, without writing it out and reading it again.
    pub(crate) fn intern_from(&mut self, other: &AclIds, ix: u32) -> u32 {
        self.ids.intern(other.ids.tag(ix), other.ids.text(ix)).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_packed_and_read_back_as_given() {
        let mut ids = AclIds::default();
        let given = [
            "0b7e4d1c-93a2-4f60-8e15-2c9d7a3b6f01",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "00000000-0000-0000-0000-000000000000",
            // Not packed: uppercase, wrong hyphens, too short, not hex, the packed form of a UUID.
            "0B7E4D1C-93A2-4F60-8E15-2C9D7A3B6F01",
            "0b7e4d1c93a2-4f60-8e15-2c9d7a3b6f01-",
            "0b7e4d1c-93a2-4f60-8e15-2c9d7a3b6f0",
            "0b7e4d1c-93a2-4f60-8e15-2c9d7a3b6f0g",
            "a13",
            "",
        ];
        let packed = match Key::of(given[0]) {
            Key::Packed(bytes) => String::from_utf8(bytes.to_vec()).unwrap(),
            Key::Plain(_) => panic!("a lowercase UUID is packed"),
        };
        for id in given.iter().copied().chain([packed.as_str()]) {
            assert!(ids.intern(id).1, "{id:?}");
        }
        assert_eq!(ids.len(), given.len() + 1);
        for (ix, id) in given.iter().copied().chain([packed.as_str()]).enumerate() {
            assert_eq!(ids.text(ix as u32), id);
            assert_eq!(ids.get_all([id].into_iter()), [Some(ix as u32)]);
            assert_eq!(ids.intern(id), (ix as u32, false));
        }
        assert!(matches!(ids.text(0), Cow::Owned(_)) && matches!(ids.text(7), Cow::Borrowed("a13")));
        assert_eq!(ids.get_all(["0b7e4d1c-93a2-4f60-8e15-2c9d7a3b6f02"].into_iter()), [None]);
        assert_eq!(
            ids.get_all(given.iter().copied().chain(["zz"])),
            (0..9).map(Some).chain([None]).collect::<Vec<_>>()
        );
        assert_eq!(ids.text(99), "");
    }
}
