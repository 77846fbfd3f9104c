//! The language of a document and what evidence rules need from it: a
//! stemmer (`rust-stemmers`, Snowball, 18 languages) and a stopword list
//! (`stop-words`: NLTK's lists where NLTK has one, else the stopwords-iso
//! list; English keeps syndic's own [`STOPWORDS`](super::STOPWORDS)).
//! Detection is `whatlang` (trigrams and script, 69 languages, no model to
//! load).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use rust_stemmers::{Algorithm, Stemmer};

use crate::error::{Error, Result};

/// How a document's language was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LanguageSource {
    /// Detected from the text.
    Detected,
    /// Given with `--language`.
    Forced,
    /// Detection was not reliable (too little text, no letters, words of
    /// no language); English rules apply, as before languages were known.
    Default,
}

/// A document's language (the report's `language` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Language {
    /// ISO 639-3 code (`eng`, `urd`, `cmn`, ...).
    pub code: &'static str,
    /// English name.
    pub name: &'static str,
    /// Detected, forced or default.
    pub source: LanguageSource,
}

impl Default for Language {
    fn default() -> Self {
        Language::of(whatlang::Lang::Eng, LanguageSource::Default)
    }
}

/// How many characters of a document detection reads: enough for a
/// reliable trigram profile, and bounded so long documents cost no more.
const DETECT_CHARS: usize = 1000;

impl Language {
    fn of(lang: whatlang::Lang, source: LanguageSource) -> Language {
        Language {
            code: lang.code(),
            name: lang.eng_name(),
            source,
        }
    }

    /// The language named by `s`: an ISO 639-3 or 639-1 code or an English
    /// name (`urd`, `ur`, `Urdu`); unknown is [`Error::InvalidParameter`]
    /// naming `--language`.
    pub fn parse(s: &str) -> Result<Language> {
        let key = s.trim().to_ascii_lowercase();
        let found = whatlang::Lang::all().iter().copied().find(|l| {
            l.code() == key
                || iso1(l.code()) == Some(key.as_str())
                || l.eng_name().eq_ignore_ascii_case(&key)
        });
        found
            .map(|l| Language::of(l, LanguageSource::Forced))
            .ok_or_else(|| Error::InvalidParameter {
                name: "--language",
                value: s.to_string(),
                reason: "not a known language (an ISO 639-1 or 639-3 code such as en, ur, hi, \
                         zh, ja, th, or an English name)",
            })
    }

    /// Detects the language of `text` (its first thousand characters);
    /// when `whatlang` says its guess for Latin-script text is not reliable,
    /// English with [`LanguageSource::Default`].
    ///
    /// Fast path: ASCII text whose first words are at least 35% English
    /// function words is English without trigram scoring (English prose
    /// runs at 40-50%; other languages written in ASCII share few words
    /// with the English list), which keeps English corpora as fast as
    /// before languages were detected.
    pub fn detect(text: &str) -> Language {
        if looks_english(text) {
            return Language::of(whatlang::Lang::Eng, LanguageSource::Detected);
        }
        let end = text
            .char_indices()
            .nth(DETECT_CHARS)
            .map_or(text.len(), |(i, _)| i);
        match whatlang::detect(&text[..end]) {
            // Outside Latin script the script alone already rules English
            // out, so even an unsure guess within it is the better choice.
            Some(info) if info.is_reliable() || info.script() != whatlang::Script::Latin => {
                Language::of(info.lang(), LanguageSource::Detected)
            }
            _ => Language::default(),
        }
    }

    /// ISO 639-1 code, where there is one.
    pub fn iso1(&self) -> Option<&'static str> {
        iso1(self.code)
    }

    /// The language's stemmer and stopwords.
    pub fn lexicon(&self) -> &'static Lexicon {
        static CACHE: OnceLock<Mutex<HashMap<&'static str, &'static Lexicon>>> = OnceLock::new();
        let mut map = CACHE
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        map.entry(self.code)
            .or_insert_with(|| Box::leak(Box::new(Lexicon::new(self.code))))
    }
}

