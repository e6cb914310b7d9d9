//! Batch screening from the console: an uploaded file read into subjects,
//! screened by `concord_app::batches`, its results downloaded as JSON lines
//! or CSV.

pub use concord_app::batches::{Job, LineResult, MAX_LINES, Progress, progress};
use concord_exchange::subjects::{SubjectLine, read_all};
use serde_json::json;

/// The subjects of a file: JSON lines, or CSV with a header row naming the
/// fields (`name`, `birth_date`, `nationality`, `kind`, `id`, ...), read by
/// the reader the API and `concord screen` use. A bad header or an empty or
/// oversized file refuses the upload; a bad line becomes that line's error.
pub fn subjects(filename: &str, bytes: &[u8]) -> Result<Vec<SubjectLine>, String> {
    let lines = read_all(filename, bytes)?;
    if lines.is_empty() {
        return Err("the file holds no subject".into());
    }
    if lines.len() > MAX_LINES {
        return Err(format!("the file holds {} subjects; at most {MAX_LINES}", lines.len()));
    }
    Ok(lines)
}

/// The results as JSON lines, one per input line, in input order.
pub fn to_jsonl(j: &Job) -> String {
    let mut out = String::new();
    for r in &j.results {
        let v = match &r.error {
            Some(e) => json!({"line": r.line, "id": r.id, "error": e}),
            None => json!({
                "line": r.line,
                "id": r.id,
                "query": r.query,
                "results": r.hits.iter().map(|(id, title, score)| json!({"record": id, "title": title, "score": score})).collect::<Vec<_>>(),
            }),
        };
        out.push_str(&v.to_string());
        out.push('\n');
    }
    out
}

/// The results as CSV: one row per hit (or per line without one).
pub fn to_csv(j: &Job) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(vec![]);
    let e = |e: csv::Error| e.to_string();
    w.write_record(["line", "id", "query", "record", "title", "score", "error"])
        .map_err(e)?;
    for r in &j.results {
        let line = r.line.to_string();
        if r.hits.is_empty() {
            w.write_record([
                line.as_str(),
                &r.id,
                &r.query,
                "",
                "",
                "",
                r.error.as_deref().unwrap_or(""),
            ])
            .map_err(e)?;
        }
        for (id, title, score) in &r.hits {
            w.write_record([line.as_str(), &r.id, &r.query, id, title, &format!("{score:.4}"), ""])
                .map_err(e)?;
        }
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_read_as_json_lines_or_csv() {
        let jsonl = b"{\"name\": \"Anton Chekhov\"}\n\n{\"name\": \"Lu Xun\", \"id\": 7}\n";
        let lines = subjects("people.jsonl", jsonl).expect("jsonl");
        assert_eq!(
            lines.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            [1, 3],
            "numbered as in the file"
        );
        let csv = "\u{feff}id,name,birth_date\n1,Антон Чехов,1860\n2,鲁迅,\n";
        let rows = subjects("people.csv", csv.as_bytes()).expect("csv");
        assert_eq!(rows.len(), 2);
        let second = rows[1].1.as_ref().expect("row");
        assert_eq!(second["name"], "鲁迅");
        assert!(second.get("birth_date").is_none(), "empty cells are left out");
        let bad = subjects("people.csv", b"id,name\n1,a,extra\n").expect("a bad line is the line's error");
        assert_eq!(bad[0].0, 2);
        assert!(bad[0].1.as_ref().expect_err("ragged").contains("3 fields"));
        let bytes = subjects("x.jsonl", b"\xff\xfe").expect("read");
        assert!(bytes[0].1.as_ref().expect_err("bytes").contains("UTF-8"));
        assert!(
            subjects("x.csv", b"id\n1\n")
                .expect_err("no name column")
                .contains("name column")
        );
        assert!(subjects("x.jsonl", b"\n\n").is_err());
    }
}
