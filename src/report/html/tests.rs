use std::collections::HashSet;

use super::text::{render_text, DocLayers, SideLayer};
use super::*;
use crate::align::{AlignConfig, Aligner};
use crate::compare::{compare, CompareConfig};
use crate::source::{read_document, LoadOptions};

const STORY: &str =
    "The harbour bridge will close for repairs from Monday until the end of the summer, \
the city council said on Tuesday. Drivers should use the ring road instead, and buses will be \
diverted through the old town for the whole period of the works.";

fn docs() -> Vec<InputDoc> {
    vec![
        InputDoc::new(
            "a",
            "a.txt",
            format!("Bridge news\n\n{STORY}\n\nMore later.\n"),
        ),
        InputDoc::new(
            "b",
            "b.txt",
            format!("Local <script>alert(1)</script>\n\nResidents were told so. {STORY}\n"),
        ),
        InputDoc::new(
            "c",
            "c.txt",
            format!(
                "</script><!-- \u{202e}x\n\n{}\n\nOther news entirely about the weather.\n",
                STORY.replace("Monday", "Friday").replace("whole", "entire")
            ),
        ),
    ]
}

fn report(docs: Vec<InputDoc>) -> String {
    let c = compare(docs.clone(), &CompareConfig::default()).unwrap();
    assert!(!c.passages.is_empty(), "the fixture shares passages");
    let mut out = Vec::new();
    write_html(&mut out, &c, &docs).unwrap();
    String::from_utf8(out).unwrap()
}

/// Every value of attribute `name` in `html`.
fn attrs<'h>(html: &'h str, name: &str) -> Vec<&'h str> {
    let pat = format!(" {name}=\"");
    html.match_indices(&pat)
        .map(|(i, _)| {
            let rest = &html[i + pat.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

fn between<'h>(html: &'h str, start: &str, end: &str) -> &'h str {
    let s = html.find(start).unwrap() + start.len();
    &html[s..s + html[s..].find(end).unwrap()]
}

#[test]
fn ids_are_unique_and_every_fragment_link_resolves() {
    let html = report(docs());
    let ids = attrs(&html, "id");
    let set: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(set.len(), ids.len(), "duplicate ids");
    let hrefs = attrs(&html, "href");
    assert!(hrefs.iter().any(|h| h.starts_with("#p")), "passage links");
    assert!(
        hrefs.iter().any(|h| h.starts_with("#pair-")),
        "heatmap links"
    );
    assert!(hrefs.iter().any(|h| h.starts_with("#s")), "matrix links");
    for h in hrefs {
        let target = h
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("external link {h}"));
        assert!(set.contains(target), "#{target} does not resolve");
    }
}

#[test]
fn embedded_json_round_trips() {
    let docs = docs();
    let c = compare(docs.clone(), &CompareConfig::default()).unwrap();
    let html = report(docs.clone());
    let embedded = between(
        &html,
        "<script type=\"application/json\" id=\"syndic-data\">",
        "</script>",
    );
    assert!(!embedded.contains('<') && !embedded.contains('>') && !embedded.contains('&'));
    let parsed: serde_json::Value = serde_json::from_str(embedded).unwrap();
    let model = model::Model::from_comparison(&c, &docs).unwrap();
    assert_eq!(parsed, serde_json::to_value(&model.data).unwrap());
    assert_eq!(parsed["docs"][1]["id"], "b");
    assert_eq!(
        parsed["passages"].as_array().unwrap().len(),
        c.passages.len()
    );
}

#[test]
fn embedded_json_escapes_what_could_close_the_script() {
    let docs = vec![
        InputDoc::new("x</script><script>alert(1)", "x.txt", format!("{STORY}\n")),
        InputDoc::new("y&<!--", "y.txt", format!("Intro.\n\n{STORY}\n")),
    ];
    let html = report(docs);
    let embedded = between(
        &html,
        "<script type=\"application/json\" id=\"syndic-data\">",
        "</script>",
    );
    assert!(embedded.contains(r"x\u003c/script\u003e\u003cscript\u003ealert(1)"));
    let v: serde_json::Value = serde_json::from_str(embedded).unwrap();
    assert_eq!(v["docs"][0]["id"], "x</script><script>alert(1)");
    assert_eq!(v["docs"][1]["id"], "y&<!--");
}

#[test]
fn no_unescaped_script_tag_from_the_text() {
    let html = report(docs());
    let lower = html.to_ascii_lowercase();
    assert_eq!(
        lower.matches("</script").count(),
        2,
        "only the page's two scripts"
    );
    assert_eq!(lower.matches("<script").count(), 2);
    assert!(!lower.contains("<!-- "), "no comment opened by the text");
    assert!(
        html.contains("Local &#60;script&#62;alert(1)&#60;/script&#62;")
            || html.contains("Local &lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(
        html.contains('\u{202e}'),
        "text kept as it is, bidi controls included"
    );
}

#[test]
fn the_csp_names_the_script_that_is_embedded() {
    let html = report(docs());
    // The attribute is escaped (' as &#39;); a browser reads it decoded.
    let csp = between(
        &html,
        "http-equiv=\"Content-Security-Policy\" content=\"",
        "\"",
    )
    .replace("&#39;", "'");
    assert!(csp.contains("default-src 'none'") && csp.contains("connect-src 'none'"));
    let script = between(&html, "<script>", "</script>");
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
}

#[test]
fn highlights_cover_exactly_the_passage_text() {
    let docs = docs();
    let c = compare(docs.clone(), &CompareConfig::default()).unwrap();
    let model = model::Model::from_comparison(&c, &docs).unwrap();
    for (pi, p) in c.passages.iter().enumerate() {
        for (side, doc) in [(&p.a, 'a'), (&p.b, 'b')] {
            let d = model.docs.iter().find(|d| d.id == side.doc).unwrap();
            let text = marked_text(&d.html, pi);
            assert_eq!(text, html_escape(&side.text), "passage {pi} side {doc}");
        }
    }
}

fn html_escape(s: &str) -> String {
    let mut out = String::new();
    let _ = askama::filters::Escaper::write_escaped_str(&askama::filters::Html, &mut out, s);
    out
}

/// The escaped text of the marks of passage `p` in `html`, concatenated.
fn marked_text(html: &str, p: usize) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<mark ") {
        let open_end = i + rest[i..].find('>').unwrap();
        let tag = &rest[i..open_end];
        let close = open_end + rest[open_end..].find("</mark>").unwrap();
        let ps = tag
            .split("data-p=\"")
            .nth(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .unwrap_or("");
        if ps.split(' ').any(|x| x == p.to_string()) {
            out.push_str(&rest[open_end + 1..close]);
        }
        rest = &rest[close..];
    }
    out
}

