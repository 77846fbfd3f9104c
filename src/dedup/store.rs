//! What dedup keeps per document: its signature (`k` × `u32`, in fixed-size
//! chunks so the store never reallocates) and its id (in per-chunk string
//! arenas with `u32` ends). Nothing else grows with the input.

use crate::sketch::minhash::{MinHashParams, SignatureRows};

/// Documents per chunk of the id arenas (as of the signature rows).
pub(crate) const CHUNK: usize = SignatureRows::CHUNK;

pub(crate) struct DocStore {
    len: usize,
    sigs: SignatureRows,
    ids: Vec<(String, Vec<u32>)>,
    /// Ids given in place of the stored ones (made unique).
    renamed: std::collections::BTreeMap<u32, String>,
    empty: Vec<u64>,
}

impl DocStore {
    pub(crate) fn new(params: MinHashParams) -> DocStore {
        DocStore {
            len: 0,
            sigs: SignatureRows::new(params),
            ids: Vec::new(),
            renamed: std::collections::BTreeMap::new(),
            empty: Vec::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Appends a document; `values` must hold `k` values.
    pub(crate) fn push(&mut self, id: &str, values: &[u32], empty: bool) -> crate::Result<()> {
        if self.len >= u32::MAX as usize {
            return Err(crate::Error::InvalidParameter {
                name: "INPUT",
                value: self.len.to_string(),
                reason: "more than 4,294,967,295 documents in one run",
            });
        }
        let (c, o) = (self.len / CHUNK, self.len % CHUNK);
        if o == 0 {
            self.ids.push((String::new(), Vec::with_capacity(CHUNK)));
        }
        self.sigs.push(values)?;
        let (arena, ends) = &mut self.ids[c];
        arena.push_str(id);
        let end = u32::try_from(arena.len()).map_err(|_| crate::Error::InvalidParameter {
            name: "id-field",
            value: format!("{} bytes of ids", arena.len()),
            reason: "ids are too long (over 4 GiB per 16,384 documents)",
        })?;
        ends.push(end);
        if self.len / 64 == self.empty.len() {
            self.empty.push(0);
        }
        if empty {
            self.empty[self.len / 64] |= 1 << (self.len % 64);
        }
        self.len += 1;
        Ok(())
    }

    pub(crate) fn signature(&self, doc: u32) -> &[u32] {
        self.sigs.row(doc as usize)
    }

    /// The MinHash estimate of Jaccard similarity of two documents.
    pub(crate) fn estimate(&self, a: u32, b: u32) -> f64 {
        self.sigs.estimate(a as usize, b as usize)
    }

    pub(crate) fn is_empty_doc(&self, doc: u32) -> bool {
        let d = doc as usize;
        self.empty[d / 64] & (1 << (d % 64)) != 0
    }

    pub(crate) fn id(&self, doc: u32) -> &str {
        if let Some(id) = self.renamed.get(&doc) {
            return id;
        }
        let d = doc as usize;
        let (c, o) = (d / CHUNK, d % CHUNK);
        let (arena, ends) = &self.ids[c];
        let start = if o == 0 { 0 } else { ends[o - 1] as usize };
        &arena[start..ends[o] as usize]
    }

    /// Groups of documents with equal ids, each sorted, groups by first
    /// document.
    pub(crate) fn duplicate_ids(&self) -> Vec<Vec<u32>> {
        use rayon::prelude::*;
        let mut keys: Vec<(u64, u32)> = (0..self.len as u32)
            .into_par_iter()
            .map(|d| (xxhash_rust::xxh3::xxh3_64(self.id(d).as_bytes()), d))
            .collect();
        keys.par_sort_unstable();
        let mut groups: Vec<Vec<u32>> = Vec::new();
        for run in keys.chunk_by(|x, y| x.0 == y.0).filter(|r| r.len() > 1) {
            // Equal hashes: group by the ids themselves.
            let mut docs: Vec<u32> = run.iter().map(|k| k.1).collect();
            docs.sort_by(|&a, &b| self.id(a).cmp(self.id(b)).then(a.cmp(&b)));
            for same in docs.chunk_by(|&a, &b| self.id(a) == self.id(b)) {
                if same.len() > 1 {
                    groups.push(same.to_vec());
                }
            }
        }
        groups.sort();
        groups
    }

    /// Gives the later documents of each group a `#2`, `#3`, ... suffix
    /// (skipping any suffixed id that is taken).
    pub(crate) fn make_unique(&mut self, groups: &[Vec<u32>]) {
        let mut taken: std::collections::HashSet<String> = (0..self.len as u32)
            .map(|d| self.id(d).to_owned())
            .collect();
        for g in groups {
            let base = self.id(g[0]).to_owned();
            let mut n = 1;
            for &d in &g[1..] {
                let id = loop {
                    n += 1;
                    let id = format!("{base}#{n}");
                    if !taken.contains(&id) {
                        break id;
                    }
                };
                taken.insert(id.clone());
                self.renamed.insert(d, id);
            }
        }
    }

    /// Frees the signatures (ids stay).
    pub(crate) fn drop_signatures(&mut self) {
        self.sigs.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_round_trips_across_chunks() {
        let mut s = DocStore::new(MinHashParams {
            permutations: 3,
            seed: 1,
            shingle_size: 5,
        });
        for i in 0..(CHUNK as u32 + 5) {
            s.push(&format!("d{i}"), &[i, i + 1, i + 2], i % 7 == 0)
                .unwrap();
        }
        for i in [
            0u32,
            1,
            6,
            7,
            CHUNK as u32 - 1,
            CHUNK as u32,
            CHUNK as u32 + 4,
        ] {
            assert_eq!(s.id(i), format!("d{i}"));
            assert_eq!(s.signature(i), [i, i + 1, i + 2]);
            assert_eq!(s.is_empty_doc(i), i % 7 == 0);
        }
    }
}
