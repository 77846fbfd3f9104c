//! The main job: the five articles in corpus/ (kept in the repository).

use crate::util::{assert_members_match_files, groups, run_in};
use std::path::Path;

fn report() -> serde_json::Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = run_in(root, &["compare", "--format", "json"]);
    run.expect_code(0);
    run.json()
}

fn texts(group: &serde_json::Value) -> Vec<String> {
    group["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn finds_the_two_sentences_copied_word_for_word() {
    let r = report();
    assert_eq!(r["documents"].as_array().unwrap().len(), 5);
    let verbatim = groups(&r, "verbatim");
    assert_eq!(verbatim.len(), 2, "{r:#}");
    let all: Vec<String> = verbatim.iter().flat_map(|g| texts(g)).collect();
    assert!(
        all.iter()
            .filter(|t| t.starts_with("The Syrian representative noted")
                && t.ends_with("back in 2014."))
            .count()
            == 2,
        "{all:#?}"
    );
    assert!(
        all.iter()
            .filter(|t| t.starts_with("Only weeks ago, it appeared that Trump")
                && t.ends_with("with Russian Federation."))
            .count()
            == 2,
        "{all:#?}"
    );
    assert_members_match_files(&r, Path::new(env!("CARGO_MANIFEST_DIR")));
}

#[test]
fn page_furniture_is_boilerplate() {
    let r = report();
    let boiler = groups(&r, "boilerplate");
    assert!(
        boiler
            .iter()
            .any(|g| texts(g).iter().all(|t| t == "Adjust Comment Print") && g["documents"] == 3),
        "{r:#}"
    );
    for g in groups(&r, "verbatim").into_iter().chain(groups(&r, "near")) {
        assert!(!texts(g).iter().any(|t| t.contains("Adjust Comment Print")));
    }
}

#[test]
fn no_group_shares_only_names() {
    let r = report();
    for g in groups(&r, "near") {
        let t = texts(g);
        // A names-only pair would be one of these title phrases plus
        // unrelated words; every reported pair must share real wording.
        assert!(
            g["similarity"].as_f64().unwrap() >= 0.45 || g["containment"].as_f64().unwrap() >= 0.8,
            "{t:#?}"
        );
        for name in [
            "Secretary of State Rex Tillerson",
            "Syrian President Bashar al-Assad",
        ] {
            assert!(
                !t.iter().all(|s| s.contains(name)),
                "names-only group: {t:#?}"
            );
        }
    }
}

#[test]
fn built_in_corpus_is_used_when_there_is_no_corpus_directory() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["compare", "--format", "json"]);
    run.expect_code(0);
    let r = run.json();
    assert_eq!(r["documents"].as_array().unwrap().len(), 5);
    assert_eq!(groups(&r, "verbatim").len(), 2);
}

#[test]
fn the_fifty_word_run_shared_by_000_and_004_is_one_passage() {
    let r = report();
    let passages: Vec<&serde_json::Value> = r["passages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["a"]["doc"].as_str().unwrap().starts_with("000")
                && p["b"]["doc"].as_str().unwrap().starts_with("004")
                && p["a"]["words"].as_u64().unwrap() >= 8
        })
        .collect();
    // The 50-word run and the trimmed Trump quote.
    assert_eq!(passages.len(), 2, "{passages:#?}");
    let p = passages
        .iter()
        .find(|p| p["a"]["words"] == 50)
        .expect("the 50-word run");
    assert_eq!(p["edit"], "verbatim");
    assert_eq!(p["a"]["words"], 50);
    let text = p["a"]["text"].as_str().unwrap();
    assert!(text.starts_with("The Syrian representative noted") && text.ends_with("back in 2014."));
    assert_eq!(p["a"]["text"], p["b"]["text"]);
    // Every document's reused and own words add up to its words.
    for d in r["documents"].as_array().unwrap() {
        let own: u64 = d["own"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["words"].as_u64().unwrap())
            .sum();
        assert_eq!(
            own + d["reused_words"].as_u64().unwrap(),
            d["words"].as_u64().unwrap()
        );
    }
}

#[test]
fn the_trimmed_trump_quote_is_a_rare_short_passage() {
    let r = report();
    let quote = r["passages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["a"]["doc"].as_str().unwrap().starts_with("000")
                && p["b"]["doc"].as_str().unwrap().starts_with("004")
                && p["a"]["line"] == 27
                && p["b"]["line"] == 39
        })
        .unwrap_or_else(|| panic!("no passage 000:27 / 004:39 in {:#}", r["passages"]));
    assert_eq!(
        quote["a"]["text"],
        "I would like to think that they didn't know"
    );
    assert!(quote["b"]["text"]
        .as_str()
        .unwrap()
        .starts_with("I like to think they didn't know"));
    assert!(quote["rarity"].as_f64().unwrap() < 1e-3, "{quote:#}");
}

#[test]
fn no_short_passage_shares_only_names() {
    let r = report();
    for p in r["passages"].as_array().unwrap() {
        let text = p["a"]["text"].as_str().unwrap();
        let lower = text
            .split_whitespace()
            .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
            .count();
        assert!(lower >= 2, "a passage of names: {p:#}");
    }
}
