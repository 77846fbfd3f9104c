//! Sentence splitting for news text scraped from web pages.
//!
//! [`split_sentences`] returns half-open byte spans into the input.  Every
//! span is trimmed of Unicode whitespace, non-empty and on char boundaries;
//! spans are in order and do not overlap, and every non-whitespace byte of the
//! input lies in exactly one span.  The splitter runs in linear time, does not
//! recurse, allocates nothing except the output vector, and never panics.
//!
//! # Pass 1: lines and paragraphs
//!
//! The text is cut into lines at `\n`, `\r`, `\r\n` and U+2028; U+2029
//! (paragraph separator) counts as a blank line.  Consecutive non-blank lines
//! are grouped into *segments*; a segment boundary is always a sentence
//! boundary.  Between two lines:
//!
//! * a blank (whitespace-only) line always separates segments;
//! * a *bullet line* (starting with `•`, `·`, `▪`, `–`, `—` …, with `-`, `*`
//!   or `+` followed by whitespace, or with `1.`, `2)`, `(3)` followed by
//!   whitespace) always starts a new segment;
//! * a *byline* (`By Jane Doe`, `— Julie Sanders`: a short line of
//!   capitalised words after `By` or a dash) is always a segment of its own;
//! * otherwise the line break is *joined* (treated as a space) when the
//!   break is clearly inside a sentence:
//!   - the next line starts (after opening quotes/brackets) with a lowercase
//!     letter or with punctuation that cannot start a sentence (`,` `;` `:`
//!     `)` `%` …), or
//!   - the previous line ends with `,` `;` a hyphen or dash, an opening
//!     bracket/quote, `&` or `/`, or
//!   - the previous line ends with a function word (`the`, `of`, `and`, `to`,
//!     `with`, `was` …), or with a title (`Mr`, `Dr.` …) followed by a
//!     capitalised word, or
//!   - *wrapped-prose heuristic*: an earlier break of the same segment was
//!     joined for one of the reasons above (so the block is known to be
//!     hard-wrapped prose), the previous line ends in a letter or digit, is at
//!     least 40 characters long and at least 80% as wide as the widest line
//!     of the segment so far (it was filled up to the wrap width);
//! * every other single line break is a sentence boundary.  This is what
//!   makes headlines without a full stop, captions and other one-line units
//!   sentences of their own, and makes a dotted acronym at the end of a line
//!   (`the most immediate U.S.` + newline + `The …`) end its sentence.
//!
//! Known limitation: the first line break of a hard-wrapped paragraph that
//! falls before a capitalised word after an ordinary word (`… said that
//! Russian` / `Federation troops …`) is taken for a boundary.
//!
//! # Pass 2: terminal punctuation inside a segment
//!
//! Terminal punctuation is `.` `!` `?` `…` `‼` `⁇` `⁈` `⁉`, the CJK/fullwidth
//! `。` `！` `？` `｡`, and every other character with the Unicode
//! `Sentence_Terminal` property (`।` `۔` `؟` `։` `።` `။` …, from ICU4X's
//! `icu_properties`), which behave like `!`; `;` after a Greek letter is the
//! Greek question mark. In Thai and Lao, which mark a sentence end with a
//! space, a space between two letters of those scripts is a boundary.
//! Outside ASCII, characters with the `Terminal_Punctuation` property
//! (`،` `、` `，` …) cannot start a sentence.  A run of terminals (`...`, `?!`) is one *cluster*;
//! it may be followed by closing quotes and brackets (`"` `'` `”` `’` `»` `)`
//! `]` and further terminals), which belong to the sentence they close
//! (`He said "it is over." Then …` splits after the quote).  A quote *before*
//! the full stop (`… "deteriorated".`) needs no special treatment.
//!
//! Whether a boundary follows the cluster:
//!
//! * A cluster at the very start of a sentence never ends it; a CJK full stop
//!   always does.
//! * **Attached** (no whitespace after the cluster and closers):
//!   - a following digit never splits (`3.5%`, `$1.2 billion`, `2.0.1`,
//!     `0.82-0.88`, `No.5`); other punctuation never splits (`U.S.-Russia`,
//!     `etc.,`);
//!   - after a closing quote/bracket: an apostrophe plus letter is a
//!     possessive (`U.S.'s`), otherwise split before an uppercase letter;
//!   - `!`, `?`, `…` split before an uppercase letter only;
//!   - a single full stop between two words splits (a missing space:
//!     `once again.no one` → `once again.` | `no one`) **except** when the
//!     whitespace-delimited token contains `@`, `/` or `\` (e-mails, URLs,
//!     paths), when the word before is a single letter (`U.S`, `e.g`,
//!     `J.K.`) or the word after is a single letter and the word before has
//!     at most two (`Ph.D`), when the word before is `www`, when the word
//!     after is followed by another `.` + alphanumeric (`bbc.co.uk`), when
//!     the word after is a known web suffix or file extension (`com`, `org`,
//!     `uk`, `pdf`, `html` … — English words such as `no`, `in`, `it`, `us`
//!     are deliberately not in the list), after a title (`Mr.Smith`), or
//!     when the word before is a digit and the word after is not a
//!     capitalised word of two or more letters.
//! * **Spaced** (whitespace after the cluster): look at the first character
//!   after the whitespace and any opening quotes/brackets (`… done. "We …`
//!   splits):
//!   - a lowercase letter never starts a sentence (`such provocations. are`,
//!     `"Why?" he asked`, `wonderful... if NATO`), nor does punctuation such
//!     as `,` `;` `:` `%` `)`;
//!   - a dash (`-` `–` `—`): after an abbreviation or acronym it is a stray
//!     space in a compound (`U.S. -Russia ties`) and never splits; otherwise
//!     the dash starts a sentence when the next letter after it is not
//!     lowercase (`talks. -Russian relations` splits, `talks. -based on`
//!     does not);
//!   - after `!`, `?`, `…`, `...` anything else starts a sentence;
//!   - after a single full stop it depends on the word before the stop:
//!     - **titles** (`Mr`, `Mrs`, `Dr`, `Prof`, `Sen`, `Gen`, `Lt` …) and
//!       `vs`, `cf`, `viz`, `e.g.`, `i.e.` never end a sentence before a
//!       capitalised word or a number;
//!     - **soft abbreviations** — months (`Jan` … `Dec`), company/place/misc
//!       abbreviations (`Inc`, `Corp`, `Ltd`, `Co`, `St`, `Ave`, `Jr`, `No`,
//!       `Vol`, `etc`, `approx`, US state abbreviations …), dotted acronyms
//!       whose parts have at most two letters (`U.S.`, `U.N.`, `D.C.`,
//!       `Ph.D.`) and single-letter initials (`J. K. Rowling`) — never end a
//!       sentence before a number, and end one before a capitalised word
//!       only if that word is a common sentence starter (`The`, `He`, `She`,
//!       `It`, `They`, `We`, `But`, `And`, `In`, `A`, `This` …; a single
//!       letter followed by `.` is an initial, not a starter).  So `the U.S.
//!       Secretary of State` and `U.N. Ambassador Bashar` stay together while
//!       `ties with the U.S. The talks failed.` splits;
//!     - `a.m.` / `p.m.` end a sentence before a capitalised word unless it
//!       looks like a time zone (`GMT`, `ET`, `Eastern` …), never before a
//!       number;
//!     - a number of at most three digits that is the first token of the
//!       sentence is an enumerator (`1. First item`) and does not end it;
//!     - anything else (ordinary words, numbers, closing quotes as in
//!       `Cold War". Only …`) ends the sentence before a capitalised word, a
//!       digit (`in 2014. 2015 was worse.`), a currency sign or other symbol.

