//! Property tests against brute-force oracles.

use std::collections::HashSet;

use proptest::prelude::*;
use syndic::sketch::minhash::{MinHashParams, MinHasher};
use syndic::sketch::shingle::{self, Shingler};
use syndic::text::{split_sentences, Analyzed, Tokens};

fn hasher(k: usize, seed: u64) -> MinHasher {
    MinHasher::new(MinHashParams {
        permutations: k,
        seed,
        shingle_size: 5,
    })
    .unwrap()
}

/// Two sets with a chosen number of shared and private elements.
fn set_pair() -> impl Strategy<Value = (Vec<u64>, Vec<u64>)> {
    (0usize..300, 0usize..300, 0usize..300, any::<u64>()).prop_map(
        |(shared, only_a, only_b, salt)| {
            let mk = |tag: u64, n: usize| -> Vec<u64> {
                (0..n as u64)
                    .map(|i| (i ^ (tag << 40)).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ salt)
                    .collect()
            };
            let s = mk(1, shared);
            let mut a = s.clone();
            a.extend(mk(2, only_a));
            let mut b = s;
            b.extend(mk(3, only_b));
            (a, b)
        },
    )
}

fn exact_jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (a, b): (HashSet<_>, HashSet<_>) = (a.iter().collect(), b.iter().collect());
    let union = a.union(&b).count();
    if union == 0 {
        0.0
    } else {
        a.intersection(&b).count() as f64 / union as f64
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The MinHash estimate stays within the expected error of the exact
    /// Jaccard: 5 standard deviations of a 128-sample binomial (plus 0.02 for
    /// the densification of very small sets).
    #[test]
    fn minhash_estimate_is_within_expected_error((a, b) in set_pair(), seed in any::<u64>()) {
        prop_assume!(!a.is_empty() && !b.is_empty());
        let h = hasher(128, seed);
        let j = exact_jaccard(&a, &b);
        let est = h.signature(&a).jaccard(&h.signature(&b)).unwrap();
        let sigma = (j * (1.0 - j) / 128.0).sqrt();
        prop_assert!((est - j).abs() <= 5.0 * sigma + 0.02, "exact {j} estimate {est}");
    }

    /// Exact set Jaccard on shingles agrees with a HashSet oracle.
    #[test]
    fn shingle_jaccard_matches_hashset_oracle(
        wa in prop::collection::vec(0u8..12, 0..60),
        wb in prop::collection::vec(0u8..12, 0..60),
        n in 1usize..6,
    ) {
        let text = |w: &[u8]| w.iter().map(|x| format!("w{x}")).collect::<Vec<_>>().join(" ");
        let (ta, tb) = (text(&wa), text(&wb));
        let s = Shingler::new(n, 3).unwrap();
        let ha = s.token_hashes(&Tokens::new(&ta));
        let hb = s.token_hashes(&Tokens::new(&tb));
        let (sa, sb) = (s.shingle_set(&ha), s.shingle_set(&hb));
        // Oracle: shingles as word strings.
        let grams = |w: &[u8]| -> HashSet<Vec<u8>> {
            if w.is_empty() { return HashSet::new(); }
            let k = n.min(w.len());
            w.windows(k).map(|g| g.to_vec()).collect()
        };
        let (ga, gb) = (grams(&wa), grams(&wb));
        let union = ga.union(&gb).count();
        let oracle = if union == 0 { 0.0 } else { ga.intersection(&gb).count() as f64 / union as f64 };
        prop_assert!((shingle::jaccard(&sa, &sb) - oracle).abs() < 1e-12);
        prop_assert_eq!(sa.len(), ga.len());
    }

    /// Sentence and token spans always lie on char boundaries, in order,
    /// and cover every non-whitespace character exactly once.
    #[test]
    fn sentence_spans_cover_text(text in "[a-zA-Z0-9 .!?\"'\n«»“”éü—…-]{0,300}") {
        let spans = split_sentences(&text);
        let mut last = 0;
        for s in &spans {
            prop_assert!(s.start >= last && s.start < s.end && s.end <= text.len());
            prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            prop_assert_eq!(s.slice(&text).trim(), s.slice(&text));
            prop_assert!(text[last..s.start].trim().is_empty());
            last = s.end;
        }
        prop_assert!(text[last..].trim().is_empty());
        let a = Analyzed::new(&text);
        for t in a.tokens.spans() {
            prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        }
    }
}

