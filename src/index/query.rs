//! `syndic index query`: the archived documents near a query document, found
//! through the band-key and sentence-hash postings (a few B-tree lookups per
//! document), then scored from their stored signature and sentence spans,
//! and aligned where their text is kept.

use std::collections::BTreeSet;

use rusqlite::OptionalExtension;

use super::add::decompress;
use super::analyse::{Analyser, DocSketch, SentenceHash};
use super::store::{decode_sentences, decode_signature, Archive, Key, Postings};
use crate::align::{AlignConfig, Aligner, Passage};
use crate::dedup::SignScratch;
use crate::error::Result;
use crate::sketch::minhash::estimate;
use crate::sketch::shingle;
use crate::source::InputDoc;
use crate::util::round4;

/// Settings of a query.
#[derive(Debug, Clone)]
pub struct QueryConfig {
    /// A match is a near duplicate at this similarity (default: the
    /// archive's threshold).
    pub threshold: f64,
    /// Matches reported per query document, best first.
    pub top: usize,
    /// Postings read per band key or sentence at most (a sentence shared
    /// by more archived documents is boilerplate: its first postings are
    /// enough to report it).
    pub max_postings: usize,
    /// A sentence posted by more archived documents than this is
    /// boilerplate (a newsletter line, a menu): it does not bring in
    /// candidates, though it is still reported for candidates found
    /// otherwise.
    pub max_sentence_postings: usize,
    /// Align passages with archived documents whose text is kept.
    pub passages: bool,
    /// Settings of the aligner.
    pub align: AlignConfig,
}

impl QueryConfig {
    /// Defaults for an archive.
    pub fn for_archive(archive: &Archive) -> QueryConfig {
        QueryConfig {
            threshold: archive.params().threshold,
            top: 10,
            max_postings: 1000,
            max_sentence_postings: 100,
            passages: true,
            align: AlignConfig::default(),
        }
    }
}

/// A byte span on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SpanPair {
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset one past the end.
    pub end: usize,
}

/// A sentence the query document shares with an archived one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SharedSentence {
    /// Where it is in the query document.
    pub query: SpanPair,
    /// Where it is in the archived document (the first occurrence there).
    pub archived: SpanPair,
    /// The query document's text of it.
    pub text: String,
}

/// An archived document, as stored.
#[derive(Debug, Clone)]
pub struct ArchivedDoc {
    /// Row number in the archive.
    pub doc: i64,
    /// Id.
    pub id: String,
    /// Input it was read from.
    pub source: String,
    /// Text length in bytes.
    pub length: usize,
    /// MinHash values.
    pub signature: Vec<u32>,
    /// Sentence hashes with spans.
    pub sentences: Vec<SentenceHash>,
    /// Text, if kept (still compressed).
    pub text: Option<Vec<u8>>,
}

/// One archived document reported for a query document.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Match {
    /// Archived id.
    pub id: String,
    /// Input it was archived from.
    pub source: String,
    /// Its length in bytes.
    pub length: usize,
    /// MinHash estimate of the Jaccard similarity of the word shingle sets.
    pub similarity: f64,
    /// Exact Jaccard similarity, where the archived text is kept.
    pub exact_similarity: Option<f64>,
    /// Share of the query's posted sentences (by bytes) that occur in the
    /// archived document.
    pub containment: f64,
    /// Similarity (exact where known) at or above the threshold.
    pub near_duplicate: bool,
    /// The sentences both share, in query order.
    pub shared_sentences: Vec<SharedSentence>,
    /// Aligned passages, as `syndic compare` reports them (side `a` the
    /// query, `b` the archived document); empty unless the text is kept.
    pub passages: Vec<Passage>,
    /// Whether the archived text is kept.
    pub text_kept: bool,
}

/// The report of one query document.
#[derive(Debug, Clone, serde::Serialize)]
pub struct QueryResult {
    /// Query document id.
    pub id: String,
    /// Its input.
    pub source: String,
    /// Its length in bytes.
    pub length: usize,
    /// Archived documents it was compared with (candidates from the
    /// postings).
    pub candidates: usize,
    /// Matches, best first (by the larger of similarity and containment,
    /// then id).
    pub matches: Vec<Match>,
}

/// Answers queries on one archive, in one read snapshot if the caller
/// opened one ([`Archive::begin_read`]).
pub struct Searcher<'a> {
    archive: &'a Archive,
    analyser: Analyser,
    aligner: Aligner,
    config: QueryConfig,
}

