use std::io::Write;

use crate::align::{Alignment, Edit, GapSide, Passage, PassageSide};
use crate::compare::{Comparison, Kind};

/// Largest number of documents shown as a similarity matrix; above it the
/// most similar pairs are listed instead.
const MATRIX_LIMIT: usize = 12;
/// Pairs listed when there is no matrix.
const TOP_PAIRS: usize = 20;

/// Writes the comparison as a text report: documents, pairwise similarity,
/// then every shared group with its locations and text.
pub fn write_text(out: &mut dyn Write, c: &Comparison) -> std::io::Result<()> {
    let count = |k: Kind| c.shared.iter().filter(|g| g.kind == k).count();
    writeln!(
        out,
        "syndic compare: {} documents; {} verbatim, {} near-duplicate and {} boilerplate shared sentence groups",
        c.documents.len(),
        count(Kind::Verbatim),
        count(Kind::Near),
        count(Kind::Boilerplate)
    )?;
    writeln!(
        out,
        "(word {}-grams for documents, {}-grams for sentences; {} permutations; seed {}; threshold {})",
        c.params.document_shingle,
        c.params.sentence_shingle,
        c.params.permutations,
        c.params.seed,
        c.params.threshold
    )?;
    for s in &c.skipped {
        writeln!(out, "skipped: {}", s.error)?;
    }
    write_documents(out, c)?;
    write_similarity(out, c)?;
    write_shared(out, c)?;
    write_passages(out, c)?;
    write_takes(out, c)?;
    Ok(())
}

/// The table of documents.
fn write_documents(out: &mut dyn Write, c: &Comparison) -> std::io::Result<()> {
    writeln!(out, "\nDOCUMENTS")?;
    let idw = c
        .documents
        .iter()
        .map(|d| d.id.chars().count())
        .max()
        .unwrap_or(2)
        .max(2);
    writeln!(
        out,
        "  {:>3}  {:<idw$}  {:>6}  {:>9}  {:>6}  {:>11}  {:>7}  {:>7}  path",
        "#", "id", "words", "sentences", "shared", "boilerplate", "shared%", "reused%"
    )?;
    for (i, d) in c.documents.iter().enumerate() {
        writeln!(
            out,
            "  {:>3}  {:<idw$}  {:>6}  {:>9}  {:>6}  {:>11}  {:>6.1}%  {:>6.1}%  {}",
            i + 1,
            d.id,
            d.words,
            d.sentences,
            d.shared_sentences,
            d.boilerplate_sentences,
            d.shared_fraction * 100.0,
            d.reused_fraction * 100.0,
            d.path
        )?;
    }
    // Documents read other than as UTF-8 English, by number.
    for (i, d) in c.documents.iter().enumerate() {
        if !d.encoding.is_utf8() || d.language.code != "eng" {
            writeln!(
                out,
                "  {:>3}  read as {} ({}); language {} ({})",
                i + 1,
                d.encoding.name,
                source_name(d.encoding.source),
                d.language.name,
                language_source(d.language.source)
            )?;
        }
    }
    Ok(())
}

fn source_name(s: crate::source::EncodingSource) -> &'static str {
    use crate::source::EncodingSource::*;
    match s {
        Declared => "declared",
        Detected => "detected",
        Forced => "forced",
    }
}

fn language_source(s: crate::text::LanguageSource) -> &'static str {
    use crate::text::LanguageSource::*;
    match s {
        Detected => "detected",
        Forced => "forced",
        Default => "default",
    }
}

