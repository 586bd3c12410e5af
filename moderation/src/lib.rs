//! Kids-safety policy for bolajon: who is looking ([`Audience`]), what a listing's moderation
//! state is ([`ModerationStatus`]), the screening of listings into a [`Verdict`], and the
//! screening of a young audience's search queries ([`screen_query`]).
//!
//! Everything here is a pure function of its inputs. This crate may depend on `models` only;
//! it never touches a database, HTTP or an index.
#![warn(missing_docs)]

mod age_rules;
mod audience;
mod classifier;
mod config;
mod lexicon;
mod listing;
mod normalize;
mod query;
mod small_parts;
mod toxicity;

pub use audience::{AgeBand, Audience, MAX_AGE_MONTHS};
pub use classifier::{ClassifierKind, ClassifierSignal, MODEL_UNAVAILABLE};
pub use config::ScreeningConfig;
pub use listing::{ListingInput, rejected_before_models, screen_listing, screen_listing_with};
pub use normalize::normalize_for_screening;
pub use query::{QueryVerdict, screen_query, screen_query_with};
pub use toxicity::{
    CALIBRATION_FORMAT, CalibrationFile, FormCalibration, FormRecord, TextForm, ToxicityCalibration,
};

use serde::{Deserialize, Serialize};

/// Errors raised by the policy (user errors, not internal failures).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// An age outside `0..=MAX_AGE_MONTHS`.
    #[error("age {0} months is out of range (0..={MAX_AGE_MONTHS})")]
    AgeOutOfRange(i64),
}

/// Result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The moderation state of a listing as stored. Only `Approved` listings are ever shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModerationStatus {
    /// Not yet decided (new, edited, or held for a human).
    Pending,
    /// Visible to audiences whose age the listing's range includes.
    Approved,
    /// Never visible.
    Rejected,
}

impl ModerationStatus {
    /// Returns the stable snake_case name used in storage and APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    /// Parses the stable name produced by [`ModerationStatus::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "pending" => Some(Self::Pending),
            "approved" => Some(Self::Approved),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

/// What the automatic screening decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Clearly fine: publish.
    Approve,
    /// Doubtful: hold for a moderator.
    Review,
    /// Clearly unsafe: never publish.
    Reject,
}

impl Decision {
    /// Returns the storage status a new listing gets from this decision.
    pub fn status(self) -> ModerationStatus {
        match self {
            Self::Approve => ModerationStatus::Approved,
            Self::Review => ModerationStatus::Pending,
            Self::Reject => ModerationStatus::Rejected,
        }
    }
}

/// The kind of risk a signal points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskCategory {
    /// Sexual or adult content.
    Sexual,
    /// Drugs.
    Drugs,
    /// Alcohol.
    Alcohol,
    /// Tobacco, vapes and e-cigarettes.
    Tobacco,
    /// Weapons and realistic replicas.
    Weapons,
    /// Gambling.
    Gambling,
    /// Violence and gore.
    Violence,
    /// Self-harm.
    SelfHarm,
    /// Profanity and insults.
    Profanity,
    /// A product unsafe for the ages it is tagged for (small parts, magnets, batteries...).
    AgeSafety,
    /// Not screened automatically: a classifier could not score the item, so a human must.
    Unscreened,
}

impl RiskCategory {
    /// Returns the stable snake_case name (as serialised).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sexual => "sexual",
            Self::Drugs => "drugs",
            Self::Alcohol => "alcohol",
            Self::Tobacco => "tobacco",
            Self::Weapons => "weapons",
            Self::Gambling => "gambling",
            Self::Violence => "violence",
            Self::SelfHarm => "self_harm",
            Self::Profanity => "profanity",
            Self::AgeSafety => "age_safety",
            Self::Unscreened => "unscreened",
        }
    }
}

/// One reason behind a verdict: which rule fired, how strongly, and on what text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// Stable snake_case code of the rule, e.g. `lexicon_weapons` or `small_parts_under_36_months`.
    pub code: String,
    /// The risk the rule points at.
    pub category: RiskCategory,
    /// Strength of the signal in `0.0..=1.0`.
    pub score: f32,
    /// The matched text (or a short description of what triggered the rule), for a moderator.
    pub evidence: String,
}

/// The outcome of screening: a decision with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// What to do with the item.
    pub decision: Decision,
    /// Why; empty when nothing fired.
    pub reasons: Vec<Reason>,
}
