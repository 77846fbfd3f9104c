//! English synonyms from WordNet's synsets (the crate `thesaurus-wordnet`,
//! which ships them compressed inside the binary), for matching a word
//! replaced by a synonym.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Every single-word lemma of the table `text` (one `lemma|synonym|...`
/// line per lemma, as `thesaurus-wordnet` ships it) with its single-word
/// synonyms, over all senses.
fn entries(text: &str) -> impl Iterator<Item = (&str, Vec<&str>)> {
    text.lines().filter_map(|line| {
        let mut fields = line.split('|');
        let word = fields
            .next()
            .filter(|w| !w.is_empty() && !w.contains(' '))?;
        let synonyms: Vec<&str> = fields
            .filter(|s| !s.contains(' ') && !s.is_empty() && *s != word)
            .collect();
        (!synonyms.is_empty()).then_some((word, synonyms))
    })
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
        let text = thesaurus_wordnet::uncompress();
        for (word, synonyms) in entries(&text) {
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
        let text = thesaurus_wordnet::uncompress();
        let words: HashMap<&str, Vec<&str>> = entries(&text).collect();
        let has = |w: &str, s: &str| words.get(w).is_some_and(|v| v.contains(&s));
        assert!(has("disaster", "catastrophe"));
        assert!(has("car", "automobile"));
        assert!(!words.contains_key("qwzx"));
        // Multi-word lemmas and synonyms are left out.
        assert!(words.keys().all(|w| !w.contains(' ')));
        assert!(words.values().flatten().all(|s| !s.contains(' ')));
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
