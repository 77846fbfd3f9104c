//! Text from anywhere (issue 11): files in legacy encodings, UTF-16, other
//! scripts. Every reported span must slice the file as it is on disk, and
//! those bytes, decoded in the reported encoding, must be the reported text.

use encoding_rs::Encoding;
use serde_json::Value;

use crate::dedup_cli::{duplicates, warc_record};
use crate::util::Fixture;

/// Three sentences any English article could hold, with curly quotes,
/// accents and dashes (all in Windows-1252).
const ENGLISH: &str = "The café on Rue Saint-Honoré reopened on Monday after a fire in March. \
“We never thought we would see this day,” said the owner, Zoë Lefèvre — who rebuilt the kitchen herself. \
Inspectors approved the new wiring after a two-week review of the façade and the cellar.\n";
const ENGLISH_OTHER: &str = "Elsewhere in the city, the council debated the budget for the metro extension until late at night.\n";

/// Encodes `text` in `label`, asserting nothing was lost.
fn encode(label: &str, text: &str) -> Vec<u8> {
    let enc = Encoding::for_label(label.as_bytes()).unwrap();
    if enc == encoding_rs::UTF_16LE {
        let mut b = vec![0xff, 0xfe];
        b.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        return b;
    }
    let (bytes, _, lossy) = enc.encode(text);
    assert!(!lossy, "{label} cannot hold the fixture");
    bytes.into_owned()
}

/// The document entry of `id`.
fn doc<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("no document {id} in {report}"))
}

/// Every member, passage side and own span: `start..end` of the file,
/// decoded in the document's reported encoding, is `text`.
fn assert_spans_decode(f: &Fixture, report: &Value) {
    let file = |id: &Value| {
        let d = doc(report, id.as_str().unwrap());
        let bytes = std::fs::read(f.path(d["path"].as_str().unwrap())).unwrap();
        let enc = Encoding::for_label(d["encoding"]["name"].as_str().unwrap().as_bytes()).unwrap();
        (bytes, enc)
    };
    let check = |id: &Value, span: &Value| {
        let (bytes, enc) = file(id);
        let (s, e) = (
            span["start"].as_u64().unwrap() as usize,
            span["end"].as_u64().unwrap() as usize,
        );
        let (text, _) = enc.decode_without_bom_handling(&bytes[s..e]);
        assert_eq!(
            text,
            span["text"].as_str().unwrap(),
            "bytes {s}..{e} of {id}"
        );
    };
    let mut checked = 0;
    for g in report["shared"].as_array().unwrap() {
        for m in g["members"].as_array().unwrap() {
            check(&m["doc"], m);
            checked += 1;
        }
    }
    for p in report["passages"].as_array().unwrap() {
        check(&p["a"]["doc"], &p["a"]);
        check(&p["b"]["doc"], &p["b"]);
        checked += 2;
    }
    for d in report["documents"].as_array().unwrap() {
        for own in d["own"].as_array().unwrap() {
            check(&d["id"], own);
        }
    }
    assert!(checked > 0, "nothing shared: {report}");
}

fn compare(f: &Fixture, files: &[&str], extra: &[&str]) -> Value {
    let mut args = vec!["compare", "--format", "json"];
    args.extend(files);
    args.extend(extra);
    let run = f.run(&args);
    run.expect_code(0);
    run.json()
}

/// The sentence `needle` is found shared between documents `a` and `b`.
fn shares(report: &Value, a: &str, b: &str, needle: &str) -> bool {
    report["shared"].as_array().unwrap().iter().any(|g| {
        let m = g["members"].as_array().unwrap();
        m.iter()
            .any(|x| x["doc"] == a && x["text"].as_str().unwrap().contains(needle))
            && m.iter().any(|x| x["doc"] == b)
    })
}

#[test]
fn windows_1252_english_is_detected_and_offsets_slice_the_file() {
    let f = Fixture::new();
    f.write(
        "wire.txt",
        encode("windows-1252", &format!("{ENGLISH}{ENGLISH_OTHER}")),
    );
    f.write("paper.txt", format!("Local news.\n\n{ENGLISH}"));
    let r = compare(&f, &["wire.txt", "paper.txt"], &[]);
    assert_eq!(doc(&r, "wire")["encoding"]["name"], "windows-1252");
    assert_eq!(doc(&r, "wire")["encoding"]["source"], "detected");
    assert_eq!(doc(&r, "paper")["encoding"]["name"], "UTF-8");
    assert_eq!(doc(&r, "wire")["language"]["code"], "eng");
    assert!(shares(&r, "wire", "paper", "Zoë Lefèvre"), "{r}");
    assert_spans_decode(&f, &r);
}

