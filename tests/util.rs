//! Helpers: a temporary directory of fixtures and a runner for the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, contents).unwrap();
        p
    }

    /// Runs `syndic ARGS` in the fixture directory.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.dir.path(), args)
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_syndic"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run syndic");
    Run { output }
}

pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Asserts the exit code, printing both streams when it differs.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code(),
            code,
            "exit code\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout()).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}):\n{}\n--- stderr ---\n{}",
                self.stdout(),
                self.stderr()
            )
        })
    }
}

/// Checks that every reported text (shared sentence members, both sides of
/// every passage, every document's own spans) is exactly the bytes at its
/// offsets in the file it names, and that character offsets count the
/// characters before them.
pub fn assert_members_match_files(report: &serde_json::Value, base: &Path) {
    let docs = report["documents"].as_array().unwrap();
    let file = |id: &serde_json::Value| -> Vec<u8> {
        let doc = docs
            .iter()
            .find(|d| &d["id"] == id)
            .expect("a listed document");
        std::fs::read(base.join(doc["path"].as_str().unwrap())).unwrap()
    };
    for p in report["passages"].as_array().unwrap() {
        for side in [&p["a"], &p["b"]] {
            assert_side_matches(side, &file(&side["doc"]));
        }
    }
    for d in docs {
        let bytes = file(&d["id"]);
        for own in d["own"].as_array().unwrap() {
            let (s, e) = (
                own["start"].as_u64().unwrap() as usize,
                own["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(&bytes[s..e], own["text"].as_str().unwrap().as_bytes());
        }
    }
    for group in report["shared"].as_array().unwrap() {
        for m in group["members"].as_array().unwrap() {
            let doc = docs
                .iter()
                .find(|d| d["id"] == m["doc"])
                .expect("member names a listed document");
            let path = base.join(doc["path"].as_str().unwrap());
            let bytes = std::fs::read(&path).unwrap();
            let (s, e) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                &bytes[s..e],
                m["text"].as_str().unwrap().as_bytes(),
                "member text differs from file bytes {s}..{e} of {}",
                path.display()
            );
        }
    }
}

/// Groups of a given kind.
pub fn groups<'a>(report: &'a serde_json::Value, kind: &str) -> Vec<&'a serde_json::Value> {
    report["shared"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["kind"] == kind)
        .collect()
}

/// Checks one passage side: text equals the bytes at `start..end` and the
/// character offsets count the characters before `start` and `end`.
pub fn assert_side_matches(side: &serde_json::Value, bytes: &[u8]) {
    let (s, e) = (
        side["start"].as_u64().unwrap() as usize,
        side["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        &bytes[s..e],
        side["text"].as_str().unwrap().as_bytes(),
        "passage text differs from the bytes {s}..{e}"
    );
    let text = std::str::from_utf8(bytes).unwrap();
    assert_eq!(
        side["char_start"].as_u64().unwrap() as usize,
        text[..s].chars().count()
    );
    assert_eq!(
        side["char_end"].as_u64().unwrap() as usize,
        text[..e].chars().count()
    );
}

/// A pair for PAN-style alignment: an English source (second document) and
/// a text (first) holding a copy of its middle with most content words
/// replaced by WordNet synonyms, the article spinner's kind; then the copy
/// and its source passage.
pub fn spun_pair() -> (String, String, String, String) {
    let source = "The doctor told the attorney about the catastrophe near the sea. \
A kid drove the automobile down the route to the metropolis. \
They wanted to buy a movie and commence the reply at the store. \
The instructor made a mistake about the sickness in the woods. \
People help each other fast when a stone falls from the hill.";
    let copy = "The physician told the lawyer about the disaster near the ocean. \
A child drove the car down the road to the city. \
They wanted to purchase a film and begin the answer at the shop. \
The teacher made an error about the illness in the forest. \
People assist each other quick when a rock falls from the hill.";
    let susp = format!(
        "Our village council met on Tuesday evening to discuss the budget for the \
         coming winter. {copy} The council will meet again next month to vote.\n"
    );
    let src = format!(
        "Notes from the weekend market in the crowded town square. {source} Nobody \
         remembers how the story ended.\n"
    );
    (susp, src, copy.to_string(), source.to_string())
}