impl<'a> Searcher<'a> {
    /// A searcher with `config`.
    pub fn new(archive: &'a Archive, config: QueryConfig) -> Result<Searcher<'a>> {
        if !(config.threshold > 0.0 && config.threshold <= 1.0) {
            return Err(crate::Error::InvalidParameter {
                name: "threshold",
                value: config.threshold.to_string(),
                reason: "must be in (0, 1]",
            });
        }
        Ok(Searcher {
            analyser: Analyser::new(archive.params())?,
            aligner: Aligner::new(config.align.clone())?,
            archive,
            config,
        })
    }

    /// The analyser (the archive's parameters).
    pub fn analyser(&self) -> &Analyser {
        &self.analyser
    }

    /// Archived documents sharing a band key with `sketch` (the LSH
    /// candidates), sorted by row number.
    pub fn band_candidates(&self, sketch: &DocSketch) -> Result<BTreeSet<i64>> {
        let postings = self.archive.postings()?;
        self.band_candidates_in(&postings, sketch)
    }

    fn band_candidates_in(&self, postings: &Postings, sketch: &DocSketch) -> Result<BTreeSet<i64>> {
        let mut docs = Vec::new();
        for (b, &k) in sketch.band_keys.iter().enumerate() {
            postings.docs(
                self.archive,
                Key::Band(b, k),
                self.config.max_postings,
                &mut docs,
            )?;
        }
        Ok(docs.into_iter().collect())
    }

    /// Archived documents sharing a posted sentence with `sketch`.
    fn sentence_candidates(
        &self,
        postings: &Postings,
        sketch: &DocSketch,
        out: &mut BTreeSet<i64>,
    ) -> Result<()> {
        let mut seen = BTreeSet::new();
        let cap = self.config.max_sentence_postings;
        let mut docs: Vec<i64> = Vec::new();
        for s in &sketch.sentences {
            if !seen.insert(s.hash) {
                continue;
            }
            docs.clear();
            postings.docs(
                self.archive,
                Key::Sentence(s.hash),
                cap.saturating_add(1),
                &mut docs,
            )?;
            if docs.len() <= cap {
                out.extend(docs.iter().copied());
            }
        }
        Ok(())
    }

    /// One archived document by row number.
    pub fn load(&self, doc: i64, with_text: bool) -> Result<Option<ArchivedDoc>> {
        let conn = &self.archive.conn;
        let sql = if with_text {
            "SELECT id, source, length, signature, sentences, text FROM docs WHERE doc = ?1"
        } else {
            "SELECT id, source, length, signature, sentences, NULL FROM docs WHERE doc = ?1"
        };
        let mut st = conn.prepare_cached(sql).map_err(|e| self.archive.err(e))?;
        st.query_row([doc], |r| {
            Ok(ArchivedDoc {
                doc,
                id: r.get(0)?,
                source: r.get(1)?,
                length: r.get::<_, i64>(2)? as usize,
                signature: decode_signature(&r.get::<_, Vec<u8>>(3)?),
                sentences: decode_sentences(&r.get::<_, Vec<u8>>(4)?),
                text: r.get(5)?,
            })
        })
        .optional()
        .map_err(|e| self.archive.err(e))
    }

    /// Whether a document's text is kept, without reading it.
    fn has_text(&self, doc: i64) -> Result<bool> {
        let mut st = self
            .archive
            .conn
            .prepare_cached("SELECT text IS NOT NULL FROM docs WHERE doc = ?1")
            .map_err(|e| self.archive.err(e))?;
        st.query_row([doc], |r| r.get::<_, bool>(0))
            .optional()
            .map(|v| v.unwrap_or(false))
            .map_err(|e| self.archive.err(e))
    }

    /// The archived document with this id: its source and, if kept, its
    /// text (`None` if no document has the id).
    pub fn text_by_id(&self, id: &str) -> Result<Option<(String, Option<String>)>> {
        let row: Option<i64> = self
            .archive
            .conn
            .prepare_cached("SELECT doc FROM docs WHERE id = ?1")
            .and_then(|mut st| st.query_row([id], |r| r.get(0)).optional())
            .map_err(|e| self.archive.err(e))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let Some(d) = self.load(row, true)? else {
            return Ok(None);
        };
        let text = self.text_of(&d)?;
        Ok(Some((d.source, text)))
    }

    /// The text of an archived document, if kept.
    pub fn text_of(&self, d: &ArchivedDoc) -> Result<Option<String>> {
        match &d.text {
            Some(z) => decompress(self.archive.path(), z, d.length).map(Some),
            None => Ok(None),
        }
    }

    /// The report for one query document (in one snapshot: the caller's
    /// read transaction, or one of its own).
    pub fn query(&self, id: &str, source: &str, text: &str) -> Result<QueryResult> {
        if self.archive.conn.is_autocommit() {
            self.archive.begin_read()?;
            let r = self.query_in_snapshot(id, source, text);
            let end = self.archive.end_read();
            return r.and_then(|r| end.map(|_| r));
        }
        self.query_in_snapshot(id, source, text)
    }

    fn query_in_snapshot(&self, id: &str, source: &str, text: &str) -> Result<QueryResult> {
        let mut scratch = SignScratch::default();
        let sketch = self.analyser.sketch(text, &mut scratch);
        let postings = self.archive.postings()?;
        let mut candidates = self.band_candidates_in(&postings, &sketch)?;
        self.sentence_candidates(&postings, &sketch, &mut candidates)?;
        let query_sentence_bytes: usize = sketch
            .sentences
            .iter()
            .map(|s| (s.end - s.start) as usize)
            .sum();
        let mut matches: Vec<Match> = Vec::new();
        let mut rows: Vec<i64> = Vec::new();
        for &doc in &candidates {
            let Some(d) = self.load(doc, false)? else {
                continue;
            };
            let similarity = if sketch.has_words && d.signature.len() == sketch.signature.len() {
                estimate(&sketch.signature, &d.signature)
            } else {
                0.0
            };
            let shared = shared_sentences(text, &sketch.sentences, &d.sentences);
            if shared.is_empty() && similarity < self.config.threshold {
                continue;
            }
            let shared_bytes: usize = shared.iter().map(|s| s.query.end - s.query.start).sum();
            let containment = if query_sentence_bytes == 0 {
                0.0
            } else {
                shared_bytes as f64 / query_sentence_bytes as f64
            };
            matches.push(Match {
                id: d.id,
                source: d.source,
                length: d.length,
                similarity: round4(similarity),
                exact_similarity: None,
                containment: round4(containment),
                near_duplicate: similarity >= self.config.threshold,
                shared_sentences: shared,
                passages: Vec::new(),
                text_kept: self.has_text(doc)?,
            });
            rows.push(doc);
        }
        let mut order: Vec<usize> = (0..matches.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&matches[a], &matches[b]);
            let sx = x.similarity.max(x.containment);
            let sy = y.similarity.max(y.containment);
            sy.total_cmp(&sx).then_with(|| x.id.cmp(&y.id))
        });
        order.truncate(self.config.top);
        let mut out = Vec::with_capacity(order.len());
        let mut query_shingles: Option<Vec<u64>> = None;
        for i in order {
            let mut m = matches[i].clone();
            if m.text_kept {
                if let Some(d) = self.load(rows[i], true)? {
                    if let Some(archived) = self.text_of(&d)? {
                        let shingler = self.analyser.shingler();
                        let q = query_shingles.get_or_insert_with(|| {
                            shingler.shingle_set(
                                &shingler.token_hashes(&crate::text::Tokens::new(text)),
                            )
                        });
                        let a = shingler.shingle_set(
                            &shingler.token_hashes(&crate::text::Tokens::new(&archived)),
                        );
                        let exact = shingle::jaccard(q, &a);
                        m.exact_similarity = Some(round4(exact));
                        m.near_duplicate = exact >= self.config.threshold;
                        if self.config.passages {
                            let qa = InputDoc::new(id, source, text);
                            let ab = InputDoc::new(d.id.clone(), d.source.clone(), archived);
                            m.passages = self.aligner.align_documents(&qa, &ab).passages;
                        }
                    }
                }
            }
            out.push(m);
        }
        Ok(QueryResult {
            id: id.to_owned(),
            source: source.to_owned(),
            length: text.len(),
            candidates: candidates.len(),
            matches: out,
        })
    }
}

/// The query's sentences whose hash occurs in the archived document, each
/// with the first archived occurrence.
fn shared_sentences(
    text: &str,
    query: &[SentenceHash],
    archived: &[SentenceHash],
) -> Vec<SharedSentence> {
    let mut by_hash: Vec<(u64, u32, u32)> =
        archived.iter().map(|s| (s.hash, s.start, s.end)).collect();
    by_hash.sort_unstable();
    let mut out = Vec::new();
    for s in query {
        let i = by_hash.partition_point(|x| x.0 < s.hash);
        if i < by_hash.len() && by_hash[i].0 == s.hash {
            out.push(SharedSentence {
                query: SpanPair {
                    start: s.start as usize,
                    end: s.end as usize,
                },
                archived: SpanPair {
                    start: by_hash[i].1 as usize,
                    end: by_hash[i].2 as usize,
                },
                text: text[s.start as usize..s.end as usize].to_owned(),
            });
        }
    }
    out
}
