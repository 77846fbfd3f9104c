//! Unicode character properties the text stage needs, from ICU4X's
//! compiled data (`icu_properties`): sentence terminals and terminal
//! punctuation for the splitter, scripts for choosing a word segmenter.

use icu_properties::props::{SentenceTerminal, TerminalPunctuation};
use icu_properties::CodePointSetData;

/// `c` has the Unicode `Sentence_Terminal` property (`.` `!` `?` `।` `۔`
/// `؟` `։` `።` `။` `。` ...).
pub fn is_sentence_terminal(c: char) -> bool {
    CodePointSetData::new::<SentenceTerminal>().contains(c)
}

/// `c` has the Unicode `Terminal_Punctuation` property (sentence terminals
/// and clause ends such as `,` `;` `:` `،` `、`).
pub fn is_terminal_punctuation(c: char) -> bool {
    CodePointSetData::new::<TerminalPunctuation>().contains(c)
}

/// A character of a script written without spaces between words, which
/// UAX #29 alone cannot segment: Thai, Lao, Myanmar, Khmer, Han, Hiragana,
/// Katakana.
pub fn needs_dictionary(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}'      // Thai, Lao
        | '\u{1000}'..='\u{109F}'    // Myanmar
        | '\u{1780}'..='\u{17FF}'    // Khmer
        | '\u{19E0}'..='\u{19FF}'    // Khmer symbols
        | '\u{AA60}'..='\u{AA7F}'    // Myanmar extended-A
        | '\u{3040}'..='\u{30FF}'    // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}'    // Han extension A
        | '\u{4E00}'..='\u{9FFF}'    // Han
        | '\u{F900}'..='\u{FAFF}'    // Han compatibility
        | '\u{FF66}'..='\u{FF9F}'    // half-width Katakana
        | '\u{20000}'..='\u{3FFFF}') // Han extensions B-
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminals_of_many_scripts() {
        for c in [
            '.', '!', '?', '।', '॥', '۔', '؟', '։', '።', '။', '。', '！', '？',
        ] {
            assert!(is_sentence_terminal(c), "{c:?} U+{:04X}", c as u32);
        }
        for c in ['a', ',', '،', ' ', 'ก', '’'] {
            assert!(!is_sentence_terminal(c), "{c:?}");
        }
        for c in ['،', '؛', '、', '，', ',', ';'] {
            assert!(is_terminal_punctuation(c), "{c:?}");
        }
    }
}
