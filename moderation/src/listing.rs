//! Screening of catalogue listings.
//!
//! A listing's texts (and its category slug) are folded (`normalize.rs`) and matched against
//! the lexicons (`lexicon.rs`). Every match becomes a signal with a score in `0.0..=1.0`:
//!
//! 1. a harmless phrase wins over the risk terms of its category inside it (`винного цвета`
//!    over `вин*`, `water gun` over `gun`), and a longer risk phrase over a shorter one;
//! 2. ambiguous terms are weighed by context: a safe cue of their category anywhere in the
//!    listing (toy, plastic, chocolate) or a negation next to them lowers them, a danger cue
//!    (blade, hunting) raises them; negated ingredients (`без спирта`) are dropped;
//! 3. hazards for young children (small parts, magnets, button batteries, balloons...) count
//!    only when the listing is for ages they matter to (`age_rules.rs`): the youngest age it is
//!    tagged for, or labelled for in its text (`от 2 лет` on a set tagged from 3 years); piece
//!    counts and part sizes (`560 деталей`, `блок 4 мм`) count as small parts too
//!    (`small_parts.rs`);
//! 4. age wording (`18+`, `только для взрослых`, `не для детей до 3 лет`, `от 3 лет`) is
//!    checked against the tagged ages, and the category slug against its expected ages;
//! 5. adult-audience wording (`для взрослых`, `kattalar uchun`, `adult`) that no child or family
//!    wording shares a sentence with holds a listing tagged for minors, and rejects any listing
//!    with sexualised cues next to it (role-play costume, stockings, figure-hugging).
//!
//! Signals are grouped into reasons by code (`lexicon_weapons`, `small_parts_under_36_months`,
//! ...): a reason scores its strongest signal plus a step for every further distinct concept.
//! The decision follows the strongest reason and the thresholds of [`ScreeningConfig`].

use std::collections::BTreeMap;
use std::ops::Range;

use crate::age_rules::{
    AgeFinding, AgeMention, broken_category_rules, find_age_mentions, hazard_tier, slug_safe_cues,
};
use crate::classifier::{ClassifierKind, ClassifierSignal, MODEL_UNAVAILABLE};
use crate::config::ScreeningConfig;
use crate::lexicon::{CONCEPTS, LEXICON, Match, Role, Sensitivity};
use crate::normalize::{FoldedText, fold_text};
use crate::small_parts::{
    MANY_PIECES, PartEvidence, PartFinding, SMALL_PARTS_BELOW_MONTHS, TINY_PART_MAX_MM,
    find_part_findings, slug_is_parts_set,
};
use crate::{Decision, Reason, RiskCategory, Verdict};

/// What the screening of a listing looks at.
#[derive(Debug, Clone)]
pub struct ListingInput<'a> {
    /// Every text field of the listing, in every language it has (titles, descriptions, options).
    pub texts: Vec<&'a str>,
    /// The slug of the listing's category (e.g. `construction-sets`).
    pub category_slug: &'a str,
    /// Youngest age the listing is tagged for, in months.
    pub age_min_months: u16,
    /// Oldest age the listing is tagged for, in months.
    pub age_max_months: u16,
    /// What the learned classifiers said (text toxicity, image safety); empty when the caller
    /// screens with the rules alone. An [`ClassifierSignal::Unavailable`] holds the listing.
    pub classifiers: Vec<ClassifierSignal>,
}

/// Screens a listing with the default [`ScreeningConfig`] and returns a verdict with its
/// reasons.
pub fn screen_listing(input: &ListingInput<'_>) -> Verdict {
    screen_listing_with(&ScreeningConfig::default(), input)
}