#[test]
fn latin1_forced_with_encoding() {
    let f = Fixture::new();
    let text = ENGLISH.replace(['“', '”'], "\"").replace('—', "-");
    f.write("a.txt", encode("iso-8859-1", &text));
    f.write(
        "b.txt",
        encode("iso-8859-1", &format!("{ENGLISH_OTHER}{text}")),
    );
    let r = compare(&f, &["a.txt", "b.txt"], &["--encoding", "latin1"]);
    for id in ["a", "b"] {
        assert_eq!(doc(&r, id)["encoding"]["source"], "forced");
        // WHATWG reads the label latin1 as windows-1252, a superset.
        assert_eq!(doc(&r, id)["encoding"]["name"], "windows-1252");
    }
    assert!(shares(&r, "a", "b", "Saint-Honoré"), "{r}");
    assert_spans_decode(&f, &r);
}

#[test]
fn utf16le_with_bom_is_declared() {
    let f = Fixture::new();
    f.write(
        "wire.txt",
        encode("utf-16le", &format!("{ENGLISH_OTHER}{ENGLISH}")),
    );
    f.write("paper.txt", ENGLISH);
    let r = compare(&f, &["wire.txt", "paper.txt"], &[]);
    assert_eq!(doc(&r, "wire")["encoding"]["name"], "UTF-16LE");
    assert_eq!(doc(&r, "wire")["encoding"]["source"], "declared");
    assert!(shares(&r, "wire", "paper", "façade"), "{r}");
    assert_spans_decode(&f, &r);
}

const CHINESE: &str = "国家统计局今天发布数据显示，今年前三季度国内生产总值同比增长百分之五点二。\
专家认为，消费对经济增长的贡献率明显提高，市场信心正在恢复。\
国务院常务会议要求进一步扩大有效投资，稳定就业和物价。\n";
const CHINESE_OTHER: &str = "北京市气象台发布暴雨蓝色预警，提醒市民注意出行安全。\n";

#[test]
fn gb18030_chinese_is_detected() {
    let f = Fixture::new();
    f.write(
        "xinhua.txt",
        encode("gb18030", &format!("{CHINESE_OTHER}{CHINESE}")),
    );
    f.write("portal.txt", CHINESE);
    let r = compare(&f, &["xinhua.txt", "portal.txt"], &[]);
    // chardetng names the GB family GBK; encoding_rs decodes GBK as GB18030.
    assert_eq!(doc(&r, "xinhua")["encoding"]["name"], "GBK");
    assert_eq!(doc(&r, "xinhua")["language"]["code"], "cmn");
    assert!(shares(&r, "xinhua", "portal", "消费对经济增长"), "{r}");
    assert_spans_decode(&f, &r);
}

const JAPANESE: &str = "東京都は今日、新しい防災計画を発表した。\
計画では、大地震の際に開設する避難所を三割増やすことが盛り込まれている。\
知事は記者会見で「都民の命を守ることが最優先だ」と述べた。\n";
const JAPANESE_OTHER: &str = "大阪では記録的な暑さが続き、熱中症で運ばれる人が相次いでいる。\n";

#[test]
fn shift_jis_japanese_is_detected() {
    let f = Fixture::new();
    f.write(
        "kyodo.txt",
        encode("shift_jis", &format!("{JAPANESE}{JAPANESE_OTHER}")),
    );
    f.write("site.txt", format!("{JAPANESE_OTHER}{JAPANESE}"));
    let r = compare(&f, &["kyodo.txt", "site.txt"], &[]);
    assert_eq!(doc(&r, "kyodo")["encoding"]["name"], "Shift_JIS");
    assert_eq!(doc(&r, "kyodo")["language"]["code"], "jpn");
    assert!(shares(&r, "kyodo", "site", "避難所"), "{r}");
    assert_spans_decode(&f, &r);
}

