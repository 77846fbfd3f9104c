//! The word lists of the splitter: sentence starters, time zones, titles,
//! abbreviations, function words and web suffixes (ASCII, case as noted).

use super::marks::*;

/// Whether the word at `p` is a common sentence starter (and not an initial
/// such as the `A.` in `J. A. Smith`).
pub(super) fn is_starter(t: &str, p: usize) -> bool {
    let Some(w) = ascii_word_at(t, p, 12) else {
        return false;
    };
    if w.len() == 1 && t[p + 1..].starts_with('.') {
        return false;
    }
    matches!(
        w,
        "A" | "After"
            | "All"
            | "Also"
            | "Although"
            | "An"
            | "And"
            | "Another"
            | "As"
            | "At"
            | "Before"
            | "Both"
            | "But"
            | "By"
            | "Despite"
            | "During"
            | "Each"
            | "Earlier"
            | "Even"
            | "For"
            | "From"
            | "He"
            | "Her"
            | "Here"
            | "His"
            | "How"
            | "However"
            | "I"
            | "If"
            | "In"
            | "It"
            | "Its"
            | "Last"
            | "Later"
            | "Many"
            | "Meanwhile"
            | "More"
            | "Most"
            | "My"
            | "No"
            | "Not"
            | "Now"
            | "On"
            | "One"
            | "Only"
            | "Other"
            | "Our"
            | "She"
            | "Since"
            | "So"
            | "Some"
            | "Still"
            | "Such"
            | "That"
            | "The"
            | "Their"
            | "Then"
            | "There"
            | "These"
            | "They"
            | "This"
            | "Those"
            | "Though"
            | "Thus"
            | "To"
            | "Today"
            | "Under"
            | "Until"
            | "We"
            | "What"
            | "When"
            | "Where"
            | "Whether"
            | "Which"
            | "While"
            | "Who"
            | "Why"
            | "With"
            | "Yesterday"
            | "Yet"
            | "You"
            | "Your"
    )
}

/// Whether the word at `p` looks like a time zone (`GMT`, `ET`, `Eastern`).
pub(super) fn is_time_zone(t: &str, p: usize) -> bool {
    let Some(w) = ascii_word_at(t, p, 10) else {
        return false;
    };
    ((2..=4).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_uppercase()))
        || matches!(
            w,
            "Eastern" | "Pacific" | "Central" | "Mountain" | "Atlantic" | "Moscow" | "Greenwich"
        )
}

/// Titles before names: never end a sentence before a capitalised word.
pub(super) fn is_title(w: &str) -> bool {
    matches!(
        w,
        "Adm"
            | "Amb"
            | "Asst"
            | "Atty"
            | "Brig"
            | "Capt"
            | "Cdr"
            | "Cllr"
            | "Cmdr"
            | "Col"
            | "Cpl"
            | "Det"
            | "Dr"
            | "Drs"
            | "Fr"
            | "Gen"
            | "Gov"
            | "Hon"
            | "Insp"
            | "Lieut"
            | "Lt"
            | "Maj"
            | "Messrs"
            | "Mlle"
            | "Mme"
            | "Mr"
            | "Mrs"
            | "Ms"
            | "Msgr"
            | "Mx"
            | "Pres"
            | "Prof"
            | "Pte"
            | "Pvt"
            | "Rep"
            | "Reps"
            | "Rev"
            | "Revd"
            | "Rt"
            | "Sen"
            | "Sens"
            | "Sgt"
            | "Supt"
    )
}

/// Abbreviations that are always followed by more of the sentence.
pub(super) fn is_never_final(w: &str) -> bool {
    matches!(w, "vs" | "Vs" | "cf" | "Cf" | "viz" | "eg" | "ie")
}

