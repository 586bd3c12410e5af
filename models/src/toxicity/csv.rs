//! A small RFC 4180 CSV reader for the datasets' `dev.csv` files.
//!
//! Fields are separated by commas and records by `\n` or `\r\n`. A field that starts with a
//! double quote runs to the matching closing quote and may hold commas, line breaks and doubled
//! quotes (`""` is one `"`). A quote inside an unquoted field is kept as a literal character
//! (lenient, like most writers' output). A byte-order mark at the start is skipped; blank lines
//! are skipped. Anything else that breaks the grammar (an unterminated quoted field, text
//! after a closing quote) is an error with its line number.

use std::collections::HashMap;

/// A CSV syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    /// The 1-based line where the offending record starts.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for CsvError {}

/// One record with the 1-based line where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRecord {
    /// The line where the record starts.
    pub line: usize,
    /// The fields, unquoted.
    pub fields: Vec<String>,
}

/// Returns every record of `input`, the header included.
pub fn parse_records(input: &str) -> Result<Vec<CsvRecord>, CsvError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut records = Vec::new();
    let mut chars = input.chars().peekable();
    let mut line = 1usize;
    while chars.peek().is_some() {
        let start_line = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted_field = false;
        loop {
            // At the start of a field.
            if chars.peek() == Some(&'"') {
                chars.next();
                quoted_field = true;
                loop {
                    match chars.next() {
                        None => {
                            return Err(CsvError {
                                line: start_line,
                                reason: "unterminated quoted field".to_owned(),
                            });
                        }
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                        }
                    }
                }
                match chars.peek() {
                    None | Some(',') | Some('\n') | Some('\r') => {}
                    Some(c) => {
                        return Err(CsvError {
                            line,
                            reason: format!("unexpected {c:?} after a closing quote"),
                        });
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ',' || c == '\n' || c == '\r' {
                        break;
                    }
                    field.push(c);
                    chars.next();
                }
            }
            // At the end of a field.
            match chars.next() {
                Some(',') => {
                    fields.push(std::mem::take(&mut field));
                    quoted_field = false;
                }
                Some('\r') => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    line += 1;
                    break;
                }
                // A '\n', or the end of the input: the field loops stop only at separators.
                _ => {
                    line += 1;
                    break;
                }
            }
        }
        let blank = fields.is_empty() && field.is_empty() && !quoted_field;
        fields.push(field);
        if !blank {
            records.push(CsvRecord {
                line: start_line,
                fields,
            });
        }
    }
    Ok(records)
}

/// A CSV table: the header's column positions and the data records.
#[derive(Debug, Clone)]
pub struct CsvTable {
    columns: HashMap<String, usize>,
    /// The data records (the header excluded).
    pub records: Vec<CsvRecord>,
}

impl CsvTable {
    /// Parses `input`, whose first record is the header; every record must have the header's
    /// number of fields.
    pub fn parse(input: &str) -> Result<Self, CsvError> {
        let mut records = parse_records(input)?.into_iter();
        let header = records.next().ok_or_else(|| CsvError {
            line: 1,
            reason: "no header".to_owned(),
        })?;
        let width = header.fields.len();
        let columns = header
            .fields
            .into_iter()
            .enumerate()
            .map(|(i, name)| (name, i))
            .collect();
        let records: Vec<CsvRecord> = records.collect();
        if let Some(bad) = records.iter().find(|r| r.fields.len() != width) {
            return Err(CsvError {
                line: bad.line,
                reason: format!("{} fields where the header has {width}", bad.fields.len()),
            });
        }
        Ok(Self { columns, records })
    }

    /// Returns the position of column `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.get(name).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(input: &str) -> Vec<Vec<String>> {
        parse_records(input)
            .unwrap()
            .into_iter()
            .map(|r| r.fields)
            .collect()
    }

    #[test]
    fn reads_quotes_commas_and_newlines_inside_fields() {
        let input = "text,label\n\"a, b\",1\n\"say \"\"hi\"\"\nthere\",0\r\nplain,1";
        assert_eq!(
            fields(input),
            vec![
                vec!["text", "label"],
                vec!["a, b", "1"],
                vec!["say \"hi\"\nthere", "0"],
                vec!["plain", "1"],
            ]
        );
        let records = parse_records(input).unwrap();
        assert_eq!(
            records.iter().map(|r| r.line).collect::<Vec<_>>(),
            [1, 2, 3, 5]
        );
    }

    #[test]
    fn keeps_empty_fields_skips_blank_lines_and_a_bom() {
        assert_eq!(
            fields("\u{feff}a,,c\n\n,\n\"\"\n"),
            vec![vec!["a", "", "c"], vec!["", ""], vec![""]]
        );
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_literal() {
        assert_eq!(fields("5\" doll,1\n"), vec![vec!["5\" doll", "1"]]);
    }

    #[test]
    fn reports_broken_quoting_with_its_line() {
        let error = parse_records("a\n\"open,1\n2\n").unwrap_err();
        assert_eq!(error.line, 2);
        let error = parse_records("\"closed\"x,1\n").unwrap_err();
        assert!(error.reason.contains("after a closing quote"), "{error}");
    }

    #[test]
    fn tables_check_the_width_and_find_columns() {
        let table = CsvTable::parse("text,label\nx,1\n").unwrap();
        assert_eq!(table.column("label"), Some(1));
        assert_eq!(table.records[0].fields, ["x", "1"]);
        let error = CsvTable::parse("text,label\nx\n").unwrap_err();
        assert_eq!(error.line, 2);
    }
}