/// Screens a listing with the given thresholds and weights and returns a verdict with its
/// reasons, strongest first, one per reason code.
pub fn screen_listing_with(config: &ScreeningConfig, input: &ListingInput<'_>) -> Verdict {
    let config = config.sanitized();
    let fields: Vec<Field<'_>> = input
        .texts
        .iter()
        .copied()
        .chain(std::iter::once(input.category_slug))
        .map(Field::new)
        .collect();

    let mut safe: Vec<RiskCategory> = slug_safe_cues(input.category_slug);
    let mut danger: Vec<RiskCategory> = Vec::new();
    for field in &fields {
        for m in &field.matches {
            match CONCEPTS[m.concept].role {
                Role::SafeCue(category) => safe.push(category),
                Role::DangerCue(category) => danger.push(category),
                Role::Risk { .. }
                | Role::Hazard { .. }
                | Role::Negation { .. }
                | Role::AdultOnly
                | Role::ChildWarning
                | Role::Supervision
                | Role::AdultAudience
                | Role::SharedAudience
                | Role::SexualisedCue { .. }
                | Role::PartsSet => {}
            }
        }
    }
    let context = Context {
        config: &config,
        safe,
        danger,
        youngest: YoungestAge::of(input, &fields),
    };

    let mut signals = Vec::new();
    for field in &fields {
        field.push_lexicon_signals(&context, &mut signals);
    }
    push_small_part_signals(&context, input.category_slug, &fields, &mut signals);
    push_age_signals(&config, input, &fields, &mut signals);
    push_audience_signals(&config, input, &fields, &mut signals);
    push_classifier_signals(&config, &input.classifiers, &mut signals);
    verdict_from(&config, signals)
}

/// Screens a listing with the rules, and with whatever classifier signals `input` already
/// carries (images scored at upload), and returns the verdict when it is already final: a
/// rejection.
///
/// More signals never lower a reason (each reason keeps its strongest signal, and the
/// classifiers' reason codes are their own), so no further model can turn a rejection into
/// anything else. Callers then skip the remaining models (the text-toxicity encoder costs tens
/// of milliseconds per text) and record that they did. Returns `None` when the models could
/// still change the decision.
pub fn rejected_before_models(
    config: &ScreeningConfig,
    input: &ListingInput<'_>,
) -> Option<Verdict> {
    let verdict = screen_listing_with(config, input);
    (verdict.decision == Decision::Reject).then_some(verdict)
}

/// Turns the learned classifiers' outputs into signals. A classifier that could not score
/// (or gave NaN) yields a `model_unavailable` signal at the review threshold: never "safe".
fn push_classifier_signals(
    config: &ScreeningConfig,
    classifiers: &[ClassifierSignal],
    signals: &mut Vec<Signal>,
) {
    let unavailable = |kind: ClassifierKind, why: String| Signal {
        code: MODEL_UNAVAILABLE,
        category: RiskCategory::Unscreened,
        concept: kind.code(),
        score: config.review_threshold.max(MIN_REASON_SCORE),
        evidence: snippet(&format!("{}: {why}", kind.code())),
    };
    for classifier in classifiers {
        match classifier {
            ClassifierSignal::Scored {
                kind,
                score,
                model,
                subject,
            } => {
                if score.is_nan() {
                    signals.push(unavailable(*kind, format!("{model} returned no score")));
                    continue;
                }
                let mapped = match kind {
                    ClassifierKind::TextToxicity => score.clamp(0.0, 1.0),
                    ClassifierKind::ImageSexual | ClassifierKind::ImageGore => {
                        config.image_score(*score)
                    }
                };
                signals.push(Signal {
                    code: kind.code(),
                    category: kind.category(),
                    concept: kind.code(),
                    score: mapped,
                    evidence: snippet(&format!("{subject} ({model}: {score:.2})")),
                });
            }
            ClassifierSignal::Unavailable { kind, why } => {
                signals.push(unavailable(*kind, why.clone()));
            }
        }
    }
}

/// One text of the listing, folded and matched.
struct Field<'a> {
    original: &'a str,
    folded: FoldedText,
    matches: Vec<Match>,
    /// Age wording (`от 3 лет`, `18+`, `не для детей до 3 лет`).
    ages: Vec<AgeFinding>,
    /// Piece counts and part sizes (`560 деталей`, `блок 4 мм`).
    parts: Vec<PartFinding>,
}

impl<'a> Field<'a> {
    fn new(original: &'a str) -> Self {
        let folded = fold_text(original);
        let matches = LEXICON.find(&folded);
        let ages = find_age_mentions(original, &folded, &matches);
        let parts = find_part_findings(original, &folded);
        Self {
            original,
            folded,
            matches,
            ages,
            parts,
        }
    }