/// The fast path of [`Language::detect`]: the first 2000 bytes are ASCII and
/// hold at least 30 words, 35% or more of them English stopwords.
fn looks_english(text: &str) -> bool {
    let mut end = text.len().min(2000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    if !head.is_ascii() {
        return false;
    }
    let (mut words, mut stop) = (0usize, 0usize);
    let mut scratch = String::new();
    super::for_each_word(head, &mut scratch, |w| {
        words += 1;
        stop += super::is_stopword(w) as usize;
    });
    words >= 30 && stop * 100 >= words * 35
}

/// A language's stemmer and stopwords, in the normalized form of
/// [`normalize_word`](super::normalize_word).
pub struct Lexicon {
    english: bool,
    stopwords: Vec<String>,
    stemmer: Option<Stemmer>,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("stopwords", &self.stopwords.len())
            .field("stemmer", &self.stemmer.is_some())
            .finish()
    }
}

impl Lexicon {
    fn new(code: &'static str) -> Lexicon {
        let english = code == "eng";
        let mut stopwords = Vec::new();
        if !english {
            if let Some(list) = iso1(code).and_then(stop_words::lookup) {
                let mut out = String::new();
                for w in list {
                    // Multi-word entries and entries that are not one word
                    // after normalization can never match a token.
                    let mut n = 0;
                    super::for_each_word(w, &mut out, |_| n += 1);
                    out.clear();
                    if n == 1 && super::normalize_word(w, &mut out) {
                        stopwords.push(out.clone());
                    }
                }
            }
            stopwords.sort_unstable();
            stopwords.dedup();
        }
        Lexicon {
            english,
            stopwords,
            stemmer: stemmer_of(code).map(Stemmer::create),
        }
    }

    /// True if the normalized word `w` is a stopword of the language.
    pub fn is_stopword(&self, w: &str) -> bool {
        if self.english {
            return super::is_stopword(w);
        }
        self.stopwords
            .binary_search_by(|s| s.as_str().cmp(w))
            .is_ok()
    }

    /// The stem of the normalized word `w` (the word itself for languages
    /// without a stemmer).
    pub fn stem<'a>(&self, w: &'a str) -> std::borrow::Cow<'a, str> {
        match &self.stemmer {
            Some(s) => s.stem(w),
            None => w.into(),
        }
    }

    /// Whether the language has a stemmer.
    pub fn has_stemmer(&self) -> bool {
        self.stemmer.is_some()
    }
}

/// The Snowball stemmer of an ISO 639-3 code, where `rust-stemmers` has one.
fn stemmer_of(code: &str) -> Option<Algorithm> {
    Some(match code {
        "eng" => Algorithm::English,
        "ara" => Algorithm::Arabic,
        "dan" => Algorithm::Danish,
        "nld" => Algorithm::Dutch,
        "fin" => Algorithm::Finnish,
        "fra" => Algorithm::French,
        "deu" => Algorithm::German,
        "ell" => Algorithm::Greek,
        "hun" => Algorithm::Hungarian,
        "ita" => Algorithm::Italian,
        "nob" => Algorithm::Norwegian,
        "por" => Algorithm::Portuguese,
        "ron" => Algorithm::Romanian,
        "rus" => Algorithm::Russian,
        "spa" => Algorithm::Spanish,
        "swe" => Algorithm::Swedish,
        "tam" => Algorithm::Tamil,
        "tur" => Algorithm::Turkish,
        _ => return None,
    })
}

