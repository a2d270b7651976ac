//! Storage that grows without moving what it holds: the index's largest tables, which grow row by row
//! while a snapshot loads.
//!
//! wasm linear memory only ever grows. A `Vec` that doubles copies itself into a block twice the size and
//! frees the old one, and the old blocks of a few large vectors growing side by side are holes that
//! nothing later fills: at 100k rows, 7 of the 32 MiB of wasm memory after a load were such holes
//! (2026-11-28, measured by allocating the same tables at their final size up front). Here storage grows
//! one chunk of about 64 KiB at a time and a chunk is never reallocated, so a table costs what it holds
//! plus at most one part-filled chunk, and the memory freed elsewhere during a load can be reused in
//! chunk-sized pieces.

/// The bytes a chunk is meant to take.
const CHUNK_BYTES: usize = 1 << 16;

/// A vector of `T` in fixed-size chunks.
pub(crate) struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked { chunks: Vec::new(), len: 0 }
    }
}

impl<T> Chunked<T> {
    /// log2 of the items in a chunk: a power of two, so that finding an item is a shift and a mask.
    const SHIFT: u32 = {
        let items = if size_of::<T>() == 0 { CHUNK_BYTES } else { CHUNK_BYTES / size_of::<T>() };
        if items == 0 { 0 } else { items.ilog2() }
    };
    const MASK: usize = (1 << Self::SHIFT) - 1;

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < chunk.capacity() => chunk.push(item),
            _ => {
                let mut chunk = Vec::with_capacity(1 << Self::SHIFT);
                chunk.push(item);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    pub(crate) fn get(&self, ix: usize) -> Option<&T> {
        self.chunks.get(ix >> Self::SHIFT)?.get(ix & Self::MASK)
    }

    pub(crate) fn get_mut(&mut self, ix: usize) -> Option<&mut T> {
        self.chunks.get_mut(ix >> Self::SHIFT)?.get_mut(ix & Self::MASK)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> + Clone {
        self.into_iter()
    }

    /// Keeps the items `keep` accepts, in order. Each chunk is freed once its items have moved, so this
    /// holds at most one chunk more than the items kept.
    pub(crate) fn retain(self, mut keep: impl FnMut(&T) -> bool) -> Chunked<T> {
        let mut kept = Chunked::default();
        for item in self.chunks.into_iter().flatten() {
            if keep(&item) {
                kept.push(item);
            }
        }
        kept
    }
}

impl<T> Extend<T> for Chunked<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.push(item);
        }
    }
}

impl<'a, T> IntoIterator for &'a Chunked<T> {
    type Item = &'a T;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<T>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.chunks.iter().flatten()
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Chunked<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Strings appended one after another, each readable as a `&str` by its position: the text of an
/// interning table.
///
/// A string never spans two chunks, so it stays one slice: one that does not fit in what is left of the
/// current chunk starts the next, and one longer than a chunk gets a chunk of exactly its size. A
/// position is a chunk's number times the chunk size plus an offset in it, found by a division by a power
/// of two.
#[derive(Default)]
pub(crate) struct Text {
    chunks: Vec<String>,
}

impl Text {
    /// Appends `s`, returning its position.
    pub(crate) fn push(&mut self, s: &str) -> usize {
        let number = self.chunks.len().saturating_sub(1);
        match self.chunks.last_mut() {
            Some(chunk) if s.len() <= chunk.capacity() - chunk.len() => {
                let start = number * CHUNK_BYTES + chunk.len();
                chunk.push_str(s);
                start
            }
            _ => {
                let mut chunk = String::with_capacity(s.len().max(CHUNK_BYTES));
                chunk.push_str(s);
                self.chunks.push(chunk);
                (self.chunks.len() - 1) * CHUNK_BYTES
            }
        }
    }

    /// The string pushed at `start`, given where the string pushed after it starts (`None` for the last).
    /// A string ends where the next begins, or, when that is in a later chunk, where its chunk's text
    /// ends (nothing is added to a chunk once a later one exists), so the length need not be kept.
    pub(crate) fn get(&self, start: usize, next: Option<usize>) -> &str {
        let (number, offset) = (start / CHUNK_BYTES, start % CHUNK_BYTES);
        let Some(chunk) = self.chunks.get(number) else { return "" };
        let end = match next {
            Some(next) if next / CHUNK_BYTES == number => next % CHUNK_BYTES,
            _ => chunk.len(),
        };
        chunk.get(offset..end).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_stay_where_they_were_put() {
        let mut v: Chunked<u64> = Chunked::default();
        v.extend(0..20_000u64);
        assert_eq!(v.len(), 20_000);
        assert_eq!(v.get(8191), Some(&8191));
        assert_eq!(v.get(8192), Some(&8192));
        assert_eq!(v.get(20_000), None);
        *v.get_mut(9000).unwrap() = 1;
        assert_eq!(v.iter().copied().sum::<u64>(), (0..20_000u64).sum::<u64>() - 9000 + 1);
        let odd = v.retain(|&x| x % 2 == 1);
        assert_eq!(odd.len(), 10_001, "9000 became 1, which is odd");
        assert_eq!((odd.get(4499), odd.get(4500), odd.get(4501)), (Some(&8999), Some(&1), Some(&9001)));
        assert_eq!(odd.get(0), Some(&1));
    }

    #[test]
    fn strings_stay_whole_across_chunks() {
        let mut text = Text::default();
        let long = "x".repeat(CHUNK_BYTES * 2 + 5);
        let mut given = Vec::new();
        for i in 0..5_000 {
            // Empty strings too, some at a chunk's very end.
            let s = match i {
                2_000 => long.clone(),
                _ if i % 7 == 0 => String::new(),
                _ => format!("id-{i:0>30}"),
            };
            given.push((text.push(&s), s));
        }
        let starts: Vec<usize> = given.iter().map(|(start, _)| *start).collect();
        for (i, (start, s)) in given.iter().enumerate() {
            assert_eq!(text.get(*start, starts.get(i + 1).copied()), s, "string {i}");
        }
        assert_eq!(text.get(usize::MAX - 3, None), "");
    }
}
