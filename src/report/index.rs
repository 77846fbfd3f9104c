//! Writers for `syndic index`: query reports (JSON Lines or text), archive
//! statistics and check reports.

use std::io::Write;

use crate::index::{ArchiveStats, CheckReport, QueryResult};

/// One JSON object per line (schema in `docs/index.md`).
pub fn write_query_json(out: &mut dyn Write, r: &QueryResult) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, r)?;
    out.write_all(b"\n")
}

fn excerpt(s: &str, max: usize) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        return s;
    }
    let cut: String = s.chars().take(max).collect();
    format!("{cut}…")
}

/// A few lines per query document: each match with its similarity,
/// containment and the shared sentences with offsets on both sides.
pub fn write_query_text(out: &mut dyn Write, r: &QueryResult) -> std::io::Result<()> {
    writeln!(
        out,
        "{} ({} bytes): {} match{} among {} candidates",
        r.id,
        r.length,
        r.matches.len(),
        if r.matches.len() == 1 { "" } else { "es" },
        r.candidates
    )?;
    for m in &r.matches {
        let exact = m
            .exact_similarity
            .map(|e| format!(", exact {e:.3}"))
            .unwrap_or_default();
        writeln!(
            out,
            "  {} [{}]: similarity {:.3}{exact}, containment {:.3}{}, {} shared sentence{}, {} passage{}",
            m.id,
            m.source,
            m.similarity,
            m.containment,
            if m.near_duplicate { ", NEAR DUPLICATE" } else { "" },
            m.shared_sentences.len(),
            if m.shared_sentences.len() == 1 { "" } else { "s" },
            m.passages.len(),
            if m.passages.len() == 1 { "" } else { "s" },
        )?;
        for s in &m.shared_sentences {
            writeln!(
                out,
                "    {}..{} = archived {}..{}: {}",
                s.query.start,
                s.query.end,
                s.archived.start,
                s.archived.end,
                excerpt(&s.text, 100)
            )?;
        }
        for p in &m.passages {
            writeln!(
                out,
                "    passage ({}) {}..{} = archived {}..{}: {}",
                p.edit.as_str(),
                p.a.start,
                p.a.end,
                p.b.start,
                p.b.end,
                excerpt(&p.a.text, 100)
            )?;
        }
    }
    Ok(())
}

/// `syndic index stats`: JSON (pretty) or text.
pub fn write_stats(out: &mut dyn Write, s: &ArchiveStats, json: bool) -> std::io::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, s)?;
        return out.write_all(b"\n");
    }
    let p = &s.parameters;
    writeln!(out, "archive     {}", s.archive)?;
    writeln!(out, "format      {}", s.format)?;
    writeln!(out, "documents   {}", s.documents)?;
    writeln!(out, "sentences   {}", s.sentences)?;
    writeln!(out, "postings    {} in {} runs", s.postings, s.runs)?;
    writeln!(out, "texts kept  {}", s.texts)?;
    writeln!(out, "text bytes  {}", s.text_bytes)?;
    writeln!(out, "batches     {}", s.batches)?;
    writeln!(
        out,
        "size        {} bytes ({:.0} per document)",
        s.bytes, s.bytes_per_document
    )?;
    writeln!(
        out,
        "parameters  shingle {}, permutations {}, seed {}, threshold {}, {} bands x {} rows, {}, tokenizer {}",
        p.shingle, p.permutations, p.seed, p.threshold, p.bands, p.rows, p.scheme, p.tokenizer
    )
}

/// `syndic index check`: JSON (pretty) or text.
pub fn write_check(out: &mut dyn Write, r: &CheckReport, json: bool) -> std::io::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, r)?;
        return out.write_all(b"\n");
    }
    writeln!(
        out,
        "{}: {} ({} documents, {} batches, {} kept texts checked)",
        r.archive,
        if r.ok { "ok" } else { "DAMAGED" },
        r.documents,
        r.batches,
        r.texts
    )?;
    for p in &r.problems {
        writeln!(out, "  {p}")?;
    }
    if r.problem_count as usize > r.problems.len() {
        writeln!(out, "  ... {} problems in all", r.problem_count)?;
    }
    Ok(())
}
