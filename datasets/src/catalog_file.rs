//! Catalogue files: one JSON document, or JSON Lines for catalogues too large to hold.
//!
//! The JSON form is a single [`Catalog`] object written one record per line, so that a change to
//! the committed sample shows up in review as a few changed lines. The JSON Lines form starts
//! with a line holding the [`Taxonomy`], followed by one [`Product`] per line; it can be written
//! and read as a stream.

use crate::model::{Catalog, Product, Taxonomy};
use crate::{Error, Result};
use serde::Serialize;
use std::io::{BufRead, Lines, Read, Write};

/// Writes a catalogue as one JSON object, one record per line.
pub fn write_json<W: Write>(
    mut writer: W,
    taxonomy: &Taxonomy,
    products: impl IntoIterator<Item = Product>,
) -> Result<()> {
    writer.write_all(b"{\"categories\":")?;
    write_records(&mut writer, &taxonomy.categories)?;
    writer.write_all(b",\"brands\":")?;
    write_records(&mut writer, &taxonomy.brands)?;
    writer.write_all(b",\"sellers\":")?;
    write_records(&mut writer, &taxonomy.sellers)?;
    writer.write_all(b",\"products\":[")?;
    for (i, product) in products.into_iter().enumerate() {
        writer.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        write_record(&mut writer, &product)?;
    }
    writer.write_all(b"\n]}\n")?;
    writer.flush()?;
    Ok(())
}

/// Reads a catalogue written by [`write_json`] (or any JSON [`Catalog`]).
pub fn read_json<R: Read>(reader: R) -> Result<Catalog> {
    serde_json::from_reader(reader).map_err(|source| Error::Parse {
        line: source.line(),
        source,
    })
}

/// Writes a catalogue as JSON Lines: the taxonomy, then one product per line.
pub fn write_jsonl<W: Write>(
    mut writer: W,
    taxonomy: &Taxonomy,
    products: impl IntoIterator<Item = Product>,
) -> Result<()> {
    write_record(&mut writer, taxonomy)?;
    writer.write_all(b"\n")?;
    for product in products {
        write_record(&mut writer, &product)?;
        writer.write_all(b"\n")?;
    }
    writer.flush()?;
    Ok(())
}

/// Reads a whole JSON Lines catalogue into memory.
pub fn read_jsonl<R: BufRead>(reader: R) -> Result<Catalog> {
    let (taxonomy, products) = stream_jsonl(reader)?;
    Ok(taxonomy.into_catalog(products.collect::<Result<_>>()?))
}

/// Reads the taxonomy line of a JSON Lines catalogue and returns it with a stream of its
/// products, parsed one line at a time.
pub fn stream_jsonl<R: BufRead>(reader: R) -> Result<(Taxonomy, JsonlProducts<R>)> {
    let mut lines = reader.lines();
    let mut line = 0;
    loop {
        line += 1;
        let Some(text) = lines.next().transpose()? else {
            return Err(Error::MissingTaxonomy);
        };
        if text.trim().is_empty() {
            continue;
        }
        let taxonomy =
            serde_json::from_str(&text).map_err(|source| Error::Parse { line, source })?;
        return Ok((taxonomy, JsonlProducts { lines, line }));
    }
}

/// The products of a JSON Lines catalogue, parsed as they are read.
#[derive(Debug)]
pub struct JsonlProducts<R> {
    lines: Lines<R>,
    line: usize,
}

impl<R: BufRead> Iterator for JsonlProducts<R> {
    type Item = Result<Product>;

    fn next(&mut self) -> Option<Result<Product>> {
        loop {
            self.line += 1;
            let text = match self.lines.next()? {
                Ok(text) => text,
                Err(error) => return Some(Err(error.into())),
            };
            if text.trim().is_empty() {
                continue;
            }
            let line = self.line;
            return Some(
                serde_json::from_str(&text).map_err(|source| Error::Parse { line, source }),
            );
        }
    }
}

fn write_records<W: Write, T: Serialize>(writer: &mut W, records: &[T]) -> Result<()> {
    writer.write_all(b"[")?;
    for (i, record) in records.iter().enumerate() {
        writer.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        write_record(writer, record)?;
    }
    writer.write_all(b"\n]")?;
    Ok(())
}

fn write_record<W: Write, T: Serialize>(writer: &mut W, record: &T) -> Result<()> {
    serde_json::to_writer(writer, record).map_err(Error::Write)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ProductGenerator, taxonomy};

    #[test]
    fn json_round_trips() {
        let products: Vec<Product> = ProductGenerator::new(3).take(40).collect();
        let mut bytes = Vec::new();
        write_json(&mut bytes, &taxonomy(), products.clone()).unwrap();
        let catalog = read_json(bytes.as_slice()).unwrap();
        assert_eq!(catalog, taxonomy().into_catalog(products));
    }

    #[test]
    fn jsonl_round_trips_and_streams() {
        let products: Vec<Product> = ProductGenerator::new(3).take(40).collect();
        let mut bytes = Vec::new();
        write_jsonl(&mut bytes, &taxonomy(), products.clone()).unwrap();
        assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 41);
        let catalog = read_jsonl(bytes.as_slice()).unwrap();
        assert_eq!(catalog, taxonomy().into_catalog(products));
    }

    #[test]
    fn reports_the_failing_line() {
        let text = "{\"categories\":[],\"brands\":[],\"sellers\":[]}\n\nnot json\n";
        let error = read_jsonl(text.as_bytes()).unwrap_err();
        assert!(matches!(error, Error::Parse { line: 3, .. }), "{error}");
        assert!(matches!(
            read_jsonl("".as_bytes()),
            Err(Error::MissingTaxonomy)
        ));
    }
}