#[test]
fn mean_error_matches_theory() {
    // Over many pairs at J = 0.5 the mean absolute error of a 128-bin
    // estimate should be close to sqrt(2/pi) * sigma = 0.035.
    let h = hasher(128, 11);
    let mut total = 0.0;
    let trials = 400;
    for t in 0..trials as u64 {
        let base = t << 32;
        let a: Vec<u64> = (base..base + 200).collect();
        let b: Vec<u64> = (base + 67..base + 267).collect(); // J = 133/267
        let j = 133.0 / 267.0;
        total += (h.signature(&a).jaccard(&h.signature(&b)).unwrap() - j).abs();
    }
    let mean = total / trials as f64;
    assert!(mean < 0.045, "mean abs error {mean}");
}

#[test]
fn signatures_identical_at_one_and_two_threads() {
    let h = hasher(128, 5);
    let sets: Vec<Vec<u64>> = (0..2000u64)
        .map(|i| (0..(i % 97 + 1)).map(|j| j * 31 + i).collect())
        .collect();
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| h.signatures(&sets))
    };
    let one = run(1);
    let two = run(2);
    assert_eq!(one, two);
    assert_eq!(one.len(), sets.len());
}

/// A sentence of `n` words drawn from `vocab` (capitalised, full stop).
fn sentence(vocab: &[&str], picks: &[usize]) -> String {
    let mut s: Vec<String> = picks
        .iter()
        .map(|&i| vocab[i % vocab.len()].to_string())
        .collect();
    let mut first = s[0].chars();
    let head: String = first
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    s[0] = head + first.as_str();
    s.join(" ") + "."
}

const SHARED_VOCAB: &[&str] = &[
    "river", "bridge", "council", "engineer", "station", "pump", "valley", "summer", "budget",
    "repair", "tunnel", "harbour", "vote", "plan", "water", "pressure", "mayor", "crane",
    "concrete", "steel", "ferry", "canal", "lock", "weir", "flood", "levee", "barrage", "quay",
];
const OWN_A: &[&str] = &[
    "zebra",
    "yak",
    "xylophone",
    "walrus",
    "violin",
    "umbrella",
    "tulip",
    "saffron",
    "quartz",
    "pelican",
    "orchid",
    "nectar",
    "mango",
    "lantern",
    "kiwi",
    "jasmine",
    "iguana",
    "hazel",
];
const OWN_B: &[&str] = &[
    "albatross",
    "bison",
    "cobalt",
    "dahlia",
    "emerald",
    "falcon",
    "gecko",
    "heron",
    "indigo",
    "jackal",
    "koala",
    "lemur",
    "marmot",
    "newt",
    "ocelot",
    "panda",
    "quokka",
    "raven",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Oracle: a run of sentences copied verbatim into text made of words
    /// that occur nowhere else is exactly one verbatim passage, from the first
    /// to the last copied byte on both sides; every span slices its text.
    #[test]
    fn a_planted_copy_is_found_with_exact_offsets(
        copied in proptest::collection::vec(proptest::collection::vec(0usize..1000, 6..14), 2..5),
        before_a in proptest::collection::vec(proptest::collection::vec(0usize..1000, 6..12), 0..4),
        after_a in proptest::collection::vec(proptest::collection::vec(0usize..1000, 6..12), 0..4),
        before_b in proptest::collection::vec(proptest::collection::vec(0usize..1000, 6..12), 0..4),
        accent in any::<bool>(),
    ) {
        use syndic::align::{align, AlignConfig, AlignDoc, Edit};
        let join = |v: &[Vec<usize>], vocab: &[&str]| -> Vec<String> {
            v.iter().map(|p| sentence(vocab, p)).collect()
        };
        let mut copy = join(&copied, SHARED_VOCAB).join(" ");
        if accent {
            copy = copy.replacen("river", "rivière", 1);
        }
        let prefix_a = join(&before_a, OWN_A).join(" ");
        let prefix_a = if accent { format!("Größe über {prefix_a}") } else { prefix_a };
        let a = [prefix_a, copy.clone(), join(&after_a, OWN_A).join(" ")]
            .into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
        let b = [join(&before_b, OWN_B).join(" "), copy.clone()]
            .into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
        // The vocabulary is English nouns in random order, which language
        // detection may take for French: the oracle is about offsets, so
        // both sides get English rules.
        let config = AlignConfig {
            language: Some(syndic::text::Language::parse("en").unwrap()),
            ..AlignConfig::default()
        };
        let (da, db) = (AlignDoc::new(&a, &config), AlignDoc::new(&b, &config));
        let ps = align(&da, &db, &config);
        prop_assert_eq!(ps.len(), 1, "{:?}", ps);
        let p = &ps[0];
        prop_assert_eq!(p.edit, Edit::Verbatim);
        prop_assert_eq!(p.a.span.slice(&a), copy.as_str());
        prop_assert_eq!(p.b.span.slice(&b), copy.as_str());
        prop_assert_eq!(p.a.chars.start, a[..p.a.span.start].chars().count());
        prop_assert_eq!(p.a.chars.end, a[..p.a.span.end].chars().count());
    }
}

