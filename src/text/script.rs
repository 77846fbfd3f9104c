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