    /// Returns whether wording that puts children next to adults (or uses "adult" for
    /// something other than the buyer) shares a sentence with the match `m`.
    fn shares_audience(&self, m: &Match) -> bool {
        let (first, last) = self.tokens_of(m);
        self.matches.iter().any(|other| {
            if !matches!(
                CONCEPTS[other.concept].role,
                Role::SharedAudience | Role::Supervision
            ) {
                return false;
            }
            let (o_first, o_last) = self.tokens_of(other);
            self.same_sentence(first.min(o_first), last.max(o_last))
        })
    }

    /// Returns the first and last token of a match.
    fn tokens_of(&self, m: &Match) -> (usize, usize) {
        let map = &self.folded.token_of_unit;
        let first = map.get(m.units.start).copied().unwrap_or(0);
        let last = map
            .get(m.units.end.saturating_sub(1))
            .copied()
            .unwrap_or(first);
        (first, last)
    }

    fn span_of(&self, m: &Match) -> Range<usize> {
        let units = &self.folded.units;
        let start = units.get(m.units.start).map_or(0, |u| u.span.start);
        let end = units
            .get(m.units.end.saturating_sub(1))
            .map_or(start, |u| u.span.end);
        start..end.max(start)
    }

    fn snippet(&self, span: Range<usize>) -> String {
        snippet(self.original.get(span).unwrap_or_default())
    }

    /// Returns whether no sentence break lies between tokens `from` and `to`.
    fn same_sentence(&self, from: usize, to: usize) -> bool {
        (from + 1..=to).all(|k| self.folded.tokens.get(k).is_none_or(|t| !t.sentence_start))
    }

    /// Returns whether a negation applies to the match: `без спирта`, `alcohol-free`,
    /// `nikotinsiz`.
    fn is_negated(&self, m: &Match) -> bool {
        let (first, last) = self.tokens_of(m);
        let suffixed = self
            .folded
            .tokens
            .get(last)
            .is_some_and(|t| t.text.len() > 5 && t.text.ends_with("siz"));
        suffixed
            || self.matches.iter().any(|n| {
                let Role::Negation { before, after } = CONCEPTS[n.concept].role else {
                    return false;
                };
                let (n_first, n_last) = self.tokens_of(n);
                let precedes = n_last < first
                    && first - n_last <= usize::from(before)
                    && self.same_sentence(n_last, first);
                let follows = n_first > last
                    && n_first - last <= usize::from(after)
                    && self.same_sentence(last, n_first);
                precedes || follows
            })
    }

    /// Returns the risk or hazard category a match counts under, if any.
    fn risk_category(m: &Match) -> Option<(RiskCategory, f32)> {
        match CONCEPTS[m.concept].role {
            Role::Risk {
                category, score, ..
            } => Some((category, score)),
            Role::Hazard { .. } => Some((RiskCategory::AgeSafety, 1.0)),
            Role::SafeCue(_)
            | Role::DangerCue(_)
            | Role::Negation { .. }
            | Role::AdultOnly
            | Role::ChildWarning
            | Role::Supervision
            | Role::AdultAudience
            | Role::SharedAudience
            | Role::SexualisedCue { .. }
            | Role::PartsSet => None,
        }
    }

    /// Returns whether a longer match (or a harmless phrase) of the same category covers `m`.
    fn is_covered(&self, m: &Match) -> bool {
        let Some((category, _)) = Self::risk_category(m) else {
            return false;
        };
        self.matches.iter().any(|other| {
            if std::ptr::eq(other, m) {
                return false;
            }
            let Some((other_category, other_score)) = Self::risk_category(other) else {
                return false;
            };
            let contains = other.units.start <= m.units.start && m.units.end <= other.units.end;
            let longer = other.units.len() > m.units.len();
            other_category == category && contains && (longer || other_score == 0.0)
        })
    }