/// Pairwise similarity: a matrix for a few documents, else the most similar pairs.
fn write_similarity(out: &mut dyn Write, c: &Comparison) -> std::io::Result<()> {
    let n = c.documents.len();
    if n >= 2 {
        if n <= MATRIX_LIMIT {
            writeln!(
                out,
                "\nSIMILARITY (exact Jaccard of word {}-grams; MinHash estimate in brackets; shared sentences after /)",
                c.params.document_shingle
            )?;
            let index = |id: &str| c.documents.iter().position(|d| d.id == id);
            let mut cell = vec![vec![String::new(); n]; n];
            for p in &c.pairs {
                if let (Some(a), Some(b)) = (index(&p.a), index(&p.b)) {
                    let s = format!(
                        "{:.3} [{:.2}] /{}",
                        p.jaccard, p.jaccard_estimate, p.shared_sentences
                    );
                    cell[a][b] = s.clone();
                    cell[b][a] = s;
                }
            }
            write!(out, "  {:>3} ", "")?;
            for j in 0..n {
                write!(out, " {:>16}", j + 1)?;
            }
            writeln!(out)?;
            for (i, row) in cell.iter().enumerate() {
                write!(out, "  {:>3} ", i + 1)?;
                for (j, s) in row.iter().enumerate() {
                    let s = if i == j { "-" } else { s.as_str() };
                    write!(out, " {s:>16}")?;
                }
                writeln!(out)?;
            }
        } else {
            writeln!(
                out,
                "\nMOST SIMILAR PAIRS (exact Jaccard of word {}-grams)",
                c.params.document_shingle
            )?;
            let mut pairs: Vec<_> = c.pairs.iter().collect();
            pairs.sort_by(|x, y| {
                y.jaccard
                    .total_cmp(&x.jaccard)
                    .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
            });
            for p in pairs.into_iter().take(TOP_PAIRS) {
                writeln!(
                    out,
                    "  {:.3} [{:.2}]  {} <-> {}  (containment {:.2} / {:.2}, {} shared sentences)",
                    p.jaccard,
                    p.jaccard_estimate,
                    p.a,
                    p.b,
                    p.containment_a_in_b,
                    p.containment_b_in_a,
                    p.shared_sentences
                )?;
            }
        }
    }
    Ok(())
}

/// Every shared sentence group with its members.
fn write_shared(out: &mut dyn Write, c: &Comparison) -> std::io::Result<()> {
    writeln!(out, "\nSHARED SENTENCES")?;
    if c.shared.is_empty() {
        writeln!(out, "  none")?;
    }
    for (i, g) in c.shared.iter().enumerate() {
        let how = match g.kind {
            Kind::Verbatim => "verbatim".to_string(),
            Kind::Near => format!(
                "near-duplicate, similarity {:.2}, containment {:.2}",
                g.similarity, g.containment
            ),
            Kind::Boilerplate => "boilerplate (page furniture, not reuse)".to_string(),
        };
        writeln!(
            out,
            "\n  [{}] {}, in {} documents, rarity {}",
            i + 1,
            how,
            g.documents,
            rarity(g.rarity)
        )?;
        for m in &g.members {
            writeln!(
                out,
                "    {}:{} (bytes {}..{})",
                m.doc, m.line, m.start, m.end
            )?;
            writeln!(out, "      {}", one_line(&m.text))?;
        }
    }
    Ok(())
}

/// Every reused passage.
fn write_passages(out: &mut dyn Write, c: &Comparison) -> std::io::Result<()> {
    writeln!(
        out,
        "\nSHARED PASSAGES (aligned spans; may cross sentences; doc:line and bytes)"
    )?;
    if c.passages.is_empty() {
        writeln!(out, "  none")?;
    }
    for (i, p) in c.passages.iter().enumerate() {
        write_passage(out, i + 1, p)?;
    }
    Ok(())
}

/// What each document takes from others and what it adds.
fn write_takes(out: &mut dyn Write, c: &Comparison) -> std::io::Result<()> {
    writeln!(
        out,
        "\nWHAT EACH DOCUMENT TAKES AND ADDS (share of its words found in other documents)"
    )?;
    for d in &c.documents {
        let found: Vec<String> = d
            .found_in
            .iter()
            .map(|o| format!("{} {:.1}%", o.doc, o.fraction * 100.0))
            .collect();
        writeln!(
            out,
            "\n  {}: {:.1}% found elsewhere{}{}; {:.1}% its own, in {} spans",
            d.id,
            d.reused_fraction * 100.0,
            if found.is_empty() { "" } else { " (" },
            found.join(", ") + if found.is_empty() { "" } else { ")" },
            (1.0 - d.reused_fraction) * 100.0,
            d.own.len()
        )?;
        if d.reused_words > 0 {
            for o in &d.own {
                writeln!(
                    out,
                    "    own {}:{} (bytes {}..{}, {} words): {}",
                    d.id,
                    o.line,
                    o.start,
                    o.end,
                    o.words,
                    abbreviate(&one_line(&o.text), 100)
                )?;
            }
        }
    }
    Ok(())
}

