//! Compressed adjacency lists: every "key → list of u32" relation of the index (ACLs by object, ACLs by
//! holder, groups by principal, …) in two flat vectors instead of a `Vec` per key.

use super::DenseMap;

/// Lists of `u32` indexed by a dense key.
#[derive(Default)]
pub(crate) struct Csr {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Csr {
    /// Groups `(key, item)` pairs by key, keeping their order within each key. Keys must be `< keys`;
    /// pairs with larger keys are dropped. The pairs are gone through twice (counted, then placed) rather
    /// than collected: at 100k ACL rows a list of them was 0.8 MB at the build's peak.
    pub(crate) fn from_pairs(keys: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Csr {
        // `starts[k + 1]` counts key `k`'s items, then (summed) is where key `k + 1`'s begin.
        let mut starts = vec![0u32; keys + 1];
        for (k, _) in pairs.clone() {
            if let Some(c) = starts.get_mut(k as usize + 1) {
                *c += 1;
            }
        }
        let mut total = 0;
        for start in &mut starts {
            total += *start;
            *start = total;
        }
        // Placing an item moves its key's start up by one, so that each ends where the next key starts;
        // shifting by one key then gives the starts back.
        let mut items = vec![0u32; total as usize];
        for (k, v) in pairs {
            if let Some(pos) = starts.get_mut(k as usize)
                && let Some(slot) = items.get_mut(*pos as usize)
            {
                *slot = v;
                *pos += 1;
            }
        }
        starts.rotate_right(1);
        if let Some(first) = starts.first_mut() {
            *first = 0;
        }
        Csr { starts, items }
    }

    /// The list of `key`; empty for a key out of range.
    pub(crate) fn get(&self, key: usize) -> &[u32] {
        match (self.starts.get(key), self.starts.get(key + 1)) {
            (Some(&a), Some(&b)) => self.items.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// A [`Csr`] that can grow: the lists as built, and per key the items added since. Deltas add ACLs; the
/// built lists stay flat, and the added items are chained through one vector of links, their freed links
/// taken again by later pushes. A `Vec` per key was a small allocation per added row and a free per
/// removed one: at 1k rows a batch, the allocator's own bookkeeping was a fifth of the batch (perf,
/// 2026-11-28).
#[derive(Default)]
pub(crate) struct Lists {
    built: Csr,
    /// Above every built item: dropping only items from here up leaves the built lists as they are.
    built_end: u32,
    /// For each key with added items, the first and last of its chain in `links`.
    added: DenseMap<u32, (u32, u32)>,
    links: Vec<Link>,
    /// The first of the free links, chained through `next`; [`NONE`] when there is none.
    free: u32,
}

/// One added item and the link after it in its key's chain (or in the free chain).
#[derive(Clone, Copy)]
struct Link {
    item: u32,
    next: u32,
}

/// The end of a chain.
const NONE: u32 = u32::MAX;

/// The items of one key's chain, in the order they were pushed.
struct Chain<'l> {
    links: &'l [Link],
    at: u32,
}

impl<'l> Iterator for Chain<'l> {
    type Item = &'l u32;

    fn next(&mut self) -> Option<&'l u32> {
        let link = self.links.get(self.at as usize)?;
        self.at = link.next;
        Some(&link.item)
    }
}

impl Lists {
    pub(crate) fn new(built: Csr) -> Lists {
        let built_end = built.items.iter().max().map_or(0, |&m| m.saturating_add(1));
        Lists { built, built_end, added: DenseMap::default(), links: Vec::new(), free: NONE }
    }

    /// The list of `key`, built items first; empty for a key never given one.
    pub(crate) fn get(&self, key: usize) -> impl Iterator<Item = &u32> {
        self.built(key).iter().chain(self.added(key))
    }

    /// The items `key`'s list was built with (some overwritten with `u32::MAX` since).
    pub(crate) fn built(&self, key: usize) -> &[u32] {
        self.built.get(key)
    }

    /// The items pushed to `key`'s list and not dropped, in order.
    pub(crate) fn added(&self, key: usize) -> impl Iterator<Item = &u32> {
        let first = u32::try_from(key).ok().and_then(|k| self.added.get(&k)).map_or(NONE, |&(first, _)| first);
        Chain { links: &self.links, at: first }
    }

    pub(crate) fn push(&mut self, key: u32, item: u32) {
        let link = Link { item, next: NONE };
        let at = match self.links.get_mut(self.free as usize) {
            Some(free) => {
                let at = self.free;
                self.free = free.next;
                *free = link;
                at
            }
            None => {
                self.links.push(link);
                self.links.len() as u32 - 1
            }
        };
        match self.added.get_mut(&key) {
            Some((_, last)) => {
                if let Some(tail) = self.links.get_mut(*last as usize) {
                    tail.next = at;
                }
                *last = at;
            }
            None => {
                self.added.insert(key, (at, at));
            }
        }
    }

    /// Drops from the list of `key` the items in `gone`. Built items are overwritten with `u32::MAX`
    /// (which names nothing) rather than moved, so other keys' lists stay where they are; when `gone`
    /// holds no item that could be built, the built list is not read at all (it is cold, and a delta's
    /// removes are mostly of rows earlier deltas added). A key left with no added items leaves the map:
    /// lookups of keys that are not in it stop at its control bytes, so a map that kept every key ever
    /// added to would make every later lookup a cache miss.
    pub(crate) fn drop_items(&mut self, key: u32, gone: &ItemSet) {
        let kept = |a: &u32| !gone.contains(*a);
        if let Some(&(first, _)) = self.added.get(&key) {
            // The chain is walked again, keeping what stays linked in order.
            let (mut head, mut tail) = (NONE, NONE);
            let mut at = first;
            while let Some(&link) = self.links.get(at as usize) {
                let here = at;
                at = link.next;
                if kept(&link.item) {
                    match self.links.get_mut(tail as usize) {
                        Some(prev) => prev.next = here,
                        None => head = here,
                    }
                    tail = here;
                } else if let Some(freed) = self.links.get_mut(here as usize) {
                    freed.next = self.free;
                    self.free = here;
                }
            }
            match self.links.get_mut(tail as usize) {
                Some(last) => {
                    last.next = NONE;
                    self.added.insert(key, (head, tail));
                }
                None => {
                    self.added.remove(&key);
                }
            }
        }
        if gone.first().is_none_or(|first| first >= self.built_end) {
            return;
        }
        let (Some(&start), Some(&end)) = (self.built.starts.get(key as usize), self.built.starts.get(key as usize + 1))
        else {
            return;
        };
        for item in self.built.items.get_mut(start as usize..end as usize).unwrap_or(&mut []) {
            if *item != u32::MAX && !kept(item) {
                *item = u32::MAX;
            }
        }
    }
}

/// Items as bits, from the first of them: the rows a batch removed, asked about for every item of the
/// lists it drops them from. A binary search of a sorted list of them was most of what dropping cost
/// (perf, 2026-11-28): its ten steps each wait on the one before.
pub(crate) struct ItemSet {
    first: u32,
    bits: Vec<u64>,
}

impl ItemSet {
    pub(crate) fn of(items: &[u32]) -> ItemSet {
        let first = items.iter().copied().min().unwrap_or(0);
        let span = items.iter().map(|&i| i - first).max().map_or(0, |last| last as usize / 64 + 1);
        let mut set = ItemSet { first, bits: vec![0; span] };
        for &i in items {
            let at = i - first;
            if let Some(word) = set.bits.get_mut(at as usize / 64) {
                *word |= 1 << (at % 64);
            }
        }
        set
    }

    pub(crate) fn contains(&self, item: u32) -> bool {
        let Some(at) = item.checked_sub(self.first) else { return false };
        self.bits.get(at as usize / 64).is_some_and(|word| word >> (at % 64) & 1 == 1)
    }

    /// The smallest item; `None` for an empty set.
    fn first(&self) -> Option<u32> {
        (!self.bits.is_empty()).then_some(self.first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_key_in_order() {
        let csr = Csr::from_pairs(3, [(2, 7), (0, 1), (2, 5), (9, 9)].into_iter());
        assert_eq!(csr.get(0), &[1]);
        assert_eq!(csr.get(1), &[] as &[u32]);
        assert_eq!(csr.get(2), &[7, 5]);
        assert_eq!(csr.get(3), &[] as &[u32]);
    }

    #[test]
    fn lists_grow_after_the_built_items() {
        let mut lists = Lists::new(Csr::from_pairs(2, [(1, 4)].into_iter()));
        lists.push(1, 6);
        lists.push(7, 8);
        assert_eq!(lists.get(1).copied().collect::<Vec<_>>(), [4, 6]);
        assert_eq!(lists.get(7).copied().collect::<Vec<_>>(), [8]);
        assert_eq!(lists.get(0).count(), 0);
    }

    #[test]
    fn dropped_items_leave_built_and_added_lists() {
        let mut lists = Lists::new(Csr::from_pairs(2, [(1, 4), (1, 5), (0, 3)].into_iter()));
        lists.push(1, 6);
        lists.push(1, 7);
        lists.drop_items(1, &ItemSet::of(&[6]));
        assert_eq!(lists.get(1).copied().collect::<Vec<_>>(), [4, 5, 7]);
        lists.drop_items(1, &ItemSet::of(&[9, 4, 7]));
        assert_eq!(lists.get(1).copied().filter(|&a| a != u32::MAX).collect::<Vec<_>>(), [5]);
        assert_eq!(lists.get(0).copied().collect::<Vec<_>>(), [3]);
    }

    #[test]
    fn item_sets_hold_what_they_were_made_of() {
        let items = [700, 64, 65, 127, 128, 900, 64];
        let set = ItemSet::of(&items);
        for i in 0..1000 {
            assert_eq!(set.contains(i), items.contains(&i), "{i}");
        }
        assert_eq!(set.first(), Some(64));
        let empty = ItemSet::of(&[]);
        assert!(empty.first().is_none() && !empty.contains(0) && !empty.contains(u32::MAX));
        assert!(ItemSet::of(&[u32::MAX]).contains(u32::MAX));
    }

    #[test]
    fn freed_links_are_taken_again_without_mixing_chains() {
        let mut lists = Lists::new(Csr::default());
        for (key, item) in [(1, 10), (2, 20), (1, 11), (2, 21), (1, 12)] {
            lists.push(key, item);
        }
        lists.drop_items(1, &ItemSet::of(&[10, 12]));
        lists.drop_items(2, &ItemSet::of(&[20, 21]));
        assert_eq!(lists.get(2).count(), 0);
        for (key, item) in [(3, 30), (1, 13), (3, 31), (2, 22), (1, 14)] {
            lists.push(key, item);
        }
        assert_eq!(lists.links.len(), 6, "the four freed links are used again");
        assert_eq!(lists.get(1).copied().collect::<Vec<_>>(), [11, 13, 14]);
        assert_eq!(lists.get(2).copied().collect::<Vec<_>>(), [22]);
        assert_eq!(lists.get(3).copied().collect::<Vec<_>>(), [30, 31]);
        lists.drop_items(1, &ItemSet::of(&[11]));
        lists.push(1, 15);
        assert_eq!(lists.get(1).copied().collect::<Vec<_>>(), [13, 14, 15]);
    }
}