    fn push_lexicon_signals(&self, context: &Context<'_>, signals: &mut Vec<Signal>) {
        for m in &self.matches {
            let concept = &CONCEPTS[m.concept];
            let (category, base, sensitivity, code) = match concept.role {
                Role::Risk {
                    category,
                    score,
                    sensitivity,
                } => (category, score, sensitivity, lexicon_code(category)),
                Role::Hazard {
                    hazard,
                    sensitivity,
                } => {
                    let Some(tier) = hazard_tier(hazard, context.youngest.months) else {
                        continue;
                    };
                    (RiskCategory::AgeSafety, tier.score, sensitivity, tier.code)
                }
                Role::SafeCue(_)
                | Role::DangerCue(_)
                | Role::Negation { .. }
                | Role::AdultOnly
                | Role::ChildWarning
                | Role::Supervision
                | Role::AdultAudience
                | Role::SharedAudience
                | Role::SexualisedCue { .. }
                | Role::PartsSet => continue,
            };
            if base <= 0.0 || self.is_covered(m) {
                continue;
            }
            let score = context.weigh(category, base, sensitivity, || self.is_negated(m));
            if score <= 0.0 {
                continue;
            }
            let mut evidence = format!("\"{}\"", self.snippet(self.span_of(m)));
            if matches!(concept.role, Role::Hazard { .. }) {
                evidence.push(' ');
                evidence.push_str(&context.youngest.describe());
            }
            signals.push(Signal {
                code,
                category,
                concept: concept.id,
                score,
                evidence,
            });
        }
    }
}

/// Listing-wide context for weighing ambiguous terms.
struct Context<'a> {
    config: &'a ScreeningConfig,
    safe: Vec<RiskCategory>,
    danger: Vec<RiskCategory>,
    youngest: YoungestAge,
}

/// The youngest age a listing is for: its tagged youngest age, or a younger age its text labels
/// it for (`от 2 лет`, `aged 2+` on a listing tagged from 3 years). Hazards for young children
/// are weighed against it.
struct YoungestAge {
    months: u16,
    /// The text label, when it is younger than the tagged age.
    label: Option<String>,
}

impl YoungestAge {
    fn of(input: &ListingInput<'_>, fields: &[Field<'_>]) -> Self {
        let mut youngest = Self {
            months: input.age_min_months,
            label: None,
        };
        for field in fields {
            for finding in &field.ages {
                if let AgeMention::MinimumAge(months) = finding.mention
                    && months < youngest.months
                {
                    youngest = Self {
                        months,
                        label: Some(field.snippet(finding.span.clone())),
                    };
                }
            }
        }
        youngest
    }

    /// Describes the age for evidence: `on a listing tagged from 12 months`.
    fn describe(&self) -> String {
        match &self.label {
            None => format!("on a listing tagged from {} months", self.months),
            Some(label) => format!("on a listing labelled \"{label}\" ({} months)", self.months),
        }
    }
}

impl Context<'_> {
    fn weigh(
        &self,
        category: RiskCategory,
        base: f32,
        sensitivity: Sensitivity,
        negated: impl FnOnce() -> bool,
    ) -> f32 {
        let safe = self.safe.contains(&category);
        let danger = self.danger.contains(&category);
        let score = match sensitivity {
            Sensitivity::Strong => base,
            Sensitivity::Ingredient => {
                if negated() {
                    0.0
                } else {
                    base
                }
            }
            Sensitivity::Contextual => {
                let mut score = base;
                if negated() {
                    score *= self.config.negation_factor;
                }
                match (safe, danger) {
                    (true, false) => score * self.config.safe_context_factor,
                    (false, true) => score + self.config.danger_context_boost,
                    (true, true) | (false, false) => score,
                }
            }
        };
        score.clamp(0.0, 1.0)
    }
}

/// One piece of evidence before grouping into reasons.
#[derive(Debug, Clone)]
struct Signal {
    code: &'static str,
    category: RiskCategory,
    /// The concept (or rule) behind it; distinct concepts corroborate each other.
    concept: &'static str,
    score: f32,
    evidence: String,
}

