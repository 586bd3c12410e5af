//! The offline evaluation of recommendations: hit-rate@10 and NDCG@10 on held-out purchases,
//! each model against a popularity baseline in the same run, through the engine's own
//! [`Engine::recommend`] (audience screening included).
//!
//! ```sh
//! cargo run --release -p benches --bin recommendations
//! cargo run --release -p benches --bin recommendations -- --groceries DIR --shoppers 6000
//! ```
//!
//! Two sets:
//! - **Groceries baskets** (`shared/datasets/groceries/groceries.csv`, read at run time and
//!   never copied into the repository; pass `--groceries DIR`): 9,835 real baskets over 169
//!   items. Every fifth basket is a test basket, the rest train the co-purchase counts and
//!   the popularity. Leave-one-out: each item of a test basket of two or more items is held
//!   out in turn and "bought together" must predict it from the rest of the basket. The
//!   baseline ranks the training set's most bought items, the basket's own excluded.
//!   The co-purchase model's regularisation is chosen first on a validation split of the
//!   training baskets only (every fourth training basket validates, the other three train),
//!   then the model is fitted on all training baskets and evaluated once on the test baskets.
//!   A row with the model turned off (cosine associations only) is printed for comparison.
//! - **Simulated sessions** (`datasets::simulate_sessions` over a generated catalogue indexed
//!   by `indexer`, so moderation screens it): views then purchases of shoppers with latent
//!   preferences. Each shopper's last purchase is held out; everything before it is their
//!   history, and every shopper's events except the held-out purchase feed the signals
//!   (co-views per shopper, co-purchases per shopper, trending). "For you" ranks for the
//!   shopper's child's age; the baseline ranks the most bought products for the same age,
//!   the shopper's purchases excluded. A second row counts only held-out products the shopper
//!   had not viewed before.
//!
//! When the groceries data is absent the command says so and evaluates the sessions only.

use anyhow::{Context, Result};
use clap::Parser;
use datasets::{SessionAction, ShopperSession};
use engine::recommend::ItemModelSettings;
use engine::{
    Audience, Engine, History, Localized, ModerationStatus, ProductDoc, ProductId, RecSignals,
    RecommendKind, RecommendRequest,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Rank cut-off of both metrics.
const K: usize = 10;
/// The catalogue seed of the sessions set.
const CATALOG_SEED: u64 = 20_261_207;
/// The sessions' seed.
const SESSION_SEED: u64 = 42;
/// Regularisations (`λ` per training basket) tried on the groceries validation split.
const REGULARISATION_GRID: [f64; 8] = [0.002, 0.005, 0.01, 0.017, 0.025, 0.035, 0.05, 0.1];

#[derive(Debug, Parser)]
#[command(about = "hit-rate@10 and NDCG@10 of bolajon's recommendations against popularity")]
struct Args {
    /// The groceries folder (groceries.csv).
    #[arg(long)]
    groceries: Option<PathBuf>,
    /// Products in the generated catalogue of the sessions set.
    #[arg(long, default_value_t = 4_000)]
    products: usize,
    /// Simulated shoppers.
    #[arg(long, default_value_t = 5_000)]
    shoppers: usize,
    /// Half-life of trending scores in the sessions set, in days.
    #[arg(long, default_value_t = 7)]
    half_life_days: i64,
}

/// Hit-rate and NDCG accumulated over queries with one relevant item each.
#[derive(Debug, Default, Clone, Copy)]
struct Metrics {
    queries: usize,
    hits: usize,
    ndcg: f64,
}

impl Metrics {
    fn add(&mut self, ranked: &[ProductId], held_out: ProductId) {
        self.queries += 1;
        if let Some(rank) = ranked.iter().take(K).position(|id| *id == held_out) {
            self.hits += 1;
            self.ndcg += 1.0 / ((rank + 2) as f64).log2();
        }
    }

    fn hit_rate(&self) -> f64 {
        self.hits as f64 / self.queries.max(1) as f64
    }

    fn ndcg(&self) -> f64 {
        self.ndcg / self.queries.max(1) as f64
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    let mut rows: Vec<(String, Metrics, Metrics)> = Vec::new();
    let dir = args.groceries.clone().unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/datasets/groceries")
    });
    let file = dir.join("groceries.csv");
    if file.is_file() {
        let started = Instant::now();
        let groceries = evaluate_groceries(&file)?;
        eprintln!("groceries evaluated in {:.1?}", started.elapsed());
        rows.push((
            format!(
                "groceries: bought together (leave-one-out, ρ={})",
                groceries.regularisation
            ),
            groceries.model,
            groceries.baseline,
        ));
        rows.push((
            "groceries: bought together, cosine only (model off)".to_string(),
            groceries.cosine,
            groceries.baseline,
        ));
    } else {
        println!(
            "the groceries basket data is not at {} (missing groceries.csv): skipping it; \
             pass --groceries DIR to evaluate it",
            dir.display()
        );
    }
    let started = Instant::now();
    let (all, unseen) = evaluate_sessions(&args)?;
    eprintln!("sessions evaluated in {:.1?}", started.elapsed());
    rows.push((
        "sessions: for you (last purchase held out)".to_string(),
        all.0,
        all.1,
    ));
    rows.push((
        "sessions: for you, held-out product not viewed before".to_string(),
        unseen.0,
        unseen.1,
    ));
    print_table(&rows);
    Ok(())
}