/// Months, company/place/misc abbreviations and US state abbreviations:
/// end a sentence only before a common sentence starter.
pub(super) fn is_soft_abbrev(w: &str) -> bool {
    matches!(
        w,
        // months
        "Jan" | "Feb" | "Mar" | "Apr" | "Jun" | "Jul" | "Aug" | "Sep" | "Sept" | "Oct" | "Nov"
            | "Dec"
            // companies, places, names
            | "Inc" | "Corp" | "Ltd" | "Co" | "Cos" | "Bros" | "Plc" | "Mfg" | "Ave" | "Blvd"
            | "Mt" | "Ft" | "St" | "Rd" | "Hwy" | "Sq" | "Jr" | "Sr" | "Esq" | "Dept" | "Univ"
            | "Assn" | "Govt"
            // references and quantities
            | "No" | "Nos" | "Vol" | "Vols" | "Fig" | "Figs" | "Art" | "Ch" | "Ed" | "Eds"
            | "Op" | "Pp" | "Est" | "Approx" | "etc" | "approx" | "al" | "ca" | "pp" | "vol"
            | "vols" | "nos" | "fig" | "figs" | "ed" | "eds" | "est" | "dept" | "incl"
            | "excl" | "esp" | "govt"
            // US states (AP style)
            | "Ala" | "Ariz" | "Ark" | "Calif" | "Colo" | "Conn" | "Del" | "Fla" | "Ga" | "Ill"
            | "Ind" | "Kan" | "Kans" | "Ky" | "La" | "Md" | "Mass" | "Mich" | "Minn" | "Miss"
            | "Mo" | "Mont" | "Neb" | "Nev" | "Okla" | "Ore" | "Pa" | "Tenn" | "Tex" | "Va"
            | "Vt" | "Wash" | "Wis" | "Wyo"
    )
}

/// Lowercase function words that rarely end a line that is a complete unit.
pub(super) fn is_function_word(w: &str) -> bool {
    matches!(
        w,
        "a" | "about"
            | "across"
            | "after"
            | "against"
            | "although"
            | "amid"
            | "among"
            | "an"
            | "and"
            | "are"
            | "as"
            | "at"
            | "be"
            | "because"
            | "been"
            | "before"
            | "being"
            | "between"
            | "both"
            | "but"
            | "by"
            | "can"
            | "could"
            | "during"
            | "either"
            | "for"
            | "from"
            | "had"
            | "has"
            | "have"
            | "her"
            | "his"
            | "if"
            | "in"
            | "into"
            | "is"
            | "its"
            | "may"
            | "might"
            | "more"
            | "most"
            | "must"
            | "my"
            | "neither"
            | "nor"
            | "not"
            | "of"
            | "on"
            | "onto"
            | "or"
            | "our"
            | "over"
            | "per"
            | "shall"
            | "should"
            | "since"
            | "so"
            | "such"
            | "than"
            | "that"
            | "the"
            | "their"
            | "these"
            | "this"
            | "those"
            | "though"
            | "through"
            | "to"
            | "under"
            | "upon"
            | "very"
            | "via"
            | "was"
            | "were"
            | "when"
            | "where"
            | "whether"
            | "which"
            | "while"
            | "who"
            | "whom"
            | "whose"
            | "will"
            | "with"
            | "within"
            | "without"
            | "would"
            | "your"
    )
}

/// Top-level domains and file extensions that are not common English words.
pub(super) fn is_web_suffix(w: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "ai", "app", "ar", "asp", "aspx", "au", "avi", "biz", "br", "ca", "cc", "cfm", "ch", "cn",
        "co", "com", "css", "csv", "de", "dev", "doc", "docx", "edu", "epub", "es", "eu", "exe",
        "fm", "fr", "gif", "gov", "gr", "gz", "htm", "html", "ie", "il", "info", "int", "io", "ir",
        "jp", "jpeg", "jpg", "js", "json", "jsp", "kz", "md", "mil", "mov", "mp3", "mp4", "mx",
        "net", "nl", "nz", "odt", "org", "pdf", "php", "pl", "png", "ppt", "pptx", "py", "rar",
        "rs", "rss", "rtf", "ru", "se", "svg", "sy", "tar", "tr", "tv", "txt", "ua", "uk", "wav",
        "webp", "xls", "xlsx", "xml", "xyz", "za", "zip",
    ];
    w.len() <= 5 && SUFFIXES.iter().any(|s| s.eq_ignore_ascii_case(w))
}
