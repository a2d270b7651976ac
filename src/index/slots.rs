//! The open-addressing table under the interners and the build's grant table: numbers findable by hash.
//!
//! Both tables keep their keys elsewhere (the interned text, the ACL rows) and hold only numbers, which
//! a caller compares against the real key; so a slot needs the number, plus enough of the key's hash to
//! rule most candidates out without reading their keys (each such read is a cache miss). A slot is 4
//! bytes: the number in the low bits and, above it, as many of the hash's top bits as the table's size
//! leaves free. A table is at most half full, so its numbers fit in log2(slots) bits; at 100k ids that
//! leaves 14 bits of hash, and one candidate in 16k is read in vain. With 8-byte slots (a 32-bit number
//! beside 32 bits of hash) the ACL ids of a 100k-row org took 2 MiB of slots instead of 1.

/// The multiplier of rustc's FxHash: cheap, and good enough for ids that are UUIDs or short names.
pub(crate) const K: u64 = 0x517c_c1b7_2722_0a95;

/// Mixes a multiplying hash's high bits into its low ones (murmur3's fmix64).
///
/// Multiplying only carries entropy upwards, and open-addressing tables are indexed by the low bits:
/// ids that differ in one early chunk (UUIDs, numbered ids) clustered badly without this (2026-11-28: on
/// 100k-row snapshots it cut probing from over half of load and check time to noise).
pub(crate) fn spread(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Linear probing over a power-of-two number of slots: `0` is empty, otherwise the hash's top bits above
/// the number (never 0), which takes the bits of `size - 1`.
#[derive(Default)]
pub(crate) struct Slots {
    slots: Vec<u32>,
    /// The low bits of a slot that hold the number.
    mask: u32,
}

impl Slots {
    /// An empty table of `size` slots (a power of two).
    pub(crate) fn with_size(size: usize) -> Slots {
        // A half-full table's numbers are below its size.
        let mask = u32::try_from(size.wrapping_sub(1)).unwrap_or(u32::MAX);
        Slots { slots: vec![0; size], mask }
    }

    /// Empties the table into `size` slots (a power of two), the old ones freed before the new are taken:
    /// a number's hash bits depend on the table's size, so callers place every number again anyway.
    pub(crate) fn reset(&mut self, size: usize) {
        *self = Slots::default();
        *self = Slots::with_size(size);
    }

    /// The number of slots.
    pub(crate) fn size(&self) -> usize {
        self.slots.len()
    }

    /// Whether `number` fits in a slot beside the hash bits.
    pub(crate) fn fits(&self, number: u32) -> bool {
        number != 0 && number <= self.mask
    }

    fn high(&self, hash: u64) -> u32 {
        (hash >> 32) as u32 & !self.mask
    }

    /// Puts `number` (which [`fits`](Self::fits)) in the first empty slot from `hash`'s. The table must
    /// have an empty slot.
    pub(crate) fn place(&mut self, hash: u64, number: u32) {
        let mask = self.slots.len().wrapping_sub(1);
        let high = self.high(hash);
        let mut pos = hash as usize & mask;
        while let Some(slot) = self.slots.get_mut(pos) {
            if *slot == 0 {
                *slot = high | number;
                return;
            }
            pos = (pos + 1) & mask;
        }
    }

    /// The slot a probe for `hash` starts at, as it is: `0` when empty.
    pub(crate) fn first(&self, hash: u64) -> u32 {
        self.slots.get(hash as usize & self.slots.len().wrapping_sub(1)).copied().unwrap_or(0)
    }

    /// The number in `slot`, a slot read for `hash`, if it holds one placed with `hash`'s top bits.
    pub(crate) fn number_in(&self, slot: u32, hash: u64) -> Option<u32> {
        (slot != 0 && slot & !self.mask == self.high(hash)).then_some(slot & self.mask)
    }

    /// The numbers placed with hashes whose top bits match `hash`'s, in probe order: what a lookup has
    /// to compare its key against.
    pub(crate) fn candidates(&self, hash: u64) -> impl Iterator<Item = u32> + '_ {
        let mask = self.slots.len().wrapping_sub(1);
        let start = hash as usize & mask;
        (0..self.slots.len())
            .map(move |i| self.slots.get((start + i) & mask).copied().unwrap_or(0))
            .take_while(|&slot| slot != 0)
            .filter_map(move |slot| self.number_in(slot, hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_number_among_colliding_hashes() {
        let mut slots = Slots::with_size(64);
        // Ten numbers on one start slot, half of them with the same top bits.
        for n in 1..=10u32 {
            let high = if n % 2 == 0 { 0xabcd_0000_0000_0000 } else { 0x1234_0000_0000_0000 };
            slots.place(high | 7, n);
        }
        assert_eq!(slots.candidates(0xabcd_0000_0000_0007).collect::<Vec<_>>(), [2, 4, 6, 8, 10]);
        assert_eq!(slots.candidates(0x1234_0000_0000_0007).collect::<Vec<_>>(), [1, 3, 5, 7, 9]);
        assert_eq!(slots.candidates(0x1234_0000_0000_0020).count(), 0);
        let first = slots.first(0xabcd_0000_0000_0007);
        assert_eq!(slots.number_in(first, 0x1234_0000_0000_0007), Some(1));
        assert_eq!(slots.number_in(first, 0xabcd_0000_0000_0007), None, "slot 7 holds a number with other bits");
        assert_eq!((slots.first(0x20), slots.number_in(0, 0x20)), (0, None));
        assert!(slots.fits(63) && !slots.fits(64) && !slots.fits(0));
        assert_eq!(Slots::default().candidates(5).count(), 0);
    }
}
