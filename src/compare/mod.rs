//! The comparer: shared sentences across documents and pairwise document
//! similarity, without all-pairs work.
//!
//! # Shared sentences
//! 1. Every document is tokenized and split into sentences ([`crate::text`]).
//! 2. Sentences equal after normalization form one *class* (found by hashing,
//!    exact); a class present in two or more documents is a `verbatim` group.
//! 3. Each class gets word-bigram shingles (bigrams of stopwords only are
//!    dropped) and a MinHash signature (in parallel); LSH over the signatures,
//!    at 0.4 × the threshold because alignment similarity runs well above
//!    bigram Jaccard, proposes candidate pairs of classes from different
//!    documents.
//! 4. Every candidate is verified exactly: the two must share at least
//!    [`CompareConfig::min_shared_shingles`] bigrams; then the words are
//!    aligned (longest common subsequence) and the pair is `near` if the
//!    alignment similarity `2·LCS/(|a|+|b|)` reaches
//!    [`CompareConfig::threshold`] or the alignment covers
//!    [`CompareConfig::containment`] of the shorter sentence (a trimmed
//!    copy), *and* at least [`CompareConfig::min_content_words`] aligned words
//!    are content words, neither stopwords nor capitalised name words. The last
//!    rule is what keeps "Secretary of State Rex Tillerson" or "Syrian
//!    President Bashar al-Assad" from counting as shared text.
//! 5. Verified pairs are joined with union-find into groups; a sentence reused
//!    by three articles is one group with three members.
//! 6. A group is `boilerplate` (page furniture) when its text is a fragment
//!    (fewer than [`CompareConfig::min_words`] words or too few content words,
//!    like "Adjust Comment Print") or when it appears in so many documents
//!    that it cannot be reuse of one source ([`CompareConfig::boilerplate_docs`]).
//!
//! # Document pairs
//! Exact Jaccard and containment of word 5-gram shingle sets, the MinHash
//! estimate, and the number of shared (non-boilerplate) sentence groups. With
//! up to [`CompareConfig::all_pairs_limit`] documents every pair is reported;
//! above that, only pairs that share a sentence group, or that LSH over
//! document signatures proposes and whose exact Jaccard reaches the threshold
//! (or whose containment reaches the containment threshold).
//!
//! In: [`InputDoc`]s (from [`crate::source`]). Out: a [`Comparison`], which
//! [`crate::report`] writes.

mod analysis;
mod config;
mod groups;
mod overlap;
mod pairs;
mod result;
mod verify;

use rayon::prelude::*;

pub use config::CompareConfig;
pub use result::*;

use crate::align::{AlignDoc, Aligner, Background, Passage, PassagePair};
use crate::error::{Error, Result};
use crate::sketch::lsh::LshParams;
use crate::sketch::minhash::{MinHashParams, MinHasher, Signature, SCHEME};
use crate::sketch::shingle::Shingler;
use crate::source::InputDoc;
use analysis::DocAnalysis;

/// The comparer, built once from a validated [`CompareConfig`] and reusable
/// for any number of document sets.
#[derive(Debug, Clone)]
pub struct Comparer {
    config: CompareConfig,
    doc_shingler: Shingler,
    sent_shingler: Shingler,
    doc_hasher: MinHasher,
    sent_hasher: MinHasher,
    sent_lsh: LshParams,
    aligner: Aligner,
}