#[test]
fn mixed_encodings_each_file_its_own() {
    let f = Fixture::new();
    f.write("a.txt", encode("windows-1252", ENGLISH));
    f.write("b.txt", encode("utf-16le", ENGLISH));
    f.write("c.txt", encode("shift_jis", JAPANESE));
    f.write("d.txt", JAPANESE);
    let r = compare(&f, &["a.txt", "b.txt", "c.txt", "d.txt"], &[]);
    let names: Vec<&str> = ["a", "b", "c", "d"]
        .iter()
        .map(|id| doc(&r, id)["encoding"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["windows-1252", "UTF-16LE", "Shift_JIS", "UTF-8"]);
    assert!(shares(&r, "a", "b", "Zoë"));
    assert!(shares(&r, "c", "d", "避難所"));
    assert_spans_decode(&f, &r);
}

#[test]
fn invalid_bytes_under_a_forced_encoding_name_file_line_and_offset() {
    let f = Fixture::new();
    f.write("a.txt", b"First line.\nSecond \x82 line.\n");
    let run = f.run(&["align", "a.txt", "a.txt", "--encoding", "shift_jis"]);
    run.expect_code(2);
    assert!(
        run.stderr()
            .contains("a.txt: line 2: bytes not valid in Shift_JIS at byte offset 19"),
        "{}",
        run.stderr()
    );
    let run = f.run(&["align", "a.txt", "a.txt", "--encoding", "klingon"]);
    run.expect_code(2);
    assert!(run.stderr().contains("--encoding"), "{}", run.stderr());
}

#[test]
fn binary_is_still_refused_and_strict_utf8_refuses_legacy() {
    let f = Fixture::new();
    f.write("img.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0");
    f.write("ok.txt", ENGLISH);
    let run = f.run(&["compare", "img.txt", "ok.txt"]);
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("img.txt: line 3: looks like a binary file"),
        "{}",
        run.stderr()
    );
    f.write("cp.txt", encode("windows-1252", ENGLISH));
    let run = f.run(&["compare", "cp.txt", "ok.txt", "--strict-utf8"]);
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("cp.txt: line 1: invalid UTF-8 at byte offset 7"),
        "{}",
        run.stderr()
    );
}

#[test]
fn undecidable_encoding_is_read_with_a_warning() {
    let f = Fixture::new();
    // GB18030 text with two stray 0xFF bytes: no multi-byte encoding reads
    // it, and the single-byte fallback makes symbols of it.
    let gb = encode("gb18030", CHINESE);
    let mut bytes = gb[..30].to_vec();
    bytes.extend(b"\xff\xff");
    bytes.extend(&gb[30..]);
    f.write("odd.txt", &bytes);
    let run = f.run(&["align", "odd.txt", "odd.txt"]);
    run.expect_code(0);
    assert!(
        run.stderr()
            .contains("odd.txt: encoding could not be decided; read as"),
        "{}",
        run.stderr()
    );
    // Clean legacy files give no warning.
    f.write("cp.txt", encode("windows-1252", ENGLISH));
    let run = f.run(&["align", "cp.txt", "cp.txt"]);
    assert!(!run.stderr().contains("warning"), "{}", run.stderr());
}

/// Two documents in one language that share two sentences.
fn same_language(lang: &str, shared: &str, a_only: &str, b_only: &str) {
    let f = Fixture::new();
    f.write("a.txt", format!("{a_only}\n\n{shared}\n"));
    f.write("b.txt", format!("{shared}\n\n{b_only}\n"));
    let r = compare(&f, &["a.txt", "b.txt"], &[]);
    assert_eq!(doc(&r, "a")["language"]["code"], lang, "{r}");
    let first: String = shared.chars().take(12).collect();
    assert!(shares(&r, "a", "b", &first), "{lang}: {r}");
    assert_spans_decode(&f, &r);
    // Forcing a language is reported as such.
    let r = compare(&f, &["a.txt", "b.txt"], &["--language", lang]);
    assert_eq!(doc(&r, "a")["language"]["source"], "forced");
}

#[test]
fn urdu_sentences_are_shared() {
    same_language(
        "urd",
        "وزیراعظم نے آج اسلام آباد میں وفاقی کابینہ کے ایک اہم اجلاس کی صدارت کی۔ اجلاس میں ملکی معیشت اور مہنگائی کی صورتحال پر تفصیلی بات چیت ہوئی۔",
        "لاہور میں آج شدید بارش ہوئی اور کئی سڑکیں پانی میں ڈوب گئیں۔",
        "کراچی میں پولیس نے ایک بڑے جرائم پیشہ گروہ کو گرفتار کر لیا۔",
    );
}

