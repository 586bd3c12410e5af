//! Embeds the generated catalogue's passages with the real multilingual-e5-small, into the
//! cache `benches --bin ann -- --catalog` and `storefront bench search` read.
//!
//! ```sh
//! cargo run --release -p benches --bin embed-catalog                     # 100k, the bench seed
//! cargo run --release -p benches --bin embed-catalog -- --products 2000
//! ```
//!
//! The catalogue is `datasets::generate(seed, products)` (the seed `storefront bench search`
//! uses), converted and screened as the indexer does; each approved product's passage is
//! built with `indexer::passage_text`, identical passages are embedded once, and the vectors go
//! to `~/.cache/bolajon/eval/catalog-<approved>-passage-e5-<weights sha>-<texts sha>.f32`,
//! appended chunk by chunk so an interrupted run resumes. The bench mix's query texts are
//! embedded as queries too.

use anyhow::Result;
use clap::Parser;

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(about = "Embeds the generated catalogue's passages with multilingual-e5 (cached)")]
struct Args {
    /// Products in the generated catalogue.
    #[arg(long, default_value_t = 100_000)]
    products: usize,
    /// Catalogue seed (the one `storefront bench search` uses).
    #[arg(long, default_value_t = benches::SEED)]
    seed: u64,
    /// Queries of the bench mix whose texts are embedded as queries.
    #[arg(long, default_value_t = 1_000)]
    queries: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let started = std::time::Instant::now();
    let (texts, _) = benches::catalog::query_vectors(args.seed, args.queries)?;
    println!("{} distinct bench-mix query texts embedded", texts.len());
    let vectors = benches::catalog::catalog_vectors(
        args.seed,
        args.products,
        benches::catalog::Source::Compute,
    )?;
    println!(
        "{} approved products, {} distinct passages, vectors in {} ({:.0} s)",
        vectors.passages.docs.len(),
        vectors.passages.texts.len(),
        vectors.path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
