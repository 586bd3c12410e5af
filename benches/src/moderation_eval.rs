//! The moderation evaluation (issue 5, item 5): screens the catalogue generator's planted
//! unsafe listings and as many ordinary ones, and counts what screening caught.
//!
//! A listing is screened the way the store screens a seller's listing (`storefront::listings`):
//! every title and description in every language form it has, the variant options, the
//! category slug and the tagged ages, through `moderation::screen_listing_with`, plus whatever
//! the learned classifiers said (`classifiers`). `review` and `reject` count as caught; an
//! `approve` of a planted listing is a miss, and a `review` or `reject` of an ordinary one is a
//! false alarm.
//!
//! Besides the whole listing, every language form is screened on its own (the listing with
//! only that form's title and description), so a per-form recall says whether each language is
//! covered by itself rather than carried by another form of the same listing.

use datasets::{Localized, Product, UnsafeKind};
use moderation::{ClassifierSignal, Decision, ListingInput, ScreeningConfig, Verdict};
use std::collections::{BTreeMap, HashMap};

/// The four language forms, in the order reports list them.
pub const FORMS: [&str; 4] = ["uz", "uz-Cyrl", "ru", "en"];

/// Returns the text of `form` in `localized`.
pub fn text_of<'a>(localized: &'a Localized, form: &str) -> Option<&'a str> {
    match form {
        "uz" => localized.uz.as_deref(),
        "uz-Cyrl" => localized.uz_cyrl.as_deref(),
        "ru" => localized.ru.as_deref(),
        "en" => localized.en.as_deref(),
        _ => None,
    }
}

/// The truth label of a listing: its planted kind, or `safe`.
pub fn label_of(product: &Product) -> &'static str {
    match product.unsafe_label {
        None => "safe",
        Some(UnsafeKind::Adult) => "adult",
        Some(UnsafeKind::Weapon) => "weapon",
        Some(UnsafeKind::Vape) => "vape",
        Some(UnsafeKind::Alcohol) => "alcohol",
        Some(UnsafeKind::SmallPartsMislabelled) => "small_parts_mislabelled",
    }
}

/// Screens a product in the language forms `forms` (all it has when `None`).
pub fn screen_product(
    config: &ScreeningConfig,
    product: &Product,
    slug: &str,
    forms: Option<&[&str]>,
    classifiers: Vec<ClassifierSignal>,
) -> Verdict {
    moderation::screen_listing_with(config, &listing_input(product, slug, forms, classifiers))
}

/// Screens a product in all its forms as the store screens a new listing
/// (`storefront::listings::screen`): the rules with the signals already known (`known`, e.g.
/// its image's), then the text models (`text_signals`) only when that does not already reject
/// it. Returns the verdict and whether the text models ran.
pub fn screen_product_rules_first(
    config: &ScreeningConfig,
    product: &Product,
    slug: &str,
    known: Vec<ClassifierSignal>,
    text_signals: impl FnOnce() -> Vec<ClassifierSignal>,
) -> (Verdict, bool) {
    let mut input = listing_input(product, slug, None, known);
    if let Some(verdict) = moderation::rejected_before_models(config, &input) {
        return (verdict, false);
    }
    input.classifiers.extend(text_signals());
    (moderation::screen_listing_with(config, &input), true)
}

fn listing_input<'a>(
    product: &'a Product,
    slug: &'a str,
    forms: Option<&[&str]>,
    classifiers: Vec<ClassifierSignal>,
) -> ListingInput<'a> {
    let wanted: &[&str] = forms.unwrap_or(&FORMS);
    let mut texts: Vec<&str> = Vec::new();
    for form in wanted {
        texts.extend(text_of(&product.title, form));
        texts.extend(text_of(&product.description, form));
    }
    for variant in &product.variants {
        texts.extend(variant.options.values().map(String::as_str));
    }
    ListingInput {
        texts,
        category_slug: slug,
        age_min_months: product.age_min_months,
        age_max_months: product.age_max_months,
        classifiers,
    }
}

/// Decisions counted per truth label: approve, review, reject.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcomes {
    /// Approved.
    pub approve: u64,
    /// Held for review.
    pub review: u64,
    /// Rejected.
    pub reject: u64,
}