/// Returns the reason code of a lexicon signal of `category`.
fn lexicon_code(category: RiskCategory) -> &'static str {
    match category {
        RiskCategory::Sexual => "lexicon_sexual",
        RiskCategory::Drugs => "lexicon_drugs",
        RiskCategory::Alcohol => "lexicon_alcohol",
        RiskCategory::Tobacco => "lexicon_tobacco",
        RiskCategory::Weapons => "lexicon_weapons",
        RiskCategory::Gambling => "lexicon_gambling",
        RiskCategory::Violence => "lexicon_violence",
        RiskCategory::SelfHarm => "lexicon_self_harm",
        RiskCategory::Profanity => "lexicon_profanity",
        RiskCategory::AgeSafety => "lexicon_age_safety",
        // No lexicon term has this category; the code keeps the match total.
        RiskCategory::Unscreened => "lexicon_unscreened",
    }
}

/// Pushes the signals of the age rules: age wording against the tagged ages, category slug
/// against its expected ages, and an inverted range.
fn push_age_signals(
    config: &ScreeningConfig,
    input: &ListingInput<'_>,
    fields: &[Field<'_>],
    signals: &mut Vec<Signal>,
) {
    let (min, max) = (input.age_min_months, input.age_max_months);
    let tagged = format!("tagged {min}-{max} months");
    for field in fields {
        for finding in &field.ages {
            let text = field.snippet(finding.span.clone());
            let signal = match finding.mention {
                AgeMention::AdultOnly if min < config.adult_age_months => Some((
                    "adult_text_child_age",
                    0.9,
                    format!("\"{text}\" on a listing {tagged}"),
                )),
                AgeMention::AdultOnly => Some((
                    "adult_only_listing",
                    0.45,
                    format!("\"{text}\": an adults-only product"),
                )),
                AgeMention::NotUnder(months) if min < months && months <= 36 => Some((
                    "small_parts_under_36_months",
                    0.9,
                    format!("warning \"{text}\" on a listing {tagged}"),
                )),
                AgeMention::NotUnder(months) if min < months => Some((
                    "warning_age_above_tagged_age",
                    0.6,
                    format!("warning \"{text}\" on a listing {tagged}"),
                )),
                AgeMention::MinimumAge(months) if months >= 36 && min < 36 => Some((
                    "text_age_above_tagged_age",
                    0.6,
                    format!("\"{text}\" on a listing {tagged}"),
                )),
                AgeMention::MinimumAge(months) if months >= 168 && min < 144 => Some((
                    "text_age_above_tagged_age",
                    0.5,
                    format!("\"{text}\" on a listing {tagged}"),
                )),
                AgeMention::NotUnder(_) | AgeMention::MinimumAge(_) => None,
            };
            if let Some((code, score, evidence)) = signal {
                signals.push(Signal {
                    code,
                    category: RiskCategory::AgeSafety,
                    concept: code,
                    score,
                    evidence,
                });
            }
        }
    }
    for rule in broken_category_rules(input.category_slug, min, max) {
        signals.push(Signal {
            code: "category_age_mismatch",
            category: RiskCategory::AgeSafety,
            concept: rule.description,
            score: rule.score,
            evidence: format!(
                "category \"{}\": {} ({tagged})",
                snippet(input.category_slug),
                rule.description
            ),
        });
    }
    if min > max {
        signals.push(Signal {
            code: "age_range_inverted",
            category: RiskCategory::AgeSafety,
            concept: "age_range_inverted",
            score: 0.5,
            evidence: format!("youngest age {min} months is above oldest age {max} months"),
        });
    }
}

/// Pushes the small-parts signals of numbers on a listing for children under 36 months: a set
/// of many pieces (softened by a large-parts cue) and a part a few millimetres in size.
fn push_small_part_signals(
    context: &Context<'_>,
    slug: &str,
    fields: &[Field<'_>],
    signals: &mut Vec<Signal>,
) {
    if context.youngest.months >= SMALL_PARTS_BELOW_MONTHS {
        return;
    }
    let parts_set = slug_is_parts_set(slug)
        || fields.iter().any(|field| {
            field
                .matches
                .iter()
                .any(|m| matches!(CONCEPTS[m.concept].role, Role::PartsSet))
        });
    let large_parts = context.safe.contains(&RiskCategory::AgeSafety);
    for field in fields {
        for finding in &field.parts {
            let (concept, score) = match finding.evidence {
                PartEvidence::PieceCount {
                    count,
                    generic_unit,
                } if count >= MANY_PIECES && (parts_set || !generic_unit) => {
                    let factor = if large_parts {
                        context.config.safe_context_factor
                    } else {
                        1.0
                    };
                    ("many_pieces", MANY_PIECES_SCORE * factor)
                }
                PartEvidence::PartSizeMm(mm) if mm <= TINY_PART_MAX_MM => {
                    ("tiny_part_size", TINY_PART_SCORE)
                }
                PartEvidence::PieceCount { .. } | PartEvidence::PartSizeMm(_) => continue,
            };
            signals.push(Signal {
                code: "small_parts_under_36_months",
                category: RiskCategory::AgeSafety,
                concept,
                score,
                evidence: format!(
                    "\"{}\" {}",
                    field.snippet(finding.span.clone()),
                    context.youngest.describe()
                ),
            });
        }
    }
}

/// Pushes the signals of adult-audience wording: sexualised cues next to it reject any listing,
/// and on its own it holds a listing tagged for minors.
fn push_audience_signals(
    config: &ScreeningConfig,
    input: &ListingInput<'_>,
    fields: &[Field<'_>],
    signals: &mut Vec<Signal>,
) {
    let mut adult: Option<String> = None;
    let mut strong_cues: Vec<String> = Vec::new();
    let mut weak_cues: BTreeMap<&'static str, String> = BTreeMap::new();
    for field in fields {
        for m in &field.matches {
            match CONCEPTS[m.concept].role {
                Role::AdultAudience if adult.is_none() && !field.shares_audience(m) => {
                    adult = Some(field.snippet(field.span_of(m)));
                }
                Role::SexualisedCue { strong: true } => {
                    strong_cues.push(field.snippet(field.span_of(m)));
                }
                Role::SexualisedCue { strong: false } => {
                    weak_cues
                        .entry(CONCEPTS[m.concept].id)
                        .or_insert_with(|| field.snippet(field.span_of(m)));
                }
                Role::Risk { .. }
                | Role::Hazard { .. }
                | Role::SafeCue(_)
                | Role::DangerCue(_)
                | Role::Negation { .. }
                | Role::AdultOnly
                | Role::ChildWarning
                | Role::Supervision
                | Role::AdultAudience
                | Role::SharedAudience
                | Role::PartsSet => {}
            }
        }
    }
    let Some(adult) = adult else {
        return;
    };
    let (min, max) = (input.age_min_months, input.age_max_months);
    if !strong_cues.is_empty() || weak_cues.len() >= 2 {
        let mut cues: Vec<&str> = strong_cues.iter().map(String::as_str).collect();
        cues.extend(weak_cues.values().map(String::as_str));
        cues.dedup();
        cues.truncate(MAX_EVIDENCE);
        signals.push(Signal {
            code: "adult_sexualised_listing",
            category: RiskCategory::Sexual,
            concept: "adult_sexualised_listing",
            score: ADULT_SEXUALISED_SCORE,
            evidence: format!("\"{adult}\" with \"{}\"", cues.join("\", \"")),
        });
    }
    if min < config.adult_age_months {
        signals.push(Signal {
            code: "adult_audience_child_age",
            category: RiskCategory::AgeSafety,
            concept: "adult_audience_child_age",
            score: ADULT_AUDIENCE_SCORE,
            evidence: format!("\"{adult}\" on a listing tagged {min}-{max} months"),
        });
    }
}

/// Groups signals into reasons and decides.
fn verdict_from(config: &ScreeningConfig, signals: Vec<Signal>) -> Verdict {
    // code -> concept -> strongest signal of that concept.
    let mut by_code: BTreeMap<&'static str, BTreeMap<&'static str, Signal>> = BTreeMap::new();
    for signal in signals {
        let concepts = by_code.entry(signal.code).or_default();
        match concepts.get_mut(signal.concept) {
            Some(existing) if existing.score >= signal.score => {}
            Some(existing) => *existing = signal,
            None => {
                concepts.insert(signal.concept, signal);
            }
        }
    }

    let mut reasons: Vec<Reason> = Vec::with_capacity(by_code.len());
    for (code, concepts) in by_code {
        let mut ranked: Vec<Signal> = concepts.into_values().collect();
        ranked.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.concept.cmp(b.concept))
        });
        let Some(top) = ranked.first() else {
            continue;
        };
        let corroborating = ranked
            .iter()
            .skip(1)
            .filter(|s| s.score >= CORROBORATION_FLOOR)
            .count();
        let mut score = top.score;
        if top.score >= config.review_threshold {
            score += config.corroboration_step * corroborating.min(MAX_CORROBORATION) as f32;
        }
        let mut evidence: Vec<&str> = Vec::new();
        for signal in &ranked {
            if evidence.len() == MAX_EVIDENCE {
                break;
            }
            if !evidence.contains(&signal.evidence.as_str()) {
                evidence.push(&signal.evidence);
            }
        }
        reasons.push(Reason {
            code: code.to_owned(),
            category: top.category,
            score: round_score(score.clamp(0.0, 1.0)),
            evidence: evidence.join("; "),
        });
    }
    reasons.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.code.cmp(&b.code))
    });
    // Signals too weak to matter on their own are not reasons.
    reasons.retain(|r| r.score >= MIN_REASON_SCORE);

    let top = reasons.first().map_or(0.0, |r| r.score);
    let decision = if top >= config.reject_threshold {
        Decision::Reject
    } else if top >= config.review_threshold {
        Decision::Review
    } else {
        Decision::Approve
    };
    Verdict { decision, reasons }
}