/// Text in many scripts, for encoding into legacy encodings.
fn many_scripts() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("The café said “no” – twice. ".to_string()).boxed(),
        Just("Naïve résumés, déjà vu! ".to_string()).boxed(),
        Just("国家统计局今天发布数据。专家认为，经济平稳。".to_string()).boxed(),
        Just("東京都は今日、新しい計画を発表した。「命を守る」と述べた。".to_string()).boxed(),
        Just("서울시는 오늘 정책을 발표했다. ".to_string()).boxed(),
        Just("Президент провёл совещание. Что дальше? ".to_string()).boxed(),
        Just("Ο πρωθυπουργός; Ναι. ".to_string()).boxed(),
        Just("وزیراعظم نے اجلاس کی صدارت کی۔ ".to_string()).boxed(),
        Just("प्रधानमंत्री ने बैठक की। ".to_string()).boxed(),
        Just("นายกรัฐมนตรีเดินทางไปเชียงใหม่ ท่านได้พบกับผู้ว่า ".to_string()).boxed(),
        Just("\n\n".to_string()).boxed(),
        "[ -~]{0,12}".boxed(),
        "\\PC{0,6}".boxed(),
    ];
    proptest::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
}

/// Bytes a file could hold: `text` in some encoding, or raw noise.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    let labels = [
        "utf-8",
        "windows-1252",
        "gbk",
        "shift_jis",
        "euc-kr",
        "windows-1251",
        "windows-1253",
        "windows-1256",
        "iso-8859-7",
        "utf-16le",
        "utf-16be",
    ];
    prop_oneof![
        (
            many_scripts(),
            proptest::sample::select(labels.to_vec()),
            any::<bool>()
        )
            .prop_map(|(text, label, bom)| {
                let enc = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap();
                let mut out = Vec::new();
                if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                    if bom || text.is_empty() {
                        out.extend(if enc == encoding_rs::UTF_16LE {
                            [0xff, 0xfe]
                        } else {
                            [0xfe, 0xff]
                        });
                    }
                    for u in text.encode_utf16() {
                        out.extend(if enc == encoding_rs::UTF_16LE {
                            u.to_le_bytes()
                        } else {
                            u.to_be_bytes()
                        });
                    }
                } else {
                    out.extend(enc.encode(&text).0.iter());
                }
                out
            }),
        proptest::collection::vec(any::<u8>(), 0..400),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Decode, split sentences, tokenize: never a panic, and every sentence
    /// and word span maps back to a range of the original bytes that decodes
    /// to exactly that sentence or word (when nothing was replaced by U+FFFD).
    #[test]
    fn any_bytes_decode_split_and_tokenize_with_spans_into_the_file(bytes in file_bytes()) {
        use syndic::source::{decode, DecodeOptions, Mapping};
        let Ok(d) = decode(std::path::Path::new("p"), bytes.clone(), None, DecodeOptions::default(), Mapping::Keep) else {
            return Ok(());
        };
        let enc = encoding_rs::Encoding::for_label(d.encoding.name.as_bytes()).unwrap();
        let orig = |o: usize| d.map.as_ref().map_or(o, |m| m.original(o));
        let exact = !d.text.contains('\u{FFFD}');
        let a = Analyzed::new(&d.text);
        let spans = a.sentences.iter().map(|s| s.span).chain((0..a.tokens.len()).map(|i| a.tokens.span(i)));
        for s in spans {
            prop_assert!(d.text.is_char_boundary(s.start) && d.text.is_char_boundary(s.end));
            let (fs, fe) = (orig(s.start), orig(s.end));
            prop_assert!(fs <= fe && fe <= bytes.len(), "{:?} -> {}..{}", s, fs, fe);
            if exact {
                let (got, _) = enc.decode_without_bom_handling(&bytes[fs..fe]);
                prop_assert_eq!(&*got, &d.text[s.start..s.end]);
            }
        }
    }
}

