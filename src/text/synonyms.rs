//! English synonyms from WordNet's synsets (the crate `thesaurus-wordnet`,
//! which ships them compressed inside the binary), for matching a word
//! replaced by a synonym.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Every single-word lemma and its single-word synonyms, over all senses,
/// by lemma.
fn words() -> &'static HashMap<Box<str>, Vec<Box<str>>> {
    static TABLE: OnceLock<HashMap<Box<str>, Vec<Box<str>>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let text = thesaurus_wordnet::uncompress();
        let mut table: HashMap<Box<str>, Vec<Box<str>>> = HashMap::new();
        for line in text.lines() {
            let mut fields = line.split('|');
            let Some(word) = fields.next() else { continue };
            if word.contains(' ') {
                continue;
            }
            let mut synonyms: Vec<Box<str>> = fields
                .filter(|s| !s.contains(' ') && !s.is_empty() && *s != word)
                .map(Box::from)
                .collect();
            synonyms.sort_unstable();
            synonyms.dedup();
            if !synonyms.is_empty() {
                table.insert(Box::from(word), synonyms);
            }
        }
        table
    })
}

/// The WordNet synonyms of a lowercase English word, as they are listed.
pub fn synonyms(w: &str) -> &'static [Box<str>] {
    words().get(w).map_or(&[], |v| v.as_slice())
}

/// Synonym stem hashes by stem hash (an in-memory map: the hashes are the
/// caller's, stable; the map's own hashing is not).
pub type StemSynonyms = ahash::AHashMap<u64, Vec<u64>>;

/// WordNet's synonyms by stem: for the stem hash of every lemma (`stem`
/// maps a lowercase word to its hash, 0 for a stopword), the sorted stem
/// hashes of the synonyms WordNet lists for it that are not stopwords
/// and stem differently.
/// Words sharing a stem share their synonyms (the inflections of a lemma,
/// and the rare lemmas the stemmer conflates). Built once per `key` (the
/// caller's hash seed) and kept for the process.
pub fn by_stem(key: u64, stem: impl Fn(&str) -> u64) -> &'static StemSynonyms {
    static CACHE: OnceLock<Mutex<HashMap<u64, &'static StemSynonyms>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    cache.entry(key).or_insert_with(|| {
        let mut map = StemSynonyms::new();
        for (word, synonyms) in words() {
            let h = stem(word);
            if h == 0 {
                continue;
            }
            let entry = map.entry(h).or_default();
            entry.extend(
                synonyms
                    .iter()
                    .map(|s| stem(s))
                    .filter(|&g| g != 0 && g != h),
            );
        }
        map.retain(|_, v| {
            v.sort_unstable();
            v.dedup();
            !v.is_empty()
        });
        Box::leak(Box::new(map))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_wordnet_synonyms() {
        assert!(synonyms("disaster").iter().any(|s| &**s == "catastrophe"));
        assert!(synonyms("car").iter().any(|s| &**s == "automobile"));
        assert!(synonyms("qwzx").is_empty());
    }

    #[test]
    fn synonyms_by_stem_join_inflections_and_leave_out_stopwords() {
        let stem = |w: &str| -> u64 {
            if w == "the" {
                return 0;
            }
            // A toy stemmer: drop a plural s.
            let s = w.strip_suffix('s').unwrap_or(w);
            xxhash_rust::xxh3::xxh3_64(s.as_bytes()).max(1)
        };
        let map = by_stem(7, stem);
        let cars = map.get(&stem("cars")).expect("car has synonyms");
        assert!(cars.contains(&stem("automobiles")));
        assert!(!cars.contains(&stem("car")));
        assert!(cars.windows(2).all(|w| w[0] < w[1]));
        assert!(map.values().all(|v| !v.contains(&0)));
    }
}
