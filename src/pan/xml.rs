//! Reading PAN annotation XML (truth and detections).

use std::path::Path;

use super::corpus::io_error;
use super::Annotation;
use crate::error::{Error, Result};

/// Reads the annotations of a PAN XML file: `feature` elements named
/// `plagiarism` (truth) or `detected-plagiarism` (detections). Other
/// features (`about`, `md5`) are ignored.
pub fn read_xml(path: &Path) -> Result<Vec<Annotation>> {
    let text = std::fs::read_to_string(path).map_err(|source| io_error(path, source))?;
    parse_xml(&text).map_err(|(offset, message)| Error::Malformed {
        path: path.to_path_buf(),
        line: text.as_bytes()[..offset.min(text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1,
        message,
    })
}

/// Parses PAN XML; errors carry the byte offset.
fn parse_xml(text: &str) -> std::result::Result<Vec<Annotation>, (usize, String)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut reference: Option<String> = None;
    let mut out = Vec::new();
    loop {
        let pos = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| (reader.error_position() as usize, e.to_string()))?;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let mut attrs: Vec<(String, String)> = Vec::new();
                for a in e.attributes() {
                    let a = a.map_err(|err| (pos, err.to_string()))?;
                    let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                    let value = a
                        .unescape_value()
                        .map_err(|err| (pos, err.to_string()))?
                        .into_owned();
                    attrs.push((key, value));
                }
                let get = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
                match e.name().as_ref() {
                    b"document" => reference = get("reference").map(str::to_string),
                    b"feature"
                        if matches!(get("name"), Some("plagiarism" | "detected-plagiarism")) =>
                    {
                        let num = |k: &str| -> std::result::Result<usize, (usize, String)> {
                            let v = get(k).ok_or_else(|| (pos, format!("feature without {k}")))?;
                            v.trim()
                                .parse()
                                .map_err(|_| (pos, format!("{k}={v:?} is not a number")))
                        };
                        let this_reference = reference
                            .clone()
                            .ok_or_else(|| (pos, "feature outside <document>".to_string()))?;
                        out.push(Annotation {
                            this_reference,
                            this_offset: num("this_offset")?,
                            this_length: num("this_length")?,
                            source_reference: get("source_reference")
                                .ok_or_else(|| (pos, "feature without source_reference".into()))?
                                .to_string(),
                            source_offset: num("source_offset")?,
                            source_length: num("source_length")?,
                        });
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if reference.is_none() {
        return Err((0, "no <document reference=...> element".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_round_trips_and_escapes() {
        let d = vec![Annotation {
            this_reference: "s&1.txt".into(),
            this_offset: 5,
            this_length: 10,
            source_reference: "src\"2.txt".into(),
            source_offset: 7,
            source_length: 12,
        }];
        let mut buf = Vec::new();
        crate::report::write_pan_xml(&mut buf, "s&1.txt", &d).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("&amp;") && text.contains("&quot;"), "{text}");
        assert_eq!(parse_xml(&text).unwrap(), d);
    }

    #[test]
    fn truth_features_other_than_plagiarism_are_ignored() {
        let xml = r#"<document  reference="suspicious-document00001.txt">
	<feature  name="about" authors="DUC2006" title="news" language="en" />
	<feature name="plagiarism" obfuscation="random" source_length="402" source_offset="1084" source_reference="source-document00560.txt" this_length="269" this_offset="1412" type="artificial" />
</document>"#;
        let a = parse_xml(xml).unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!((a[0].this_offset, a[0].source_length), (1412, 402));
    }

    #[test]
    fn malformed_xml_is_an_error() {
        assert!(parse_xml(
            "<document reference=\"x\"><feature name=\"plagiarism\" this_offset=\"a\""
        )
        .is_err());
        assert!(parse_xml("<other/>").is_err());
    }
}
