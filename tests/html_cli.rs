//! `syndic compare|align --format html` (issue 12): the page the real
//! binary writes. Its behaviour in a browser is tested by tests/browser/run.

use crate::util::Fixture;

const STORY: &str = "The harbour bridge will close for repairs from Monday until the end of the \
summer, the city council said on Tuesday. Drivers should use the ring road instead, and buses \
will be diverted through the old town for the whole period of the works.";

fn articles(f: &Fixture) {
    f.write(
        "docs/a.txt",
        format!("Bridge news\n\n{STORY}\n\nMore later.\n"),
    );
    f.write(
        "docs/b.txt",
        format!("Local <script>alert(1)</script>\n\nResidents were told. {STORY}\n"),
    );
}

#[test]
fn compare_html_to_a_file_is_one_self_contained_page() {
    let f = Fixture::new();
    articles(&f);
    f.run(&["compare", "docs", "--format", "html", "-o", "report.html"])
        .expect_code(0);
    let html = std::fs::read_to_string(f.path("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("http-equiv=\"Content-Security-Policy\""));
    assert!(html.contains("id=\"d1\"") && html.contains("id=\"d2\""));
    assert!(html.contains("&#60;script&#62;alert(1)") || html.contains("&lt;script&gt;alert(1)"));
    assert_eq!(html.matches("<script").count(), 2);
    // Nothing outside the file: no URL to load anything from.
    for bad in ["http://", "https://", " src=", "@import", "url("] {
        assert!(!html.contains(bad), "{bad} in the page");
    }
    // The same run again gives the same bytes.
    f.run(&["compare", "docs", "--format", "html", "-o", "again.html"])
        .expect_code(0);
    assert_eq!(
        std::fs::read(f.path("again.html")).unwrap(),
        html.as_bytes()
    );
}

#[test]
fn compare_html_on_stdout_too() {
    let f = Fixture::new();
    articles(&f);
    let run = f.run(&["compare", "docs", "--format", "html"]);
    run.expect_code(0);
    assert!(run.stdout().trim_end().ends_with("</html>"));
}

#[test]
fn html_output_over_an_input_is_refused_and_the_input_kept() {
    let f = Fixture::new();
    articles(&f);
    let run = f.run(&["compare", "docs", "--format", "html", "-o", "docs/a.txt"]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    let kept = std::fs::read_to_string(f.path("docs/a.txt")).unwrap();
    assert!(kept.starts_with("Bridge news"));
}

#[test]
fn align_html_is_the_pair_view() {
    let f = Fixture::new();
    articles(&f);
    f.run(&[
        "align",
        "docs/a.txt",
        "docs/b.txt",
        "--format",
        "html",
        "-o",
        "pair.html",
    ])
    .expect_code(0);
    let html = std::fs::read_to_string(f.path("pair.html")).unwrap();
    assert!(html.contains("data-mode=\"pair\""));
    assert!(html.contains("id=\"pair-1-2\""));
    assert!(html.contains("id=\"p0a\"") && html.contains("id=\"p0b\""));
}