/// A made-up word for number `i` of vocabulary `salt`: syllables no
/// stemmer or stopword list knows, different for every `(salt, i)`.
fn made_up(salt: usize, i: usize) -> String {
    const C: &[u8] = b"bdfgklmnprstvz";
    const V: &[u8] = b"aeiou";
    let mut n = i * 7 + salt * 100_003 + 1;
    let mut w = String::new();
    while n > 0 || w.len() < 6 {
        w.push(C[n % C.len()] as char);
        n /= C.len();
        w.push(V[n % V.len()] as char);
        n /= V.len();
    }
    w
}

/// Sentence `nth` of vocabulary `salt`: one made-up word per pick (every
/// word of every sentence different, as content words of news mostly are),
/// with a few stopwords between them, as prose has.
fn made_up_sentence(salt: usize, nth: usize, picks: &[usize]) -> String {
    const GLUE: &[&str] = &["the", "of", "and", "to", "in", "was"];
    let mut words = Vec::new();
    for (k, &p) in picks.iter().enumerate() {
        if k > 0 && p % 3 == 0 {
            words.push(GLUE[p % GLUE.len()].to_string());
        }
        words.push(made_up(salt, (nth * 16 + k) * 5000 + p));
    }
    let mut s = words.join(" ");
    s[..1].make_ascii_uppercase();
    s + "."
}

