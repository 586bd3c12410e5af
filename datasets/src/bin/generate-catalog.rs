//! Writes a generated catalogue to a file or to standard output.
//!
//! ```text
//! generate-catalog [--seed N] [--products N] [--format json|jsonl] [--out PATH]
//! ```
//!
//! `json` (the default) writes one `Catalog` object, one record per line; it is the format of
//! the committed sample. `jsonl` writes the taxonomy on the first line and one product per
//! line after it, streaming, for catalogues of any size.

use datasets::{ProductGenerator, SAMPLE_PRODUCTS, SAMPLE_SEED, taxonomy, write_json, write_jsonl};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str =
    "usage: generate-catalog [--seed N] [--products N] [--format json|jsonl] [--out PATH]

  --seed N        generator seed (default 20261125, the committed sample's)
  --products N    number of products (default 2000)
  --format F      json: one Catalog object, one record per line (default)
                  jsonl: the taxonomy on line 1, then one product per line
  --out PATH      output file (default: standard output)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Jsonl,
}

#[derive(Debug)]
struct Args {
    seed: u64,
    products: usize,
    format: Format,
    out: Option<PathBuf>,
}

fn parse_args(mut raw: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut args = Args {
        seed: SAMPLE_SEED,
        products: SAMPLE_PRODUCTS,
        format: Format::Json,
        out: None,
    };
    while let Some(flag) = raw.next() {
        if flag == "--help" || flag == "-h" {
            return Ok(None);
        }
        let value = raw.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--seed" => {
                args.seed = value
                    .parse()
                    .map_err(|_| format!("invalid seed {value:?}"))?
            }
            "--products" => {
                args.products = value
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("invalid product count {value:?}"))?;
            }
            "--format" => {
                args.format = match value.as_str() {
                    "json" => Format::Json,
                    "jsonl" => Format::Jsonl,
                    _ => return Err(format!("unknown format {value:?} (json or jsonl)")),
                };
            }
            "--out" => args.out = Some(PathBuf::from(value)),
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    Ok(Some(args))
}

fn write_catalog(args: &Args, writer: impl Write) -> datasets::Result<()> {
    let products = ProductGenerator::new(args.seed).take(args.products);
    match args.format {
        Format::Json => write_json(writer, &taxonomy(), products),
        Format::Jsonl => write_jsonl(writer, &taxonomy(), products),
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let written = match &args.out {
        Some(path) => match File::create(path) {
            Ok(file) => write_catalog(&args, BufWriter::new(file)),
            Err(error) => {
                eprintln!("error: creating {}: {error}", path.display());
                return ExitCode::FAILURE;
            }
        },
        None => write_catalog(&args, BufWriter::new(io::stdout().lock())),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: writing the catalogue: {error}");
            ExitCode::FAILURE
        }
    }
}