mod chars;
mod lexicon;
mod lines;
mod marks;

use crate::util::Span;
use lines::{find_line_end, line_join, Join, Segment};
use marks::split_segment;

/// Splits `text` into sentences and returns them in order as half-open byte
/// spans into `text`.
///
/// Each span is trimmed of leading and trailing Unicode whitespace, is
/// non-empty and lies on char boundaries; spans never overlap and every
/// non-whitespace byte of `text` is inside exactly one span.  Runs in time
/// linear in `text.len()`.  See the [module documentation](self) for the
/// rules.
pub fn split_sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut seg: Option<Segment> = None;
    let mut hard_break = false;
    let mut line_start = 0;
    loop {
        let (line_end, next_start, paragraph) = find_line_end(bytes, line_start);
        let line = &text[line_start..line_end];
        let head_trimmed = line.trim_start();
        let content = head_trimmed.trim_end();
        if content.is_empty() {
            hard_break = true;
        } else {
            let cs = line_start + (line.len() - head_trimmed.len());
            let ce = cs + content.len();
            match seg.as_mut() {
                None => seg = Some(Segment::new(text, cs, ce)),
                Some(sg) => {
                    let join = if hard_break {
                        Join::No
                    } else {
                        line_join(text, sg, cs, ce)
                    };
                    match join {
                        Join::No => {
                            split_segment(text, sg.start, sg.end, &mut out);
                            *sg = Segment::new(text, cs, ce);
                        }
                        Join::Strong => sg.extend(text, cs, ce, true),
                        Join::Weak => sg.extend(text, cs, ce, false),
                    }
                }
            }
            hard_break = false;
        }
        if paragraph {
            hard_break = true;
        }
        match next_start {
            Some(n) => line_start = n,
            None => break,
        }
    }
    if let Some(sg) = seg {
        split_segment(text, sg.start, sg.end, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(unused_imports)]
    use super::chars::*;
    use super::lexicon::*;
    use super::lines::*;
    use super::marks::*;
    use super::*;

    fn sents(text: &str) -> Vec<&str> {
        split_sentences(text)
            .into_iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    /// Runs table cases of (input, expected sentences).
    fn check(cases: &[(&str, &[&str])]) {
        for (input, expected) in cases {
            assert_eq!(&sents(input), expected, "input: {input:?}");
            assert_invariants(input);
        }
    }

    fn assert_invariants(text: &str) {
        let spans = split_sentences(text);
        let mut covered_to = 0;
        for s in &spans {
            assert!(s.start < s.end, "empty span {s:?} in {text:?}");
            assert!(s.start >= covered_to, "overlap {s:?} in {text:?}");
            assert!(
                text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
                "span {s:?} off char boundary in {text:?}"
            );
            let slice = &text[s.start..s.end];
            assert_eq!(slice.trim(), slice, "untrimmed span {s:?} in {text:?}");
            assert!(
                text[covered_to..s.start].trim().is_empty(),
                "non-whitespace between spans before {s:?} in {text:?}"
            );
            covered_to = s.end;
        }
        assert!(
            text[covered_to..].trim().is_empty(),
            "uncovered tail in {text:?}"
        );
    }

    #[test]
    fn real_corpus_paragraphs() {
        let putin = "\"You can say that the level of trust on a working level, especially on the military side, has not improved but most likely worsened\", Putin said in the transcript of an interview with Mir television released by the Kremlin. He added that \"returning to pseudo-attempts to resolve the crisis by repeating mantras that Assad must step down can not help sort things out\", suggesting a meeting between Tillerson and Putin would be unproductive given the current political climate. \"We don't want a new Cold War\". Only weeks ago, it appeared that Trump, who praised Putin throughout the US election campaign, was poised for a potentially historic rapprochement with Russian Federation.";
        check(&[
            (
                putin,
                &[
                    "\"You can say that the level of trust on a working level, especially on the military side, has not improved but most likely worsened\", Putin said in the transcript of an interview with Mir television released by the Kremlin.",
                    "He added that \"returning to pseudo-attempts to resolve the crisis by repeating mantras that Assad must step down can not help sort things out\", suggesting a meeting between Tillerson and Putin would be unproductive given the current political climate.",
                    "\"We don't want a new Cold War\".",
                    "Only weeks ago, it appeared that Trump, who praised Putin throughout the US election campaign, was poised for a potentially historic rapprochement with Russian Federation.",
                ],
            ),
            (
                "The Syrian representative noted that the Syrian government, basing on its firm principles, has joined the Prohibition of Chemical Weapons Convention and fulfilled its obligations in this regard since it made unprecedented achievement in the OPCW's history and ended the Syrian chemical weapons program in record time, back in 2014. And he suggested that possible war crimes charges could be levied against the Syrian leader.",
                &[
                    "The Syrian representative noted that the Syrian government, basing on its firm principles, has joined the Prohibition of Chemical Weapons Convention and fulfilled its obligations in this regard since it made unprecedented achievement in the OPCW's history and ended the Syrian chemical weapons program in record time, back in 2014.",
                    "And he suggested that possible war crimes charges could be levied against the Syrian leader.",
                ],
            ),
            (
                "But Lavrov said some progress had been made on Syria at the meeting and that a working group would be set up to examine the poor state of U.S. -Russia ties.",
                &["But Lavrov said some progress had been made on Syria at the meeting and that a working group would be set up to examine the poor state of U.S. -Russia ties."],
            ),
            (
                "Syrian U.N. Ambassador Bashar Ja'afari said Syria had sent dozens of letters.",
                &["Syrian U.N. Ambassador Bashar Ja'afari said Syria had sent dozens of letters."],
            ),
            (
                "Mr Putin, speaking on Mir television, also said trust had \"deteriorated\".",
                &["Mr Putin, speaking on Mir television, also said trust had \"deteriorated\"."],
            ),
            (
                "Lavrov protested that Russian Federation was the victim of \"very slanderous attacks\", and added: \"I have to say once again.no one has shown us a single fact\".",
                &[
                    "Lavrov protested that Russian Federation was the victim of \"very slanderous attacks\", and added: \"I have to say once again.",
                    "no one has shown us a single fact\".",
                ],
            ),
        ]);
    }

    #[test]
    fn blank_line_ends_sentence() {
        check(&[
            ("first part\n\nsecond part", &["first part", "second part"]),
            (
                "first part\n   \t\nsecond part",
                &["first part", "second part"],
            ),
            (
                "first part\r\n\r\nsecond part",
                &["first part", "second part"],
            ),
            (
                "first part\u{2029}second part",
                &["first part", "second part"],
            ),
            ("One. Two\n\n\nthree", &["One.", "Two", "three"]),
        ]);
    }

    #[test]
    fn headline_without_full_stop() {
        check(&[
            (
                "Russian Federation must stop propping up 'murderous' Syrian regime, Boris Johnson says\nHe could not say if the talks would go ahead.",
                &[
                    "Russian Federation must stop propping up 'murderous' Syrian regime, Boris Johnson says",
                    "He could not say if the talks would go ahead.",
                ],
            ),
            (
                "Syria talks collapse\r\nThe talks collapsed on Monday.",
                &["Syria talks collapse", "The talks collapsed on Monday."],
            ),
            (
                "Headline: Trump meets Putin\n\"We had a good talk,\" he said.",
                &["Headline: Trump meets Putin", "\"We had a good talk,\" he said."],
            ),
        ]);
    }

    #[test]
    fn bullet_lines() {
        check(&[
            (
                "Key points:\n• Talks failed\n• Sanctions remain\n- More to come\n* And more\n– Dash item\n· Dot item",
                &[
                    "Key points:",
                    "• Talks failed",
                    "• Sanctions remain",
                    "- More to come",
                    "* And more",
                    "– Dash item",
                    "· Dot item",
                ],
            ),
            (
                "The plan has three parts, including\n• lower tariffs\n• more talks",
                &["The plan has three parts, including", "• lower tariffs", "• more talks"],
            ),
            (
                "• The government said it would\n  consider the proposal. Critics disagreed.",
                &[
                    "• The government said it would\n  consider the proposal.",
                    "Critics disagreed.",
                ],
            ),
        ]);
    }

    #[test]
    fn numbered_bullet_lines() {
        check(&[
            (
                "Steps\n1. Open the box\n2. Remove the cover. Then wait.\n3) Close it\n(4) Done",
                &[
                    "Steps",
                    "1. Open the box",
                    "2. Remove the cover.",
                    "Then wait.",
                    "3) Close it",
                    "(4) Done",
                ],
            ),
            (
                "the sum was\n1.5 million dollars",
                &["the sum was\n1.5 million dollars"],
            ),
        ]);
    }

    #[test]
    fn byline_line() {
        check(&[
            (
                "Putin warns the West\n  — Julie Sanders\nMoscow said on Monday it would respond.",
                &[
                    "Putin warns the West",
                    "— Julie Sanders",
                    "Moscow said on Monday it would respond.",
                ],
            ),
            (
                "By Jane Doe\nthe story begins here.",
                &["By Jane Doe", "the story begins here."],
            ),
            (
                "Syria strikes condemned\nBy Jane Doe and John van Smith, Reuters\nThe strikes were condemned.",
                &[
                    "Syria strikes condemned",
                    "By Jane Doe and John van Smith, Reuters",
                    "The strikes were condemned.",
                ],
            ),
            (
                "—Julie Sanders\nshe wrote this.",
                &["—Julie Sanders", "she wrote this."],
            ),
        ]);
    }

    #[test]
    fn hard_wrapped_prose_not_split() {
        check(&[
            (
                "The foreign ministers met in Moscow on Wednesday to discuss the\nsituation in Syria, where the government of President Bashar al-\nAssad has been accused of using chemical weapons against its own\npeople. Officials said the talks were difficult.",
                &[
                    "The foreign ministers met in Moscow on Wednesday to discuss the\nsituation in Syria, where the government of President Bashar al-\nAssad has been accused of using chemical weapons against its own\npeople.",
                    "Officials said the talks were difficult.",
                ],
            ),
            (
                "He said the deal, which took months,\nWould be signed soon.",
                &["He said the deal, which took months,\nWould be signed soon."],
            ),
            (
                "Officials met with\nDonald Trump on Monday.",
                &["Officials met with\nDonald Trump on Monday."],
            ),
            (
                "The statement was read out by Mr.\nPutin at the Kremlin.",
                &["The statement was read out by Mr.\nPutin at the Kremlin."],
            ),
            (
                "such provocations.\nare being prepared",
                &["such provocations.\nare being prepared"],
            ),
        ]);
    }

    #[test]
    fn hard_wrapped_prose_filled_lines_joined() {
        // The first break is joined ("the" + lowercase); the second line is
        // filled to the wrap width, so its break is joined although the
        // next line starts with a capital.
        check(&[(
            "Lavrov told reporters after the meeting in Moscow that the\nfailed talks had left relations between Moscow and Washington\nAt their lowest point since the Cold War ended. Nobody disagreed.\nShort line\nNext line",
            &[
                "Lavrov told reporters after the meeting in Moscow that the\nfailed talks had left relations between Moscow and Washington\nAt their lowest point since the Cold War ended.",
                "Nobody disagreed.",
                "Short line",
                "Next line",
            ],
        )]);
    }

    #[test]
    fn abbreviation_title_before_capitalised_name() {
        check(&[
            (
                "Mr. Putin met Dr. Smith and Prof. Jones. They talked.",
                &["Mr. Putin met Dr. Smith and Prof. Jones.", "They talked."],
            ),
            (
                "Sen. John McCain and Gen. He Wei spoke to Lt. Col. Smith.",
                &["Sen. John McCain and Gen. He Wei spoke to Lt. Col. Smith."],
            ),
            ("Mr.Smith arrived.", &["Mr.Smith arrived."]),
            (
                "Compare apples vs. Oranges. The end.",
                &["Compare apples vs. Oranges.", "The end."],
            ),
        ]);
    }

    #[test]
    fn abbreviation_month_and_number() {
        check(&[
            (
                "The vote is on Jan. 5 and the count on Feb. 12. It will be close.",
                &[
                    "The vote is on Jan. 5 and the count on Feb. 12.",
                    "It will be close.",
                ],
            ),
            (
                "See No. 5 and Vol. 3 on pp. 10-12. Then stop.",
                &["See No. 5 and Vol. 3 on pp. 10-12.", "Then stop."],
            ),
        ]);
    }

    #[test]
    fn abbreviation_company_before_sentence_starter() {
        check(&[
            (
                "He works for Acme Inc. The company is big.",
                &["He works for Acme Inc.", "The company is big."],
            ),
            (
                "Shares of Acme Inc. Rose sharply.",
                &["Shares of Acme Inc. Rose sharply."],
            ),
            (
                "apples, pears, etc. But not plums.",
                &["apples, pears, etc.", "But not plums."],
            ),
            (
                "He lives on St. Petersburg Ave. in town.",
                &["He lives on St. Petersburg Ave. in town."],
            ),
            (
                "It happened in Springfield, Ill. The mayor spoke.",
                &["It happened in Springfield, Ill.", "The mayor spoke."],
            ),
        ]);
    }

    #[test]
    fn abbreviation_us_before_capitalised_word() {
        check(&[
            (
                "He met the U.S. Secretary of State on Monday.",
                &["He met the U.S. Secretary of State on Monday."],
            ),
            (
                "Russia cut ties with the U.S. The talks failed.",
                &["Russia cut ties with the U.S.", "The talks failed."],
            ),
            (
                "The U.K. and the E.U. agreed. Washington, D.C. Police said so.",
                &[
                    "The U.K. and the E.U. agreed.",
                    "Washington, D.C. Police said so.",
                ],
            ),
            (
                "the U.S.'s position and U.S.-Russia ties.",
                &["the U.S.'s position and U.S.-Russia ties."],
            ),
            (
                "He holds a Ph.D. from Oxford. He teaches.",
                &["He holds a Ph.D. from Oxford.", "He teaches."],
            ),
        ]);
    }

    #[test]
    fn dotted_acronym_at_end_of_line() {
        check(&[(
            "While the most immediate U.S.\nConcern is Syria.",
            &["While the most immediate U.S.", "Concern is Syria."],
        )]);
    }

    #[test]
    fn initials_not_split() {
        check(&[
            (
                "J. K. Rowling wrote it. J. A. Smith read it.",
                &["J. K. Rowling wrote it.", "J. A. Smith read it."],
            ),
            ("Roe v. Wade was decided.", &["Roe v. Wade was decided."]),
            (
                "It is a 3D. The film was good.",
                &["It is a 3D.", "The film was good."],
            ),
        ]);
    }

    #[test]
    fn am_pm() {
        check(&[
            (
                "The meeting starts at 9 a.m. GMT and ends at 5 p.m. Police were present.",
                &[
                    "The meeting starts at 9 a.m. GMT and ends at 5 p.m.",
                    "Police were present.",
                ],
            ),
            (
                "It began at 10 p.m. on Friday.",
                &["It began at 10 p.m. on Friday."],
            ),
        ]);
    }

    #[test]
    fn decimal_and_percentage() {
        check(&[
            (
                "Growth was 3.5% and inflation 20.5 percent. It cost $1.2 billion.",
                &[
                    "Growth was 3.5% and inflation 20.5 percent.",
                    "It cost $1.2 billion.",
                ],
            ),
            (
                "Install version 2.0.1 now. The ratio was 0.82-0.88 overall.",
                &[
                    "Install version 2.0.1 now.",
                    "The ratio was 0.82-0.88 overall.",
                ],
            ),
            (".5 of it was .NET code.", &[".5 of it was .NET code."]),
        ]);
    }

    #[test]
    fn lowercase_after_full_stop_continues() {
        check(&[
            (
                "such provocations. are being prepared",
                &["such provocations. are being prepared"],
            ),
            (
                "\"Why?\" he asked. Nobody answered.",
                &["\"Why?\" he asked.", "Nobody answered."],
            ),
            (
                "It would be wonderful... if NATO agreed.",
                &["It would be wonderful... if NATO agreed."],
            ),
            (
                "It would be wonderful… if NATO agreed… It did not.",
                &["It would be wonderful… if NATO agreed…", "It did not."],
            ),
        ]);
    }

    #[test]
    fn exclamation_and_question() {
        check(&[
            (
                "Really?! Yes! Of course? 5 people came.",
                &["Really?!", "Yes!", "Of course?", "5 people came."],
            ),
            ("Stop!Now.", &["Stop!", "Now."]),
        ]);
    }

    #[test]
    fn no_space_after_full_stop_splits() {
        check(&[
            (
                "I have to say once again.no one has shown us a single fact",
                &[
                    "I have to say once again.",
                    "no one has shown us a single fact",
                ],
            ),
            (
                "The talks ended.The ministers left.",
                &["The talks ended.", "The ministers left."],
            ),
            ("back in 2014.And then", &["back in 2014.", "And then"]),
            ("the end.é", &["the end.", "é"]),
        ]);
    }

    #[test]
    fn urls_emails_filenames_not_split() {
        check(&[
            (
                "Visit example.com or www.bbc.co.uk/news for more. Write to john.doe@x.org today.",
                &[
                    "Visit example.com or www.bbc.co.uk/news for more.",
                    "Write to john.doe@x.org today.",
                ],
            ),
            (
                "Read report.pdf and index.html on bbc.co.uk now.",
                &["Read report.pdf and index.html on bbc.co.uk now."],
            ),
            (
                "Go to Amazon.com. It sells books.",
                &["Go to Amazon.com.", "It sells books."],
            ),
            ("Use e.g. this, i.e. that.", &["Use e.g. this, i.e. that."]),
        ]);
    }

    #[test]
    fn quote_after_full_stop() {
        check(&[
            (
                "He said \"it is over.\" Then he left.",
                &["He said \"it is over.\"", "Then he left."],
            ),
            (
                "She said, “It is over.” Then she left.",
                &["She said, “It is over.”", "Then she left."],
            ),
            ("(He left.) She stayed.", &["(He left.)", "She stayed."]),
            ("\"It is over.\" he said.", &["\"It is over.\" he said."]),
        ]);
    }

    #[test]
    fn quote_before_full_stop() {
        check(&[
            (
                "He said trust had \"deteriorated\". The Kremlin agreed.",
                &["He said trust had \"deteriorated\".", "The Kremlin agreed."],
            ),
            (
                "\"We don't want a new Cold War\". Only weeks ago, it appeared that Trump",
                &[
                    "\"We don't want a new Cold War\".",
                    "Only weeks ago, it appeared that Trump",
                ],
            ),
        ]);
    }

    #[test]
    fn opening_quote_after_full_stop() {
        check(&[
            (
                "It must be done. \"We need to attempt it,\" he said.",
                &["It must be done.", "\"We need to attempt it,\" he said."],
            ),
            (
                "It must be done. «Nous devons» said he. (Reuters) reported it.",
                &[
                    "It must be done.",
                    "«Nous devons» said he.",
                    "(Reuters) reported it.",
                ],
            ),
            (
                "It must be done. \"we need to\" is the phrase.",
                &["It must be done. \"we need to\" is the phrase."],
            ),
        ]);
    }

    #[test]
    fn sentence_starting_with_digit() {
        check(&[
            (
                "It was bad in 2014. 2015 was worse.",
                &["It was bad in 2014.", "2015 was worse."],
            ),
            (
                "It ended badly. 300 people died. $5 billion was lost.",
                &[
                    "It ended badly.",
                    "300 people died.",
                    "$5 billion was lost.",
                ],
            ),
            (
                "Read No. 5 and Vol. 2 and pp. 7 of it.",
                &["Read No. 5 and Vol. 2 and pp. 7 of it."],
            ),
        ]);
    }

    #[test]
    fn dash_after_full_stop() {
        check(&[
            (
                "The talks failed. -Russian relations may be damaged.",
                &["The talks failed.", "-Russian relations may be damaged."],
            ),
            (
                "The talks failed. — The ministers left.",
                &["The talks failed.", "— The ministers left."],
            ),
            (
                "The talks failed. -based on reports, that is.",
                &["The talks failed. -based on reports, that is."],
            ),
            (
                "the poor state of U.S. -Russia ties.",
                &["the poor state of U.S. -Russia ties."],
            ),
        ]);
    }

    /// News paragraphs in other scripts split where a reader of the
    /// language would split them (regression: an Urdu article came out as
    /// two sentences because `۔` was not a terminal).
    #[test]
    fn sentence_ends_in_every_script() {
        check(&[
            // Urdu: U+06D4 full stop, Arabic question mark.
            (
                "وزیراعظم نے آج اسلام آباد میں ایک اجلاس کی صدارت کی۔ اجلاس میں معیشت پر بات ہوئی۔ کیا حکومت نئے ٹیکس لگائے گی؟ وزیر خزانہ نے کہا کہ ابھی فیصلہ نہیں ہوا۔",
                &[
                    "وزیراعظم نے آج اسلام آباد میں ایک اجلاس کی صدارت کی۔",
                    "اجلاس میں معیشت پر بات ہوئی۔",
                    "کیا حکومت نئے ٹیکس لگائے گی؟",
                    "وزیر خزانہ نے کہا کہ ابھی فیصلہ نہیں ہوا۔",
                ],
            ),
            // Arabic: full stop, Arabic comma inside, question mark.
            (
                "قال وزير الخارجية إن المحادثات كانت مثمرة، وإن الجانبين اتفقا على مواصلة الحوار. هل ستعقد جولة جديدة؟ لم يحدد موعد بعد.",
                &[
                    "قال وزير الخارجية إن المحادثات كانت مثمرة، وإن الجانبين اتفقا على مواصلة الحوار.",
                    "هل ستعقد جولة جديدة؟",
                    "لم يحدد موعد بعد.",
                ],
            ),
            // Persian.
            (
                "رئیس جمهور امروز به تهران بازگشت. او گفت که سفر موفقی بود. آیا قرارداد جدیدی امضا شد؟",
                &[
                    "رئیس جمهور امروز به تهران بازگشت.",
                    "او گفت که سفر موفقی بود.",
                    "آیا قرارداد جدیدی امضا شد؟",
                ],
            ),
            // Hindi: danda.
            (
                "प्रधानमंत्री ने आज नई दिल्ली में एक बैठक की। बैठक में अर्थव्यवस्था पर चर्चा हुई। क्या सरकार नए कर लगाएगी? अभी कोई फैसला नहीं हुआ है।",
                &[
                    "प्रधानमंत्री ने आज नई दिल्ली में एक बैठक की।",
                    "बैठक में अर्थव्यवस्था पर चर्चा हुई।",
                    "क्या सरकार नए कर लगाएगी?",
                    "अभी कोई फैसला नहीं हुआ है।",
                ],
            ),
            // Bengali: danda.
            (
                "ঢাকায় আজ ভারী বৃষ্টি হয়েছে। অনেক রাস্তায় পানি জমে গেছে। আবহাওয়া অফিস বলেছে কাল বৃষ্টি কমবে।",
                &[
                    "ঢাকায় আজ ভারী বৃষ্টি হয়েছে।",
                    "অনেক রাস্তায় পানি জমে গেছে।",
                    "আবহাওয়া অফিস বলেছে কাল বৃষ্টি কমবে।",
                ],
            ),
            // Chinese: ideographic full stop, fullwidth question mark, quotes.
            (
                "国家统计局今天发布数据。数据显示，前三季度经济增长百分之五。专家表示：“经济运行总体平稳。”明年会更好吗？",
                &[
                    "国家统计局今天发布数据。",
                    "数据显示，前三季度经济增长百分之五。",
                    "专家表示：“经济运行总体平稳。”",
                    "明年会更好吗？",
                ],
            ),
            // Japanese: 。 and corner brackets closing a quote.
            (
                "東京都は今日、新しい防災計画を発表した。知事は「都民の命を守る」と述べた。計画は来月から実施される。",
                &[
                    "東京都は今日、新しい防災計画を発表した。",
                    "知事は「都民の命を守る」と述べた。",
                    "計画は来月から実施される。",
                ],
            ),
            // Korean: Latin full stops between Hangul.
            (
                "서울시는 오늘 새로운 교통 정책을 발표했다. 시장은 대중교통 요금을 동결하겠다고 말했다. 시민들의 반응은 어떨까?",
                &[
                    "서울시는 오늘 새로운 교통 정책을 발표했다.",
                    "시장은 대중교통 요금을 동결하겠다고 말했다.",
                    "시민들의 반응은 어떨까?",
                ],
            ),
            // Thai: a space ends a sentence.
            (
                "นายกรัฐมนตรีเดินทางไปเชียงใหม่เมื่อวานนี้ ท่านได้พบกับผู้ว่าราชการจังหวัด การประชุมใช้เวลาสองชั่วโมง",
                &[
                    "นายกรัฐมนตรีเดินทางไปเชียงใหม่เมื่อวานนี้",
                    "ท่านได้พบกับผู้ว่าราชการจังหวัด",
                    "การประชุมใช้เวลาสองชั่วโมง",
                ],
            ),
            // Armenian: U+0589 full stop.
            (
                "Վարչապետն այսօր այցելեց Գյումրի։ Նա հանդիպեց քաղաքապետի հետ։ Քննարկվեց նոր դպրոցների կառուցումը։",
                &[
                    "Վարչապետն այսօր այցելեց Գյումրի։",
                    "Նա հանդիպեց քաղաքապետի հետ։",
                    "Քննարկվեց նոր դպրոցների կառուցումը։",
                ],
            ),
            // Greek: `;` is the question mark.
            (
                "Ο πρωθυπουργός επισκέφθηκε σήμερα τη Θεσσαλονίκη. Θα ανακοινωθούν νέα μέτρα; Η κυβέρνηση δεν απάντησε.",
                &[
                    "Ο πρωθυπουργός επισκέφθηκε σήμερα τη Θεσσαλονίκη.",
                    "Θα ανακοινωθούν νέα μέτρα;",
                    "Η κυβέρνηση δεν απάντησε.",
                ],
            ),
            // Russian: abbreviation-free Cyrillic prose, a lower-case
            // continuation after an ellipsis.
            (
                "Президент провёл совещание в Кремле. Обсуждались вопросы экономики... и не только. Что будет дальше? Решение примут в понедельник.",
                &[
                    "Президент провёл совещание в Кремле.",
                    "Обсуждались вопросы экономики... и не только.",
                    "Что будет дальше?",
                    "Решение примут в понедельник.",
                ],
            ),
            // Ethiopic and Myanmar full stops.
            (
                "ጠቅላይ ሚኒስትሩ ዛሬ ንግግር አደረጉ። ስብሰባው በሰላም ተጠናቀቀ።",
                &["ጠቅላይ ሚኒስትሩ ዛሬ ንግግር አደረጉ።", "ስብሰባው በሰላም ተጠናቀቀ።"],
            ),
            (
                "ဝန်ကြီးချုပ်သည် ယနေ့ မိန့်ခွန်းပြောကြားခဲ့သည်။ အစည်းအဝေး ပြီးဆုံးခဲ့သည်။",
                &["ဝန်ကြီးချုပ်သည် ယနေ့ မိန့်ခွန်းပြောကြားခဲ့သည်။", "အစည်းအဝေး ပြီးဆုံးခဲ့သည်။"],
            ),
            // Mixed Urdu and English in one paragraph.
            (
                "The minister said the talks went well. وزیر نے کہا کہ بات چیت اچھی رہی۔ He will return on Monday.",
                &[
                    "The minister said the talks went well.",
                    "وزیر نے کہا کہ بات چیت اچھی رہی۔",
                    "He will return on Monday.",
                ],
            ),
        ]);
    }

    #[test]
    fn cjk_full_stop() {
        check(&[(
            "你好。我很好！谢谢？好",
            &["你好。", "我很好！", "谢谢？", "好"],
        )]);
    }

    #[test]
    fn span_invariants_on_awkward_inputs() {
        let big_line = "The talks in Moscow failed. Mr. Smith said so, U.S. officials agreed... "
            .repeat(1 << 14);
        let big_token = "a.b".repeat(350_000);
        let big_dots = ".".repeat(1 << 20);
        let big_ws = " \t".repeat(1 << 19);
        let big_newlines = "x\n".repeat(1 << 19);
        let big_word = format!("{}. The end", "a".repeat(1 << 20));
        let inputs: Vec<&str> = vec![
            "",
            " ",
            "\n\n\n",
            "\r\n\r\n",
            " \t \u{a0}\u{2003}",
            ".",
            "....",
            "!?!?",
            ". . .",
            "…",
            "\"",
            "'",
            "\" '",
            "“",
            "end.é",
            "end. é",
            "é.É",
            "a.",
            ".a",
            "A. B. C.",
            "U.S.",
            "U.S.\n",
            "Mr.",
            "1.",
            "1. ",
            "(1) ",
            "- ",
            "—",
            "By",
            "By ",
            "\u{2028}\u{2029}x\u{2028}",
            "x\u{85}y",
            "\u{feff}Hello. World.",
            "a.\u{300}b",
            "。。。",
            "\".\"",
            "(.)",
            "1.2.3.4.",
            "x@y.z/a.b",
            "www.",
            "no.",
            "a . b",
            "\n.\n.\n",
            "\r",
            "\rx\ry",
            &big_line,
            &big_token,
            &big_dots,
            &big_ws,
            &big_newlines,
            &big_word,
        ];
        for input in inputs {
            assert_invariants(input);
        }
        assert!(split_sentences("").is_empty());
        assert!(split_sentences(" \n\t\n").is_empty());
        assert_eq!(sents("...."), vec!["...."]);
        assert_eq!(sents("end.é"), vec!["end.", "é"]);
        assert_eq!(sents(&big_dots).len(), 1);
        assert_eq!(sents(&big_token).len(), 1);
        assert_eq!(sents(&big_line).len(), 2 << 14);
    }

    #[test]
    fn span_invariants_on_random_inputs() {
        const PIECES: &[&str] = &[
            " ", " ", "\n", "\n\n", "\r\n", ".", "...", "!", "?", "…", "\"", "'", "“", "”", "(",
            ")", "-", "—", "•", "1", "2.5", "a", "the", "Mr", "U.S.", "The", "é", "É", "。", "@",
            "/", "com", "\u{a0}", "\t", "By ", ",", "\u{2029}",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        let mut text = String::new();
        for _ in 0..3000 {
            text.clear();
            let n = next() % 40;
            for _ in 0..n {
                text.push_str(PIECES[next() % PIECES.len()]);
            }
            assert_invariants(&text);
        }
    }
}