impl Comparer {
    /// Validates `config` and prepares the hashers; an invalid setting is
    /// [`Error::InvalidParameter`] naming it.
    pub fn new(config: CompareConfig) -> Result<Comparer> {
        config.validate()?;
        let hasher = |shingle_size| {
            MinHasher::new(MinHashParams {
                permutations: config.permutations,
                seed: config.seed,
                shingle_size,
            })
        };
        let aligner = Aligner::new(crate::align::AlignConfig {
            seed: config.seed,
            ..config.align.clone()
        })?;
        Ok(Comparer {
            doc_shingler: Shingler::new(config.document_shingle, config.seed)?,
            sent_shingler: Shingler::new(config.sentence_shingle, config.seed)?,
            doc_hasher: hasher(config.document_shingle)?,
            sent_hasher: hasher(config.sentence_shingle)?,
            sent_lsh: LshParams::for_threshold(
                config.threshold * config::LSH_SHARE,
                config.permutations,
                0.5,
                0.5,
            )?,
            aligner,
            config,
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &CompareConfig {
        &self.config
    }

    /// Compares documents: shared sentences, document pairs and reused
    /// passages. The result depends only on the documents and the
    /// configuration, never on the number of threads.
    pub fn compare(&self, docs: Vec<InputDoc>) -> Result<Comparison> {
        if docs.is_empty() {
            return Err(Error::NothingToAnalyse);
        }
        let config = &self.config;
        // 1. Every document analysed, in parallel, and signed.
        let mut analyses: Vec<DocAnalysis> = docs
            .par_iter()
            .map(|d| analysis::analyse(&d.text, &self.doc_shingler, config.align.language))
            .collect();
        let doc_sigs: Vec<Signature> = self
            .doc_hasher
            .signatures(&analyses.iter().map(|a| &a.shingles[..]).collect::<Vec<_>>());
        // 2-6. Classes of equal sentences, near pairs, groups.
        let classes = analysis::build_classes(&analyses, config, &self.sent_shingler);
        analyses
            .iter_mut()
            .for_each(DocAnalysis::release_class_inputs);
        let edges = groups::near_pairs(&classes, &self.sent_hasher, self.sent_lsh, config)?;
        let groups = groups::build(&classes, &edges, docs.len(), config);
        drop(classes);
        // 7. Documents and document pairs.
        let all_pairs = docs.len() <= config.all_pairs_limit;
        let (mut documents, pair_shared) = pairs::summarize(&docs, &analyses, &groups, all_pairs);
        let pair_list = pairs::pair_list(&analyses, &doc_sigs, &pair_shared, config)?;
        let pairs = pairs::stats(&pair_list, &docs, &analyses, &doc_sigs, &pair_shared)?;
        drop((doc_sigs, pair_shared));
        analyses.iter_mut().for_each(DocAnalysis::release_sketches);
        // 8. Passages of every listed pair, and what each document adds.
        let align_docs: Vec<AlignDoc> = docs
            .par_iter()
            .zip(&analyses)
            .map(|(d, a)| self.aligner.doc_from_analyzed(&d.text, &a.analyzed))
            .collect();
        // Rarity is measured against the whole collection: a phrase every
        // article uses explains nothing.
        let background = Background::new(&align_docs);
        let aligned = self.align_pairs(&align_docs, &background, &pair_list);
        let rarities = groups::rarities(&groups, &analyses, &align_docs, &background);
        drop(align_docs);
        overlap::source_overlap(&mut documents, &docs, &analyses, &aligned);
        let passages = aligned
            .iter()
            .flat_map(|&((a, b), ref ps)| {
                let (da, db) = (&docs[a as usize], &docs[b as usize]);
                let (la, lb) = (&analyses[a as usize].lines, &analyses[b as usize].lines);
                ps.iter().map(move |p| Passage::new(p, (da, la), (db, lb)))
            })
            .collect();
        Ok(Comparison {
            params: self.params(),
            documents,
            pairs,
            shared: groups::report(groups, &rarities, &docs, &analyses),
            passages,
            skipped: Vec::new(),
        })
    }

    /// Aligns every listed pair of the prepared documents.
    fn align_pairs(
        &self,
        align_docs: &[AlignDoc],
        background: &Background,
        pairs: &[(u32, u32)],
    ) -> Vec<((u32, u32), Vec<PassagePair>)> {
        pairs
            .par_iter()
            .map(|&(a, b)| {
                let ps = self.aligner.align_with(
                    &align_docs[a as usize],
                    &align_docs[b as usize],
                    background,
                );
                ((a, b), ps)
            })
            .collect()
    }

    fn params(&self) -> Params {
        let config = &self.config;
        Params {
            scheme: SCHEME,
            permutations: config.permutations,
            seed: config.seed,
            document_shingle: config.document_shingle,
            sentence_shingle: config.sentence_shingle,
            threshold: config.threshold,
            containment: config.containment,
            min_words: config.min_words,
            min_content_words: config.min_content_words,
            min_shared_shingles: config.min_shared_shingles,
            boilerplate_docs: config.boilerplate_docs,
            all_pairs_limit: config.all_pairs_limit,
            sentence_lsh: self.sent_lsh,
        }
    }
}

/// Compares documents with `config`: [`Comparer::new`] then
/// [`Comparer::compare`].
pub fn compare(docs: Vec<InputDoc>, config: &CompareConfig) -> Result<Comparison> {
    Comparer::new(config.clone())?.compare(docs)
}

#[cfg(test)]
mod tests {
    use super::analysis::{analyse, sentence_shingles, Class};
    use super::verify::{align, verify};
    use super::*;
    use crate::util::UnionFind;
    use ahash::AHashMap;

    fn class_of(text: &str) -> Class {
        let shingler = Shingler::new(2, 1).unwrap();
        let a = analyse(text, &shingler, None);
        let sent = &a.analyzed.sentences[0];
        let key = &a.token_hashes[sent.tokens.clone()];
        let content: Vec<bool> = a.content[sent.tokens.clone()].to_vec();
        let config = CompareConfig::default();
        Class {
            members: vec![(0, 0)],
            shingles: sentence_shingles(&shingler, key, &a.stop[sent.tokens.clone()]),
            fragment: sent.tokens.len() < config.min_words
                || content.iter().filter(|&&c| c).count() < config.min_content_words,
            tokens: key.to_vec(),
            content,
            words: sent.tokens.len(),
            single_doc: Some(0),
        }
    }

    /// Brute-force LCS length over all subsequence matchings (memoized
    /// recursion), as an oracle for the row-by-row DP.
    fn lcs_oracle(a: &[u64], b: &[u64]) -> usize {
        fn go(a: &[u64], b: &[u64], memo: &mut AHashMap<(usize, usize), usize>) -> usize {
            if a.is_empty() || b.is_empty() {
                return 0;
            }
            if let Some(&v) = memo.get(&(a.len(), b.len())) {
                return v;
            }
            let v = if a[0] == b[0] {
                1 + go(&a[1..], &b[1..], memo)
            } else {
                go(&a[1..], b, memo).max(go(a, &b[1..], memo))
            };
            memo.insert((a.len(), b.len()), v);
            v
        }
        go(a, b, &mut AHashMap::new())
    }

    #[test]
    fn alignment_matches_lcs_oracle() {
        let texts = [
            "the cat sat on the mat with the hat",
            "a cat sat upon the mat and the hat fell",
            "mat the on sat cat the",
            "completely different words entirely here",
            "the the the cat cat",
        ];
        for x in texts {
            for y in texts {
                let (a, b) = (class_of(x), class_of(y));
                assert_eq!(
                    align(&a, &b).0,
                    lcs_oracle(&a.tokens, &b.tokens),
                    "{x} / {y}"
                );
            }
        }
    }

    #[test]
    fn alignment_prefers_the_match_with_more_content_words() {
        let mk = |tokens: Vec<u64>, content: Vec<bool>| Class {
            members: vec![],
            shingles: vec![],
            words: tokens.len(),
            tokens,
            content,
            fragment: false,
            single_doc: None,
        };
        let a = mk(vec![7, 7], vec![true, false]);
        let b = mk(vec![7], vec![true]);
        assert_eq!(align(&a, &b), (1, 1));
        assert_eq!(align(&b, &a), (1, 1));
    }

    #[test]
    fn few_words_changed_is_near() {
        let a = class_of("Officials confirmed that the northern railway line will reopen to passenger traffic after three months of costly repairs.");
        let b = class_of("Officials said that the northern railway line would reopen to passenger traffic after three months of repairs.");
        let (sim, cont) = verify(&a, &b, &CompareConfig::default()).expect("near");
        assert!(sim > 0.8 && cont > 0.8, "{sim} {cont}");
    }

    #[test]
    fn trimmed_sentence_is_near_by_containment() {
        let a = class_of("The regional council approved the new harbour budget on Tuesday after a long debate about costs, jobs and the environment in the bay.");
        let b = class_of("The regional council approved the new harbour budget on Tuesday.");
        let (sim, cont) = verify(&a, &b, &CompareConfig::default()).expect("near");
        assert!(sim < 0.7 && cont == 1.0, "{sim} {cont}");
    }

    #[test]
    fn shared_name_only_is_not_near() {
        let a = class_of("Lavrov has said that US Secretary of State Rex Tillerson and he agreed at their recent meeting that new missile attacks would be unacceptable.");
        let b = class_of("Relations have hit a low point and should be improved, Secretary of State Rex Tillerson said during a trip to Moscow Wednesday.");
        assert_eq!(verify(&a, &b, &CompareConfig::default()), None);
        // A sentence that is mostly the name, with enough content words of
        // its own, is still not near: the shared words are all name words.
        let c = class_of("Secretary of State Rex Tillerson arrived at the Kremlin gates late, tired and unannounced.");
        assert!(!c.fragment);
        assert_eq!(verify(&a, &c, &CompareConfig::default()), None);
    }

    #[test]
    fn same_topic_different_wording_is_not_near() {
        let a = class_of("Assad has denied his government was behind last week's chemical weapons attack that killed more than 80 people.");
        let b = class_of("The U.S. and its allies have held the Syrian government responsible for the chemical attack in northern Syria that killed more than 80.");
        assert_eq!(verify(&a, &b, &CompareConfig::default()), None);
    }

    #[test]
    fn fragments_are_flagged_and_never_near() {
        let a = class_of("Adjust Comment Print");
        assert!(a.fragment);
        assert_eq!(verify(&a, &a, &CompareConfig::default()), None);
        assert!(class_of("Of the to and in a that is for on it.").fragment);
        assert!(!class_of("The council approved the budget on Friday.").fragment);
    }

    #[test]
    fn stopword_only_bigrams_are_dropped() {
        let with = class_of("She said it was one of the best days of the year for the town.");
        let shingler = Shingler::new(2, 1).unwrap();
        let all = shingler.shingle_set(&with.tokens);
        assert!(with.shingles.len() < all.len());
        assert!(with.shingles.iter().all(|h| all.contains(h)));
    }

    #[test]
    fn union_find_groups_transitively() {
        let mut uf = UnionFind::new(5);
        uf.union(0, 1);
        uf.union(3, 4);
        uf.union(1, 4);
        assert_eq!(uf.find(0), uf.find(3));
        assert_ne!(uf.find(0), uf.find(2));
    }

    #[test]
    fn boilerplate_by_spread_but_not_three_of_five() {
        let sentence = "The ministry said the new rules would take effect across the whole country next month.";
        const OWN: [&str; 5] = [
            "Farmers expect a record apple harvest after the warm and wet spring.",
            "Two climbers were rescued from the glacier after a night in the storm.",
            "The orchestra opened its winter season with an unknown symphony.",
            "Engineers finished testing the tidal turbine off the northern coast.",
            "A rare orchid bloomed in the botanical garden for the first time.",
        ];
        let mk = |n: usize| -> Vec<InputDoc> {
            (0..5)
                .map(|i| {
                    let own = OWN[i];
                    let text = if i < n {
                        format!("{own} {sentence}")
                    } else {
                        own.to_string()
                    };
                    InputDoc::new(format!("d{i}"), format!("d{i}.txt"), text)
                })
                .collect()
        };
        let three = compare(mk(3), &CompareConfig::default()).unwrap();
        assert_eq!(three.shared.len(), 1);
        assert_eq!(three.shared[0].kind, Kind::Verbatim);
        assert_eq!(three.shared[0].members.len(), 3);
        let five = compare(mk(5), &CompareConfig::default()).unwrap();
        assert_eq!(five.shared[0].kind, Kind::Boilerplate);
    }

    #[test]
    fn same_document_repeats_are_not_shared() {
        let text = "The ministry said the new rules would take effect next month. The ministry said the new rules would take effect next month.";
        let docs = vec![
            InputDoc::new("a", "a.txt", text),
            InputDoc::new(
                "b",
                "b.txt",
                "Something else entirely was written in this one.",
            ),
        ];
        let r = compare(docs, &CompareConfig::default()).unwrap();
        assert!(r.shared.is_empty());
    }

    #[test]
    fn invalid_config_is_an_error() {
        let docs = vec![InputDoc::new("a", "a.txt", "Some text here.")];
        for config in [
            CompareConfig {
                threshold: 0.0,
                ..Default::default()
            },
            CompareConfig {
                threshold: 1.0,
                ..Default::default()
            },
            CompareConfig {
                containment: 1.5,
                ..Default::default()
            },
            CompareConfig {
                permutations: 0,
                ..Default::default()
            },
            CompareConfig {
                document_shingle: 0,
                ..Default::default()
            },
        ] {
            assert!(compare(docs.clone(), &config).is_err(), "{config:?}");
        }
        assert!(matches!(
            compare(vec![], &CompareConfig::default()),
            Err(Error::NothingToAnalyse)
        ));
    }

    #[test]
    fn many_documents_report_only_candidate_pairs() {
        let config = CompareConfig {
            all_pairs_limit: 3,
            ..Default::default()
        };
        let shared =
            "Rescue teams pulled two climbers from the glacier late on Sunday after a long search.";
        const OWN: [&str; 6] = [
            "Farmers expect a record apple harvest after the warm and wet spring.",
            "The orchestra opened its winter season with an unknown symphony.",
            "Engineers finished testing the tidal turbine off the northern coast.",
            "A rare orchid bloomed in the botanical garden for the first time.",
            "Bakers protested against rising flour prices outside parliament.",
            "The chess final ended in a draw after six hours of careful play.",
        ];
        let docs: Vec<InputDoc> = (0..6)
            .map(|i| {
                let own = OWN[i];
                let text = if i < 2 {
                    format!("{own} {shared}")
                } else {
                    own.to_string()
                };
                InputDoc::new(format!("d{i}"), format!("d{i}.txt"), text)
            })
            .collect();
        let r = compare(docs, &config).unwrap();
        assert!(r
            .pairs
            .iter()
            .any(|p| p.a == "d0" && p.b == "d1" && p.shared_sentences == 1));
        assert!(r.pairs.len() < 15);
    }
}