/// Score of a set of at least [`MANY_PIECES`] pieces for children under 36 months: a review on
/// its own, a rejection with other small-parts evidence.
const MANY_PIECES_SCORE: f32 = 0.7;
/// Score of a part of at most [`TINY_PART_MAX_MM`] for children under 36 months.
const TINY_PART_SCORE: f32 = 0.7;
/// Score of adult-audience wording with sexualised cues, on any listing.
const ADULT_SEXUALISED_SCORE: f32 = 0.9;
/// Score of adult-audience wording on a listing tagged for minors: weaker than adults-only
/// wording (`adult_text_child_age`), so it holds rather than rejects.
const ADULT_AUDIENCE_SCORE: f32 = 0.65;
/// A further concept counts as corroboration from this score.
const CORROBORATION_FLOOR: f32 = 0.3;
/// At most this many further concepts add to a reason's score.
const MAX_CORROBORATION: usize = 3;
/// At most this many snippets of evidence per reason.
const MAX_EVIDENCE: usize = 3;
/// Reasons below this score are left out of the verdict.
const MIN_REASON_SCORE: f32 = 0.2;
/// Longest evidence snippet, in characters.
const MAX_SNIPPET_CHARS: usize = 80;

fn round_score(score: f32) -> f32 {
    (score * 1000.0).round() / 1000.0
}

