//! Compressed adjacency lists: every "key → list of u32" relation of the index (ACLs by object, ACLs by
//! holder, groups by principal, …) in two flat vectors instead of a `Vec` per key.

/// Lists of `u32` indexed by a dense key.
#[derive(Default)]
pub(crate) struct Csr {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Csr {
    /// Groups `(key, item)` pairs by key, keeping their order within each key. Keys must be `< keys`;
    /// pairs with larger keys are dropped.
    pub(crate) fn from_pairs(keys: usize, pairs: &[(u32, u32)]) -> Csr {
        let mut starts = vec![0u32; keys + 1];
        for &(k, _) in pairs {
            if let Some(c) = starts.get_mut(k as usize + 1) {
                *c += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut fill = starts.clone();
        let mut items = vec![0u32; starts.last().copied().unwrap_or(0) as usize];
        for &(k, v) in pairs {
            if let Some(pos) = fill.get_mut(k as usize)
                && let Some(slot) = items.get_mut(*pos as usize)
            {
                *slot = v;
                *pos += 1;
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_key_in_order() {
        let csr = Csr::from_pairs(3, &[(2, 7), (0, 1), (2, 5), (9, 9)]);
        assert_eq!(csr.get(0), &[1]);
        assert_eq!(csr.get(1), &[] as &[u32]);
        assert_eq!(csr.get(2), &[7, 5]);
        assert_eq!(csr.get(3), &[] as &[u32]);
    }
}