impl Outcomes {
    /// Counts one decision.
    pub fn add(&mut self, decision: Decision) {
        match decision {
            Decision::Approve => self.approve += 1,
            Decision::Review => self.review += 1,
            Decision::Reject => self.reject += 1,
        }
    }

    /// All decisions counted.
    pub fn total(&self) -> u64 {
        self.approve + self.review + self.reject
    }

    /// Held or rejected.
    pub fn caught(&self) -> u64 {
        self.review + self.reject
    }

    /// Share caught (recall for unsafe labels, false-positive rate for `safe`).
    pub fn caught_share(&self) -> f64 {
        if self.total() == 0 {
            0.0
        } else {
            self.caught() as f64 / self.total() as f64
        }
    }
}

/// Counts of one evaluation: per truth label, overall and per language form.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// Truth label → outcomes of the whole listing.
    pub by_label: BTreeMap<&'static str, Outcomes>,
    /// (language form, truth label) → outcomes of the listing in that form alone.
    pub by_form: BTreeMap<(&'static str, &'static str), Outcomes>,
    /// Truth label → the category of the strongest reason (caught listings only).
    pub reason_categories: BTreeMap<&'static str, BTreeMap<String, u64>>,
    /// Missed planted listings and false alarms, a few of each, for the report.
    pub examples: Vec<String>,
    /// Planted listings missed in one language form alone, a few, for the report.
    pub form_misses: Vec<String>,
}

impl Evaluation {
    /// Outcomes of every planted listing together.
    pub fn unsafe_total(&self) -> Outcomes {
        self.by_label
            .iter()
            .filter(|(label, _)| **label != "safe")
            .fold(Outcomes::default(), |all, (_, o)| Outcomes {
                approve: all.approve + o.approve,
                review: all.review + o.review,
                reject: all.reject + o.reject,
            })
    }

    /// Recall over every planted listing.
    pub fn recall(&self) -> f64 {
        self.unsafe_total().caught_share()
    }

    /// False-positive rate over the ordinary listings.
    pub fn false_positive_rate(&self) -> f64 {
        self.by_label
            .get("safe")
            .map_or(0.0, Outcomes::caught_share)
    }

    /// Merges another evaluation's counts into this one.
    pub fn merge(&mut self, other: Evaluation) {
        for (label, o) in other.by_label {
            let mine = self.by_label.entry(label).or_default();
            mine.approve += o.approve;
            mine.review += o.review;
            mine.reject += o.reject;
        }
        for (key, o) in other.by_form {
            let mine = self.by_form.entry(key).or_default();
            mine.approve += o.approve;
            mine.review += o.review;
            mine.reject += o.reject;
        }
        for (label, categories) in other.reason_categories {
            let mine = self.reason_categories.entry(label).or_default();
            for (category, count) in categories {
                *mine.entry(category).or_default() += count;
            }
        }
        for example in other.examples {
            if self.examples.len() < MAX_EXAMPLES {
                self.examples.push(example);
            }
        }
        for miss in other.form_misses {
            if self.form_misses.len() < MAX_EXAMPLES {
                self.form_misses.push(miss);
            }
        }
    }

    /// Outcomes of the planted listings in one language form alone.
    pub fn form_planted(&self, form: &str) -> Outcomes {
        self.by_form
            .iter()
            .filter(|((f, label), _)| *f == form && *label != "safe")
            .fold(Outcomes::default(), |all, (_, o)| Outcomes {
                approve: all.approve + o.approve,
                review: all.review + o.review,
                reject: all.reject + o.reject,
            })
    }

    /// Outcomes of the ordinary listings in one language form alone.
    pub fn form_safe(&self, form: &str) -> Outcomes {
        self.by_form
            .get(&(form, "safe"))
            .copied()
            .unwrap_or_default()
    }

    /// Returns whether recall is at least `recall` and the false-positive rate at most `fpr`
    /// overall, for every planted kind, and in every language form alone (its planted
    /// listings together and each kind).
    pub fn meets(&self, recall: f64, fpr: f64) -> bool {
        let kinds_ok = self.by_label.iter().all(|(label, o)| match *label {
            "safe" => o.caught_share() <= fpr,
            _ => o.caught_share() >= recall,
        });
        let forms_ok = self.by_form.iter().all(|((_, label), o)| match *label {
            "safe" => o.caught_share() <= fpr,
            _ => o.caught_share() >= recall,
        });
        self.recall() >= recall
            && self.false_positive_rate() <= fpr
            && kinds_ok
            && forms_ok
            && FORMS.iter().all(|form| {
                self.form_planted(form).caught_share() >= recall
                    && self.form_safe(form).caught_share() <= fpr
            })
    }