/// Returns the text trimmed and cut to [`MAX_SNIPPET_CHARS`] characters.
fn snippet(text: &str) -> String {
    let trimmed = text.trim();
    let mut out: String = trimmed.chars().take(MAX_SNIPPET_CHARS).collect();
    if trimmed.chars().nth(MAX_SNIPPET_CHARS).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing<'a>(texts: &[&'a str], slug: &'a str, min: u16, max: u16) -> ListingInput<'a> {
        ListingInput {
            texts: texts.to_vec(),
            category_slug: slug,
            age_min_months: min,
            age_max_months: max,
            classifiers: Vec::new(),
        }
    }

    fn decide(texts: &[&str], slug: &str, min: u16, max: u16) -> Decision {
        screen_listing(&listing(texts, slug, min, max)).decision
    }

    #[test]
    fn empty_listing_is_approved() {
        let verdict = screen_listing(&listing(&[], "", 0, 216));
        assert_eq!(verdict.decision, Decision::Approve);
        assert!(verdict.reasons.is_empty());
    }

    #[test]
    fn strong_terms_reject_with_evidence() {
        let verdict = screen_listing(&listing(&["Одноразовый вейп 5000 затяжек"], "misc", 0, 216));
        assert_eq!(verdict.decision, Decision::Reject);
        assert_eq!(verdict.reasons[0].code, "lexicon_tobacco");
        assert!(verdict.reasons[0].evidence.contains("вейп"));
    }

    #[test]
    fn toy_context_softens_ambiguous_weapons() {
        assert_eq!(
            decide(
                &["Plastik pichoq va vilka, o'yinchoq oshxona to'plami"],
                "toys",
                36,
                96
            ),
            Decision::Approve
        );
        assert_eq!(
            decide(&["Нож с клинком из дамасской стали"], "gifts", 0, 216),
            Decision::Reject
        );
    }

    #[test]
    fn harmless_phrases_win() {
        assert_eq!(
            decide(
                &["Платье винного цвета для девочки"],
                "girls-dresses",
                60,
                120
            ),
            Decision::Approve
        );
        assert_eq!(
            decide(&["Water gun, 2 pack"], "outdoor-toys", 36, 120),
            Decision::Approve
        );
    }

    #[test]
    fn negated_ingredients_are_dropped() {
        assert_eq!(
            decide(&["Влажные салфетки без спирта, 120 шт"], "baby-care", 0, 36),
            Decision::Approve
        );
        assert_eq!(
            decide(&["Konstruktor, mayda detallari yo'q"], "toys", 12, 48),
            Decision::Approve
        );
    }

    #[test]
    fn hazards_depend_on_tagged_age() {
        let balloons = ["Havo sharlari to'plami, 50 dona"];
        assert_eq!(decide(&balloons, "party", 18, 120), Decision::Reject);
        assert_eq!(decide(&balloons, "party", 60, 120), Decision::Approve);
        let verdict = screen_listing(&listing(&balloons, "party", 18, 120));
        assert_eq!(verdict.reasons[0].code, "balloons_under_36_months");
    }

    #[test]
    fn adult_wording_on_child_ages_rejects() {
        let verdict = screen_listing(&listing(&["Настольная игра 18+"], "board-games", 96, 216));
        assert_eq!(verdict.decision, Decision::Reject);
        assert_eq!(verdict.reasons[0].code, "adult_text_child_age");
        assert_eq!(
            decide(&["Настольная игра 18+"], "board-games", 216, 216),
            Decision::Review
        );
    }

    #[test]
    fn reasons_are_unique_and_sorted() {
        let verdict = screen_listing(&listing(
            &["Вейп и кальян", "Vape and hookah", "Бутылка вина в подарок"],
            "misc",
            0,
            216,
        ));
        let codes: Vec<&str> = verdict.reasons.iter().map(|r| r.code.as_str()).collect();
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(codes.len(), unique.len());
        assert!(verdict.reasons.windows(2).all(|w| w[0].score >= w[1].score));
    }

    #[test]
    fn config_thresholds_apply() {
        let strict = ScreeningConfig {
            reject_threshold: 0.5,
            ..ScreeningConfig::default()
        };
        let input = listing(&["Toy pistol with soft bullets"], "outdoor", 60, 144);
        assert_eq!(screen_listing(&input).decision, Decision::Approve);
        let verdict = screen_listing_with(&strict, &listing(&["Pistol"], "misc", 0, 216));
        assert_eq!(verdict.decision, Decision::Reject);
    }

    #[test]
    fn specific_phrases_beat_softening_cues() {
        assert_eq!(
            decide(&["Жевательный табак, 50 г"], "misc", 0, 216),
            Decision::Reject
        );
        assert_eq!(
            decide(
                &["Car charger for the cigarette lighter socket"],
                "auto",
                0,
                216
            ),
            Decision::Approve
        );
        assert_eq!(
            decide(&["Petardalar to'plami, 20 dona"], "bayram", 60, 216),
            Decision::Review
        );
    }

    #[test]
    fn category_and_range_rules() {
        assert_eq!(decide(&["Kitob"], "books-0-3", 144, 216), Decision::Review);
        assert_eq!(decide(&["Kitob"], "books", 60, 36), Decision::Review);
    }
}
