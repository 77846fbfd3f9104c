//! Stage 1 and 2: every document tokenized, hashed and flagged (content
//! words, stopwords), then sentences equal after normalization gathered into
//! classes with their bigram shingles.

use ahash::AHashMap;

use super::CompareConfig;
use crate::sketch::shingle::Shingler;
use crate::text::{Analyzed, Language};
use crate::util::LineIndex;

/// Per-document analysis.
pub(super) struct DocAnalysis {
    pub(super) analyzed: Analyzed,
    pub(super) token_hashes: Vec<u64>,
    /// Per token: is it a content word (not a stopword, not a capitalised
    /// word inside a sentence)?
    pub(super) content: Vec<bool>,
    /// Per token: is it a stopword?
    pub(super) stop: Vec<bool>,
    pub(super) shingles: Vec<u64>,
    pub(super) lines: LineIndex,
}

impl DocAnalysis {
    /// Frees what only the classes of stage 2 need (token hashes and
    /// stopword flags; the classes keep their own copies).
    pub(super) fn release_class_inputs(&mut self) {
        self.token_hashes = Vec::new();
        self.stop = Vec::new();
        self.content = Vec::new();
    }

    /// Frees what only the sentence and pair stages need (hashes, flags,
    /// shingles), keeping the tokens, sentences and lines that the passage
    /// stage and the report use.
    pub(super) fn release_sketches(&mut self) {
        self.token_hashes = Vec::new();
        self.content = Vec::new();
        self.stop = Vec::new();
        self.shingles = Vec::new();
    }
}

/// A distinct normalized sentence and where it occurs.
pub(super) struct Class {
    /// (document, sentence index) of every occurrence, in order.
    pub(super) members: Vec<(u32, u32)>,
    /// Shingle set (sorted).
    pub(super) shingles: Vec<u64>,
    /// Token hashes of the sentence, in order.
    pub(super) tokens: Vec<u64>,
    /// Per token: is it a content word?
    pub(super) content: Vec<bool>,
    /// Number of words.
    pub(super) words: usize,
    /// Too short or too empty to be reuse.
    pub(super) fragment: bool,
    /// The single document it occurs in, if only one.
    pub(super) single_doc: Option<u32>,
}

pub(super) fn analyse(text: &str, shingler: &Shingler, language: Option<Language>) -> DocAnalysis {
    let analyzed = Analyzed::with_language(text, language);
    let lexicon = analyzed.language.lexicon();
    let token_hashes = shingler.token_hashes(&analyzed.tokens);
    let shingles = shingler.shingle_set(&token_hashes);
    let stop: Vec<bool> = analyzed
        .tokens
        .norms()
        .map(|w| lexicon.is_stopword(w))
        .collect();
    let mut content = vec![false; analyzed.tokens.len()];
    for s in &analyzed.sentences {
        for i in s.tokens.clone() {
            let norm = analyzed.tokens.norm(i);
            let first = analyzed.tokens.span(i).slice(text).chars().next();
            let capitalised = i != s.tokens.start && first.is_some_and(char::is_uppercase);
            content[i] = !capitalised && !stop[i] && !norm.chars().all(char::is_numeric);
        }
    }
    DocAnalysis {
        lines: LineIndex::new(text),
        analyzed,
        token_hashes,
        content,
        stop,
        shingles,
    }
}

pub(super) fn build_classes(
    analyses: &[DocAnalysis],
    config: &CompareConfig,
    shingler: &Shingler,
) -> Vec<Class> {
    let mut by_key: AHashMap<&[u64], u32> = AHashMap::new();
    let mut classes: Vec<Class> = Vec::new();
    for (d, a) in analyses.iter().enumerate() {
        for (s, sent) in a.analyzed.sentences.iter().enumerate() {
            if sent.tokens.is_empty() {
                continue;
            }
            let key = &a.token_hashes[sent.tokens.clone()];
            let id = match by_key.get(key) {
                Some(&id) => id,
                None => {
                    let id = classes.len() as u32;
                    by_key.insert(key, id);
                    let content: Vec<bool> = a.content[sent.tokens.clone()].to_vec();
                    let words = sent.tokens.len();
                    let content_words = content.iter().filter(|&&c| c).count();
                    classes.push(Class {
                        members: Vec::new(),
                        shingles: sentence_shingles(shingler, key, &a.stop[sent.tokens.clone()]),
                        fragment: words < config.min_words
                            || content_words < config.min_content_words,
                        tokens: key.to_vec(),
                        content,
                        words,
                        single_doc: Some(d as u32),
                    });
                    id
                }
            };
            let class = &mut classes[id as usize];
            if class.single_doc.is_some_and(|x| x != d as u32) {
                class.single_doc = None;
            }
            class.members.push((d as u32, s as u32));
        }
    }
    classes
}

/// Sentence shingles: the shingle set without n-grams made only of
/// stopwords ("of the", "in a"), which are evidence of nothing. A sentence of
/// nothing but such n-grams keeps them all.
pub(super) fn sentence_shingles(shingler: &Shingler, tokens: &[u64], stop: &[bool]) -> Vec<u64> {
    let n = shingler.size().min(tokens.len());
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    shingler.for_each_shingle(tokens, |h| {
        if !stop[i..i + n].iter().all(|&s| s) {
            out.push(h);
        }
        i += 1;
    });
    if out.is_empty() {
        return shingler.shingle_set(tokens);
    }
    out.sort_unstable();
    out.dedup();
    out
}