/// What happens to each wire sentence in the paper's copy.
#[derive(Debug, Clone)]
enum Fate {
    Kept,
    Dropped,
    /// Kept, followed by a sentence of the paper's own.
    KeptThenInsert(Vec<usize>),
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Oracle: a paper copies a wire story sentence by sentence, drops some
    /// sentences, inserts sentences of its own (other vocabulary) and may
    /// move one copied sentence elsewhere. Then every inserted sentence is
    /// inside the paper's `own[]`, no dropped sentence counts as reused
    /// (it is inside the wire's `own[]`), and each side's
    /// `reused_fraction` is within 0.02 of the truth.
    #[test]
    fn editorial_insertions_and_drops_are_own_text(
        wire in proptest::collection::vec(proptest::collection::vec(0usize..5000, 8..16), 5..10),
        fates in proptest::collection::vec(
            prop_oneof![
                3 => Just(Fate::Kept),
                1 => Just(Fate::Dropped),
                1 => proptest::collection::vec(0usize..5000, 8..16).prop_map(Fate::KeptThenInsert),
            ],
            10,
        ),
        lead in proptest::option::of(proptest::collection::vec(0usize..5000, 8..16)),
        moved in proptest::option::of((0usize..10, 0usize..10)),
    ) {
        use syndic::compare::{CompareConfig, Comparer};
        use syndic::source::InputDoc;
        let n = wire.len();
        let wire_s: Vec<String> = wire
            .iter()
            .enumerate()
            .map(|(i, p)| made_up_sentence(1, i, p))
            .collect();
        // The paper: (sentence, copied?) in order.
        let mut paper: Vec<(String, bool)> = Vec::new();
        if let Some(l) = &lead {
            paper.push((made_up_sentence(2, 99, l), false));
        }
        let mut dropped = Vec::new();
        for (i, s) in wire_s.iter().enumerate() {
            match &fates[i] {
                Fate::Dropped if i > 0 && i + 1 < n => dropped.push(i),
                Fate::KeptThenInsert(own) if i + 1 < n => {
                    paper.push((s.clone(), true));
                    paper.push((made_up_sentence(2, i, own), false));
                }
                _ => paper.push((s.clone(), true)),
            }
        }
        if let Some((from, to)) = moved {
            let (from, to) = (from % paper.len(), to % paper.len());
            let s = paper.remove(from);
            paper.insert(to, s);
        }
        let paper_text = paper.iter().map(|p| p.0.as_str()).collect::<Vec<_>>().join("\n");
        let wire_text = wire_s.join("\n");
        let mut config = CompareConfig::default();
        config.align.language = Some(syndic::text::Language::parse("en").unwrap());
        let c = Comparer::new(config).unwrap().compare(vec![
            InputDoc::new("paper", "paper.txt", paper_text.clone()),
            InputDoc::new("wire", "wire.txt", wire_text.clone()),
        ]).unwrap();
        let doc = |id: &str| c.documents.iter().find(|d| d.id == id).unwrap();
        let words = |s: &str| s.split_whitespace().count();
        // Inserted sentences inside the paper's own spans.
        let (p, w) = (doc("paper"), doc("wire"));
        let mut at = 0;
        let mut copied_words = 0;
        for (s, copied) in &paper {
            let start = paper_text[at..].find(s.as_str()).unwrap() + at;
            let end = start + s.len() - 1; // without the full stop
            at = end;
            if *copied {
                copied_words += words(s);
            } else {
                prop_assert!(
                    p.own.iter().any(|o| o.start <= start && end <= o.end),
                    "inserted sentence {:?} (bytes {}..{}) not in own {:?}", s, start, end, p.own
                );
            }
        }
        let mut wire_reused = 0;
        let mut at = 0;
        for (i, s) in wire_s.iter().enumerate() {
            let start = wire_text[at..].find(s.as_str()).unwrap() + at;
            let end = start + s.len() - 1;
            at = end;
            if dropped.contains(&i) {
                prop_assert!(
                    w.own.iter().any(|o| o.start <= start && end <= o.end),
                    "dropped sentence {:?} (bytes {}..{}) counted as reused; own {:?}", s, start, end, w.own
                );
            } else {
                wire_reused += words(s);
            }
        }
        let truth_p = copied_words as f64 / words(&paper_text) as f64;
        let truth_w = wire_reused as f64 / words(&wire_text) as f64;
        prop_assert!((p.reused_fraction - truth_p).abs() <= 0.02,
            "paper reused {} truth {}: {:?}", p.reused_fraction, truth_p, c.passages);
        prop_assert!((w.reused_fraction - truth_w).abs() <= 0.02,
            "wire reused {} truth {}", w.reused_fraction, truth_w);
    }
}