    /// Returns the report's tables as text.
    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| truth | listings | approve | review | reject | caught | rate |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        let mut rows: Vec<(&str, Outcomes)> = self.by_label.iter().map(|(l, o)| (*l, *o)).collect();
        rows.push(("all planted", self.unsafe_total()));
        for (label, o) in rows {
            let _ = writeln!(
                out,
                "| {label} | {} | {} | {} | {} | {} | {:.4} |",
                o.total(),
                o.approve,
                o.review,
                o.reject,
                o.caught(),
                o.caught_share()
            );
        }
        let _ = writeln!(
            out,
            "\nrecall {:.4}, false-positive rate {:.4} (rate = recall for planted kinds, false-positive rate for safe)\n",
            self.recall(),
            self.false_positive_rate()
        );
        let _ = writeln!(
            out,
            "Per language form (each form screened alone): recall over its planted listings, false-positive rate over its ordinary ones\n\n| form | planted | recall | ordinary | FPR |\n| --- | ---: | ---: | ---: | ---: |"
        );
        for form in FORMS {
            let (planted, safe) = (self.form_planted(form), self.form_safe(form));
            let _ = writeln!(
                out,
                "| {form} | {} | {:.4} | {} | {:.4} |",
                planted.total(),
                planted.caught_share(),
                safe.total(),
                safe.caught_share()
            );
        }
        let _ = writeln!(
            out,
            "\nPer language form and truth:\n\n| form | truth | listings | approve | review | reject | rate |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |"
        );
        for ((form, label), o) in &self.by_form {
            let _ = writeln!(
                out,
                "| {form} | {label} | {} | {} | {} | {} | {:.4} |",
                o.total(),
                o.approve,
                o.review,
                o.reject,
                o.caught_share()
            );
        }
        let _ = writeln!(out, "\nStrongest reason's category of caught listings:\n");
        for (label, categories) in &self.reason_categories {
            let list: Vec<String> = categories
                .iter()
                .map(|(category, count)| format!("{category} {count}"))
                .collect();
            let _ = writeln!(out, "- {label}: {}", list.join(", "));
        }
        if !self.examples.is_empty() {
            let _ = writeln!(out, "\nExamples of errors:\n");
            for example in &self.examples {
                let _ = writeln!(out, "- {example}");
            }
        }
        if !self.form_misses.is_empty() {
            let _ = writeln!(out, "\nPlanted listings missed in one form alone:\n");
            for miss in &self.form_misses {
                let _ = writeln!(out, "- {miss}");
            }
        }
        out
    }
}

/// Errors listed in a report.
const MAX_EXAMPLES: usize = 20;

/// Returns the planted listings among `products` and as many ordinary ones (every `k`-th
/// ordinary listing, spread over the whole catalogue).
pub fn balanced_sample(products: &[Product]) -> Vec<&Product> {
    let planted: Vec<&Product> = products
        .iter()
        .filter(|p| p.unsafe_label.is_some())
        .collect();
    let ordinary: Vec<&Product> = products
        .iter()
        .filter(|p| p.unsafe_label.is_none())
        .collect();
    let step = (ordinary.len() / planted.len().max(1)).max(1);
    let mut sample = planted.clone();
    sample.extend(ordinary.iter().step_by(step).take(planted.len()).copied());
    sample
}

/// Screens `products` with the rules alone (no classifier signals) and counts the outcomes.
pub fn evaluate_rules(
    config: &ScreeningConfig,
    products: &[&Product],
    slugs: &HashMap<u64, String>,
) -> Evaluation {
    evaluate_with(config, products, slugs, |_, _| Vec::new())
}