#[test]
fn hindi_sentences_are_shared() {
    same_language(
        "hin",
        "प्रधानमंत्री ने आज नई दिल्ली में केंद्रीय मंत्रिमंडल की एक महत्वपूर्ण बैठक की अध्यक्षता की। बैठक में देश की अर्थव्यवस्था और महंगाई की स्थिति पर विस्तार से चर्चा हुई।",
        "मुंबई में आज भारी बारिश हुई और कई सड़कों पर पानी भर गया।",
        "कोलकाता पुलिस ने एक बड़े आपराधिक गिरोह को गिरफ्तार कर लिया।",
    );
}

#[test]
fn thai_sentences_are_shared() {
    same_language(
        "tha",
        "นายกรัฐมนตรีเป็นประธานการประชุมคณะรัฐมนตรีที่ทำเนียบรัฐบาลเมื่อวานนี้ ที่ประชุมได้หารือเรื่องเศรษฐกิจและค่าครองชีพของประชาชนอย่างละเอียด",
        "ฝนตกหนักในกรุงเทพมหานครทำให้ถนนหลายสายมีน้ำท่วมขัง",
        "ตำรวจจับกุมแก๊งมิจฉาชีพรายใหญ่ได้ที่จังหวัดเชียงใหม่",
    );
}

#[test]
fn arabic_with_embedded_english_is_shared() {
    same_language(
        "ara",
        "قال وزير الخارجية في مؤتمر صحفي مع نظيره الأمريكي إن المحادثات مع شركة Microsoft كانت مثمرة جدا. وأضاف أن الجانبين اتفقا على مواصلة الحوار حول الاستثمار في مجال الذكاء الاصطناعي.",
        "شهدت القاهرة أمس أمطارا غزيرة أدت إلى إغلاق عدد من الطرق الرئيسية.",
        "أعلنت الشرطة في عمان القبض على عصابة متخصصة في سرقة السيارات.",
    );
}

#[test]
fn warc_charset_from_the_http_header() {
    let f = Fixture::new();
    let text = format!("{ENGLISH}{ENGLISH_OTHER}").repeat(3);
    let mut bytes = Vec::new();
    for (id, charset, body) in [
        ("u8", "utf-8", text.clone().into_bytes()),
        ("cp", "windows-1252", encode("windows-1252", &text)),
        ("other", "utf-8", "Completely different words about football and the weather in Glasgow this weekend, with rain.".repeat(5).into_bytes()),
    ] {
        let mut http =
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset={charset}\r\n\r\n")
                .into_bytes();
        http.extend(body);
        bytes.extend(warc_record(
            "response",
            &format!("<urn:uuid:{id}>"),
            "http://x",
            "application/http; msgtype=response",
            &http,
        ));
    }
    f.write("crawl.warc", &bytes);
    f.run(&["dedup", "crawl.warc", "-o", "out"]).expect_code(0);
    assert_eq!(duplicates(&f.path("out")), ["<urn:uuid:cp>"]);
    // With --strict-utf8 the Windows-1252 payload is refused again.
    let run = f.run(&["dedup", "crawl.warc", "-o", "strict", "--strict-utf8"]);
    run.expect_code(2);
    assert!(run.stderr().contains("invalid UTF-8"), "{}", run.stderr());
}

#[test]
fn text_report_isolates_rtl_and_names_encoding_and_language() {
    let f = Fixture::new();
    let shared = "قال وزير الخارجية في مؤتمر صحفي إن المحادثات مع شركة Microsoft كانت مثمرة جدا وإن الجانبين سيواصلان الحوار.";
    f.write("a.txt", encode("windows-1256", &format!("{shared}\n")));
    f.write(
        "b.txt",
        format!("شهدت القاهرة أمس أمطارا غزيرة أدت إلى إغلاق الطرق.\n\n{shared}\n"),
    );
    let run = f.run(&["compare", "a.txt", "b.txt", "--encoding", "windows-1256"]);
    // b.txt is UTF-8 but forced to windows-1256: it still decodes (every
    // byte is defined), and is reported as forced.
    run.expect_code(0);
    let out = run.stdout();
    assert!(
        out.contains("read as windows-1256 (forced); language Arabic (detected)"),
        "{out}"
    );
    let run = f.run(&["compare", "a.txt", "b.txt"]);
    let out = run.stdout();
    assert!(out.contains(&format!("\u{2068}{shared}\u{2069}")), "{out}");
    assert!(out.contains("read as windows-1256 (detected)"), "{out}");
}