fn print_table(rows: &[(String, Metrics, Metrics)]) {
    println!();
    println!(
        "{:<56} {:>7} {:>10} {:>9} {:>10} {:>9} {:>9}",
        "set", "queries", "HR@10", "NDCG@10", "pop HR@10", "pop NDCG", "HR gain"
    );
    for (name, model, baseline) in rows {
        let gain = if baseline.hit_rate() > 0.0 {
            format!(
                "{:+.1}%",
                100.0 * (model.hit_rate() / baseline.hit_rate() - 1.0)
            )
        } else {
            "n/a".to_string()
        };
        println!(
            "{:<56} {:>7} {:>10.4} {:>9.4} {:>10.4} {:>9.4} {:>9}",
            name,
            model.queries,
            model.hit_rate(),
            model.ndcg(),
            baseline.hit_rate(),
            baseline.ndcg(),
            gain
        );
    }
}

/// An engine document for an item that every audience may see.
fn plain_doc(id: u64, title: &str) -> ProductDoc {
    ProductDoc {
        id: ProductId(id),
        titles: Localized {
            en: Some(title.to_string()),
            ..Localized::default()
        },
        descriptions: Localized::default(),
        brand: String::new(),
        brand_id: 0,
        category_id: 1,
        category_path: vec![1],
        category_names: vec!["groceries".to_string()],
        seller_id: 1,
        age_min_months: 0,
        age_max_months: moderation::MAX_AGE_MONTHS,
        price_tiyin: 100,
        in_stock: true,
        rating: 0.0,
        rating_count: 0,
        popularity: 0,
        created_at: 0,
        skus: Vec::new(),
        image_url: None,
        status: ModerationStatus::Approved,
        embedding: None,
    }
}

fn recommend_ids(
    engine: &Engine,
    audience: Audience,
    kind: RecommendKind,
    exclude: &[ProductId],
    signals: &RecSignals,
) -> Result<Vec<ProductId>> {
    let mut request = RecommendRequest::new(kind);
    request.limit = K;
    request.exclude = exclude.to_vec();
    Ok(engine
        .recommend(audience, &request, signals)?
        .items
        .into_iter()
        .map(|item| item.hit.id)
        .collect())
}

/// The groceries figures.
struct Groceries {
    /// The regularisation chosen on the validation split.
    regularisation: f64,
    /// The engine's "bought together" with that regularisation, on the test baskets.
    model: Metrics,
    /// The same with the co-purchase model off (cosine associations only).
    cosine: Metrics,
    /// Popularity on the test baskets.
    baseline: Metrics,
}

/// Reads the baskets (items numbered from 1 in order of appearance; repeats dropped).
/// Item numbers by name, and the baskets.
type Baskets = (HashMap<String, u64>, Vec<Vec<ProductId>>);

fn read_baskets(file: &Path) -> Result<Baskets> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut items: HashMap<String, u64> = HashMap::new();
    let mut baskets: Vec<Vec<ProductId>> = Vec::new();
    for line in text.lines() {
        let mut basket = Vec::new();
        for name in line
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            let next = items.len() as u64 + 1;
            let id = ProductId(*items.entry(name.to_string()).or_insert(next));
            if !basket.contains(&id) {
                basket.push(id);
            }
        }
        if !basket.is_empty() {
            baskets.push(basket);
        }
    }
    Ok((items, baskets))
}

