//! Pre-export notifications as CSV, for a national system's export of a
//! batch (a documented contract; columns in any order, unknown columns
//! refused):
//!
//! `importing_state,exporter,importer,consignee,substance,quantity,unit,transit,point_of_entry,planned_export,classification,dissemination,use`
//!
//! - `importing_state`: a state code; `substance`: a catalogue id
//!   (`acetic-anhydride`); `quantity`: a decimal number in `unit` (`kg`,
//!   `t`, `l`...); `planned_export`: `YYYY-MM-DD`;
//! - `transit`: the transit states in route order, `;`-separated, each
//!   `CODE:point of entry` (`KG:Kordai crossing;UZ:Dostyk`);
//! - `consignee`, `transit` may be empty; `classification` (default
//!   `restricted`), `dissemination` (default `free`) and `use` (default
//!   `evidence`) may be left out.
//!
//! The rules (known states, route, quantities) are the use case's; this
//! module reads the cells and names the line and column of what it cannot.

use crate::csv::{checked_header, csv_message};
use concord_domain::ImportError;
use std::collections::HashMap;
use std::io::Read;

/// The columns.
pub const HEADER: [&str; 13] = [
    "importing_state",
    "exporter",
    "importer",
    "consignee",
    "substance",
    "quantity",
    "unit",
    "transit",
    "point_of_entry",
    "planned_export",
    "classification",
    "dissemination",
    "use",
];
const REQUIRED: [&str; 8] = [
    "importing_state",
    "exporter",
    "importer",
    "substance",
    "quantity",
    "unit",
    "point_of_entry",
    "planned_export",
];

/// One row's cells, trimmed; the transit split into `(state, point of entry)`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NotificationRow {
    pub importing_state: String,
    pub exporter: String,
    pub importer: String,
    pub consignee: String,
    pub substance: String,
    pub quantity: String,
    pub unit: String,
    pub transit: Vec<(String, String)>,
    pub point_of_entry: String,
    pub planned_export: String,
    pub classification: String,
    pub dissemination: String,
    pub use_: String,
}

/// The transit cell: `CODE:point;CODE:point`.
fn transit(line: u64, cell: &str) -> Result<Vec<(String, String)>, ImportError> {
    cell.split(';')
        .map(str::trim)
        .filter(|leg| !leg.is_empty())
        .enumerate()
        .map(|(i, leg)| {
            let (state, point) = leg.split_once(':').ok_or_else(|| {
                ImportError::new(
                    line,
                    format!("transit[{i}]"),
                    format!("{leg:?} is not CODE:point of entry"),
                )
            })?;
            Ok((state.trim().to_owned(), point.trim().to_owned()))
        })
        .collect()
}

/// Reads every row, or the first fault with its line (the header is line 1).
pub fn read<R: Read>(input: R) -> Result<Vec<(u64, NotificationRow)>, ImportError> {
    let mut reader = ::csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let header = checked_header(&mut reader, &HEADER, &REQUIRED)?;
    let index: HashMap<String, usize> = header.iter().enumerate().map(|(i, c)| (c.clone(), i)).collect();
    let mut rows = Vec::new();
    for row in reader.into_records() {
        let row = row.map_err(|e| ImportError::new(e.position().map_or(0, |p| p.line()), "row", csv_message(&e)))?;
        let line = row.position().map_or(0, |p| p.line());
        let cell = |c: &str| {
            index
                .get(c)
                .and_then(|i| row.get(*i))
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        let or = |c: &str, default: &str| {
            Some(cell(c))
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.into())
        };
        rows.push((
            line,
            NotificationRow {
                importing_state: cell("importing_state"),
                exporter: cell("exporter"),
                importer: cell("importer"),
                consignee: cell("consignee"),
                substance: cell("substance"),
                quantity: cell("quantity"),
                unit: cell("unit"),
                transit: transit(line, &cell("transit"))?,
                point_of_entry: cell("point_of_entry"),
                planned_export: cell("planned_export"),
                classification: or("classification", "restricted"),
                dissemination: or("dissemination", "free"),
                use_: or("use", "evidence"),
            },
        ));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "importing_state,exporter,importer,substance,quantity,unit,transit,point_of_entry,planned_export\n";

    #[test]
    fn rows_read_with_their_lines_and_transit_legs() {
        let text = format!(
            "{HEAD}CN,Steppe LLP,Eastern Co.,acetic-anhydride,1200.5,l,KG:Kordai crossing; UZ : Dostyk,Torugart,2027-01-15\n\
             RU,Steppe LLP,Volga JSC,ephedrine,40,kg,,Troitsk,2027-02-01\n"
        );
        let rows = read(text.as_bytes()).expect("rows");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 2);
        assert_eq!(
            rows[0].1.transit,
            vec![("KG".into(), "Kordai crossing".into()), ("UZ".into(), "Dostyk".into())]
        );
        assert_eq!((rows[1].0, rows[1].1.transit.len()), (3, 0));
        assert_eq!(rows[1].1.classification, "restricted");
    }

    #[test]
    fn faults_name_their_line_and_column() {
        let unknown = read("importing_state,colour\nCN,red\n".as_bytes()).expect_err("unknown column");
        assert_eq!((unknown.line, unknown.field.as_str()), (1, "colour"));
        let missing = read("importing_state,exporter\nCN,x\n".as_bytes()).expect_err("missing");
        assert_eq!(missing.line, 1);
        let short = read(format!("{HEAD}CN,a,b,c\n").as_bytes()).expect_err("short row");
        assert_eq!((short.line, short.field.as_str()), (2, "row"));
        let leg = read(format!("{HEAD}CN,a,b,acetone,1,l,KG Kordai,T,2027-01-01\n").as_bytes()).expect_err("leg");
        assert_eq!((leg.line, leg.field.as_str()), (2, "transit[0]"));
        let bytes = [
            HEAD.as_bytes(),
            b"CN,a,b,acetone,1,l,,T,2027-01-01\n",
            b"CN,\xff,b,acetone,1,l,,T,2027-01-01\n",
        ]
        .concat();
        let utf8 = read(bytes.as_slice()).expect_err("encoding");
        assert_eq!(utf8.line, 3, "{utf8:?}");
        assert!(utf8.message.contains("UTF-8"), "{}", utf8.message);
    }
}