#[test]
fn more_than_one_block_shows_the_gaps_between_them() {
    let text = "one two three four five six seven";
    let layers = DocLayers {
        passages: vec![SideLayer {
            passage: 0,
            side: 'a',
            other: 1,
            kind: "edited",
            span: 0..text.len(),
            blocks: vec![0..13, 19..text.len()],
            changed: vec![],
        }],
        ..Default::default()
    };
    let r = render_text(text, &layers, &[1]);
    assert!(
        r.html.contains(
            "<span class=\"gap\" data-g=\"0\" title=\"not in the other article\"> four </span>"
        ),
        "{}",
        r.html
    );
    assert_eq!(r.html.matches("<mark ").count(), 2);
    assert_eq!(r.bytes_by_source, vec![(1, text.len() - 6)]);
}

#[test]
fn blocks_are_the_aligners_and_an_inserted_sentence_is_a_gap() {
    let c = compare(docs(), &CompareConfig::default()).unwrap();
    for p in &c.passages {
        let want: Vec<_> = p
            .blocks
            .iter()
            .map(|k| (k.a.start..k.a.end, k.b.start..k.b.end))
            .collect();
        assert_eq!(passage_blocks(p), want);
    }
    let wire = "The city council approved a new budget for public transport on Monday evening after a long debate. \
The plan adds forty electric buses to the fleet and extends night services on six routes. \
Opposition members argued that the fare increase would hurt commuters on low incomes. \
The mayor promised that the first new buses would be on the streets before the end of the year.";
    let paper = wire.replacen(
        "debate. ",
        "debate. Our reporter watched the vote from a crowded gallery where several pensioners waved handmade banners. ",
        1,
    );
    let docs = vec![
        InputDoc::new("wire", "wire.txt", wire),
        InputDoc::new("paper", "paper.txt", paper.clone()),
    ];
    let c = compare(docs.clone(), &CompareConfig::default()).unwrap();
    assert_eq!(c.passages.len(), 1);
    assert_eq!(passage_blocks(&c.passages[0]).len(), 2);
    let mut html = Vec::new();
    crate::report::write_html(&mut html, &c, &docs).unwrap();
    let html = String::from_utf8(html).unwrap();
    assert!(
        html.contains("class=\"gap\"") && html.contains("Our reporter watched"),
        "no gap drawn"
    );
}

#[test]
fn legacy_encodings_map_file_offsets_back_to_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let latin = |s: &str| -> Vec<u8> { s.chars().map(|c| c as u32 as u8).collect() };
    let story = format!("Caf\u{e9} cr\u{e8}me: {STORY}");
    let (pa, pb) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    std::fs::write(
        &pa,
        latin(&format!("\u{c9}t\u{e9} \u{e0} Paris.\n\n{story}\n")),
    )
    .unwrap();
    std::fs::write(
        &pb,
        latin(&format!("Na\u{ef}ve r\u{e9}sum\u{e9}.\n\n{story}\n")),
    )
    .unwrap();
    let opts = LoadOptions::default();
    let (a, b) = (
        read_document(&pa, opts).unwrap(),
        read_document(&pb, opts).unwrap(),
    );
    assert!(a.offsets.is_some(), "read as a legacy encoding");
    let al = Aligner::new(AlignConfig::default())
        .unwrap()
        .align_documents(&a, &b);
    assert!(!al.passages.is_empty());
    let m = model::Model::from_alignment(&al, &a, &b).unwrap();
    for (side, d) in [
        (&al.passages[0].a, &m.docs[0]),
        (&al.passages[0].b, &m.docs[1]),
    ] {
        assert_eq!(marked_text(&d.html, 0), html_escape(&side.text));
    }
    let mut out = Vec::new();
    write_alignment_html(&mut out, &al, &a, &b).unwrap();
    let html = String::from_utf8(out).unwrap();
    assert!(html.contains("data-mode=\"pair\""));
    assert!(html.contains("id=\"pair-1-2\""));
}

#[test]
fn word_diff_marks_the_changed_words_of_an_edited_passage() {
    let html = report(docs());
    // c changed Monday -> Friday and whole -> entire.
    assert!(
        html.contains("data-d=\""),
        "changed words carry their passage"
    );
    let changed: Vec<&str> = html
        .split("<mark ")
        .filter(|m| m.split('>').next().unwrap().contains("data-d=\""))
        .map(|m| &m[m.find('>').unwrap() + 1..m.find("</mark>").unwrap()])
        .collect();
    assert!(changed.contains(&"Friday"), "{changed:?}");
    assert!(changed.contains(&"Monday"), "{changed:?}");
    assert!(changed.contains(&"entire"), "{changed:?}");
}