fn write_passage(out: &mut dyn Write, n: usize, p: &Passage) -> std::io::Result<()> {
    writeln!(
        out,
        "\n  [{n}] {}, similarity {:.2}, word sequence {:.2}{}: {} / {}",
        p.edit.as_str(),
        p.similarity,
        p.sequence,
        p.rarity
            .map_or(String::new(), |r| format!(", rarity {}", rarity(r))),
        side_words(&p.a),
        side_words(&p.b)
    )?;
    for s in [&p.a, &p.b] {
        writeln!(
            out,
            "    {}:{} (bytes {}..{}, chars {}..{})",
            s.doc, s.line, s.start, s.end, s.char_start, s.char_end
        )?;
        writeln!(out, "      {}", one_line(&with_gaps(p, s)))?;
        if p.edit == Edit::Verbatim && p.gaps.is_empty() {
            // Both sides read the same; print the text once.
            writeln!(
                out,
                "    {}:{} (bytes {}..{}, chars {}..{}) the same words",
                p.b.doc, p.b.line, p.b.start, p.b.end, p.b.char_start, p.b.char_end
            )?;
            break;
        }
    }
    Ok(())
}

/// A rarity (expected chance matches) for people: "1.2e-5", "< 1e-300".
pub(crate) fn rarity(r: f64) -> String {
    if r == 0.0 {
        "< 1e-300".to_string()
    } else if r >= 0.01 {
        format!("{r:.2}")
    } else {
        format!("{r:.1e}")
    }
}

/// "N words", and how many of them are aligned when that is fewer.
fn side_words(s: &PassageSide) -> String {
    if s.aligned_words < s.words {
        format!("{} words ({} aligned)", s.words, s.aligned_words)
    } else {
        format!("{} words", s.words)
    }
}

/// The text of one side of a passage with its gaps (words the other side
/// lacks) replaced by "... [N words added] ...".
fn with_gaps(p: &Passage, s: &PassageSide) -> String {
    let first = std::ptr::eq(s, &p.a);
    let side = if first { GapSide::A } else { GapSide::B };
    let mut out = String::with_capacity(s.text.len());
    // Byte offset in `s.text` of every character offset.
    let bytes: Vec<usize> = s
        .text
        .char_indices()
        .map(|(i, _)| i)
        .chain([s.text.len()])
        .collect();
    let byte_of = |c: usize| bytes.get(c - s.char_start).copied().unwrap_or(s.text.len());
    let mut last = 0;
    for g in p.gaps.iter().filter(|g| g.side == side) {
        let (bs, be) = (byte_of(g.at.char_start), byte_of(g.at.char_end));
        out.push_str(s.text[last..bs].trim_end());
        out.push_str(&format!(" ... [{} words added] ... ", g.at.words));
        last = be;
    }
    out.push_str(s.text[last..].trim_start());
    out
}

/// Writes the passages two documents share.
pub fn write_alignment_text(out: &mut dyn Write, a: &Alignment) -> std::io::Result<()> {
    writeln!(
        out,
        "syndic align: {} passages shared by {} and {}",
        a.passages.len(),
        a.a.id,
        a.b.id
    )?;
    for d in [&a.a, &a.b] {
        writeln!(
            out,
            "  {}: {} words, {:.1}% in shared passages ({})",
            d.id,
            d.words,
            d.reused_fraction * 100.0,
            d.path
        )?;
        if !d.encoding.is_utf8() || d.language.code != "eng" {
            writeln!(
                out,
                "    read as {} ({}); language {} ({})",
                d.encoding.name,
                source_name(d.encoding.source),
                d.language.name,
                language_source(d.language.source)
            )?;
        }
    }
    for (i, p) in a.passages.iter().enumerate() {
        write_passage(out, i + 1, p)?;
    }
    Ok(())
}

/// The text on one line: runs of whitespace become one space. Text with
/// right-to-left letters (Arabic, Urdu, Persian, Hebrew ...) is wrapped in a
/// first-strong isolate (U+2068 ... U+2069), so that a terminal that
/// applies the bidirectional algorithm shows it in reading order without
/// reordering the report around it; the bytes inside are unchanged.
fn one_line(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_ascii() || !line.chars().any(is_rtl) {
        return line;
    }
    format!("\u{2068}{line}\u{2069}")
}

/// A letter of a right-to-left script.
fn is_rtl(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}' | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}')
}

/// At most `n` characters, with an ellipsis if cut.
fn abbreviate(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}