/// Splits baskets: every `every`-th is held out (when it has two or more items: leave-one-out
/// needs the rest of a basket), the others train.
fn split_baskets<'a>(
    baskets: &[&'a [ProductId]],
    every: usize,
) -> (Vec<&'a [ProductId]>, Vec<&'a [ProductId]>) {
    let mut train = Vec::new();
    let mut held_out = Vec::new();
    for (index, basket) in baskets.iter().enumerate() {
        if index % every == every - 1 {
            if basket.len() >= 2 {
                held_out.push(*basket);
            }
        } else {
            train.push(*basket);
        }
    }
    (train, held_out)
}

/// Co-purchase counts and popularity (trending without decay: a month of baskets with no
/// dates) of the training baskets.
fn basket_signals(train: &[&[ProductId]], settings: ItemModelSettings) -> RecSignals {
    let mut signals = RecSignals::new(i64::MAX / 4, 0);
    signals.bought_together = settings;
    for basket in train {
        signals.co_purchase.add_group(basket);
        for product in *basket {
            signals.trending.add(*product, 0, 1.0);
        }
    }
    signals
}

/// Leave-one-out over `tests`: "bought together" from the rest of each basket.
fn leave_one_out(
    engine: &Engine,
    audience: Audience,
    tests: &[&[ProductId]],
    signals: &RecSignals,
) -> Result<Metrics> {
    let mut metrics = Metrics::default();
    for basket in tests {
        for held_out in basket.iter() {
            let rest: Vec<ProductId> = basket.iter().copied().filter(|p| p != held_out).collect();
            let ranked = recommend_ids(
                engine,
                audience,
                RecommendKind::BoughtTogether(rest),
                &[],
                signals,
            )?;
            metrics.add(&ranked, *held_out);
        }
    }
    Ok(metrics)
}

/// Evaluates the groceries baskets: the regularisation chosen on a validation split of the
/// training baskets, then the model, the model turned off and popularity on the test baskets.
fn evaluate_groceries(file: &Path) -> Result<Groceries> {
    let (items, baskets) = read_baskets(file)?;
    println!(
        "groceries: {} baskets, {} items",
        baskets.len(),
        items.len()
    );
    let engine = Engine::in_memory()?;
    engine.rebuild(
        items.iter().map(|(name, id)| plain_doc(*id, name)),
        1,
        &|_| {},
    )?;
    let audience = Audience::new(120)?;
    let all: Vec<&[ProductId]> = baskets.iter().map(Vec::as_slice).collect();
    let (train, tests) = split_baskets(&all, 5);

    // The regularisation, on the training baskets alone.
    let (fit, validation) = split_baskets(&train, 4);
    println!(
        "groceries validation: {} fitting baskets, {} validation baskets (of the {} training ones)",
        fit.len(),
        validation.len(),
        train.len()
    );
    let mut best: Option<(f64, Metrics)> = None;
    for regularisation in REGULARISATION_GRID {
        let settings = ItemModelSettings {
            regularisation,
            ..ItemModelSettings::default()
        };
        let signals = basket_signals(&fit, settings);
        let metrics = leave_one_out(&engine, audience, &validation, &signals)?;
        println!(
            "  ρ={regularisation:<6} λ={:<7.1} validation HR@10 {:.4} NDCG@10 {:.4}",
            settings.lambda(signals.co_purchase.total_groups()),
            metrics.hit_rate(),
            metrics.ndcg()
        );
        // The best hit-rate; NDCG breaks a tie, then the smaller regularisation (first tried).
        let better =
            best.is_none_or(|(_, kept)| (metrics.hits, metrics.ndcg) > (kept.hits, kept.ndcg));
        if better {
            best = Some((regularisation, metrics));
        }
    }
    let regularisation = best.map_or(
        ItemModelSettings::DEFAULT_REGULARISATION,
        |(regularisation, _)| regularisation,
    );
    println!("groceries: regularisation ρ={regularisation} chosen on validation");

    let settings = ItemModelSettings {
        regularisation,
        ..ItemModelSettings::default()
    };
    let signals = basket_signals(&train, settings);
    let model = leave_one_out(&engine, audience, &tests, &signals)?;
    let off = ItemModelSettings {
        max_products: 0,
        ..settings
    };
    let cosine = leave_one_out(&engine, audience, &tests, &basket_signals(&train, off))?;
    // Popularity: trending without decay, the rest of the basket excluded.
    let popularity = basket_signals(&train, settings);
    let mut baseline = Metrics::default();
    for basket in &tests {
        for held_out in basket.iter() {
            let rest: Vec<ProductId> = basket.iter().copied().filter(|p| p != held_out).collect();
            let ranked = recommend_ids(
                &engine,
                audience,
                RecommendKind::Trending,
                &rest,
                &popularity,
            )?;
            baseline.add(&ranked, *held_out);
        }
    }
    Ok(Groceries {
        regularisation,
        model,
        cosine,
        baseline,
    })
}