/// ISO 639-1 code of the ISO 639-3 codes `whatlang` uses.
fn iso1(code: &str) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("afr", "af"),
        ("aka", "ak"),
        ("amh", "am"),
        ("ara", "ar"),
        ("aze", "az"),
        ("bel", "be"),
        ("ben", "bn"),
        ("bul", "bg"),
        ("cat", "ca"),
        ("ces", "cs"),
        ("cmn", "zh"),
        ("cym", "cy"),
        ("dan", "da"),
        ("deu", "de"),
        ("ell", "el"),
        ("eng", "en"),
        ("epo", "eo"),
        ("est", "et"),
        ("fin", "fi"),
        ("fra", "fr"),
        ("guj", "gu"),
        ("heb", "he"),
        ("hin", "hi"),
        ("hrv", "hr"),
        ("hun", "hu"),
        ("hye", "hy"),
        ("ind", "id"),
        ("ita", "it"),
        ("jav", "jv"),
        ("jpn", "ja"),
        ("kan", "kn"),
        ("kat", "ka"),
        ("khm", "km"),
        ("kor", "ko"),
        ("lat", "la"),
        ("lav", "lv"),
        ("lit", "lt"),
        ("mal", "ml"),
        ("mar", "mr"),
        ("mkd", "mk"),
        ("mya", "my"),
        ("nep", "ne"),
        ("nld", "nl"),
        ("nob", "no"),
        ("ori", "or"),
        ("pan", "pa"),
        ("pes", "fa"),
        ("pol", "pl"),
        ("por", "pt"),
        ("ron", "ro"),
        ("rus", "ru"),
        ("sin", "si"),
        ("slk", "sk"),
        ("slv", "sl"),
        ("sna", "sn"),
        ("spa", "es"),
        ("srp", "sr"),
        ("swe", "sv"),
        ("tam", "ta"),
        ("tel", "te"),
        ("tgl", "tl"),
        ("tha", "th"),
        ("tuk", "tk"),
        ("tur", "tr"),
        ("ukr", "uk"),
        ("urd", "ur"),
        ("uzb", "uz"),
        ("vie", "vi"),
        ("yid", "yi"),
        ("zul", "zu"),
    ];
    TABLE.iter().find(|(c, _)| *c == code).map(|(_, i)| *i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_news_languages() {
        let cases = [
            ("eng", "The minister said on Monday that the government would raise taxes on fuel next year."),
            ("urd", "وزیراعظم نے آج اسلام آباد میں ایک اجلاس کی صدارت کی اور معیشت پر بات ہوئی۔"),
            ("hin", "प्रधानमंत्री ने आज नई दिल्ली में एक बैठक की और अर्थव्यवस्था पर चर्चा हुई।"),
            ("rus", "Президент провёл совещание в Кремле, на котором обсуждались вопросы экономики."),
            ("cmn", "国家统计局今天发布数据显示，前三季度国内生产总值同比增长百分之五。"),
            ("jpn", "東京都は今日、新しい防災計画を発表した。知事は都民の命を守ると述べた。"),
            ("tha", "นายกรัฐมนตรีเดินทางไปเชียงใหม่เมื่อวานนี้เพื่อพบกับผู้ว่าราชการจังหวัด"),
            ("spa", "El presidente del Gobierno anunció ayer nuevas medidas para reducir el precio de la luz."),
        ];
        for (code, text) in cases {
            assert_eq!(Language::detect(text).code, code, "{text}");
        }
        assert_eq!(
            Language::detect("12345 ...").source,
            LanguageSource::Default
        );
        // The English fast path, and what it must not take.
        let en = "The council said on Monday that it would not raise the price of water for the families of the town, and that the plan for the new bridge over the river was still on the table for the year.";
        assert!(looks_english(en));
        let es = "El consejo dijo el lunes que no subiria el precio del agua para las familias de la ciudad, y que el plan para el nuevo puente sobre el rio seguia sobre la mesa para este año.";
        let de = "Der Rat sagte am Montag, dass er den Preis fur das Wasser fur die Familien der Stadt nicht erhohen werde und dass der Plan fur die neue Brucke uber den Fluss noch auf dem Tisch liege.";
        let nl = "De raad zei maandag dat hij de prijs van het water voor de gezinnen van de stad niet zou verhogen, en dat het plan voor de nieuwe brug over de rivier nog op tafel lag voor dit jaar.";
        for t in [es, de, nl] {
            assert!(!looks_english(t), "{t}");
        }
        assert_eq!(Language::detect(de).code, "deu");
    }

    #[test]
    fn parse_takes_codes_and_names() {
        assert_eq!(Language::parse("ur").unwrap().code, "urd");
        assert_eq!(Language::parse("spa").unwrap().name, "Spanish");
        assert_eq!(Language::parse("German").unwrap().code, "deu");
        assert!(Language::parse("xx-nope").is_err());
    }

    #[test]
    fn lexicons_stem_and_stop_per_language() {
        let es = Language::parse("es").unwrap().lexicon();
        assert!(es.is_stopword("el") && es.is_stopword("de") && !es.is_stopword("gobierno"));
        assert_eq!(es.stem("medidas"), es.stem("medida"));
        let en = Language::parse("en").unwrap().lexicon();
        assert!(en.is_stopword("the") && !en.is_stopword("gobierno"));
        let ur = Language::parse("ur").unwrap().lexicon();
        assert!(ur.is_stopword("کے") && !ur.has_stemmer());
        assert_eq!(ur.stem("اجلاس"), "اجلاس");
    }
}