/// Screens `products` whole and each language form alone, with the classifier signals
/// `signals(product, forms)` gives for the texts of `forms` (every form when `None`), and
/// counts the outcomes.
pub fn evaluate_with(
    config: &ScreeningConfig,
    products: &[&Product],
    slugs: &HashMap<u64, String>,
    signals: impl Fn(&Product, Option<&[&str]>) -> Vec<ClassifierSignal>,
) -> Evaluation {
    let mut evaluation = Evaluation::default();
    for product in products {
        let slug = slugs
            .get(&product.category_id)
            .map(String::as_str)
            .unwrap_or_default();
        let verdict = screen_product(config, product, slug, None, signals(product, None));
        count(&mut evaluation, product, &verdict);
        for form in FORMS {
            if text_of(&product.title, form).is_none() {
                continue;
            }
            let forms = [form];
            let alone = screen_product(
                config,
                product,
                slug,
                Some(&forms),
                signals(product, Some(&forms)),
            );
            evaluation
                .by_form
                .entry((form, label_of(product)))
                .or_default()
                .add(alone.decision);
            if alone.decision == Decision::Approve
                && product.unsafe_label.is_some()
                && evaluation.form_misses.len() < MAX_EXAMPLES
            {
                evaluation.form_misses.push(format!(
                    "{form} {} #{}: {:?}",
                    label_of(product),
                    product.id,
                    text_of(&product.title, form).unwrap_or_default()
                ));
            }
        }
    }
    evaluation
}

/// Counts one whole-listing verdict.
pub fn count(evaluation: &mut Evaluation, product: &Product, verdict: &Verdict) {
    let label = label_of(product);
    evaluation
        .by_label
        .entry(label)
        .or_default()
        .add(verdict.decision);
    if let Some(top) = verdict.reasons.first()
        && verdict.decision != Decision::Approve
    {
        *evaluation
            .reason_categories
            .entry(label)
            .or_default()
            .entry(top.category.as_str().to_owned())
            .or_default() += 1;
    }
    let wrong = match label {
        "safe" => verdict.decision != Decision::Approve,
        _ => verdict.decision == Decision::Approve,
    };
    if wrong && evaluation.examples.len() < MAX_EXAMPLES {
        let title = FORMS
            .iter()
            .find_map(|form| text_of(&product.title, form))
            .unwrap_or_default();
        let reasons: Vec<&str> = verdict.reasons.iter().map(|r| r.code.as_str()).collect();
        evaluation.examples.push(format!(
            "{label} #{} {:?} ({}–{} months) → {:?} {reasons:?}",
            product.id, title, product.age_min_months, product.age_max_months, verdict.decision
        ));
    }
}

/// Category slugs by id.
pub fn slugs_of(categories: &[datasets::Category]) -> HashMap<u64, String> {
    categories
        .iter()
        .map(|category| (category.id, category.slug.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CI guard of issue 5's targets: the same evaluation on a small generated catalogue
    /// (8,000 products, about 200 planted) must keep recall ≥ 0.95 and the false-positive
    /// rate ≤ 3 % with the rules alone, in every language form too.
    #[test]
    fn rules_catch_the_planted_listings_of_a_small_catalogue() {
        let catalog = datasets::generate(crate::SEED, 8_000);
        let slugs = slugs_of(&catalog.categories);
        let sample = balanced_sample(&catalog.products);
        let evaluation = evaluate_rules(&ScreeningConfig::default(), &sample, &slugs);
        let planted = evaluation.unsafe_total().total();
        assert!(planted >= 150, "only {planted} planted listings");
        let report = evaluation.render();
        assert!(evaluation.recall() >= 0.95, "{report}");
        assert!(evaluation.false_positive_rate() <= 0.03, "{report}");
        for (label, outcomes) in &evaluation.by_label {
            if *label != "safe" {
                assert!(outcomes.caught_share() >= 0.95, "{label}\n{report}");
            }
        }
        for form in FORMS {
            let (mut caught, mut total) = (0, 0);
            for ((f, label), o) in &evaluation.by_form {
                if *f == form && *label != "safe" {
                    caught += o.caught();
                    total += o.total();
                }
            }
            assert!(total > 0, "no planted listing in {form}");
            let recall = caught as f64 / total as f64;
            assert!(recall >= 0.95, "{form}: recall {recall:.3}\n{report}");
            let safe = evaluation
                .by_form
                .get(&(form, "safe"))
                .copied()
                .unwrap_or_default();
            assert!(
                safe.caught_share() <= 0.03,
                "{form}: false-positive rate {:.3}\n{report}",
                safe.caught_share()
            );
        }
    }
}