type Pair = (Metrics, Metrics);

/// Returns ((model, baseline) on every held-out purchase, the same on unviewed ones).
fn evaluate_sessions(args: &Args) -> Result<(Pair, Pair)> {
    let catalog = datasets::generate(CATALOG_SEED, args.products);
    let sessions = datasets::simulate_sessions(&catalog, SESSION_SEED, args.shoppers);
    let engine = Engine::in_memory()?;
    let stats = indexer::build_from_catalog(
        &engine,
        &catalog.categories,
        &catalog.brands,
        catalog.products.clone().into_iter(),
        &|_| {},
    )?;
    println!(
        "sessions: {} shoppers over {} generated products ({} indexed after moderation)",
        sessions.len(),
        args.products,
        stats.indexed
    );
    // Each shopper's last purchase is held out; what came before is the history.
    let split: Vec<(&ShopperSession, usize)> = sessions
        .iter()
        .filter_map(|session| {
            let last = session
                .events
                .iter()
                .rposition(|event| event.action == SessionAction::Purchase)?;
            (last > 0).then_some((session, last))
        })
        .collect();
    let reference = sessions
        .iter()
        .flat_map(|session| session.events.iter().map(|event| event.at))
        .max()
        .unwrap_or_default();
    let half_life = args.half_life_days.max(1) * 86_400;
    let mut signals = RecSignals::new(half_life, reference);
    let mut popularity = RecSignals::new(i64::MAX / 4, reference);
    for (session, last) in &split {
        let events = &session.events[..*last];
        let mut viewed: Vec<ProductId> = events
            .iter()
            .filter(|event| event.action == SessionAction::View)
            .map(|event| ProductId(event.product))
            .collect();
        viewed.reverse();
        signals.co_view.add_group(&viewed);
        let bought: Vec<ProductId> = events
            .iter()
            .filter(|event| event.action == SessionAction::Purchase)
            .map(|event| ProductId(event.product))
            .collect();
        signals.co_purchase.add_group(&bought);
        for event in events {
            let product = ProductId(event.product);
            match event.action {
                SessionAction::View => {
                    signals
                        .trending
                        .add(product, event.at, engine::recommend::VIEW_WEIGHT)
                }
                SessionAction::Purchase => {
                    signals
                        .trending
                        .add(product, event.at, engine::recommend::PURCHASE_WEIGHT);
                    popularity.trending.add(product, event.at, 1.0);
                }
            }
        }
    }
    let mut all = (Metrics::default(), Metrics::default());
    let mut unseen = (Metrics::default(), Metrics::default());
    for (session, last) in &split {
        let events = &session.events[..*last];
        let held_out = ProductId(session.events[*last].product);
        let newest_first = |action: SessionAction| -> Vec<ProductId> {
            events
                .iter()
                .rev()
                .filter(|event| event.action == action)
                .map(|event| ProductId(event.product))
                .collect()
        };
        let history = History {
            viewed: newest_first(SessionAction::View),
            wishlist: Vec::new(),
            purchased: newest_first(SessionAction::Purchase),
        };
        let was_viewed = history.viewed.contains(&held_out);
        let audience = Audience::new(i64::from(session.child_age_months))?;
        let purchased = history.purchased.clone();
        let ranked = recommend_ids(
            &engine,
            audience,
            RecommendKind::ForYou(history),
            &[],
            &signals,
        )?;
        // Popularity: units bought, for the same age, the shopper's purchases excluded.
        let popular = recommend_ids(
            &engine,
            audience,
            RecommendKind::Trending,
            &purchased,
            &popularity,
        )?;
        all.0.add(&ranked, held_out);
        all.1.add(&popular, held_out);
        if !was_viewed {
            unseen.0.add(&ranked, held_out);
            unseen.1.add(&popular, held_out);
        }
    }
    Ok((all, unseen))
}
